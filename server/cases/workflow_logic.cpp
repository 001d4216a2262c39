// case.triage, case.return, case.escalate, case.pause, case.resume, case.extend, case.own,
// case.close, case.evaluate, case.evaluation_link: plain functions of (store context, environment,
// actor, request), run by the adapters of core/verb_support.hpp and by tests on SQLite.
#include <algorithm>

#include <soci/soci.h>

#include "protocol/frames.hpp"
#include "server/core/credentials.hpp"
#include "server/cases/escalation.hpp"
#include "server/cases/case_logic.hpp"
#include "server/cases/case_support.hpp"
#include "server/cases/workflow.hpp"
#include "server/cases/case_repo.hpp"
#include "server/store/event_repo.hpp"
#include "server/store/identity_repo.hpp"
#include "server/base/time.hpp"

namespace mediation::app::cases {

using protocol::errc;
using protocol::id_to_wire;
using nlohmann::json;

namespace {

// The common shape of a case verb: a write in which the user must be able to see the case;
// `fn(ctx, viewer, author, remote, access, state, workflow)` returns the reply's extra fields, and
// the reply carries the case as the user sees it after the commit.
template <class Fn>
verb_outcome case_write(store::write_context& ctx, const verb_env& env, const actor& who, long long case_id, Fn fn) {
  auto access = require_visible_case(ctx, who.v, case_id);
  auto s = require_state(ctx.sql, case_id);
  json extra = fn(ctx, who.v, who.by, who.remote, access, s, env.workflow);
  return case_outcome(env, who, case_id, std::move(extra));
}

void require_act(const viewer& v, const store::case_access& a, const char* what) {
  if (!can_act(v, a))
    throw protocol::error(errc::forbidden, std::string("only the owning or a handling organisation may ") + what);
}

void require_open(const store::case_state& s) {
  if (!s.open()) throw protocol::error(errc::conflict, "the case is closed");
}

json time_or_null(const std::optional<long long>& t) { return t ? json(format_rfc3339(*t)) : json(nullptr); }

}  // namespace

verb_outcome triage(store::write_context& ctx, const verb_env& env, const actor& who,
                    const protocol::case_triage_request& r) {
  return case_write(ctx, env, who, r.case_id,
             [r](store::write_context& ctx, const viewer& v, const store::author& by, const std::string& remote,
                 const store::case_access& access, store::case_state& s, const deadlines::workflow_config& cfg) {
               require_act(v, access, "triage the case");
               require_open(s);
               if (s.kind != "case") throw protocol::error(errc::conflict, "a group is not triaged");
               if (s.accepted_at) throw protocol::error(errc::conflict, "the case has already been accepted");
               json data{{"decision", r.decision}, {"reason", r.reason}};
               if (r.decision == "accept") {
                 s.accepted_at = ctx.now;
                 if (s.status == "registered") s.status = "accepted";
                 workflow::start_clock(ctx.sql, s, "handling", ctx.now, cfg);
                 store::save_state(ctx, s);
                 data["due"] = time_or_null(s.due_at);
                 store::append_event(ctx, access.thread_id, "triaged", by, protocol::dump(data));
                 store::audit(ctx, by.id, "case.triage", s.id, "accept", remote);
               } else if (r.decision == "divert") {
                 // 诉访分离: the matter belongs to a legal channel; the case closes with the route.
                 s.route = r.route;
                 data["route"] = r.route;
                 store::append_event(ctx, access.thread_id, "triaged", by, protocol::dump(data));
                 store::audit(ctx, by.id, "case.triage", s.id, "divert: " + r.route, remote);
                 workflow::close_case(ctx, s, access.thread_id, "diverted", r.reason, by, cfg, {{"route", r.route}},
                                      remote);
               } else {
                 if (*r.into == s.id) throw protocol::error(errc::conflict, "a case cannot be merged into itself");
                 auto target_access = store::access_by_case(ctx.sql, *r.into);
                 if (!target_access || !can_see(v, *target_access))
                   throw protocol::error(errc::not_found, "no such case to merge into");
                 auto target = require_state(ctx.sql, *r.into);
                 if (!s.petitioner_key || target.petitioner_key != s.petitioner_key)
                   throw protocol::error(errc::conflict, "the other case is not by the same petitioner");
                 if (target.kind != "case") throw protocol::error(errc::conflict, "cannot merge into a group");
                 s.merged_into = target.id;
                 data["into"] = {{"id", id_to_wire(target.id)}, {"number", target.number}};
                 store::append_event(ctx, access.thread_id, "triaged", by, protocol::dump(data));
                 workflow::close_case(ctx, s, access.thread_id, "merged", r.reason, by, cfg,
                                      {{"merged_into", id_to_wire(target.id)}}, remote);
                 json repeat{{"case", {{"id", id_to_wire(s.id)}, {"number", s.number}, {"title", s.title}}},
                             {"reason", r.reason}};
                 store::append_event(ctx, target_access->thread_id, "repeat_merged", by, protocol::dump(repeat));
                 store::audit(ctx, by.id, "case.triage", s.id, "merge into " + std::to_string(target.id), remote);
               }
               return json::object();
             });
}

verb_outcome return_case(store::write_context& ctx, const verb_env& env, const actor& who,
                         const protocol::case_return_request& r) {
  const auto& [v, by, remote] = who;
  auto access = require_visible_case(ctx, v, r.case_id);
  if (!is_case_worker(v.role)) throw protocol::error(errc::forbidden, "your role may not return cases");
  auto s = require_state(ctx.sql, r.case_id);
  require_open(s);
  std::optional<store::handoff_row> mine;
  for (const auto& h : store::handoffs(ctx.sql, r.case_id))
    if (h.org == v.org_id && (h.status == "pending" || h.status == "accepted") && h.via != "group") mine = h;
  if (!mine) throw protocol::error(errc::conflict, "the case was not handed to your organisation");
  store::decide_handoff(ctx, mine->id, "returned", r.reason, by.id);
  if (s.handling_org == v.org_id) {
    s.handling_org = mine->from_org;
    if (auto o = store::find_org(ctx.sql, mine->from_org)) s.level = o->level;
  }
  bool accepted_left = false, pending_left = false;
  for (const auto& h : store::handoffs(ctx.sql, r.case_id)) {
    accepted_left |= h.status == "accepted";
    pending_left |= h.status == "pending";
  }
  s.status = accepted_left ? "in_progress" : pending_left ? "handed_over" : s.accepted_at ? "accepted" : "registered";
  store::save_state(ctx, s);
  json data{{"org", workflow::org_ref(ctx.sql, v.org_id)}, {"to_org", workflow::org_ref(ctx.sql, mine->from_org)},
            {"reason", r.reason}};
  store::append_event(ctx, access.thread_id, "returned", by, protocol::dump(data));
  store::audit(ctx, by.id, "case.return", r.case_id, r.reason, remote);
  // The returning organisation's subscriptions end through the recheck of the `returned` event.
  return case_outcome(env, who, r.case_id);
}

verb_outcome escalate(store::write_context& ctx, const verb_env& env, const actor& who,
                      const protocol::case_escalate_request& r) {
  return case_write(ctx, env, who, r.case_id,
             [r](store::write_context& ctx, const viewer& v, const store::author& by, const std::string& remote,
                 const store::case_access& access, store::case_state& s, const deadlines::workflow_config& cfg) {
               if (!can_act(v, access) && !can_supervise(v, access))
                 throw protocol::error(errc::forbidden, "only a handling or a supervising organisation may escalate");
               if (s.kind != "case") throw protocol::error(errc::conflict, "a group is not escalated");
               require_open(s);
               if (!workflow::escalate(ctx, s, access.thread_id, escalation::manual, r.reason, by, cfg, remote))
                 throw protocol::error(errc::conflict, "there is no level above the handling organisation");
               return json::object();
             });
}

verb_outcome pause(store::write_context& ctx, const verb_env& env, const actor& who,
                   const protocol::case_pause_request& r) {
  return case_write(ctx, env, who, r.case_id,
             [r](store::write_context& ctx, const viewer& v, const store::author& by, const std::string& remote,
                 const store::case_access& access, store::case_state& s, const deadlines::workflow_config& cfg) {
               require_act(v, access, "pause the clock");
               require_open(s);
               if (!s.clock) throw protocol::error(errc::conflict, "no clock is running");
               if (s.paused_at) throw protocol::error(errc::conflict, "the clock is already paused");
               store::start_pause(ctx, s.id, r.reason, by.id);
               s.paused_at = ctx.now;
               workflow::recompute_due(ctx.sql, s, cfg);
               store::save_state(ctx, s);
               json data{{"reason", r.reason}, {"clock", *s.clock}};
               store::append_event(ctx, access.thread_id, "paused", by, protocol::dump(data));
               store::audit(ctx, by.id, "case.pause", s.id, r.reason, remote);
               return json::object();
             });
}

verb_outcome resume(store::write_context& ctx, const verb_env& env, const actor& who,
                    const protocol::case_resume_request& r) {
  return case_write(ctx, env, who, r.case_id,
             [](store::write_context& ctx, const viewer& v, const store::author& by, const std::string& remote,
                const store::case_access& access, store::case_state& s, const deadlines::workflow_config& cfg) {
               require_act(v, access, "resume the clock");
               require_open(s);
               if (!s.paused_at || !store::end_pause(ctx, s.id, by.id))
                 throw protocol::error(errc::conflict, "the clock is not paused");
               s.paused_at.reset();
               workflow::recompute_due(ctx.sql, s, cfg);
               store::save_state(ctx, s);
               json data{{"clock", s.clock.value_or("")}, {"due", time_or_null(s.due_at)}};
               store::append_event(ctx, access.thread_id, "resumed", by, protocol::dump(data));
               store::audit(ctx, by.id, "case.resume", s.id, "", remote);
               return json::object();
             });
}

verb_outcome extend(store::write_context& ctx, const verb_env& env, const actor& who,
                    const protocol::case_extend_request& r) {
  return case_write(ctx, env, who, r.case_id,
             [r](store::write_context& ctx, const viewer& v, const store::author& by, const std::string& remote,
                 const store::case_access& access, store::case_state& s, const deadlines::workflow_config& cfg) {
               // Extension needs a supervisor's approval: a leader of the handling organisation or above.
               bool approver = v.role == roles::leader &&
                               (v.org_id == s.handling_org ||
                                std::find(access.supervisors.begin(), access.supervisors.end(), v.org_id) !=
                                    access.supervisors.end());
               if (!approver)
                 throw protocol::error(errc::forbidden,
                                       "an extension is approved by a leader of the handling organisation or above");
               require_open(s);
               if (!s.clock || *s.clock == "acceptance")
                 throw protocol::error(errc::conflict, "only a handling or answer clock can be extended");
               if (s.extended_days > 0) throw protocol::error(errc::conflict, "the deadline was already extended once");
               auto org = store::find_org(ctx.sql, s.handling_org);
               auto p = cfg.policies.find("extension", s.category, org ? org->kind : "", s.handling_org);
               const std::optional<long long> before = s.due_at;
               s.extended_days = p ? p->days : 30;
               workflow::recompute_due(ctx.sql, s, cfg);
               store::save_state(ctx, s);
               json data{{"reason", r.reason}, {"days", s.extended_days}, {"previous_due", time_or_null(before)},
                         {"due", time_or_null(s.due_at)}};
               store::append_event(ctx, access.thread_id, "extended", by, protocol::dump(data));
               store::audit(ctx, by.id, "case.extend", s.id, r.reason, remote);
               return json::object();
             });
}

verb_outcome own(store::write_context& ctx, const verb_env& env, const actor& who,
                 const protocol::case_own_request& r) {
  return case_write(ctx, env, who, r.case_id,
             [](store::write_context& ctx, const viewer& v, const store::author& by, const std::string& remote,
                const store::case_access& access, store::case_state& s, const deadlines::workflow_config&) {
               if (v.role != roles::leader) throw protocol::error(errc::forbidden, "only a leader takes a case (包案)");
               if (!store::insert_leader(ctx, s.id, v.user_id))
                 throw protocol::error(errc::conflict, "you already own this case");
               json data{{"leader", {{"id", id_to_wire(by.id)}, {"name", by.name}}}};
               store::append_event(ctx, access.thread_id, "leader_assigned", by, protocol::dump(data));
               store::audit(ctx, by.id, "case.own", s.id, "", remote);
               return json::object();
             });
}

verb_outcome close(store::write_context& ctx, const verb_env& env, const actor& who,
                   const protocol::case_close_request& r) {
  return case_write(ctx, env, who, r.case_id,
             [r](store::write_context& ctx, const viewer& v, const store::author& by, const std::string& remote,
                 const store::case_access& access, store::case_state& s, const deadlines::workflow_config& cfg) {
               require_act(v, access, "close the case");
               require_open(s);
               if (s.kind != "case") throw protocol::error(errc::conflict, "a group closes with group.resolve");
               // A case nobody has accepted was never mediated: it closes only as withdrawn, not
               // accepted or referred elsewhere.
               if (!s.accepted_at && (r.outcome == "mediated" || r.outcome == "agreement"))
                 throw protocol::error(errc::conflict,
                                       "the case has not been accepted: it can close only as withdrawn, not accepted "
                                       "or referred");
               workflow::close_case(ctx, s, access.thread_id, r.outcome, r.note, by, cfg, json::object(), remote);
               return json::object();
             });
}

verb_outcome evaluate(store::write_context& ctx, const verb_env& env, const actor& who,
                      const protocol::case_evaluate_request& r) {
  return case_write(ctx, env, who, r.case_id,
             [r](store::write_context& ctx, const viewer& v, const store::author& by, const std::string& remote,
                 const store::case_access& access, store::case_state& s, const deadlines::workflow_config&) {
               require_act(v, access, "record the petitioner's evaluation");
               workflow::evaluate(ctx, s, access.thread_id, r.evaluation, r.comment, by, "officer", remote);
               return json::object();
             });
}

verb_outcome evaluation_link(store::write_context& ctx, const verb_env& env, const actor& who,
                             const protocol::case_evaluation_link_request& r) {
  return case_write(ctx, env, who, r.case_id,
             [](store::write_context& ctx, const viewer& v, const store::author& by, const std::string& remote,
                const store::case_access& access, store::case_state& s, const deadlines::workflow_config& cfg) {
               require_act(v, access, "send an evaluation link");
               if (s.open()) throw protocol::error(errc::conflict, "the case is not closed yet");
               if (s.evaluation) throw protocol::error(errc::conflict, "the case has already been evaluated");
               std::string token = new_token();
               long long expires = ctx.now + cfg.evaluation_link_ttl_ms;
               store::insert_evaluation_link(ctx, s.id, token_hash(token), by.id, expires);
               json data{{"expires", format_rfc3339(expires)}};
               store::append_event(ctx, access.thread_id, "evaluation_link_created", by, protocol::dump(data));
               store::audit(ctx, by.id, "case.evaluation_link", s.id, "", remote);
               // The token is in this reply only; the database keeps its hash.
               return json{{"token", token}, {"url", "/evaluate.html#" + token}, {"expires", format_rfc3339(expires)}};
             });
}

}  // namespace mediation::app::cases
