// supervision.issue, supervision.answer, supervision.list, group.create, group.add, group.suggest,
// group.resolve, stats.summary, audit.list, attachment.list
#include <algorithm>

#include <soci/soci.h>

#include "protocol/frames.hpp"
#include "server/oversight/stats.hpp"
#include "server/oversight/oversight_logic.hpp"
#include "server/oversight/verbs.hpp"
#include "server/cases/case_support.hpp"
#include "server/cases/workflow.hpp"
#include "server/cases/case_repo.hpp"
#include "server/store/event_repo.hpp"
#include "server/store/identity_repo.hpp"
#include "server/base/time.hpp"

namespace mediation::app {

using protocol::errc;
using protocol::id_to_wire;
using nlohmann::json;


void handle(client& c, const std::string& rid, const protocol::supervision_issue_request& r) {
  const std::optional<millis> due = parse_due_field(r.due);
  write_as(c, rid, [r, due](store::write_context& ctx, const acting& who) -> client::continuation {
    const auto& [self, rid, v, by, remote] = who;
    auto access = require_visible_case(ctx, v, r.case_id);
    if (!can_supervise(v, access))
      throw protocol::error(errc::forbidden, "supervision documents are issued by a supervising organisation");
    auto s = require_state(ctx.sql, r.case_id);
    if (!s.open()) throw protocol::error(errc::conflict, "the case is closed");
    const auto& cfg = self->svc().workflow;
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
    return reply_case_after(self, ctx, rid, s.id, {{"supervision", oversight::supervision_json(ctx.sql, *row, ctx.now)}});
  });
}

void handle(client& c, const std::string& rid, const protocol::supervision_answer_request& r) {
  write_as(c, rid, [r](store::write_context& ctx, const acting& who) -> client::continuation {
    const auto& [self, rid, v, by, remote] = who;
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
    return reply_case_after(self, ctx, rid, sup->case_id, {{"supervision", oversight::supervision_json(ctx.sql, *row, ctx.now)}});
  });
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

void handle(client& c, const std::string& rid, const protocol::group_create_request& r) {
  if (!is_case_worker(c.user().role)) throw protocol::error(errc::forbidden, "your role may not group cases");
  write_as(c, rid, [r](store::write_context& ctx, const acting& who) -> client::continuation {
    const auto& [self, rid, v, by, remote] = who;
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
    return reply_case_after(self, ctx, rid, created.id, {{"members", r.cases.size()}});
  });
}

void handle(client& c, const std::string& rid, const protocol::group_add_request& r) {
  write_as(c, rid, [r](store::write_context& ctx, const acting& who) -> client::continuation {
    const auto& [self, rid, v, by, remote] = who;
    auto access = require_visible_case(ctx, v, r.group);
    auto group = require_state(ctx.sql, r.group);
    if (group.kind != "group") throw protocol::error(errc::conflict, "that case is not a group");
    if (!can_act(v, access)) throw protocol::error(errc::forbidden, "only the group's organisations may add cases");
    if (!group.open()) throw protocol::error(errc::conflict, "the group is resolved");
    join_group(ctx, v, by, group, access.thread_id, r.case_id);
    store::audit(ctx, by.id, "group.add", group.id, "case " + std::to_string(r.case_id), remote);
    return reply_case_after(self, ctx, rid, group.id, json::object());
  });
}

void handle(client& c, const std::string& rid, const protocol::group_suggest_request& r) {
  auto self = c.shared_from_this();
  const viewer v = c.as_viewer();
  c.query(rid, [self, rid, r, v](soci::session& sql) -> client::continuation {
    require_visible_case(sql, v, r.case_id);
    auto s = require_state(sql, r.case_id);
    json list = json::array();
    const millis now = now_millis();
    for (long long id : store::similar_cases(sql, s, 50)) {
      auto access = store::access_by_case(sql, id);
      if (!access || !can_see(v, *access)) continue;
      list.push_back(workflow::case_json(sql, self->svc().personal, id, &v, now, nullptr, true));
      if (list.size() >= 20) break;
    }
    json basis{{"respondent", s.respondent}, {"category", s.category}, {"location", s.location}};
    return [self, rid, list = std::move(list), basis] { self->reply_ok(rid, {{"cases", list}, {"basis", basis}}); };
  });
}

void handle(client& c, const std::string& rid, const protocol::group_resolve_request& r) {
  write_as(c, rid, [r](store::write_context& ctx, const acting& who) -> client::continuation {
    const auto& [self, rid, v, by, remote] = who;
    const auto& cfg = self->svc().workflow;
    auto access = require_visible_case(ctx, v, r.group);
    auto group = require_state(ctx.sql, r.group);
    if (group.kind != "group") throw protocol::error(errc::conflict, "that case is not a group");
    if (!can_act(v, access)) throw protocol::error(errc::forbidden, "only the group's organisations may resolve it");
    if (!group.open()) throw protocol::error(errc::conflict, "the group is already resolved");
    json closed = json::array(), skipped = json::array();
    std::vector<std::pair<store::case_access, std::vector<store::stored_event>>> touched;
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
    // Notices go per case: each member's people hear of its closure.
    std::vector<store::case_access> members;
    for (const auto& id : closed)
      if (auto ma = store::access_by_case(ctx.sql, std::stoll(id.get<std::string>()))) members.push_back(*ma);
    auto events = ctx.events;
    auto reply = reply_case_after(self, ctx, rid, group.id, {{"closed", closed}, {"skipped", skipped}});
    return [self = self, reply = std::move(reply), members = std::move(members), events = std::move(events)] {
      reply();
      for (const auto& m : members) notify_case(self->svc(), m, events);
    };
  });
}

}  // namespace mediation::app
