// case.create, case.get, case.list, case.handoff, case.accept, case.decline, case.invite
#include <algorithm>

#include <soci/soci.h>

#include "protocol/frames.hpp"
#include "server/app/verbs.hpp"
#include "server/store/case_repo.hpp"
#include "server/store/event_repo.hpp"
#include "server/store/identity_repo.hpp"
#include "server/time.hpp"

namespace mediation::app {

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

protocol::case_view load_case(soci::session& sql, long long id) {
  auto v = store::find_case(sql, id);
  if (!v) throw protocol::error(errc::not_found, "no such case");
  return *v;
}

// Replies {"case": view} after the commit.
client::continuation reply_case(std::shared_ptr<client> self, std::string rid, protocol::case_view v) {
  return [self, rid, v = std::move(v)] { self->reply_ok(rid, {{"case", v}}); };
}

}  // namespace

void handle(client& c, const std::string& rid, const protocol::case_create_request& r) {
  if (!is_case_worker(c.user().role))
    throw protocol::error(errc::forbidden, "your role may not register cases");
  auto self = c.shared_from_this();
  const store::author by{c.user().id, c.user().name};
  const long long org = c.user().org.id;
  const std::string remote = c.remote();
  c.write(rid, [self, rid, r, by, org, remote](store::write_context& ctx) -> client::continuation {
    auto created = store::insert_case(ctx, org, by.id, r);
    json data{{"case", {{"id", id_to_wire(created.id)}, {"number", created.number}, {"title", r.title},
                        {"category", r.category}, {"channel", r.channel}}}};
    store::append_event(ctx, created.thread, "created", by, protocol::dump(data));
    store::audit(ctx, by.id, "case.create", created.id, created.number, remote);
    return reply_case(self, rid, load_case(ctx.sql, created.id));
  });
}

void handle(client& c, const std::string& rid, const protocol::case_get_request& r) {
  auto self = c.shared_from_this();
  const viewer v = c.as_viewer();
  c.query(rid, [self, rid, r, v](soci::session& sql) -> client::continuation {
    require_visible_case(sql, v, r.case_id);
    return reply_case(self, rid, load_case(sql, r.case_id));
  });
}

void handle(client& c, const std::string& rid, const protocol::case_list_request&) {
  auto self = c.shared_from_this();
  const viewer v = c.as_viewer();
  c.query(rid, [self, rid, v](soci::session& sql) -> client::continuation {
    json list = json::array();
    for (long long id : store::candidate_cases(sql, v.user_id, v.org_id, sees_by_membership(v.role), 200)) {
      auto access = store::access_by_case(sql, id);
      if (!access || !can_see(v, *access)) continue;
      if (auto cv = store::find_case(sql, id)) list.push_back(*cv);
    }
    return [self, rid, list = std::move(list)] { self->reply_ok(rid, {{"cases", list}}); };
  });
}

void handle(client& c, const std::string& rid, const protocol::case_handoff_request& r) {
  std::optional<millis> due;
  if (r.due) {
    due = parse_deadline(*r.due);
    if (!due) throw protocol::error(errc::bad_request, "field 'due' must be an RFC 3339 date-time or YYYY-MM-DD");
  }
  auto self = c.shared_from_this();
  const viewer v = c.as_viewer();
  const store::author by{c.user().id, c.user().name};
  const std::string remote = c.remote();
  c.write(rid, [self, rid, r, v, by, due, remote](store::write_context& ctx) -> client::continuation {
    auto access = require_visible_case(ctx, v, r.case_id);
    if (!can_act(v, access))
      throw protocol::error(errc::forbidden, "only the owning or an accepting organisation may hand the case over");
    auto to = require_org(ctx.sql, r.to_org);
    if (to.id == v.org_id) throw protocol::error(errc::conflict, "a case cannot be handed to your own organisation");
    if (to.id == access.owner_org) throw protocol::error(errc::conflict, "the case already belongs to that organisation");
    bool open = std::any_of(access.handlers.begin(), access.handlers.end(), [&](const auto& h) {
      return h.org == to.id && (h.status == "pending" || h.status == "accepted");
    });
    if (open) throw protocol::error(errc::conflict, "the case is already handed to that organisation");
    auto from = require_org(ctx.sql, v.org_id);
    store::insert_handoff(ctx, r.case_id, to.id, from.id, r.note, due, by.id);
    auto current = load_case(ctx.sql, r.case_id);
    if (current.status == "registered") store::set_case_status(ctx, r.case_id, "handed_over");
    json data{{"from_org", org_ref(from)}, {"to_org", org_ref(to)}, {"note", r.note}, {"due", nullptr}};
    if (due) data["due"] = format_rfc3339(*due);
    store::append_event(ctx, access.thread_id, "handed_over", by, protocol::dump(data));
    store::audit(ctx, by.id, "case.handoff", r.case_id, "to org " + std::to_string(to.id), remote);
    return reply_case(self, rid, load_case(ctx.sql, r.case_id));
  });
}

namespace {

// case.accept and case.decline: decide the pending hand-over to the user's organisation.
void decide(client& c, const std::string& rid, long long case_id, bool accept, std::optional<std::string> reason) {
  auto self = c.shared_from_this();
  const viewer v = c.as_viewer();
  const store::author by{c.user().id, c.user().name};
  const std::string remote = c.remote();
  c.write(rid, [self, rid, case_id, accept, reason, v, by, remote](store::write_context& ctx) -> client::continuation {
    auto access = require_visible_case(ctx, v, case_id);
    if (!can_decide_handoff(v, access))
      throw protocol::error(is_case_worker(v.role) ? errc::conflict : errc::forbidden,
                            "there is no pending hand-over of this case to your organisation");
    auto handoff = store::find_handoff(ctx.sql, case_id, v.org_id, "pending");
    if (!handoff) throw protocol::error(errc::conflict, "there is no pending hand-over of this case to your organisation");
    auto org = require_org(ctx.sql, v.org_id);
    json data{{"org", org_ref(org)}};
    if (accept) {
      store::decide_handoff(ctx, *handoff, "accepted", std::nullopt, by.id);
      bool first = std::none_of(access.handlers.begin(), access.handlers.end(),
                                [](const auto& h) { return h.status == "accepted"; });
      if (first) store::set_first_handler(ctx, case_id, org.id);
      store::set_case_status(ctx, case_id, "in_progress");
      data["first_handler"] = first;
    } else {
      store::decide_handoff(ctx, *handoff, "declined", reason, by.id);
      data["reason"] = *reason;
      bool others = std::any_of(access.handlers.begin(), access.handlers.end(), [&](const auto& h) {
        return h.org != org.id && (h.status == "pending" || h.status == "accepted");
      });
      bool accepted = std::any_of(access.handlers.begin(), access.handlers.end(),
                                  [&](const auto& h) { return h.org != org.id && h.status == "accepted"; });
      store::set_case_status(ctx, case_id, accepted ? "in_progress" : others ? "handed_over" : "registered");
    }
    store::append_event(ctx, access.thread_id, accept ? "accepted" : "declined", by, protocol::dump(data));
    store::audit(ctx, by.id, accept ? "case.accept" : "case.decline", case_id, reason.value_or(""), remote);
    auto view = load_case(ctx.sql, case_id);
    const long long thread = access.thread_id;
    return [self, rid, view = std::move(view), thread, accept, by] {
      self->reply_ok(rid, {{"case", view}});
      // The declining organisation no longer sees the case: its live subscriptions end.
      if (!accept) self->svc().live.access_changed(thread, actor{by.id, by.name});
    };
  });
}

}  // namespace

void handle(client& c, const std::string& rid, const protocol::case_accept_request& r) {
  decide(c, rid, r.case_id, true, std::nullopt);
}

void handle(client& c, const std::string& rid, const protocol::case_decline_request& r) {
  decide(c, rid, r.case_id, false, r.reason);
}

void handle(client& c, const std::string& rid, const protocol::case_invite_request& r) {
  auto self = c.shared_from_this();
  const viewer v = c.as_viewer();
  const store::author by{c.user().id, c.user().name};
  const std::string remote = c.remote();
  c.write(rid, [self, rid, r, v, by, remote](store::write_context& ctx) -> client::continuation {
    auto access = require_visible_case(ctx, v, r.case_id);
    if (!can_act(v, access))
      throw protocol::error(errc::forbidden, "only the owning or an accepting organisation may invite people");
    auto invitee = store::find_user(ctx.sql, r.user);
    if (!invitee) throw protocol::error(errc::not_found, "no such user");
    if (!store::insert_invite(ctx, r.case_id, invitee->id, by.id))
      throw protocol::error(errc::conflict, "that person is already invited");
    json data{{"user", {{"id", id_to_wire(invitee->id)}, {"name", invitee->name}, {"role", invitee->role}}}};
    store::append_event(ctx, access.thread_id, "invited", by, protocol::dump(data));
    store::audit(ctx, by.id, "case.invite", r.case_id, "user " + std::to_string(invitee->id), remote);
    return reply_case(self, rid, load_case(ctx.sql, r.case_id));
  });
}

}  // namespace mediation::app
