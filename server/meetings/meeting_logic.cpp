// The logic of the meetings slice's verbs: plain functions of (store context, [environment,] actor,
// request), run by the adapters of core/verb_support.hpp, by the live rooms' handlers
// (meeting_verbs.cpp) and by tests on SQLite and MariaDB (tests/server/meetings/meeting_logic_test.cpp).
#include "server/meetings/meeting_logic.hpp"

#include <algorithm>
#include <functional>
#include <optional>
#include <utility>
#include <vector>

#include <soci/soci.h>

#include "protocol/frames.hpp"
#include "server/base/time.hpp"
#include "server/core/credentials.hpp"
#include "server/core/services.hpp"
#include "server/core/verb_checks.hpp"
#include "server/meetings/calendar.hpp"
#include "server/meetings/meeting_repo.hpp"
#include "server/meetings/meeting_service.hpp"
#include "server/store/access_repo.hpp"
#include "server/store/event_repo.hpp"
#include "server/store/identity_repo.hpp"

namespace mediation::app::meetings {

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

void require_organise(const viewer& v, const visible_meeting& vm) {
  if (!can_act(v, vm.access) && vm.m.organiser_id != v.user_id)
    throw protocol::error(errc::forbidden, "only the organiser or a handling organisation may change the meeting");
}

// The outcome of a write to a meeting: `extra` as the result, completed after the commit with
// {"meeting": the meeting as `who` sees it}; notices of the job's events go to the people of its case.
verb_outcome meeting_outcome(const actor& who, long long meeting_id, long long case_id, json extra = json::object()) {
  verb_outcome out;
  out.result = std::move(extra);
  out.notify_case = case_id;
  out.read_back = [meeting_id, v = who.v](soci::session& sql, verb_outcome& o) {
    auto m = store::find_meeting(sql, meeting_id);
    auto access = m ? store::access_by_case(sql, m->case_id) : std::nullopt;
    o.result["meeting"] = access ? meeting_json(sql, meeting_id, v, *access) : meeting_json(sql, meeting_id);
  };
  return out;
}

// An after_commit step: the login sessions `hashes` end (their sockets close with `reason`).
std::function<void(services&)> end_sessions(std::vector<std::string> hashes, std::string reason) {
  return [hashes = std::move(hashes), reason = std::move(reason)](services& svc) {
    for (const auto& h : hashes) svc.sessions.end_all(h, reason);
  };
}

}  // namespace

json get(soci::session& sql, const actor& who, const protocol::meeting_get_request& r) {
  auto vm = require_meeting(sql, who.v, r.meeting);
  return {{"meeting", meeting_json(sql, r.meeting, who.v, vm.access)}};
}

json list(soci::session& sql, const actor& who, const protocol::meeting_list_request& r) {
  const viewer& v = who.v;
  const millis now = now_millis();
  millis from = parse_due_field(r.from, "from").value_or(now - 7 * 86400000LL);
  millis to = parse_due_field(r.to, "to").value_or(now + 60 * 86400000LL);
  if (r.from && r.from->size() == 10) from -= 86400000LL - 1;  // a date: from its beginning
  if (to <= from) throw protocol::error(errc::bad_request, "'from' must be before 'to'");
  if (to - from > 400 * 86400000LL) throw protocol::error(errc::bad_request, "a calendar covers at most 400 days");
  json out = json::array();
  if (r.case_id) {
    require_known_case(sql, v, *r.case_id);
    for (const auto& m : store::meetings_of_case(sql, *r.case_id)) {
      auto access = store::access_by_case(sql, m.case_id);
      if (access && may_see(sql, v, *access, m)) out.push_back(meeting_json(sql, m.id, v, *access));
    }
  } else {
    // Filtered at call time: a meeting of a case the user may no longer see (a declined hand-over,
    // a revoked invitation) is not listed, though they are still recorded as a participant.
    for (const auto& m : store::meetings_of_user(sql, v.user_id, from, to)) {
      auto access = store::access_by_case(sql, m.case_id);
      if (access && may_see(sql, v, *access, m)) out.push_back(meeting_json(sql, m.id, v, *access));
    }
  }
  return {{"meetings", std::move(out)}, {"from", format_rfc3339(from)}, {"to", format_rfc3339(to)}};
}

json suggest(soci::session& sql, const verb_env& env, const actor& who, const protocol::meeting_suggest_request& r) {
  if (!is_case_worker(who.v.role)) throw protocol::error(errc::forbidden, "your role may not schedule meetings");
  if (!calendar::tz_offset_minutes(r.tz))
    throw protocol::error(errc::bad_request, "field 'tz' is not a supported time zone");
  const millis from = parse_due_field(r.from, "from").value_or(now_millis());
  std::vector<std::pair<millis, millis>> busy;
  for (long long user : r.participants) {
    if (!store::find_user(sql, user)) throw protocol::error(errc::not_found, "no such user: " + id_to_wire(user));
    for (const auto& m : store::meetings_of_user(sql, user, from, from + 31 * 86400000LL))
      busy.emplace_back(m.starts_at, m.ends_at);
  }
  auto slots = calendar::free_slots(busy, from, r.duration_minutes * 60000LL, r.buffer_minutes * 60000LL,
                                    env.workflow.cal, r.tz);
  json out = json::array();
  for (const auto& [s, e] : slots)
    out.push_back({{"start", format_rfc3339(s)}, {"end", format_rfc3339(e)},
                   {"local_start", calendar::format_local(s, r.tz)}});
  return {{"slots", out}};
}

verb_outcome schedule(store::write_context& ctx, const verb_env& env, const actor& who,
                      const protocol::meeting_schedule_request& r) {
  const auto& [v, by, remote] = who;
  if (!is_case_worker(v.role)) throw protocol::error(errc::forbidden, "your role may not schedule meetings");
  if (!calendar::tz_offset_minutes(r.tz))
    throw protocol::error(errc::bad_request, "field 'tz' must be a supported time zone such as Asia/Shanghai");
  const millis start = require_time(r.start, "start"), end = require_time(r.end, "end");
  check_times(start, end, ctx.now);
  auto access = require_visible_case(ctx, v, r.case_id);
  if (!can_act(v, access))
    throw protocol::error(errc::forbidden, "only the owning or a handling organisation may schedule meetings");
  store::meeting_row m;
  m.case_id = r.case_id;
  m.organiser_id = by.id;
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
  json invited = add_participants(ctx, m, access, r.participants, who, env.personal);
  for (int minutes : r.reminders) store::insert_reminder(ctx, m.id, minutes);
  // The asker learns which of their own meetings clash; the thread, read by others, only "busy".
  json warnings = conflicts_json(ctx.sql, m, r.buffer_minutes * 60000LL, &v);
  json data{{"meeting", summary(m)}, {"participants", invited},
            {"conflicts", conflicts_json(ctx.sql, m, r.buffer_minutes * 60000LL, nullptr)}};
  store::append_event(ctx, access.thread_id, "meeting_scheduled", by, protocol::dump(data));
  store::audit(ctx, by.id, "meeting.schedule", r.case_id, r.title, remote);
  return meeting_outcome(who, m.id, m.case_id, {{"conflicts", warnings}});
}

verb_outcome reschedule(store::write_context& ctx, const actor& who, const protocol::meeting_reschedule_request& r) {
  const auto& [v, by, remote] = who;
  const millis start = require_time(r.start, "start"), end = require_time(r.end, "end");
  check_times(start, end, ctx.now);
  auto vm = require_meeting(ctx, v, r.meeting);
  require_organise(v, vm);
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
  json warnings = conflicts_json(ctx.sql, m, r.buffer_minutes * 60000LL, &v);
  json data{{"meeting", summary(m)}, {"before", before},
            {"conflicts", conflicts_json(ctx.sql, m, r.buffer_minutes * 60000LL, nullptr)}};
  store::append_event(ctx, vm.access.thread_id, "meeting_rescheduled", by, protocol::dump(data));
  store::audit(ctx, by.id, "meeting.reschedule", m.case_id, m.title, remote);
  auto out = meeting_outcome(who, m.id, m.case_id, {{"conflicts", warnings}});
  out.then(end_sessions(std::move(ended), "meeting moved; the link opens again before it"));
  return out;
}

verb_outcome cancel(store::write_context& ctx, const actor& who, const protocol::meeting_cancel_request& r) {
  const auto& [v, by, remote] = who;
  auto vm = require_meeting(ctx, v, r.meeting);
  require_organise(v, vm);
  if (vm.m.status != "scheduled") throw protocol::error(errc::conflict, "the meeting is already cancelled");
  auto m = vm.m;
  m.status = "cancelled";
  m.sequence += 1;
  store::save_meeting(ctx, m);
  json data{{"meeting", summary(m)}, {"reason", r.reason}};
  store::append_event(ctx, vm.access.thread_id, "meeting_cancelled", by, protocol::dump(data));
  store::audit(ctx, by.id, "meeting.cancel", m.case_id, m.title, remote);
  // A cancelled meeting's guests have nothing left to come to: their links end, and their sockets.
  std::vector<std::string> hashes;
  for (long long id : store::open_guest_invitations(ctx.sql, m.id)) {
    auto more = store::revoke_guest_invitation(ctx, id);
    hashes.insert(hashes.end(), more.begin(), more.end());
  }
  auto out = meeting_outcome(who, m.id, m.case_id);
  out.then(end_sessions(std::move(hashes), "meeting cancelled"));
  return out;
}

verb_outcome respond(store::write_context& ctx, const actor& who, const protocol::meeting_respond_request& r) {
  const viewer& v = who.v;
  const store::author& by = who.by;
  std::optional<millis> ps, pe;
  if (r.propose_start) {
    ps = require_time(*r.propose_start, "propose_start");
    pe = require_time(*r.propose_end, "propose_end");
    if (*pe <= *ps) throw protocol::error(errc::bad_request, "the proposed time must end after it starts");
  }
  auto vm = require_meeting(ctx, v, r.meeting);
  if (vm.m.status != "scheduled") throw protocol::error(errc::conflict, "the meeting is cancelled");
  auto ps_all = store::participants(ctx.sql, vm.m.id);
  auto me = std::find_if(ps_all.begin(), ps_all.end(), [&](const auto& p) { return p.user_id == by.id; });
  if (me == ps_all.end()) throw protocol::error(errc::forbidden, "you are not a participant of this meeting");
  auto p = *me;
  p.partstat = r.answer == "accepted" ? "ACCEPTED" : r.answer == "declined" ? "DECLINED" : "TENTATIVE";
  p.comment = r.comment;
  p.proposed_start = ps;
  p.proposed_end = pe;
  p.responded_at = ctx.now;
  store::save_participant(ctx, p);
  json data{{"meeting", summary(vm.m)}, {"answer", r.answer}, {"comment", r.comment},
            {"required", p.required}, {"required_declined", p.required && r.answer == "declined"}};
  if (ps) data["proposed"] = {{"start", format_rfc3339(*ps)}, {"end", format_rfc3339(*pe)}};
  store::append_event(ctx, vm.access.thread_id, "meeting_answered", by, protocol::dump(data));
  return meeting_outcome(who, vm.m.id, vm.m.case_id);
}

verb_outcome guest_invite(store::write_context& ctx, const verb_env& env, const actor& who,
                          const protocol::meeting_invite_guest_request& r) {
  auto vm = require_meeting(ctx, who.v, r.meeting);
  require_organise(who.v, vm);
  if (vm.m.status != "scheduled") throw protocol::error(errc::conflict, "the meeting is cancelled");
  std::string token = new_token();
  auto guest = invite_guest(ctx, vm.m, vm.access, r.name, r.phone, r.side, token, who, env.personal);
  return meeting_outcome(who, vm.m.id, vm.m.case_id, guest);
}

verb_outcome guest_revoke(store::write_context& ctx, const actor& who,
                          const protocol::meeting_revoke_guest_request& r) {
  auto vm = require_meeting(ctx, who.v, r.meeting);
  require_organise(who.v, vm);
  auto inv = store::guest_invitation_of_user(ctx.sql, r.user);
  if (!inv || inv->meeting_id != vm.m.id) throw protocol::error(errc::not_found, "no such guest of this meeting");
  if (inv->revoked_at) throw protocol::error(errc::conflict, "the invitation is already revoked");
  auto hashes = revoke_guest(ctx, *inv, vm.access, who);
  auto out = meeting_outcome(who, vm.m.id, vm.m.case_id);
  out.then(end_sessions(std::move(hashes), "invitation revoked"));  // the guest's sockets close
  return out;
}

verb_outcome calendar_feed(store::write_context& ctx, const verb_env& env, const actor& who,
                           const protocol::calendar_feed_request& r) {
  const auto& [v, by, remote] = who;
  if (v.role == "guest") throw protocol::error(errc::forbidden, "guests have no calendar feed");
  store::revoke_feeds(ctx, by.id);
  verb_outcome out;
  out.result = {{"revoked", true}};
  if (!r.revoke) {
    // A feed URL is a bearer secret that calendar apps keep for years: it expires, and a new one
    // (which revokes the old) is a call away (--calendar-feed-ttl-days).
    std::string token = new_token();
    const long long expires_at = ctx.now + env.cfg.calendar_feed_ttl_ms;
    store::insert_feed(ctx, by.id, token_hash(token), expires_at);
    out.result = {{"url", "/api/calendar/" + token + ".ics"}, {"token", token},
                  {"expires_at", format_rfc3339(expires_at)}};
  }
  store::audit(ctx, by.id, r.revoke ? "calendar.feed_revoke" : "calendar.feed", std::nullopt, "", remote);
  return out;
}

verb_outcome set_side(store::write_context& ctx, const actor& who, const protocol::meeting_set_side_request& r,
                      std::string* side) {
  const auto& [v, by, remote] = who;
  auto vm = require_meeting(ctx, v, r.meeting);
  const bool mediator = can_act(v, vm.access) &&
                        (vm.m.organiser_id == v.user_id || side_of(ctx.sql, vm.m.id, v.user_id) == "neutral");
  if (!mediator) throw protocol::error(errc::forbidden, "the mediator assigns the participants' sides");
  auto all = store::participants(ctx.sql, vm.m.id);
  auto it = std::find_if(all.begin(), all.end(), [&](const auto& p) { return p.user_id == r.user; });
  if (it == all.end()) throw protocol::error(errc::not_found, "no such participant of this meeting");
  auto u = store::find_user(ctx.sql, r.user);
  viewer pv = u ? viewer{u->id, u->org.id, u->role} : viewer{};
  auto p = *it;
  // The mediator may correct a party-side person's side (a guest invited for the wrong party); their
  // invitation to the case follows, so the two never disagree. Neutral stays refused for them.
  p.side = resolve_side(pv, vm.access, r.side);
  store::save_participant(ctx, p);
  if (p.side != "neutral" && store::invited_side(ctx.sql, vm.access.case_id, r.user))
    store::set_invited_side(ctx, vm.access.case_id, r.user, p.side);
  json data{{"meeting", summary(vm.m)}, {"participant", {{"id", id_to_wire(r.user)}, {"name", p.name}}},
            {"side", p.side}};
  store::append_event(ctx, vm.access.thread_id, "meeting_side_set", by, protocol::dump(data));
  store::audit(ctx, by.id, "meeting.set_side", vm.m.case_id, p.name + ": " + p.side, remote);
  if (side) *side = p.side;
  return meeting_outcome(who, vm.m.id, vm.m.case_id);
}

join_pass join_check(soci::session& sql, const verb_env& env, const actor& who,
                     const protocol::meeting_join_request& r) {
  const viewer& v = who.v;
  auto vm = require_meeting(sql, v, r.meeting);
  if (vm.m.status != "scheduled") throw protocol::error(errc::conflict, "the meeting is cancelled");
  const millis now = now_millis();
  // The room opens 30 minutes before the start and closes 2 hours after the end.
  if (now < vm.m.starts_at - 30 * 60000LL || now > vm.m.ends_at + 2 * 3600000LL)
    throw protocol::error(errc::conflict, "the meeting room is open from 30 minutes before the start");
  // Only the meeting's participants enter its room, each on their recorded side.
  auto side = side_of(sql, vm.m.id, v.user_id);
  if (!side) throw protocol::error(errc::forbidden, "only the meeting's participants may join its room");
  join_pass pass;
  pass.case_id = vm.m.case_id;
  pass.side = *side;
  // TURN servers get credentials of this user's own that expire (TURN REST), never a standing password.
  pass.ice_servers = env.cfg.ice_servers;
  for (auto& server : pass.ice_servers)
    if (server.value("urls", "").rfind("turn", 0) == 0 && !env.cfg.turn_secret.empty()) {
      auto cred = turn_rest_credential(env.cfg.turn_secret, v.user_id, now / 1000 + env.cfg.turn_ttl_s);
      server["username"] = cred.username;
      server["credential"] = cred.credential;
    }
  return pass;
}

void caucus_check(soci::session& sql, const actor& who, const protocol::meeting_caucus_request& r) {
  const viewer& v = who.v;
  auto vm = require_meeting(sql, v, r.meeting);
  // The mediator switches: a neutral participant of the handling side, or the organiser.
  const bool mediator = (can_act(v, vm.access) && side_of(sql, vm.m.id, v.user_id) == "neutral") ||
                        (vm.m.organiser_id == v.user_id && can_act(v, vm.access));
  if (!mediator) throw protocol::error(errc::forbidden, "the mediator switches between joint session and caucus");
}

}  // namespace mediation::app::meetings
