#pragma once
// Requests of the meetings slice: joint sessions, their rooms and calendars (see protocol/README.md,
// "Joint sessions").

#include "protocol/messages/common.hpp"

namespace mediation::protocol {

struct meeting_participant {
  std::optional<id_t> user;       // a user of the network, or
  std::string name, phone;        // an external person
  std::string side;               // petitioner, respondent, neutral; "" = not given (neutral only for
                                  // staff of an organisation acting on the case, refused otherwise)
  bool required = true;
  template <class V>
  void fields(V& v) {
    v.id("user", user, {.doc = "A user of the network; without it, an external person named by `name`."});
    v.text("name", name, {.max = limits::name, .optional = true});
    v.text("phone", phone, {.max = limits::phone, .optional = true});
    v.choice("side", side, sides, {.optional = true,
                                   .doc = "Default: neutral for staff of an organisation acting on the case; "
                                          "anyone else must be given petitioner or respondent."});
    v.flag("required", required, {.doc = "Default true."});
    v.required_without("name", "user");
  }
  void validate() const { check_phone(phone, "phone"); }
};
struct meeting_schedule_request {
  static constexpr std::string_view type = "meeting.schedule";
  static constexpr std::string_view doc =
      "Schedules a joint session on a case (by the owning or a handling organisation). Users "
      "who could not see the case are invited to it. Reply: ok {meeting, conflicts: "
      "[{participant, meeting}]} (double bookings within the buffer are warnings, not "
      "refusals). Event meeting_scheduled.";
  id_t case_id = 0;
  std::string title, purpose, start, end, tz = "Asia/Shanghai", place;
  bool remote = false;
  std::vector<meeting_participant> participants;
  std::vector<int> reminders = {1440, 15};  // minutes before
  int buffer_minutes = 15;
  template <class V>
  void fields(V& v) {
    v.id("case", case_id);
    v.text("title", title, {.max = limits::title});
    v.text("purpose", purpose, {.max = limits::note, .optional = true});
    v.text("start", start, {.max = limits::when, .doc = "RFC 3339 date-time."});
    v.text("end", end, {.max = limits::when, .doc = "RFC 3339 date-time."});
    v.text("tz", tz, {.max = 64, .optional = true, .doc = "Default Asia/Shanghai."});
    v.text("place", place, {.max = limits::title, .optional = true});
    v.flag("remote", remote);
    v.integer("buffer_minutes", buffer_minutes, {.min = 0, .max = 240, .optional = true});
    v.items("participants", participants, {.min = 1, .max = 100, .over = errc::too_large});
    v.integers("reminders", reminders, 1, 10080, {.max = 5, .optional = true, .doc = "Minutes before; default [1440, 15]."});
  }
};
struct meeting_reschedule_request {
  static constexpr std::string_view type = "meeting.reschedule";
  static constexpr std::string_view doc =
      "Moves a meeting: the sequence grows, answers reset, reminders fire again. Reply: ok "
      "{meeting, conflicts}. Event meeting_rescheduled.";
  id_t meeting = 0;
  std::string start, end;
  std::optional<std::string> place;
  std::optional<bool> remote;
  int buffer_minutes = 15;
  template <class V>
  void fields(V& v) {
    v.id("meeting", meeting);
    v.text("start", start, {.max = limits::when, .doc = "RFC 3339 date-time."});
    v.text("end", end, {.max = limits::when, .doc = "RFC 3339 date-time."});
    v.text("place", place, {.max = limits::title});
    v.flag("remote", remote);
    v.integer("buffer_minutes", buffer_minutes, {.min = 0, .max = 240, .optional = true});
  }
};
struct meeting_cancel_request {
  static constexpr std::string_view type = "meeting.cancel";
  static constexpr std::string_view doc =
      "Cancels a meeting. Reply: ok {meeting}. Event meeting_cancelled.";
  id_t meeting = 0;
  std::string reason;
  template <class V>
  void fields(V& v) {
    v.id("meeting", meeting);
    v.text("reason", reason, {.max = limits::note, .doc = "Why; required, not blank."});
  }
};
struct meeting_ref {
  id_t meeting = 0;
  template <class V>
  void fields(V& v) {
    v.id("meeting", meeting);
  }
};
struct meeting_get_request : meeting_ref {
  static constexpr std::string_view type = "meeting.get";
  static constexpr std::string_view doc =
      "One meeting. Reply: ok {meeting}.";
};
struct meeting_join_request : meeting_ref {
  static constexpr std::string_view type = "meeting.join";
  static constexpr std::string_view doc =
      "Joins the live room (open from 30 minutes before the start to 2 hours after the end): "
      "presence pushes go to everyone in it. Reply: ok {meeting, side, mode, ice_servers}.";
};
struct meeting_leave_request : meeting_ref {
  static constexpr std::string_view type = "meeting.leave";
  static constexpr std::string_view doc =
      "Leaves the live room. Reply: ok {meeting}.";
};
struct meeting_list_request {
  static constexpr std::string_view type = "meeting.list";
  static constexpr std::string_view doc =
      "The user's calendar over a period (meetings they take part in and have not declined; "
      "default from 7 days ago to 60 days ahead), or every meeting of one case. Reply: ok "
      "{meetings, from, to}.";
  std::optional<std::string> from, to;
  std::optional<id_t> case_id;
  template <class V>
  void fields(V& v) {
    v.text("from", from, {.max = limits::when});
    v.text("to", to, {.max = limits::when});
    v.id("case", case_id);
  }
};
struct meeting_suggest_request {
  static constexpr std::string_view type = "meeting.suggest";
  static constexpr std::string_view doc =
      "The next free slots for all the given users in working hours (09:00-12:00, 14:00-17:30 "
      "local, working days), keeping the buffer around their meetings. Reply: ok {slots: "
      "[{start, end, local_start}]}.";
  std::vector<id_t> participants;
  int duration_minutes = 60;
  std::optional<std::string> from;
  std::string tz = "Asia/Shanghai";
  int buffer_minutes = 15;
  template <class V>
  void fields(V& v) {
    v.ids("participants", participants, {.min = 1, .max = 50, .doc = "User ids."});
    v.integer("duration_minutes", duration_minutes, {.min = 15, .max = 480});
    v.text("from", from, {.max = limits::when});
    v.text("tz", tz, {.max = 64, .optional = true, .doc = "Default Asia/Shanghai."});
    v.integer("buffer_minutes", buffer_minutes, {.min = 0, .max = 240, .optional = true});
  }
};
struct meeting_respond_request {
  static constexpr std::string_view type = "meeting.respond";
  static constexpr std::string_view doc =
      "A participant answers (RSVP); a counter-proposal of another time is like iTIP COUNTER. "
      "Reply: ok {meeting}. Event meeting_answered {answer, required_declined, proposed?}.";
  id_t meeting = 0;
  std::string answer;  // accepted, declined, tentative
  std::string comment;
  std::optional<std::string> propose_start, propose_end;  // a counter-proposal (iTIP COUNTER)
  template <class V>
  void fields(V& v) {
    v.id("meeting", meeting);
    v.choice("answer", answer, {"accepted", "declined", "tentative"});
    v.text("comment", comment, {.max = limits::note, .optional = true});
    v.text("propose_start", propose_start, {.max = limits::when, .doc = "RFC 3339 date-time."});
    v.text("propose_end", propose_end, {.max = limits::when, .doc = "RFC 3339 date-time."});
    v.together("propose_start", "propose_end");
  }
};
struct meeting_invite_guest_request {
  static constexpr std::string_view type = "meeting.invite_guest";
  static constexpr std::string_view doc =
      "Invites an external person (a party, a party's lawyer) to this meeting on one party's "
      "side: a guest account that sees the case thread and this meeting only, through a link "
      "valid from 30 minutes before the start to 2 hours after the end (POST /api/guest-login). "
      "Reply: ok {meeting, guest, token, url, valid_from, valid_until}; the token only here. "
      "Event guest_invited.";
  id_t meeting = 0;
  std::string name, phone, side;  // petitioner or respondent: a guest always belongs to a party's side
  template <class V>
  void fields(V& v) {
    v.id("meeting", meeting);
    v.text("name", name, {.max = limits::name});
    v.text("phone", phone, {.max = limits::phone, .optional = true});
    v.choice("side", side, party_sides,
             {.doc = "The party whose side the guest is on; in a caucus with the other side the guest hears nothing of it."});
  }
  void validate() const { check_phone(phone, "phone"); }
};
struct meeting_revoke_guest_request {
  static constexpr std::string_view type = "meeting.revoke_guest";
  static constexpr std::string_view doc =
      "Revokes a guest's invitation: their sessions end and the link no longer signs in. Reply: "
      "ok {meeting}. Event guest_revoked.";
  id_t meeting = 0;
  id_t user = 0;
  template <class V>
  void fields(V& v) {
    v.id("meeting", meeting);
    v.id("user", user);
  }
};
struct calendar_feed_request {
  static constexpr std::string_view type = "calendar.feed";
  static constexpr std::string_view doc =
      "Mints the user's calendar subscription URL (GET /api/calendar/{token}.ics), revoking "
      "earlier ones; with revoke=true only revokes. Reply: ok {url, token, expires_at} (the "
      "feed stops after --calendar-feed-ttl-days, default 365, and for a disabled user) or "
      "{revoked: true}.";
  bool revoke = false;  // revoke every feed URL of the user (and mint none)
  template <class V>
  void fields(V& v) {
    v.flag("revoke", revoke, {.doc = "Revoke every feed URL of the user and mint none."});
  }
};
struct meeting_caucus_request {
  static constexpr std::string_view type = "meeting.caucus";
  static constexpr std::string_view doc =
      "The mediator switches the room between the joint session and a private caucus with one "
      "side (背对背调解): in caucus only the neutral side and that side hear room messages and "
      "exchange signaling. Reply: ok {meeting, mode}; pushes {type: room, kind: caucus}.";
  id_t meeting = 0;
  std::string mode;  // joint, petitioner, respondent
  template <class V>
  void fields(V& v) {
    v.id("meeting", meeting);
    v.choice("mode", mode, {"joint", "petitioner", "respondent"});
  }
};
struct meeting_set_side_request {
  static constexpr std::string_view type = "meeting.set_side";
  static constexpr std::string_view doc =
      "The mediator (the organiser, or a neutral participant of an organisation acting on the "
      "case) sets a participant's side: petitioner or respondent, or neutral for staff of an "
      "organisation acting on the case. A participant in the room takes the new side at once "
      "(presence is pushed again). Reply: ok {meeting}; the meeting's participants carry the "
      "side.";
  id_t meeting = 0;
  id_t user = 0;
  std::string side;  // petitioner, respondent, neutral
  template <class V>
  void fields(V& v) {
    v.id("meeting", meeting);
    v.id("user", user);
    v.choice("side", side, sides);
  }
};
struct meeting_say_request {
  static constexpr std::string_view type = "meeting.say";
  static constexpr std::string_view doc =
      "A message in the live room, relayed to those who hear the room now (not stored in the "
      "thread). Reply: ok; forbidden when not joined or not heard in the current caucus.";
  id_t meeting = 0;
  std::string body;
  template <class V>
  void fields(V& v) {
    v.id("meeting", meeting);
    v.text("body", body, {.max = limits::body, .over = errc::too_large});
  }
};
struct meeting_signal_request {
  static constexpr std::string_view type = "meeting.signal";
  static constexpr std::string_view doc =
      "WebRTC signaling (offer, answer, candidate, hangup; at most 64 KiB) relayed to one "
      "joined participant who hears the room now. Reply: ok; forbidden when not joined; "
      "conflict when the target is not in the room or not in this part of the session. Push: "
      "{type: signal, meeting, from, signal}.";
  id_t meeting = 0;
  id_t to = 0;
  json signal;  // {"kind": "offer"|"answer"|"candidate"|"hangup", ...}
  template <class V>
  void fields(V& v) {
    v.id("meeting", meeting);
    v.id("to", to);
    v.object("signal", signal, {.doc = "{\"kind\": \"offer\" | \"answer\" | \"candidate\" | \"hangup\", ...}; at most 64 KiB."});
  }
  // The signal's kind, and its size (too_large over 64 KiB).
  void validate() const;
};

}  // namespace mediation::protocol
