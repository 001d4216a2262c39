#pragma once
// SQL of joint sessions: meetings, participants and their answers, reminders, calendar feeds and
// guest invitations. Functions taking write_context run inside the batched writer's transaction.

#include <optional>
#include <string>
#include <vector>

#include "server/store/batched_writer.hpp"

namespace mediation::store {

struct meeting_row {
  long long id = 0, case_id = 0, organiser_id = 0, created_at = 0;
  std::string title, purpose, tz, place, status;  // status: scheduled, cancelled
  long long starts_at = 0, ends_at = 0;
  bool remote = false;
  int sequence = 0;
};
long long insert_meeting(write_context& ctx, const meeting_row& m);
std::optional<meeting_row> find_meeting(soci::session& sql, long long id);
void save_meeting(write_context& ctx, const meeting_row& m);
std::vector<meeting_row> meetings_of_case(soci::session& sql, long long case_id);
// Scheduled meetings with a participant `user_id` (who has not declined) overlapping [from, to).
std::vector<meeting_row> meetings_of_user(soci::session& sql, long long user_id, long long from, long long to);

struct participant_row {
  long long id = 0, meeting_id = 0;
  std::optional<long long> user_id;  // empty: an external person (by name and phone)
  std::string name, phone, side, partstat, comment;  // side: petitioner, respondent, neutral
  bool required = true;
  std::optional<long long> proposed_start, proposed_end, responded_at;
};
long long insert_participant(write_context& ctx, const participant_row& p);
std::vector<participant_row> participants(soci::session& sql, long long meeting_id);
void save_participant(write_context& ctx, const participant_row& p);

void insert_reminder(write_context& ctx, long long meeting_id, int minutes_before);
void reset_reminders(write_context& ctx, long long meeting_id);
struct reminder_row {
  long long id = 0, meeting_id = 0;
  int minutes_before = 0;
  std::optional<long long> fired_at;
};
std::vector<reminder_row> reminders(soci::session& sql, long long meeting_id);
// Unfired reminders of scheduled meetings that are due at `now` and whose meeting has not ended.
std::vector<reminder_row> due_reminders(soci::session& sql, long long now, int limit);
void mark_reminder_fired(write_context& ctx, long long id);

// Calendar feeds: a secret URL per person, stored as the token's hash, valid until `expires_at`.
void insert_feed(write_context& ctx, long long user_id, const std::string& token_hash, long long expires_at);
void revoke_feeds(write_context& ctx, long long user_id);
// The user of a feed that is known, unrevoked and unexpired at `now`, and whose user is not disabled.
std::optional<long long> feed_user(soci::session& sql, const std::string& token_hash, long long now);

struct guest_invitation_row {
  long long id = 0, case_id = 0, guest_user_id = 0, created_by = 0, valid_from = 0, valid_until = 0;
  std::optional<long long> meeting_id, revoked_at;
};
// A guest account (role "guest", no password: it signs in only through its invitation) in `org`.
long long insert_guest_user(write_context& ctx, long long org, const std::string& name, const std::string& username);
long long insert_guest_invitation(write_context& ctx, const guest_invitation_row& g, const std::string& token_hash);
std::optional<guest_invitation_row> find_guest_invitation(soci::session& sql, const std::string& token_hash);
std::optional<guest_invitation_row> guest_invitation_of_user(soci::session& sql, long long guest_user_id);
// The open (not revoked) guest invitations to a meeting.
std::vector<long long> open_guest_invitations(soci::session& sql, long long meeting_id);
// Moves the window of a meeting's open guest invitations (and of the sessions made with them). When
// the new window opens later than now, the sessions end (a guest signs in again once it opens, as a
// new guest would); returns the token hashes of the sessions ended.
std::vector<std::string> move_guest_window(write_context& ctx, long long meeting_id, long long valid_from,
                                           long long valid_until);
// Revokes the invitation and every login session made with it; returns their token hashes.
std::vector<std::string> revoke_guest_invitation(write_context& ctx, long long id);
void insert_guest_session(write_context& ctx, long long user_id, const std::string& token_hash, long long expires_at,
                          long long invitation_id, const std::string& remote);

}  // namespace mediation::store
