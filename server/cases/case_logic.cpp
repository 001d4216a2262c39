// case.create, case.get, case.list, case.handoff, case.accept, case.decline, case.invite: plain
// functions of (store context, environment, actor, request), run by the adapters of
// core/verb_support.hpp and by tests on SQLite (tests/server/cases/case_logic_test.cpp).
#include <algorithm>

#include <soci/soci.h>

#include "protocol/frames.hpp"
#include "server/cases/escalation.hpp"
#include "server/core/masking.hpp"
#include "server/cases/search_terms.hpp"
#include "server/cases/case_logic.hpp"
#include "server/cases/case_support.hpp"
#include "server/cases/workflow.hpp"
#include "server/cases/case_repo.hpp"
#include "server/store/event_repo.hpp"
#include "server/store/identity_repo.hpp"
#include "server/base/log.hpp"
#include "server/base/time.hpp"

namespace mediation::app::cases {

using protocol::errc;
using protocol::id_to_wire;
using nlohmann::json;

namespace {

json org_ref(const protocol::org_view& o) { return {{"id", id_to_wire(o.id)}, {"name", o.name}}; }

protocol::org_view require_org(soci::session& sql, long long id) {
  auto org = store::find_org(sql, id);
  if (!org) throw protocol::error(errc::not_found, "no such organisation");
  return *org;
}

}  // namespace


verb_outcome create(store::write_context& ctx, const verb_env& env, const actor& who,
                    const protocol::case_create_request& r) {
  const auto& [v, by, remote] = who;
  if (!is_case_worker(v.role)) throw protocol::error(errc::forbidden, "your role may not register cases");
  const long long org = v.org_id;
  const auto& cfg = env.workflow;
  const auto& pd = env.personal;
  // ID and phone numbers are stored sealed (personal_data.hpp).
  protocol::case_create_request sealed = r;
  for (auto& p : sealed.parties) {
    p.phone = pd.seal(p.phone);
    p.id_number = pd.seal(p.id_number);
  }
  auto created = store::insert_case(ctx, org, by.id, sealed);
  auto s = require_state(ctx.sql, created.id);
  for (const auto& p : r.parties) {
    // The petitioner key finds repeat petitions; keyed, so that it reveals nothing without the key.
    if ((p.role == "petitioner" || p.role == "applicant") && !s.petitioner_key)
      if (auto key = petitioner_key(p.name, p.phone, p.id_number)) s.petitioner_key = pd.blind(*key);
    if (p.role == "respondent" && s.respondent.empty()) s.respondent = p.name;
  }
  workflow::start_clock(ctx.sql, s, "acceptance", ctx.now, cfg);
  if (s.petitioner_key) {
    long long since = ctx.now - static_cast<long long>(cfg.repeat_window_days) * 86400000LL;
    s.repeat_of = store::earlier_case_of_petitioner(ctx.sql, *s.petitioner_key, s.category, s.id, since);
  }
  store::save_state(ctx, s);
  store::index_terms(ctx, created.id, index_terms(r.title + "\n" + r.description + "\n" + r.location));
  json data{{"case", {{"id", id_to_wire(created.id)}, {"number", created.number}, {"title", r.title},
                      {"category", r.category}, {"channel", r.channel}, {"urgency", r.urgency},
                      {"location", r.location}}},
            {"due", s.due_at ? json(format_rfc3339(*s.due_at)) : json(nullptr)}};
  // The earlier case is never named in the thread: others join the thread later (a handler, an
  // invited professional) who may not see it. case.get names it to whoever may (repeat_of).
  store::append_event(ctx, created.thread, "created", by, protocol::dump(data));
  store::audit(ctx, by.id, "case.create", created.id, created.number, remote);
  return case_outcome(env, who, created.id);
}

verb_outcome get(soci::session& sql, const verb_env& env, const actor& who, const protocol::case_get_request& r) {
  // People on a party's side get the case's summary (workflow::case_json decides).
  auto access = require_known_case(sql, who.v, r.case_id);
  verb_outcome out;
  json kase = workflow::case_json(sql, env.personal, r.case_id, &who.v, now_millis(), &access);
  if (workflow::discloses_personal_data(kase)) out.then(audit_read(who, r.case_id, "case.get"));
  out.result = {{"case", std::move(kase)}};
  return out;
}

json list(soci::session& sql, const verb_env& env, const actor& who, const protocol::case_list_request& r) {
  const viewer& v = who.v;
  const millis now = now_millis();
  store::case_filter f;
  f.status = r.status;
  f.kind = r.kind;
  f.level = r.level;
  f.category = r.category;
  f.org = r.org;
  f.before = r.before;
  f.overdue = r.overdue;
  f.now = now;
  if (r.due_within_days) f.due_before = now + static_cast<long long>(*r.due_within_days) * 86400000LL;
  if (r.mine) f.handling_org = v.org_id;
  f.leader_owned = r.leader_owned;
  if (r.inbox) f.inbox_org = v.org_id;
  if (r.q) {
    f.terms = query_terms(*r.q);
    if (f.terms.empty()) throw protocol::error(errc::bad_request, "field 'q' has nothing to search for");
  }
  f.limit = r.limit + 1;
  store::case_scope scope;
  scope.user = v.user_id;
  if (sees_by_membership(v.role)) scope.member_org = v.org_id;
  if (is_supervisor_role(v.role)) {
    scope.supervised = store::subtree(sql, v.org_id);
    scope.supervised.erase(scope.supervised.begin());  // its own cases come by membership
  }
  auto ids = store::list_case_ids(sql, f, scope);
  const bool reaches_beyond_summary = r.q || r.org || r.level || r.overdue || r.due_within_days || r.mine ||
                                      r.leader_owned || r.inbox;
  json cases = json::array();
  json next = nullptr;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (static_cast<int>(cases.size()) == r.limit) {
      next = id_to_wire(ids[i - 1]);
      break;
    }
    auto access = store::access_by_case(sql, ids[i]);
    if (!access || !knows_case(v, *access)) continue;
    // A search reaches into the staff's notes, and the workflow filters into facts the case's
    // summary does not show (who handles it, its level, its deadline, a leader): none of them ever
    // lists a case its reader knows only as a party.
    if (reaches_beyond_summary && !can_see(v, *access)) continue;
    cases.push_back(workflow::case_json(sql, env.personal, ids[i], &v, now, &*access, true));
    // What is new to this reader in the threads they may read: the staff's internal one and the one
    // with the parties for the staff, the parties' alone for people on a party's side.
    long long unread = 0;
    for (long long thread : {access->thread_id, access->parties_thread_id})
      if (can_see_thread(v, *access, thread)) unread += store::unread_count(sql, thread, v.user_id);
    cases.back()["unread"] = unread;
  }
  return {{"cases", std::move(cases)}, {"next", next}};
}

verb_outcome handoff(store::write_context& ctx, const verb_env& env, const actor& who,
                     const protocol::case_handoff_request& r) {
  const std::optional<millis> due = parse_due_field(r.due);
  // A deadline already past makes no sense for work that has not started (a date is its day's end).
  if (due && *due < ctx.now) throw protocol::error(errc::bad_request, "field 'due' must not be in the past");
  const auto& [v, by, remote] = who;
  auto access = require_visible_case(ctx, v, r.case_id);
  if (!can_act(v, access))
    throw protocol::error(errc::forbidden, "only the owning or an accepting organisation may hand the case over");
  if (access.closed) throw protocol::error(errc::conflict, "the case is closed");
  auto to = require_org(ctx.sql, r.to_org);
  // A hand-over goes to an organisation that handles cases; a law firm or a court is reached by
  // inviting its people or by diverting the case to a legal channel (诉访分离), never by a hand-over.
  if (to.kind == "law_firm" || to.kind == "court")
    throw protocol::error(errc::bad_request, "field 'to_org' must be an organisation that handles cases, not a " +
                                                 std::string(to.kind == "court" ? "court" : "law firm"));
  if (to.id == v.org_id) throw protocol::error(errc::conflict, "a case cannot be handed to your own organisation");
  if (to.id == access.owner_org) throw protocol::error(errc::conflict, "the case already belongs to that organisation");
  bool open = std::any_of(access.handlers.begin(), access.handlers.end(), [&](const auto& h) {
    return h.org == to.id && (h.status == "pending" || h.status == "accepted");
  });
  if (open) throw protocol::error(errc::conflict, "the case is already handed to that organisation");
  auto from = require_org(ctx.sql, v.org_id);
  auto s = require_state(ctx.sql, r.case_id);
  // Without a due date, the receiver's handling policy sets one (e.g. 15 days at a labour committee).
  std::optional<millis> deadline = due;
  if (!deadline) {
    const auto& cfg = env.workflow;
    if (auto p = cfg.policies.find("handling", s.category, to.kind, to.id))
      deadline = deadlines::due({ctx.now, p->days, p->working_days}, {}, cfg.cal);
  }
  store::insert_handoff(ctx, r.case_id, to.id, from.id, r.note, deadline, by.id);
  if (s.status == "registered" || s.status == "accepted") {
    s.status = "handed_over";
    store::save_state(ctx, s);
  }
  json data{{"from_org", org_ref(from)}, {"to_org", org_ref(to)}, {"note", r.note}, {"due", nullptr}};
  if (deadline) data["due"] = format_rfc3339(*deadline);
  store::append_event(ctx, access.thread_id, "handed_over", by, protocol::dump(data));
  store::audit(ctx, by.id, "case.handoff", r.case_id, "to org " + std::to_string(to.id), remote);
  return case_outcome(env, who, r.case_id);
}

namespace {

// case.accept and case.decline: decide the pending hand-over to the user's organisation.
verb_outcome decide(store::write_context& ctx, const verb_env& env, const actor& who, long long case_id, bool accept,
                    const std::optional<std::string>& reason) {
  const auto& [v, by, remote] = who;
  auto access = require_visible_case(ctx, v, case_id);
  if (!can_decide_handoff(v, access))
    throw protocol::error(is_case_worker(v.role) ? errc::conflict : errc::forbidden,
                          "there is no pending hand-over of this case to your organisation");
  auto handoff = store::find_handoff(ctx.sql, case_id, v.org_id, "pending");
  if (!handoff) throw protocol::error(errc::conflict, "there is no pending hand-over of this case to your organisation");
  auto org = require_org(ctx.sql, v.org_id);
  auto s = require_state(ctx.sql, case_id);
  json data{{"org", org_ref(org)}};
  if (accept) {
    store::decide_handoff(ctx, *handoff, "accepted", std::nullopt, by.id);
    bool first = std::none_of(access.handlers.begin(), access.handlers.end(),
                              [](const auto& h) { return h.status == "accepted"; });
    if (first) store::set_first_handler(ctx, case_id, org.id);
    // The accepting organisation handles the case now (首办责任制): its clock starts.
    s.handling_org = org.id;
    s.level = org.level;
    if (!s.accepted_at) s.accepted_at = ctx.now;
    s.status = "in_progress";
    workflow::start_clock(ctx.sql, s, escalation::stage_clock(s.stage), ctx.now, env.workflow);
    store::save_state(ctx, s);
    data["first_handler"] = first;
    data["due"] = s.due_at ? json(format_rfc3339(*s.due_at)) : json(nullptr);
  } else {
    store::decide_handoff(ctx, *handoff, "declined", reason, by.id);
    data["reason"] = *reason;
    bool others = std::any_of(access.handlers.begin(), access.handlers.end(), [&](const auto& h) {
      return h.org != org.id && (h.status == "pending" || h.status == "accepted");
    });
    bool accepted = std::any_of(access.handlers.begin(), access.handlers.end(),
                                [&](const auto& h) { return h.org != org.id && h.status == "accepted"; });
    s.status = accepted ? "in_progress" : others ? "handed_over" : s.accepted_at ? "accepted" : "registered";
    store::save_state(ctx, s);
  }
  store::append_event(ctx, access.thread_id, accept ? "accepted" : "declined", by, protocol::dump(data));
  store::audit(ctx, by.id, accept ? "case.accept" : "case.decline", case_id, reason.value_or(""), remote);
  // The declining organisation no longer sees the case: the `declined` event holds the thread's
  // subscribers until their access is rechecked (publish_events), and theirs end.
  return case_outcome(env, who, case_id);
}

}  // namespace

verb_outcome accept(store::write_context& ctx, const verb_env& env, const actor& who,
                    const protocol::case_accept_request& r) {
  return decide(ctx, env, who, r.case_id, true, std::nullopt);
}

verb_outcome decline(store::write_context& ctx, const verb_env& env, const actor& who,
                     const protocol::case_decline_request& r) {
  return decide(ctx, env, who, r.case_id, false, r.reason);
}

verb_outcome invite(store::write_context& ctx, const verb_env& env, const actor& who,
                    const protocol::case_invite_request& r) {
  const auto& [v, by, remote] = who;
  auto access = require_visible_case(ctx, v, r.case_id);
  if (!can_act(v, access))
    throw protocol::error(errc::forbidden, "only the owning or an accepting organisation may invite people");
  auto invitee = store::find_user(ctx.sql, r.user);
  if (!invitee || invitee->role == "system") throw protocol::error(errc::not_found, "no such user");
  if (invitee->role == "guest")
    throw protocol::error(errc::bad_request, "guests are invited to a meeting (meeting.invite_guest), not to a case");
  if (r.capacity == "representative" && invitee->role != roles::lawyer)
    throw protocol::error(errc::bad_request, "a party's representative is a lawyer");
  if (!store::insert_invite(ctx, r.case_id, invitee->id, by.id, r.capacity, r.side))
    throw protocol::error(errc::conflict, "that person is already invited");
  json data{{"user", {{"id", id_to_wire(invitee->id)}, {"name", invitee->name}, {"role", invitee->role}}},
            {"capacity", r.capacity}};
  if (r.side) data["side"] = *r.side;
  store::append_event(ctx, access.thread_id, "invited", by, protocol::dump(data));
  store::audit(ctx, by.id, "case.invite", r.case_id, "user " + std::to_string(invitee->id), remote);
  return case_outcome(env, who, r.case_id);
}

}  // namespace mediation::app::cases
