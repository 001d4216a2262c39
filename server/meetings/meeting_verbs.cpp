// meeting.schedule, meeting.reschedule, meeting.cancel, meeting.get, meeting.list, meeting.suggest,
// meeting.respond, meeting.invite_guest, meeting.revoke_guest, calendar.feed, meeting.join,
// meeting.leave, meeting.caucus, meeting.say, meeting.signal
#include <algorithm>

#include <soci/soci.h>

#include "protocol/frames.hpp"
#include "server/meetings/calendar.hpp"
#include "server/core/credentials.hpp"
#include "server/meetings/meeting_service.hpp"
#include "server/meetings/verbs.hpp"
#include "server/meetings/rooms.hpp"
#include "server/cases/case_repo.hpp"
#include "server/store/event_repo.hpp"
#include "server/store/identity_repo.hpp"
#include "server/meetings/meeting_repo.hpp"
#include "server/base/time.hpp"

namespace mediation::app {

using nlohmann::json;
using protocol::errc;
using protocol::id_to_wire;

namespace {

millis require_time(const std::string& text, const char* field) {
  auto t = parse_deadline(text);
  if (!t || text.size() == 10)
    throw protocol::error(errc::bad_request, std::string("field '") + field + "' must be an RFC 3339 date-time");
  return *t;
}

void check_times(millis start, millis end, millis now) {
  if (end <= start) throw protocol::error(errc::bad_request, "the meeting must end after it starts");
  if (end - start > 12 * 3600000LL) throw protocol::error(errc::bad_request, "a meeting lasts at most 12 hours");
  if (end < now) throw protocol::error(errc::bad_request, "the meeting would be over already");
}

void require_organise(const viewer& v, const meetings::visible_meeting& vm) {
  if (!can_act(v, vm.access) && vm.m.organiser_id != v.user_id)
    throw protocol::error(errc::forbidden, "only the organiser or a handling organisation may change the meeting");
}

client::continuation reply_meeting(const acting& who, store::write_context& ctx, long long meeting_id,
                                   json extra = json::object()) {
  auto m = store::find_meeting(ctx.sql, meeting_id);
  return reply_after_commit(who.self, ctx, who.rid, m ? m->case_id : 0, "meeting",
                            [meeting_id, v = who.v](soci::session& sql) {
                              auto m = store::find_meeting(sql, meeting_id);
                              auto access = m ? store::access_by_case(sql, m->case_id) : std::nullopt;
                              return access ? meetings::meeting_json(sql, meeting_id, v, *access)
                                            : meetings::meeting_json(sql, meeting_id);
                            },
                            std::move(extra));
}

}  // namespace

void handle(client& c, const std::string& rid, const protocol::meeting_schedule_request& r) {
  if (!is_case_worker(c.user().role)) throw protocol::error(errc::forbidden, "your role may not schedule meetings");
  if (!calendar::tz_offset_minutes(r.tz))
    throw protocol::error(errc::bad_request, "field 'tz' must be a supported time zone such as Asia/Shanghai");
  const millis start = require_time(r.start, "start"), end = require_time(r.end, "end");
  check_times(start, end, now_millis());
  write_as(c, rid, [r, start, end](store::write_context& ctx, const acting& who) -> client::continuation {
    auto access = require_visible_case(ctx, who.v, r.case_id);
    if (!can_act(who.v, access))
      throw protocol::error(errc::forbidden, "only the owning or a handling organisation may schedule meetings");
    store::meeting_row m;
    m.case_id = r.case_id;
    m.organiser_id = who.by.id;
    m.title = r.title;
    m.purpose = r.purpose;
    m.starts_at = start;
    m.ends_at = end;
    m.tz = r.tz;
    m.place = r.place;
    m.remote = r.remote;
    m.status = "scheduled";
    m.sequence = 0;
    m.id = store::insert_meeting(ctx, m);
    json invited = meetings::add_participants(ctx, m, access, r.participants, actor_of(who), who.self->svc().personal);
    for (int minutes : r.reminders) store::insert_reminder(ctx, m.id, minutes);
    // The asker learns which of their own meetings clash; the thread, read by others, only "busy".
    json warnings = meetings::conflicts_json(ctx.sql, m, r.buffer_minutes * 60000LL, &who.v);
    json data{{"meeting", meetings::summary(m)}, {"participants", invited},
              {"conflicts", meetings::conflicts_json(ctx.sql, m, r.buffer_minutes * 60000LL, nullptr)}};
    store::append_event(ctx, access.thread_id, "meeting_scheduled", who.by, protocol::dump(data));
    store::audit(ctx, who.by.id, "meeting.schedule", r.case_id, r.title, who.remote);
    return reply_meeting(who, ctx, m.id, {{"conflicts", warnings}});
  });
}

void handle(client& c, const std::string& rid, const protocol::meeting_reschedule_request& r) {
  const millis start = require_time(r.start, "start"), end = require_time(r.end, "end");
  check_times(start, end, now_millis());
  write_as(c, rid, [r, start, end](store::write_context& ctx, const acting& who) -> client::continuation {
    auto vm = meetings::require_meeting(ctx, who.v, r.meeting);
    require_organise(who.v, vm);
    if (vm.m.status != "scheduled") throw protocol::error(errc::conflict, "the meeting is cancelled");
    auto m = vm.m;
    json before{{"start", format_rfc3339(m.starts_at)}, {"end", format_rfc3339(m.ends_at)}, {"place", m.place}};
    m.starts_at = start;
    m.ends_at = end;
    if (r.place) m.place = *r.place;
    if (r.remote) m.remote = *r.remote;
    m.sequence += 1;
    store::save_meeting(ctx, m);
    // Everyone answers again for the new time; reminders fire again.
    for (auto p : store::participants(ctx.sql, m.id)) {
      if (p.user_id && *p.user_id == m.organiser_id) continue;
      p.partstat = "NEEDS-ACTION";
      p.proposed_start.reset();
      p.proposed_end.reset();
      p.responded_at.reset();
      store::save_participant(ctx, p);
    }
    store::reset_reminders(ctx, m.id);
    // The guests' links follow the meeting: open from 30 minutes before the new start to 2 hours after the new end.
    auto ended = store::move_guest_window(ctx, m.id, m.starts_at - 30 * 60000LL, m.ends_at + 2 * 3600000LL);
    json warnings = meetings::conflicts_json(ctx.sql, m, r.buffer_minutes * 60000LL, &who.v);
    json data{{"meeting", meetings::summary(m)}, {"before", before},
              {"conflicts", meetings::conflicts_json(ctx.sql, m, r.buffer_minutes * 60000LL, nullptr)}};
    store::append_event(ctx, vm.access.thread_id, "meeting_rescheduled", who.by, protocol::dump(data));
    store::audit(ctx, who.by.id, "meeting.reschedule", m.case_id, m.title, who.remote);
    auto reply = reply_meeting(who, ctx, m.id, {{"conflicts", warnings}});
    return [self = who.self, reply = std::move(reply), ended] {
      reply();
      for (const auto& h : ended) self->svc().sessions.end_all(h, "meeting moved; the link opens again before it");
    };
  });
}

void handle(client& c, const std::string& rid, const protocol::meeting_cancel_request& r) {
  write_as(c, rid, [r](store::write_context& ctx, const acting& who) -> client::continuation {
    auto vm = meetings::require_meeting(ctx, who.v, r.meeting);
    require_organise(who.v, vm);
    if (vm.m.status != "scheduled") throw protocol::error(errc::conflict, "the meeting is already cancelled");
    auto m = vm.m;
    m.status = "cancelled";
    m.sequence += 1;
    store::save_meeting(ctx, m);
    json data{{"meeting", meetings::summary(m)}, {"reason", r.reason}};
    store::append_event(ctx, vm.access.thread_id, "meeting_cancelled", who.by, protocol::dump(data));
    store::audit(ctx, who.by.id, "meeting.cancel", m.case_id, m.title, who.remote);
    // A cancelled meeting's guests have nothing left to come to: their links end, and their sockets.
    std::vector<std::string> hashes;
    for (long long id : store::open_guest_invitations(ctx.sql, m.id)) {
      auto more = store::revoke_guest_invitation(ctx, id);
      hashes.insert(hashes.end(), more.begin(), more.end());
    }
    auto reply = reply_meeting(who, ctx, m.id);
    return [self = who.self, reply = std::move(reply), hashes] {
      reply();
      for (const auto& h : hashes) self->svc().sessions.end_all(h, "meeting cancelled");
    };
  });
}

void handle(client& c, const std::string& rid, const protocol::meeting_suggest_request& r) {
  if (!is_case_worker(c.user().role)) throw protocol::error(errc::forbidden, "your role may not schedule meetings");
  if (!calendar::tz_offset_minutes(r.tz)) throw protocol::error(errc::bad_request, "field 'tz' is not a supported time zone");
  const millis from = parse_due_field(r.from, "from").value_or(now_millis());
  auto self = c.shared_from_this();
  c.query(rid, [self, rid, r, from](soci::session& sql) -> client::continuation {
    std::vector<std::pair<millis, millis>> busy;
    for (long long user : r.participants) {
      if (!store::find_user(sql, user)) throw protocol::error(errc::not_found, "no such user: " + id_to_wire(user));
      for (const auto& m : store::meetings_of_user(sql, user, from, from + 31 * 86400000LL)) busy.emplace_back(m.starts_at, m.ends_at);
    }
    auto slots = calendar::free_slots(busy, from, r.duration_minutes * 60000LL, r.buffer_minutes * 60000LL,
                                      self->svc().workflow.cal, r.tz);
    json out = json::array();
    for (const auto& [s, e] : slots)
      out.push_back({{"start", format_rfc3339(s)}, {"end", format_rfc3339(e)}, {"local_start", calendar::format_local(s, r.tz)}});
    return [self, rid, out = std::move(out)] { self->reply_ok(rid, {{"slots", out}}); };
  });
}

void handle(client& c, const std::string& rid, const protocol::meeting_respond_request& r) {
  std::optional<millis> ps, pe;
  if (r.propose_start) {
    ps = require_time(*r.propose_start, "propose_start");
    pe = require_time(*r.propose_end, "propose_end");
    if (*pe <= *ps) throw protocol::error(errc::bad_request, "the proposed time must end after it starts");
  }
  write_as(c, rid, [r, ps, pe](store::write_context& ctx, const acting& who) -> client::continuation {
    auto vm = meetings::require_meeting(ctx, who.v, r.meeting);
    if (vm.m.status != "scheduled") throw protocol::error(errc::conflict, "the meeting is cancelled");
    auto ps_all = store::participants(ctx.sql, vm.m.id);
    auto me = std::find_if(ps_all.begin(), ps_all.end(), [&](const auto& p) { return p.user_id == who.by.id; });
    if (me == ps_all.end()) throw protocol::error(errc::forbidden, "you are not a participant of this meeting");
    auto p = *me;
    p.partstat = r.answer == "accepted" ? "ACCEPTED" : r.answer == "declined" ? "DECLINED" : "TENTATIVE";
    p.comment = r.comment;
    p.proposed_start = ps;
    p.proposed_end = pe;
    p.responded_at = ctx.now;
    store::save_participant(ctx, p);
    json data{{"meeting", meetings::summary(vm.m)}, {"answer", r.answer}, {"comment", r.comment},
              {"required", p.required}, {"required_declined", p.required && r.answer == "declined"}};
    if (ps) data["proposed"] = {{"start", format_rfc3339(*ps)}, {"end", format_rfc3339(*pe)}};
    store::append_event(ctx, vm.access.thread_id, "meeting_answered", who.by, protocol::dump(data));
    return reply_meeting(who, ctx, vm.m.id);
  });
}

void handle(client& c, const std::string& rid, const protocol::meeting_invite_guest_request& r) {
  write_as(c, rid, [r](store::write_context& ctx, const acting& who) -> client::continuation {
    auto vm = meetings::require_meeting(ctx, who.v, r.meeting);
    require_organise(who.v, vm);
    if (vm.m.status != "scheduled") throw protocol::error(errc::conflict, "the meeting is cancelled");
    std::string token = new_token();
    auto guest = meetings::invite_guest(ctx, vm.m, vm.access, r.name, r.phone, r.side, token, actor_of(who),
                                      who.self->svc().personal);
    return reply_meeting(who, ctx, vm.m.id, guest);
  });
}

void handle(client& c, const std::string& rid, const protocol::meeting_revoke_guest_request& r) {
  write_as(c, rid, [r](store::write_context& ctx, const acting& who) -> client::continuation {
    auto vm = meetings::require_meeting(ctx, who.v, r.meeting);
    require_organise(who.v, vm);
    auto inv = store::guest_invitation_of_user(ctx.sql, r.user);
    if (!inv || inv->meeting_id != vm.m.id) throw protocol::error(errc::not_found, "no such guest of this meeting");
    if (inv->revoked_at) throw protocol::error(errc::conflict, "the invitation is already revoked");
    auto hashes = meetings::revoke_guest(ctx, *inv, vm.access, actor_of(who));
    auto reply = reply_meeting(who, ctx, vm.m.id);
    return [self = who.self, reply = std::move(reply), hashes] {
      reply();
      for (const auto& h : hashes) self->svc().sessions.end_all(h, "invitation revoked");  // the guest's sockets close
    };
  });
}

void handle(client& c, const std::string& rid, const protocol::calendar_feed_request& r) {
  if (c.user().role == "guest") throw protocol::error(errc::forbidden, "guests have no calendar feed");
  // A feed URL is a bearer secret that calendar apps keep for years: it expires, and a new one
  // (which revokes the old) is a call away (--calendar-feed-ttl-days).
  const long long feed_ttl_ms = c.svc().cfg.calendar_feed_ttl_ms;
  write_as(c, rid, [r, feed_ttl_ms](store::write_context& ctx, const acting& who) -> client::continuation {
    store::revoke_feeds(ctx, who.by.id);
    json out{{"revoked", true}};
    if (!r.revoke) {
      std::string token = new_token();
      const long long expires_at = ctx.now + feed_ttl_ms;
      store::insert_feed(ctx, who.by.id, token_hash(token), expires_at);
      out = {{"url", "/api/calendar/" + token + ".ics"}, {"token", token}, {"expires_at", format_rfc3339(expires_at)}};
    }
    store::audit(ctx, who.by.id, r.revoke ? "calendar.feed_revoke" : "calendar.feed", std::nullopt, "", who.remote);
    return [self = who.self, rid = who.rid, out] { self->reply_ok(rid, out); };
  });
}

void handle(client& c, const std::string& rid, const protocol::meeting_join_request& r, rooms& live) {
  auto self = c.shared_from_this();
  const viewer v = c.as_viewer();
  const std::string name = c.user().name;
  c.query(rid, [self, rid, r, v, name, &live](soci::session& sql) -> client::continuation {
    auto vm = meetings::require_meeting(sql, v, r.meeting);
    if (vm.m.status != "scheduled") throw protocol::error(errc::conflict, "the meeting is cancelled");
    const millis now = now_millis();
    // The room opens 30 minutes before the start and closes 2 hours after the end.
    if (now < vm.m.starts_at - 30 * 60000LL || now > vm.m.ends_at + 2 * 3600000LL)
      throw protocol::error(errc::conflict, "the meeting room is open from 30 minutes before the start");
    // Only the meeting's participants enter its room, each on their recorded side.
    auto side_found = meetings::side_of(sql, vm.m.id, v.user_id);
    if (!side_found) throw protocol::error(errc::forbidden, "only the meeting's participants may join its room");
    std::string side = *side_found;
    // TURN servers get credentials of this user's own that expire (TURN REST), never a standing password.
    json ice = self->svc().cfg.ice_servers;
    for (auto& server : ice)
      if (server.value("urls", "").rfind("turn", 0) == 0 && !self->svc().cfg.turn_secret.empty()) {
        auto cred = turn_rest_credential(self->svc().cfg.turn_secret, v.user_id, now / 1000 + self->svc().cfg.turn_ttl_s);
        server["username"] = cred.username;
        server["credential"] = cred.credential;
      }
    const long long case_id = vm.m.case_id;
    return [self, rid, r, v, name, side, ice, case_id, &live] {
      std::weak_ptr<client> weak = self;
      live.join(r.meeting, case_id, self.get(),
                                  rooms::member{v.user_id, name, side, [weak](const frame_ptr& f) {
                                                  if (auto c = weak.lock()) c->push(f);
                                                }});
      self->reply_ok(rid, {{"meeting", id_to_wire(r.meeting)}, {"side", side},
                           {"mode", live.mode(r.meeting)}, {"ice_servers", ice}});
    };
  });
}

void handle(client& c, const std::string& rid, const protocol::meeting_leave_request& r, rooms& live) {
  live.leave(r.meeting, &c);
  c.reply_ok(rid, {{"meeting", id_to_wire(r.meeting)}});
}

void handle(client& c, const std::string& rid, const protocol::meeting_caucus_request& r, rooms& live) {
  if (!live.joined(r.meeting, &c)) throw protocol::error(errc::conflict, "join the meeting first");
  auto self = c.shared_from_this();
  const viewer v = c.as_viewer();
  const std::string name = c.user().name;
  c.query(rid, [self, rid, r, v, name, &live](soci::session& sql) -> client::continuation {
    auto vm = meetings::require_meeting(sql, v, r.meeting);
    // The mediator switches: a neutral participant of the handling side, or the organiser.
    const bool mediator = (can_act(v, vm.access) && meetings::side_of(sql, vm.m.id, v.user_id) == "neutral") ||
                          (vm.m.organiser_id == v.user_id && can_act(v, vm.access));
    if (!mediator) throw protocol::error(errc::forbidden, "the mediator switches between joint session and caucus");
    return [self, rid, r, v, name, &live] {
      live.set_mode(r.meeting, r.mode, v.user_id, name);
      self->reply_ok(rid, {{"meeting", id_to_wire(r.meeting)}, {"mode", r.mode}});
    };
  });
}

void handle(client& c, const std::string& rid, const protocol::meeting_set_side_request& r, rooms& live) {
  write_as(c, rid, [r, &live](store::write_context& ctx, const acting& who) -> client::continuation {
    auto vm = meetings::require_meeting(ctx, who.v, r.meeting);
    const bool mediator = can_act(who.v, vm.access) &&
                          (vm.m.organiser_id == who.v.user_id || meetings::side_of(ctx.sql, vm.m.id, who.v.user_id) == "neutral");
    if (!mediator) throw protocol::error(errc::forbidden, "the mediator assigns the participants' sides");
    auto all = store::participants(ctx.sql, vm.m.id);
    auto it = std::find_if(all.begin(), all.end(), [&](const auto& p) { return p.user_id == r.user; });
    if (it == all.end()) throw protocol::error(errc::not_found, "no such participant of this meeting");
    auto u = store::find_user(ctx.sql, r.user);
    viewer pv = u ? viewer{u->id, u->org.id, u->role} : viewer{};
    auto p = *it;
    p.side = meetings::resolve_side(pv, vm.access, r.side);
    store::save_participant(ctx, p);
    json data{{"meeting", meetings::summary(vm.m)}, {"participant", {{"id", id_to_wire(r.user)}, {"name", p.name}}},
              {"side", p.side}};
    store::append_event(ctx, vm.access.thread_id, "meeting_side_set", who.by, protocol::dump(data));
    store::audit(ctx, who.by.id, "meeting.set_side", vm.m.case_id, p.name + ": " + p.side, who.remote);
    auto reply = reply_meeting(who, ctx, vm.m.id);
    return [reply = std::move(reply), meeting = r.meeting, user = r.user, side = p.side, &live] {
      live.set_side(meeting, user, side);
      reply();
    };
  });
}

void handle(client& c, const std::string& rid, const protocol::meeting_say_request& r, rooms& live) {
  if (!live.say(r.meeting, &c, r.body, now_millis()))
    throw protocol::error(errc::forbidden, "you are not in the room, or the mediator is in caucus with the other side");
  c.reply_ok(rid, {{"meeting", id_to_wire(r.meeting)}});
}

void handle(client& c, const std::string& rid, const protocol::meeting_signal_request& r, rooms& live) {
  if (!live.joined(r.meeting, &c)) throw protocol::error(errc::forbidden, "join the meeting first");
  if (!live.signal(r.meeting, &c, r.to, r.signal))
    throw protocol::error(errc::conflict, "that participant is not in the room, or not in this part of the session");
  c.reply_ok(rid, {{"meeting", id_to_wire(r.meeting)}});
}

}  // namespace mediation::app
