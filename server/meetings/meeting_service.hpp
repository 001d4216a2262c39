#pragma once
// The joint-session steps shared by the verbs, the calendar endpoints and the scheduler. Run inside
// a write transaction or on a database worker.

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "protocol/messages/meetings.hpp"
#include "server/meetings/calendar.hpp"
#include "server/core/actor.hpp"
#include "server/core/personal_data.hpp"
#include "server/store/batched_writer.hpp"
#include "server/meetings/meeting_repo.hpp"

namespace mediation::app::meetings {

// A meeting and the access facts of its case, for a user who may see it.
struct visible_meeting {
  store::meeting_row m;
  store::case_access access;
};
// Loads the meeting and checks that `v` may see it (knows its case, and may_see): not_found or
// forbidden otherwise. In the writer's transaction the case's facts come from its cache.
visible_meeting require_meeting(soci::session& sql, const viewer& v, long long id);
visible_meeting require_meeting(store::write_context& ctx, const viewer& v, long long id);

// Whoever may see the case sees its meetings, except guests, who see only the meeting they are
// invited to.
bool may_see(soci::session& sql, const viewer& v, const store::case_access& access, const store::meeting_row& m);
// Adds the participants (and the organiser, accepted); users who could not see the case are
// invited to it. Returns them as JSON for the event.
nlohmann::json add_participants(store::write_context& ctx, const store::meeting_row& m, const store::case_access& access,
                                const std::vector<protocol::meeting_participant>& list, const actor& who,
                                const personal_data& personal);
// Double bookings of the meeting's participants (other scheduled meetings they have not declined,
// within `buffer`): [{"participant": {"id","name"}, "meeting": {"id","title","start","end","local_start"}}].
// A booking is named (id, title) only when `asker` may see that meeting; otherwise, and always when
// `asker` is null (what is stored in the thread, which others read), it is
// {"busy": true, "start", "end", "local_start"}.
nlohmann::json conflicts_json(soci::session& sql, const store::meeting_row& m, long long buffer, const viewer* asker);
// {"id","title","start","end","place","remote"} for events.
nlohmann::json summary(const store::meeting_row& m);
// The meeting object (protocol/README.md, "Joint sessions").
nlohmann::json meeting_json(soci::session& sql, long long meeting_id);
// The meeting object as `reader` may see it: someone on a party's side does not read the staff's
// answers (comments, proposed times) of the other participants.
nlohmann::json meeting_json(soci::session& sql, long long meeting_id, const viewer& reader,
                            const store::case_access& access);
// The participant's side in the room (petitioner, respondent or neutral); nullopt for someone who
// is not a participant (and so may not enter the room).
std::optional<std::string> side_of(soci::session& sql, long long meeting_id, long long user_id);
// The side a participant takes: `asked` if given. Staff of an organisation acting on the case
// (can_act) and professionals invited to it are neutral when `asked` is empty; anyone else must be
// given a side, and "neutral" only for a user of the network who is not on a party's side (never
// an external person, a guest or a representative). bad_request otherwise.
// The side a participant takes, checked against what they are to the case: an invited professional
// is neutral; a representative or a guest keeps the side they were invited for (`invited`); a person
// new to the case takes a party's side only as a lawyer (its representative); administrators and
// external people are never neutral participants of a case.
std::string resolve_side(const viewer& participant, const store::case_access& access, const std::string& asked,
                         const std::optional<std::string>& invited = std::nullopt);

// A guest account for an external person, a participant of `m` who may see the case thread and
// this meeting only, through `token` valid from 30 minutes before the start to 2 hours after the
// end. Returns {"guest": {"id","name"}, "token", "url", "valid_from", "valid_until"}.
nlohmann::json invite_guest(store::write_context& ctx, const store::meeting_row& m, const store::case_access& access,
                            const std::string& name, const std::string& phone, const std::string& side,
                            const std::string& token, const actor& who, const personal_data& personal);
// Revokes the invitation and the guest's login sessions (returned as token hashes to end).
std::vector<std::string> revoke_guest(store::write_context& ctx, const store::guest_invitation_row& inv,
                                      const store::case_access& access, const actor& who);

// The meeting as an iCalendar event; `method` REQUEST (CANCEL when cancelled) for one meeting.
calendar::event ics_event(soci::session& sql, const store::meeting_row& m);

}  // namespace mediation::app::meetings
