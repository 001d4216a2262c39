#include "server/cases/workflow.hpp"

#include <soci/soci.h>

#include "protocol/frames.hpp"
#include "server/cases/escalation.hpp"
#include "server/core/masking.hpp"
#include "server/cases/case_repo.hpp"
#include "server/store/identity_repo.hpp"

namespace mediation::app::workflow {

using nlohmann::json;
using protocol::id_to_wire;

namespace {

std::vector<deadlines::pause> clock_pauses(soci::session& sql, const store::case_state& s) {
  std::vector<deadlines::pause> out;
  for (const auto& p : store::pauses(sql, s.id))
    if (!p.end || *p.end >= s.clock_start.value_or(0)) out.push_back({p.start, p.end});
  return out;
}

json opt_time(const std::optional<long long>& t) { return t ? json(format_rfc3339(*t)) : json(nullptr); }

}  // namespace

json org_ref(soci::session& sql, long long org) {
  auto o = store::find_org(sql, org);
  if (!o) return nullptr;
  return {{"id", id_to_wire(o->id)}, {"name", o->name}, {"name_en", o->name_en}, {"level", o->level}};
}

void start_clock(soci::session& sql, store::case_state& s, std::string_view clock, millis start,
                 const deadlines::workflow_config& cfg) {
  auto org = store::find_org(sql, s.handling_org);
  auto p = cfg.policies.find(clock, s.category, org ? org->kind : "", s.handling_org);
  s.clock = std::string(clock);
  s.clock_start = start;
  s.clock_days = p ? p->days : 0;
  s.clock_working = p && p->working_days;
  s.extended_days = 0;
  s.paused_at.reset();
  recompute_due(sql, s, cfg);
}

void recompute_due(soci::session& sql, store::case_state& s, const deadlines::workflow_config& cfg) {
  if (!s.clock || !s.clock_start) {
    s.due_at.reset();
    return;
  }
  deadlines::clock_spec spec{*s.clock_start, s.clock_days.value_or(0) + s.extended_days, s.clock_working};
  auto due = deadlines::due(spec, clock_pauses(sql, s), cfg.cal);
  s.due_at = due;
}

void stop_clock(store::case_state& s) {
  s.clock.reset();
  s.clock_start.reset();
  s.clock_days.reset();
  s.clock_working = false;
  s.extended_days = 0;
  s.paused_at.reset();
  s.due_at.reset();
}

bool escalate(store::write_context& ctx, store::case_state& s, long long thread, std::string_view rule,
              const std::string& detail, const store::author& by, const deadlines::workflow_config& cfg,
              const std::string& remote) {
  auto from = store::find_org(ctx.sql, s.handling_org);
  if (!from || !from->parent) return false;
  auto to = store::find_org(ctx.sql, *from->parent);
  if (!to) return false;
  const std::optional<long long> old_due = s.due_at;
  const bool was_closed = !s.open();
  store::insert_handler(ctx, s.id, to->id, from->id, "escalation", detail, by.id);
  store::insert_escalation(ctx, s.id, std::string(rule), from->id, to->id, detail, by.id);
  s.handling_org = to->id;
  s.level = to->level;
  s.escalations += 1;
  if (rule == escalation::unsatisfied) s.stage = escalation::next_stage(s.stage);
  if (was_closed) {
    s.closed_at.reset();
    s.outcome.reset();
    s.closure_note.reset();
    s.closed_on_time.reset();
    s.closed_level.reset();
  }
  s.status = "in_progress";
  if (!s.accepted_at) s.accepted_at = ctx.now;
  start_clock(ctx.sql, s, escalation::stage_clock(s.stage), ctx.now, cfg);
  s.overdue_handled_due = s.due_at;  // the fresh deadline is not yet overdue
  store::save_state(ctx, s);
  json data{{"rule", rule},
            {"detail", detail},
            {"fired_at", format_rfc3339(ctx.now)},
            {"from_org", org_ref(ctx.sql, from->id)},
            {"to_org", org_ref(ctx.sql, to->id)},
            {"from_level", from->level},
            {"to_level", to->level},
            {"stage", s.stage},
            {"reopened", was_closed},
            {"previous_due", opt_time(old_due)},
            {"due", opt_time(s.due_at)}};
  store::append_event(ctx, thread, "escalated", by, protocol::dump(data));
  store::audit(ctx, by.id, "case.escalate", s.id, std::string(rule) + ": org " + std::to_string(from->id) + " -> " +
                                                       std::to_string(to->id), remote);
  return true;
}

void close_case(store::write_context& ctx, store::case_state& s, long long thread, const std::string& outcome,
                const std::string& note, const store::author& by, const deadlines::workflow_config& cfg,
                const json& extra, const std::string& remote) {
  const bool on_time = !s.due_at || ctx.now <= *s.due_at;
  s.closed_at = ctx.now;
  s.outcome = outcome;
  s.closure_note = note;
  s.closed_on_time = on_time ? 1 : 0;
  s.closed_level = s.level;
  s.status = "closed";
  const std::string_view window = s.stage == "first" ? "review_request" : "recheck_request";
  auto org = store::find_org(ctx.sql, s.handling_org);
  auto p = cfg.policies.find(window, s.category, org ? org->kind : "", s.handling_org);
  deadlines::clock_spec spec{ctx.now, p ? p->days : 30, p && p->working_days};
  s.review_until = deadlines::due(spec, {}, cfg.cal);
  // A new stage may be evaluated afresh.
  s.evaluation.reset();
  s.evaluation_comment.reset();
  s.evaluated_at.reset();
  s.evaluation_handled = false;
  stop_clock(s);
  store::save_state(ctx, s);
  json data{{"outcome", outcome}, {"note", note}, {"on_time", on_time}, {"level", s.level},
            {"review_until", opt_time(s.review_until)}};
  for (auto it = extra.begin(); it != extra.end(); ++it) data[it.key()] = it.value();
  store::append_event(ctx, thread, "closed", by, protocol::dump(data));
  store::audit(ctx, by.id, "case.close", s.id, outcome, remote);
}

void evaluate(store::write_context& ctx, store::case_state& s, long long thread, const std::string& value,
              const std::string& comment, const store::author& by, const std::string& via, const std::string& remote) {
  if (s.open()) throw protocol::error(protocol::errc::conflict, "the case is not closed yet");
  if (s.evaluation) throw protocol::error(protocol::errc::conflict, "the case has already been evaluated");
  s.evaluation = value;
  s.evaluation_comment = comment;
  s.evaluated_at = ctx.now;
  s.evaluation_handled = value != "unsatisfied";
  store::save_state(ctx, s);
  const bool in_window = !s.review_until || ctx.now <= *s.review_until;
  json data{{"evaluation", value}, {"comment", comment}, {"via", via},
            {"review", value == "unsatisfied" && in_window}};
  store::append_event(ctx, thread, "evaluated", by, protocol::dump(data));
  store::audit(ctx, by.id, "case.evaluate", s.id, value + " via " + via, remote);
}

bool discloses_personal_data(const json& kase) {
  return kase.is_object() && kase.value("personal_data", "") == "full" && kase.contains("parties") &&
         personal_data::names_numbers(kase["parties"]);
}

json case_json(soci::session& sql, const personal_data& pd, long long case_id, const viewer* v, millis now,
               const store::case_access* access, bool list_view) {
  auto view = store::find_case(sql, case_id);
  auto st = store::load_state(sql, case_id);
  if (!view || !st) return nullptr;
  std::optional<store::case_access> loaded;
  if (v && !access) {
    loaded = store::access_by_case(sql, case_id);
    if (loaded) access = &*loaded;
  }
  if (v && access && on_party_side(*v, *access)) {
    // Someone on a party's side: what the case is and where to talk with the staff, nothing of
    // the file, the workflow or the other party's personal data.
    return {{"id", id_to_wire(view->id)},
            {"number", view->number},
            {"title", view->title},
            {"category", view->category},
            {"status", view->status},
            {"org", view->org},
            {"thread", nullptr},
            {"parties_thread", view->parties_thread ? json(id_to_wire(view->parties_thread)) : json(nullptr)},
            {"created_at", view->created_at},
            {"view", "party"},
            {"personal_data", "masked"}};
  }
  for (auto& p : view->parties) {
    p.phone = pd.open(p.phone);
    p.id_number = pd.open(p.id_number);
  }
  bool unmasked = !list_view;
  if (v && unmasked) unmasked = access && sees_personal_data(*v, *access);
  if (!unmasked)
    for (auto& p : view->parties) {
      p.phone = mask_phone(p.phone);
      p.id_number = mask_id_number(p.id_number);
      p.address = mask_address(p.address);
    }
  json leaders = json::array();
  for (const auto& l : store::leaders(sql, case_id)) leaders.push_back(l);
  json clock = nullptr;
  if (st->clock)
    clock = {{"name", *st->clock},
             {"started_at", opt_time(st->clock_start)},
             {"days", st->clock_days.value_or(0)},
             {"working_days", st->clock_working},
             {"extended_days", st->extended_days},
             {"paused_since", opt_time(st->paused_at)},
             {"due", opt_time(st->due_at)}};
  json evaluation = nullptr;
  if (st->evaluation)
    evaluation = {{"value", *st->evaluation},
                  {"comment", st->evaluation_comment.value_or("")},
                  {"at", opt_time(st->evaluated_at)}};
  auto ref = [](const std::optional<long long>& id) { return id ? json(id_to_wire(*id)) : json(nullptr); };
  // An earlier case of the same petitioner is named only to who may see that case: otherwise the
  // repeat detection would tell any case worker where else this person has petitioned.
  std::optional<long long> repeat_of = st->repeat_of;
  if (repeat_of && v) {
    auto earlier = store::access_by_case(sql, *repeat_of);
    if (!earlier || !can_see(*v, *earlier)) repeat_of.reset();
  }
  view->workflow = {{"kind", st->kind},
                    {"location", st->location},
                    {"urgency", st->urgency},
                    {"level", st->level},
                    {"stage", st->stage},
                    {"handling_org", org_ref(sql, st->handling_org)},
                    {"accepted_at", opt_time(st->accepted_at)},
                    {"clock", clock},
                    {"due", opt_time(st->due_at)},
                    {"overdue", st->open() && st->due_at && *st->due_at < now},
                    {"paused", st->paused_at.has_value()},
                    {"closed_at", opt_time(st->closed_at)},
                    {"outcome", st->outcome ? json(*st->outcome) : json(nullptr)},
                    {"closure_note", st->closure_note ? json(*st->closure_note) : json(nullptr)},
                    {"route", st->route ? json(*st->route) : json(nullptr)},
                    {"merged_into", ref(st->merged_into)},
                    {"repeat_of", ref(repeat_of)},
                    {"group", ref(st->group_id)},
                    {"review_until", opt_time(st->review_until)},
                    {"evaluation", evaluation},
                    {"leaders", leaders},
                    {"escalations", st->escalations},
                    {"personal_data", unmasked ? "full" : "masked"}};
  return *view;
}

}  // namespace mediation::app::workflow
