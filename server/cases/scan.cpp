// The cases slice's scan (core/scheduler.hpp): escalation rules and the search index.
#include <algorithm>
#include <map>
#include <set>

#include <soci/soci.h>

#include "protocol/frames.hpp"
#include "server/base/log.hpp"
#include "server/base/time.hpp"
#include "server/cases/escalation.hpp"
#include "server/cases/install.hpp"
#include "server/cases/search_terms.hpp"
#include "server/cases/workflow.hpp"
#include "server/cases/workflow_repo.hpp"
#include "server/core/services.hpp"
#include "server/store/access_repo.hpp"
#include "server/store/event_repo.hpp"

namespace mediation::app {

using nlohmann::json;

namespace {

constexpr int scan_batch = 200;

escalation::case_facts facts_of(const store::case_state& s) {
  escalation::case_facts f;
  f.open = s.open();
  f.due = s.due_at;
  f.overdue_handled_due = s.overdue_handled_due;
  f.evaluation = s.evaluation;
  f.evaluated_at = s.evaluated_at;
  f.review_until = s.review_until;
  f.evaluation_handled = s.evaluation_handled;
  f.repeat_of_known = s.repeat_of.has_value();
  f.repeat_handled = s.repeat_handled;
  return f;
}

std::string describe_overdue(const store::case_state& s) {
  return "deadline " + format_rfc3339(*s.due_at) + " of the " + s.clock.value_or("handling") + " clock passed";
}


// A repeat petition found for `repeat` that its handling organisations may not see: a notice
// {"type": "notice", "case", "kind": "repeat_detected", "data": {"earlier": {"id"}}} to the
// supervising petition officers and leaders who may see both cases, and nobody else.
void notify_repeat(services& svc, const store::case_access& repeat, const store::case_access& earlier) {
  nlohmann::json j{{"type", "notice"},
                   {"case", protocol::id_to_wire(repeat.case_id)},
                   {"thread", protocol::id_to_wire(repeat.thread_id)},
                   {"kind", "repeat_detected"},
                   {"at", format_rfc3339(now_millis())},
                   {"data", {{"earlier", {{"id", protocol::id_to_wire(earlier.case_id)}}}}}};
  auto frame = std::make_shared<const std::string>(protocol::dump(j));
  svc.people.notify_if(
      [&](const viewer& v) {
        return is_supervisor_role(v.role) &&
               std::find(repeat.supervisors.begin(), repeat.supervisors.end(), v.org_id) != repeat.supervisors.end() &&
               can_see(v, repeat) && can_see(v, earlier);
      },
      repeat.thread_id, frame);
}

// One rule for one case, decided again inside the transaction.
void fire(services& svc, long long case_id, std::string_view rule_view, long long supervision_id) {
  const std::string rule(rule_view);
  auto access_after = std::make_shared<std::optional<store::case_access>>();
  // A repeat the handling organisations may not know of: the new case's and the earlier case's facts.
  auto repeat_told = std::make_shared<std::optional<std::pair<store::case_access, store::case_access>>>();
  auto apply = [&svc, case_id, rule, supervision_id, access_after, repeat_told](store::write_context& ctx) {
    // Applied again when the database undoes the batch: nothing of an undone attempt may remain.
    access_after->reset();
    repeat_told->reset();
    auto s = store::load_state(ctx.sql, case_id);
    auto access = store::access_by_case(ctx.sql, case_id);
    if (!s || !access || s->kind != "case") return;
    const auto& cfg = svc.workflow;
    auto f = facts_of(*s);
    std::string detail;
    if (rule == escalation::overdue) {
      if (!escalation::overdue_fires(f, ctx.now)) return;
      detail = describe_overdue(*s);
      s->overdue_handled_due = s->due_at;  // acted on, whether or not a level above exists
    } else if (rule == escalation::unsatisfied) {
      if (!escalation::unsatisfied_fires(f)) {
        if (!s->evaluation_handled && s->evaluation == "unsatisfied") {
          s->evaluation_handled = true;  // outside the review window: nothing to escalate
          store::save_state(ctx, *s);
        }
        return;
      }
      detail = "the petitioner was unsatisfied with the result (" + s->outcome.value_or("") + ")";
      s->evaluation_handled = true;
    } else if (rule == escalation::repeat) {
      if (!escalation::repeat_fires(f)) return;
      s->repeat_handled = true;
      // Escalating writes into the new case's thread, which would tell its organisations that this
      // person has a case elsewhere. Only when every case worker of them may see the earlier case
      // anyway does the rule escalate; otherwise the supervising offices, who see both, are told
      // (a notice and an audit row; case.get names the earlier case to them) and nothing moves.
      auto earlier = store::access_by_case(ctx.sql, *s->repeat_of);
      auto sees_earlier = [&](long long org) {
        return earlier && can_see(viewer{0, org, std::string(roles::mediator)}, *earlier);
      };
      if (!sees_earlier(access->owner_org) || !sees_earlier(access->handling_org)) {
        store::save_state(ctx, *s);
        // Recorded for the supervising offices, not on the case (whose audit its own office reads):
        // the system account belongs to the top organisation, so the row shows in its audit only.
        auto earlier_state = store::load_state(ctx.sql, *s->repeat_of);
        store::audit(ctx, store::system_user(ctx, s->org), "case.repeat_detected", std::nullopt,
                     "case " + s->number + " (id " + std::to_string(case_id) + ") repeats case " +
                         (earlier_state ? earlier_state->number : std::string()) + " (id " +
                         std::to_string(*s->repeat_of) + "); its organisations may not see that one");
        if (earlier) *repeat_told = std::make_pair(*access, *earlier);
        return;
      }
      // The thread's readers may all see the earlier case; still, it is named in case.get only.
      detail = "the petitioner petitioned again on the same matter within the repeat window";
    } else {
      auto sup = store::find_supervision(ctx.sql, supervision_id);
      if (!sup || sup->answered_at || sup->escalated_at || sup->due_at >= ctx.now) return;
      store::mark_supervision_escalated(ctx, supervision_id);
      detail = "the " + sup->kind + " issued " + format_rfc3339(sup->issued_at) + " was not answered by " +
               format_rfc3339(sup->due_at);
      if (!s->open()) return;
    }
    const long long system = store::system_user(ctx, s->org);
    store::author by{system, "系统"};
    if (!workflow::escalate(ctx, *s, access->thread_id, rule, detail, by, cfg)) {
      // No level above: the rule is recorded as handled, and the thread says why nothing moved.
      store::save_state(ctx, *s);
      json data{{"rule", rule}, {"detail", detail}, {"fired_at", format_rfc3339(ctx.now)},
                {"reason", "no level above the handling organisation"}};
      store::append_event(ctx, access->thread_id, "escalation_blocked", by, protocol::dump(data));
      store::audit(ctx, system, "case.escalate", case_id, rule + ": no level above");
    }
    *access_after = store::access_by_case(ctx.sql, case_id);
  };
  auto done = [&svc, access_after, repeat_told, case_id, rule](std::exception_ptr error,
                                                                const std::vector<store::stored_event>& events) {
    if (error) {
      try {
        std::rethrow_exception(error);
      } catch (const std::exception& e) {
        log::warn("scheduled escalation failed; retried at the next scan",
                  {{"case", std::to_string(case_id)}, {"rule", rule}, {"error", e.what()}});
      }
      return;
    }
    if (*access_after && !events.empty()) {
      log::info("escalation rule fired", {{"case", std::to_string(case_id)}, {"rule", rule}});
      notify_case(svc, **access_after, events);
    }
    if (*repeat_told) notify_repeat(svc, (*repeat_told)->first, (*repeat_told)->second);
  };
  svc.writer.submit(apply, done);
}


// Indexes the terms of messages (and case events with text) stored since the last scan. The events
// are read inside the writer's transaction, which runs alone (it has no hints): every event with a
// lower id than the newest one read has then committed, so the progress mark never passes an event
// that another writer connection had yet to commit.
void index_messages(services& svc, soci::session& sql) {
  if (store::events_to_index(sql, store::search_progress(sql), 1).empty()) return;  // nothing new
  // Refused only when the writer's queue is full; the next scan tries again.
  (void)svc.writer.submit(
      [](store::write_context& ctx) {
        auto events = store::events_to_index(ctx.sql, store::search_progress(ctx.sql), 2000);
        if (events.empty()) return;
        std::map<long long, std::set<std::string>> terms;
        for (const auto& e : events) {
          if (e.kind != "message") continue;
          auto data = json::parse(e.data, nullptr, false);
          if (!data.is_object() || !data.contains("body") || !data["body"].is_string()) continue;
          auto t = index_terms(data["body"].get<std::string>());
          terms[e.case_id].insert(t.begin(), t.end());
        }
        for (const auto& [case_id, t] : terms) store::index_terms(ctx, case_id, t);
        store::set_search_progress(ctx, events.back().id);
      },
      [](std::exception_ptr error, const std::vector<store::stored_event>&) {
        if (error) log::warn("search indexing failed; retried at the next scan", {});
      });
}

}  // namespace

void scan_cases(services& svc, soci::session& sql, millis now) {
  for (long long id : store::overdue_case_candidates(sql, now, scan_batch)) fire(svc, id, escalation::overdue, 0);
  for (long long id : store::unsatisfied_case_candidates(sql, scan_batch)) fire(svc, id, escalation::unsatisfied, 0);
  for (long long id : store::repeat_case_candidates(sql, scan_batch)) fire(svc, id, escalation::repeat, 0);
  for (long long sid : store::overdue_supervision_candidates(sql, now, scan_batch)) {
    if (auto sup = store::find_supervision(sql, sid)) fire(svc, sup->case_id, escalation::supervision_overdue, sid);
  }
  index_messages(svc, sql);
  svc.counters.overdue_cases.store(store::count_overdue_cases(sql, now), std::memory_order_relaxed);
}

}  // namespace mediation::app
