#pragma once
// The meetings slice's verbs as plain functions of (store context, [environment,] actor, request):
// what they check, store and answer, without a connection. Each throws protocol::error (not_found,
// forbidden, conflict, bad_request) or a database error; nothing of a failed write is stored. The
// WebSocket adapters (core/verb_support.hpp: read_verb, write_verb) run them on a database worker
// (reads) or in the batched writer (writes); install.cpp registers them. Writes to a meeting answer
// with {meeting} as the actor sees it after the commit, and the people of its case hear of the change.
// The live rooms (meeting.join, leave, caucus, say, signal and set_side's room update) need the
// connection and stay handlers in meeting_verbs.cpp; their database checks are here.

#include <string>

#include <nlohmann/json.hpp>

#include "protocol/messages/meetings.hpp"
#include "server/core/actor.hpp"
#include "server/core/verb_checks.hpp"
#include "server/store/batched_writer.hpp"

namespace soci {
class session;
}

namespace mediation::app::meetings {

// --- Reads ---
// meeting.get: the meeting as the actor may see it. Result {meeting}.
nlohmann::json get(soci::session& sql, const actor& who, const protocol::meeting_get_request& r);
// meeting.list: the actor's meetings between `from` and `to` (default a week back, 60 days ahead; at
// most 400 days), or every meeting of one case they may know that they may see. Result {meetings,
// from, to}.
nlohmann::json list(soci::session& sql, const actor& who, const protocol::meeting_list_request& r);
// meeting.suggest: the next free slots of all the participants in working hours (env.workflow's
// calendar), within 31 days of `from` (default now). Case workers only; every participant must exist.
// Result {slots: [{start, end, local_start}]}.
nlohmann::json suggest(soci::session& sql, const verb_env& env, const actor& who,
                       const protocol::meeting_suggest_request& r);

// --- Scheduling (answers {meeting}, with {conflicts} for schedule and reschedule) ---
// meeting.schedule: a joint session on a case the actor's organisation owns or handles (case workers
// only). Times are RFC 3339 date-times; the meeting must end after it starts, last at most 12 hours
// and not be over at ctx.now. Users who could not see the case are invited to it.
verb_outcome schedule(store::write_context& ctx, const verb_env& env, const actor& who,
                      const protocol::meeting_schedule_request& r);
// meeting.reschedule: new times (the same rules), the sequence grows, answers and reminders reset,
// guests' links follow; after the reply, the sessions of guests whose link closed end.
verb_outcome reschedule(store::write_context& ctx, const actor& who, const protocol::meeting_reschedule_request& r);
// meeting.cancel: conflict when already cancelled; after the reply, the guests' sessions end.
verb_outcome cancel(store::write_context& ctx, const actor& who, const protocol::meeting_cancel_request& r);
// meeting.respond: a participant's answer (and counter-proposal) to a scheduled meeting.
verb_outcome respond(store::write_context& ctx, const actor& who, const protocol::meeting_respond_request& r);
// meeting.invite_guest: a guest account for an external person. Result {meeting, guest, token, url,
// valid_from, valid_until}. (Not `invite_guest`: that is the service step of meeting_service.hpp.)
verb_outcome guest_invite(store::write_context& ctx, const verb_env& env, const actor& who,
                          const protocol::meeting_invite_guest_request& r);
// meeting.revoke_guest: ends a guest's invitation; after the reply, the guest's sessions end.
verb_outcome guest_revoke(store::write_context& ctx, const actor& who,
                          const protocol::meeting_revoke_guest_request& r);
// calendar.feed: revokes the actor's feed URLs and, unless `revoke`, makes a new one that expires
// after env.cfg.calendar_feed_ttl_ms. Not for guests. Result {url, token, expires_at} or {revoked}.
verb_outcome calendar_feed(store::write_context& ctx, const verb_env& env, const actor& who,
                           const protocol::calendar_feed_request& r);

// --- The database part of the live rooms' verbs ---
// meeting.set_side: the mediator sets a participant's side. When `side` is given it receives the
// side stored, for the adapter to move the participant in the live room (meeting_verbs.cpp).
verb_outcome set_side(store::write_context& ctx, const actor& who, const protocol::meeting_set_side_request& r,
                      std::string* side = nullptr);

// What meeting.join needs to put the connection in the room.
struct join_pass {
  long long case_id = 0;
  std::string side;                                      // the participant's recorded side
  nlohmann::json ice_servers = nlohmann::json::array();  // env.cfg's, with TURN credentials of the actor's own
};
// meeting.join's checks: a scheduled meeting the actor may see, its room open now (30 minutes before
// the start to 2 hours after the end: conflict), the actor one of its participants (forbidden).
join_pass join_check(soci::session& sql, const verb_env& env, const actor& who,
                     const protocol::meeting_join_request& r);
// meeting.caucus's check: the actor is the meeting's mediator (a neutral participant of an
// organisation acting on the case, or its organiser acting on it); forbidden otherwise.
void caucus_check(soci::session& sql, const actor& who, const protocol::meeting_caucus_request& r);

}  // namespace mediation::app::meetings
