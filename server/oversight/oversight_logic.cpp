// The logic of the oversight slice's verbs: plain functions of (store context, [environment,] actor,
// request), run by read_verb and write_verb (core/verb_support.hpp) and by tests on SQLite and
// MariaDB (tests/server/oversight/oversight_logic_test.cpp).
#include "server/oversight/oversight_logic.hpp"

#include <algorithm>

#include <soci/soci.h>

#include "protocol/frames.hpp"
#include "server/base/time.hpp"
#include "server/cases/case_repo.hpp"
#include "server/cases/case_support.hpp"
#include "server/cases/workflow.hpp"
#include "server/cases/workflow_repo.hpp"
#include "server/core/services.hpp"
#include "server/core/verb_checks.hpp"
#include "server/oversight/stats.hpp"
#include "server/store/event_repo.hpp"
#include "server/store/identity_repo.hpp"

namespace mediation::app::oversight {

using nlohmann::json;
using protocol::errc;
using protocol::id_to_wire;

namespace {

json time_or_null(const std::optional<long long>& t) { return t ? json(format_rfc3339(*t)) : json(nullptr); }

}  // namespace

json supervision_json(soci::session& sql, const store::supervision_row& s, millis now) {
  return {{"id", id_to_wire(s.id)},
          {"case", id_to_wire(s.case_id)},
          {"kind", s.kind},
          {"body", s.body},
          {"from_org", workflow::org_ref(sql, s.from_org)},
          {"to_org", workflow::org_ref(sql, s.to_org)},
          {"issued_by", s.issued_by},
          {"issued_at", format_rfc3339(s.issued_at)},
          {"due", format_rfc3339(s.due_at)},
          {"answer", s.answer ? json(*s.answer) : json(nullptr)},
          {"answered_at", time_or_null(s.answered_at)},
          {"escalated_at", time_or_null(s.escalated_at)},
          {"overdue", !s.answered_at && s.due_at < now}};
}

json supervision_list(soci::session& sql, const actor& who, const protocol::supervision_list_request& r) {
  const viewer& v = who.v;
  // Supervision is between the network's offices: invited outsiders (lawyers, guests) do not read it.
  if (!is_case_worker(v.role) && v.role != roles::administrator)
    throw protocol::error(errc::forbidden, "supervision documents are read by the network's staff");
  require_visible_case(sql, v, r.case_id);
  json list = json::array();
  const millis now = now_millis();
  for (const auto& s : store::supervisions(sql, r.case_id)) list.push_back(supervision_json(sql, s, now));
  return {{"supervisions", list}};
}

json stats_summary(soci::session& sql, const actor& who, const protocol::stats_summary_request& r) {
  const viewer& v = who.v;
  std::optional<millis> from = parse_due_field(r.from, "from"), to = parse_due_field(r.to, "to");
  // A plain date means the whole day: `from` starts at its beginning.
  if (from && r.from->size() == 10) *from -= 86400000LL - 1;

  const long long org = r.org.value_or(v.org_id);
  auto o = store::find_org(sql, org);
  if (!o) throw protocol::error(errc::not_found, "no such organisation");
  auto mine = store::subtree(sql, v.org_id);
  bool allowed = v.role == roles::administrator ||
                 ((is_case_worker(v.role)) && std::find(mine.begin(), mine.end(), org) != mine.end());
  if (!allowed)
    throw protocol::error(errc::forbidden, "statistics cover your own organisation and the ones below it");
  const millis end = to.value_or(now_millis());
  const millis start = from.value_or(end - 365LL * 86400000);
  if (start >= end) throw protocol::error(errc::bad_request, "'from' must be before 'to'");
  auto orgs = store::subtree(sql, org);
  std::vector<stats_row> rows;
  for (auto& s : store::stats_rows(sql, orgs, start, end))
    rows.push_back({s.created_at, s.category, s.level, s.accepted, s.closed_at, s.outcome,
                    s.on_time ? std::optional<bool>(*s.on_time != 0) : std::nullopt, s.evaluation, s.escalations});
  json out = summarize(rows);
  store::case_filter f;
  f.overdue = true;
  f.now = now_millis();
  f.limit = 1000;
  store::case_scope scope;
  scope.supervised = orgs;
  out["overdue_open"] = store::list_case_ids(sql, f, scope).size();
  out["org"] = workflow::org_ref(sql, org);
  out["orgs"] = orgs.size();
  out["from"] = format_rfc3339(start);
  out["to"] = format_rfc3339(end);
  return out;
}

json audit_list(soci::session& sql, const actor& who, const protocol::audit_list_request& r) {
  const viewer& v = who.v;
  const bool admin = v.role == roles::administrator;
  if (!admin && !is_supervisor_role(v.role))
    throw protocol::error(errc::forbidden, "the audit trail is read by supervisors and administrators");
  std::optional<std::vector<long long>> orgs;
  // Addresses are personal data: shown only to supervisors of the case (or, for the audit of an
  // organisation's subtree, to its supervisors and administrators), not to someone who sees the
  // case through a pending hand-over.
  bool addresses = true;
  if (r.case_id) {
    if (!admin) {
      auto access = require_visible_case(sql, v, *r.case_id);
      addresses = can_supervise(v, access);
    } else if (!store::access_by_case(sql, *r.case_id)) {
      throw protocol::error(errc::not_found, "no such case");
    }
  } else {
    auto mine = store::subtree(sql, v.org_id);
    if (r.org) {
      if (!store::find_org(sql, *r.org)) throw protocol::error(errc::not_found, "no such organisation");
      if (!admin && std::find(mine.begin(), mine.end(), *r.org) == mine.end())
        throw protocol::error(errc::forbidden, "you may read the audit of your organisation and those below it");
      orgs = store::subtree(sql, *r.org);
    } else if (!admin) {
      orgs = mine;
    }
  }
  json list = json::array();
  auto rows = store::audit_rows(sql, r.case_id, orgs ? &*orgs : nullptr, r.before, r.limit);
  for (const auto& a : rows)
    list.push_back({{"id", id_to_wire(a.id)},
                    {"at", format_rfc3339(a.at)},
                    {"user", a.user_id ? json{{"id", id_to_wire(*a.user_id)}, {"name", a.user_name}} : json(nullptr)},
                    {"action", a.action},
                    {"case", a.case_id ? json(id_to_wire(*a.case_id)) : json(nullptr)},
                    {"detail", a.detail},
                    {"remote", addresses ? json(a.remote) : json(nullptr)}});
  const bool more = static_cast<int>(rows.size()) == r.limit && !rows.empty();
  json next = more ? json(id_to_wire(rows.back().id)) : json(nullptr);
  return {{"entries", list}, {"next", next}};
}

json attachment_list(soci::session& sql, const actor& who, const protocol::attachment_list_request& r) {
  const viewer& v = who.v;
  require_visible_case(sql, v, r.case_id);
  json list = json::array();
  for (const auto& a : store::attachments(sql, r.case_id))
    list.push_back({{"id", id_to_wire(a.id)}, {"name", a.name}, {"content_type", a.content_type},
                    {"size", a.size}, {"sha256", a.sha256}, {"uploaded_by", a.uploaded_by},
                    {"uploaded_at", format_rfc3339(a.uploaded_at)},
                    {"url", "/api/attachments/" + id_to_wire(a.id)}});
  return {{"attachments", list}};
}

verb_outcome issue(store::write_context& ctx, const verb_env& env, const actor& who,
                   const protocol::supervision_issue_request& r) {
  const std::optional<millis> due = parse_due_field(r.due);
  const auto& [v, by, remote] = who;
  auto access = require_visible_case(ctx, v, r.case_id);
  if (!can_supervise(v, access))
    throw protocol::error(errc::forbidden, "supervision documents are issued by a supervising organisation");
  auto s = require_state(ctx.sql, r.case_id);
  if (!s.open()) throw protocol::error(errc::conflict, "the case is closed");
  const auto& cfg = env.workflow;
  millis deadline = due.value_or(
      deadlines::due({ctx.now, static_cast<int>(cfg.supervision_default_days), false}, {}, cfg.cal).value_or(ctx.now));
  if (deadline <= ctx.now) throw protocol::error(errc::bad_request, "field 'due' must be in the future");
  long long id = store::insert_supervision(ctx, s.id, r.kind, r.body, v.org_id, s.handling_org, by.id, deadline);
  json data{{"supervision", id_to_wire(id)}, {"kind", r.kind}, {"body", r.body},
            {"from_org", workflow::org_ref(ctx.sql, v.org_id)}, {"to_org", workflow::org_ref(ctx.sql, s.handling_org)},
            {"due", format_rfc3339(deadline)}};
  store::append_event(ctx, access.thread_id, "supervision_issued", by, protocol::dump(data));
  store::audit(ctx, by.id, "supervision.issue", s.id, r.kind, remote);
  auto row = store::find_supervision(ctx.sql, id);
  return case_outcome(env, who, s.id, {{"supervision", supervision_json(ctx.sql, *row, ctx.now)}});
}

verb_outcome answer(store::write_context& ctx, const verb_env& env, const actor& who,
                    const protocol::supervision_answer_request& r) {
  const auto& [v, by, remote] = who;
  auto sup = store::find_supervision(ctx.sql, r.supervision);
  if (!sup) throw protocol::error(errc::not_found, "no such supervision document");
  auto access = require_visible_case(ctx, v, sup->case_id);
  auto s = require_state(ctx.sql, sup->case_id);
  if (!can_act(v, access) || (v.org_id != sup->to_org && v.org_id != s.handling_org))
    throw protocol::error(errc::forbidden, "the handling organisation answers supervision documents");
  if (sup->answered_at) throw protocol::error(errc::conflict, "the document has already been answered");
  store::answer_supervision(ctx, sup->id, r.body, by.id);
  json data{{"supervision", id_to_wire(sup->id)}, {"kind", sup->kind}, {"body", r.body},
            {"late", ctx.now > sup->due_at}};
  store::append_event(ctx, access.thread_id, "supervision_answered", by, protocol::dump(data));
  store::audit(ctx, by.id, "supervision.answer", sup->case_id, sup->kind, remote);
  auto row = store::find_supervision(ctx.sql, sup->id);
  return case_outcome(env, who, sup->case_id, {{"supervision", supervision_json(ctx.sql, *row, ctx.now)}});
}

namespace {

// Puts `member` into `group` (in the same transaction): the member's thread and the group's thread
// both record it, and the member's handling organisation joins the group's task force.
void join_group(store::write_context& ctx, const viewer& v, const store::author& by, store::case_state& group,
                long long group_thread, long long member_id) {
  auto access = store::access_by_case(ctx.sql, member_id);
  if (!access || !can_see(v, *access)) throw protocol::error(errc::not_found, "no such case: " + id_to_wire(member_id));
  if (!can_act(v, *access))
    throw protocol::error(errc::forbidden, "you may group only cases your organisation owns or handles");
  auto m = require_state(ctx.sql, member_id);
  if (m.kind != "case") throw protocol::error(errc::conflict, "a group cannot join a group");
  if (!m.open()) throw protocol::error(errc::conflict, "case " + m.number + " is closed");
  if (m.group_id) throw protocol::error(errc::conflict, "case " + m.number + " is already in a group");
  m.group_id = group.id;
  store::save_state(ctx, m);
  bool member_org_known = m.handling_org == group.org;
  for (const auto& h : store::handoffs(ctx.sql, group.id))
    member_org_known |= h.org == m.handling_org && h.status == "accepted";
  if (!member_org_known) store::insert_handler(ctx, group.id, m.handling_org, group.org, "group", "", by.id);
  json in_member{{"group", {{"id", id_to_wire(group.id)}, {"number", group.number}, {"title", group.title}}}};
  store::append_event(ctx, access->thread_id, "grouped", by, protocol::dump(in_member));
  json in_group{{"case", {{"id", id_to_wire(m.id)}, {"number", m.number}, {"title", m.title}}}};
  store::append_event(ctx, group_thread, "member_added", by, protocol::dump(in_group));
}

}  // namespace

verb_outcome group_create(store::write_context& ctx, const verb_env& env, const actor& who,
                          const protocol::group_create_request& r) {
  const auto& [v, by, remote] = who;
  if (!is_case_worker(v.role)) throw protocol::error(errc::forbidden, "your role may not group cases");
  auto first = store::load_state(ctx.sql, r.cases.front());
  auto first_access = first ? store::access_by_case(ctx.sql, first->id) : std::nullopt;
  if (!first || !first_access || !can_see(v, *first_access))
    throw protocol::error(errc::not_found, "no such case: " + id_to_wire(r.cases.front()));
  protocol::case_create_request g;
  g.title = r.title;
  g.category = first->category;
  g.channel = "visit";
  g.description = r.note;
  g.location = first->location;
  auto created = store::insert_case(ctx, v.org_id, by.id, g, "group");
  auto group = require_state(ctx.sql, created.id);
  group.respondent = first->respondent;
  group.status = "in_progress";
  group.accepted_at = ctx.now;
  store::save_state(ctx, group);
  json data{{"case", {{"id", id_to_wire(created.id)}, {"number", created.number}, {"title", r.title},
                      {"kind", "group"}}},
            {"note", r.note}};
  store::append_event(ctx, created.thread, "created", by, protocol::dump(data));
  for (long long id : r.cases) join_group(ctx, v, by, group, created.thread, id);
  store::audit(ctx, by.id, "group.create", created.id, std::to_string(r.cases.size()) + " cases", remote);
  return case_outcome(env, who, created.id, {{"members", r.cases.size()}});
}

verb_outcome group_add(store::write_context& ctx, const verb_env& env, const actor& who,
                       const protocol::group_add_request& r) {
  const auto& [v, by, remote] = who;
  auto access = require_visible_case(ctx, v, r.group);
  auto group = require_state(ctx.sql, r.group);
  if (group.kind != "group") throw protocol::error(errc::conflict, "that case is not a group");
  if (!can_act(v, access)) throw protocol::error(errc::forbidden, "only the group's organisations may add cases");
  if (!group.open()) throw protocol::error(errc::conflict, "the group is resolved");
  join_group(ctx, v, by, group, access.thread_id, r.case_id);
  store::audit(ctx, by.id, "group.add", group.id, "case " + std::to_string(r.case_id), remote);
  return case_outcome(env, who, group.id);
}

json group_suggest(soci::session& sql, const verb_env& env, const actor& who,
                   const protocol::group_suggest_request& r) {
  const viewer& v = who.v;
  require_visible_case(sql, v, r.case_id);
  auto s = require_state(sql, r.case_id);
  json list = json::array();
  const millis now = now_millis();
  for (long long id : store::similar_cases(sql, s, 50)) {
    auto access = store::access_by_case(sql, id);
    if (!access || !can_see(v, *access)) continue;
    list.push_back(workflow::case_json(sql, env.personal, id, &v, now, nullptr, true));
    if (list.size() >= 20) break;
  }
  json basis{{"respondent", s.respondent}, {"category", s.category}, {"location", s.location}};
  return {{"cases", list}, {"basis", basis}};
}

verb_outcome group_resolve(store::write_context& ctx, const verb_env& env, const actor& who,
                           const protocol::group_resolve_request& r) {
  const auto& [v, by, remote] = who;
  const auto& cfg = env.workflow;
  auto access = require_visible_case(ctx, v, r.group);
  auto group = require_state(ctx.sql, r.group);
  if (group.kind != "group") throw protocol::error(errc::conflict, "that case is not a group");
  if (!can_act(v, access)) throw protocol::error(errc::forbidden, "only the group's organisations may resolve it");
  if (!group.open()) throw protocol::error(errc::conflict, "the group is already resolved");
  // The rule of case.close holds for every member: a case nobody accepted was never mediated.
  if (r.outcome == "mediated" || r.outcome == "agreement")
    for (long long id : store::group_members(ctx.sql, group.id)) {
      auto m = require_state(ctx.sql, id);
      if (m.open() && !m.accepted_at)
        throw protocol::error(errc::conflict, "the case has not been accepted: it can close only as withdrawn, not "
                                              "accepted or referred (group member " + m.number + ")");
    }
  json closed = json::array(), skipped = json::array();
  for (long long id : store::group_members(ctx.sql, group.id)) {
    auto ma = store::access_by_case(ctx.sql, id);
    auto m = require_state(ctx.sql, id);
    if (!m.open()) continue;
    if (!ma || !can_act(v, *ma)) {
      skipped.push_back(id_to_wire(id));
      continue;
    }
    workflow::close_case(ctx, m, ma->thread_id, r.outcome, r.note, by, cfg,
                         {{"group", {{"id", id_to_wire(group.id)}, {"number", group.number}}}}, remote);
    closed.push_back(id_to_wire(id));
  }
  workflow::close_case(ctx, group, access.thread_id, r.outcome, r.note, by, cfg,
                       {{"closed", closed}, {"skipped", skipped}}, remote);
  store::audit(ctx, by.id, "group.resolve", group.id, r.outcome, remote);
  // Notices go per case: the group's people hear of it through notify_case, each member's people of
  // its closure after the reply (the members' facts as they are after the change).
  std::vector<store::case_access> members;
  for (const auto& id : closed)
    if (auto ma = store::access_by_case(ctx.sql, std::stoll(id.get<std::string>()))) members.push_back(*ma);
  auto out = case_outcome(env, who, group.id, {{"closed", closed}, {"skipped", skipped}});
  out.then([members = std::move(members), events = ctx.events](services& svc) {
    for (const auto& m : members) notify_case(svc, m, events);
  });
  return out;
}

}  // namespace mediation::app::oversight
