#pragma once
// Every message of the wire protocol as a plain struct with free to_json/from_json.
// Requests (client -> server) have from_json, which validates every field and throws
// protocol::error{bad_request or too_large} with a message naming the field. Views (server ->
// client) have to_json. Identifiers are 64-bit integers inside the server and decimal strings
// on the wire; from_json also accepts a non-negative JSON integer for an id.
// Pure code: no sockets, no database. Thread-safe (no shared state).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "protocol/errors.hpp"

namespace mediation::protocol {

using json = nlohmann::json;
using id_t = long long;

// Size limits of request fields, in Unicode code points unless said otherwise.
struct limits {
  static constexpr std::size_t rid = 128;        // bytes
  static constexpr std::size_t token = 256;      // bytes
  static constexpr std::size_t cmid = 64;        // code points
  static constexpr std::size_t title = 200;
  static constexpr std::size_t code = 32;        // category, role and similar identifiers
  static constexpr std::size_t description = 20000;
  static constexpr std::size_t name = 100;
  static constexpr std::size_t parties = 50;     // entries
  static constexpr std::size_t note = 2000;
  static constexpr std::size_t body = 10000;     // message body; longer is too_large
  static constexpr int history_default = 50;
  static constexpr int history_max = 200;
};

// The channels a case may arrive through (PROTOCOL-CORE.md).
inline constexpr std::string_view channels[] = {"visit", "letter", "online", "phone", "grid"};

// ---------------------------------------------------------------------------------------------
// Requests. `type` is the wire name of the verb.

struct party {
  std::string role;  // petitioner, respondent, third_party, agent, or another identifier
  std::string name;
  std::string phone, id_number, address;  // optional on input; masked for people who do not need them
};

// Closed lists of the workflow (see protocol/README.md).
inline constexpr std::string_view urgencies[] = {"normal", "urgent", "critical"};
inline constexpr std::string_view outcomes[] = {"mediated", "agreement", "referral", "withdrawn", "not_accepted"};
inline constexpr std::string_view evaluations[] = {"satisfied", "basically_satisfied", "unsatisfied"};
inline constexpr std::string_view supervision_kinds[] = {"verification_form", "risk_reminder", "supervision_letter",
                                                         "accountability_letter"};
inline constexpr std::string_view triage_decisions[] = {"accept", "divert", "merge"};

struct auth_request {
  static constexpr std::string_view type = "auth";
  std::string token;
};
struct orgs_list_request {
  static constexpr std::string_view type = "orgs.list";
};
struct users_list_request {
  static constexpr std::string_view type = "users.list";
  std::optional<id_t> org;
};
struct case_create_request {
  static constexpr std::string_view type = "case.create";
  std::string title, category, channel, description;
  std::vector<party> parties;
  std::string location;            // area or address of the dispute
  std::string urgency = "normal";  // normal, urgent, critical
};
struct case_get_request {
  static constexpr std::string_view type = "case.get";
  id_t case_id = 0;
};
struct case_list_request {
  static constexpr std::string_view type = "case.list";
  std::optional<std::string> status, kind, level, category, q;
  std::optional<id_t> org;             // owned or handled now by this organisation
  bool overdue = false;                // open and past the deadline
  std::optional<int> due_within_days;  // open with a deadline within this many days
  bool mine = false;                   // handled now by the user's organisation
  bool leader_owned = false;           // owned by a leader (包案)
  bool inbox = false;                  // with a hand-over to the user's organisation awaiting its decision
  std::optional<id_t> before;          // paging: cases with a smaller id
  int limit = 50;
};
struct case_handoff_request {
  static constexpr std::string_view type = "case.handoff";
  id_t case_id = 0;
  id_t to_org = 0;
  std::string note;
  std::optional<std::string> due;  // RFC 3339 date-time or YYYY-MM-DD (end of that day, UTC+8)
};
struct case_accept_request {
  static constexpr std::string_view type = "case.accept";
  id_t case_id = 0;
};
struct case_decline_request {
  static constexpr std::string_view type = "case.decline";
  id_t case_id = 0;
  std::string reason;
};
struct case_invite_request {
  static constexpr std::string_view type = "case.invite";
  id_t case_id = 0;
  id_t user = 0;
  // professional (judge, prosecutor, police officer, judicial mediator, a lawyer retained by the
  // office: the internal thread) or representative (a party's lawyer: the parties' thread and that
  // party's side, given in `side`: petitioner or respondent).
  std::string capacity;
  std::optional<std::string> side;
};
// {case, reason}: return, escalate, pause, extend. The reason is required.
struct case_reason_fields {
  id_t case_id = 0;
  std::string reason;
};
struct case_triage_request {
  static constexpr std::string_view type = "case.triage";
  id_t case_id = 0;
  std::string decision;  // accept, divert, merge
  std::string reason;    // required to divert or merge
  std::string route;     // divert: the suggested legal route
  std::optional<id_t> into;  // merge: the earlier case
};
struct case_return_request : case_reason_fields {
  static constexpr std::string_view type = "case.return";
};
struct case_escalate_request : case_reason_fields {
  static constexpr std::string_view type = "case.escalate";
};
struct case_pause_request : case_reason_fields {
  static constexpr std::string_view type = "case.pause";
};
struct case_resume_request {
  static constexpr std::string_view type = "case.resume";
  id_t case_id = 0;
};
struct case_extend_request : case_reason_fields {
  static constexpr std::string_view type = "case.extend";
};
struct case_own_request {
  static constexpr std::string_view type = "case.own";
  id_t case_id = 0;
};
struct case_close_request {
  static constexpr std::string_view type = "case.close";
  id_t case_id = 0;
  std::string outcome;
  std::string note;
};
struct case_evaluate_request {
  static constexpr std::string_view type = "case.evaluate";
  id_t case_id = 0;
  std::string evaluation;
  std::string comment;
};
struct case_evaluation_link_request {
  static constexpr std::string_view type = "case.evaluation_link";
  id_t case_id = 0;
};
struct supervision_issue_request {
  static constexpr std::string_view type = "supervision.issue";
  id_t case_id = 0;
  std::string kind, body;
  std::optional<std::string> due;
};
struct supervision_answer_request {
  static constexpr std::string_view type = "supervision.answer";
  id_t supervision = 0;
  std::string body;
};
struct supervision_list_request {
  static constexpr std::string_view type = "supervision.list";
  id_t case_id = 0;
};
struct group_create_request {
  static constexpr std::string_view type = "group.create";
  std::string title, note;
  std::vector<id_t> cases;
};
struct group_add_request {
  static constexpr std::string_view type = "group.add";
  id_t group = 0;
  id_t case_id = 0;
};
struct group_suggest_request {
  static constexpr std::string_view type = "group.suggest";
  id_t case_id = 0;
};
struct group_resolve_request {
  static constexpr std::string_view type = "group.resolve";
  id_t group = 0;
  std::string outcome, note;
};
struct stats_summary_request {
  static constexpr std::string_view type = "stats.summary";
  std::optional<id_t> org;
  std::optional<std::string> from, to;  // dates or date-times; default: the last 365 days
};
struct audit_list_request {
  static constexpr std::string_view type = "audit.list";
  std::optional<id_t> case_id, org, before;
  int limit = 100;
};
struct attachment_list_request {
  static constexpr std::string_view type = "attachment.list";
  id_t case_id = 0;
};
// Mediation agreements (see protocol/README.md, "Agreements").
struct agreement_templates_request {
  static constexpr std::string_view type = "agreement.templates";
  std::optional<std::string> category;
};
struct agreement_draft_request {
  static constexpr std::string_view type = "agreement.draft";
  id_t case_id = 0;
  json content;                    // validated by the server (app/agreement)
  std::optional<id_t> agreement;   // a new version of this draft
  std::optional<id_t> supersedes;  // a new agreement correcting one in force
};
struct agreement_ref_request {
  id_t agreement = 0;
};
struct agreement_get_request : agreement_ref_request {
  static constexpr std::string_view type = "agreement.get";
};
struct agreement_verify_request : agreement_ref_request {
  static constexpr std::string_view type = "agreement.verify";
};
struct agreement_list_request {
  static constexpr std::string_view type = "agreement.list";
  id_t case_id = 0;
};
struct agreement_version_request {
  static constexpr std::string_view type = "agreement.version";
  id_t agreement = 0;
  long long version = 0;
};
struct agreement_diff_request {
  static constexpr std::string_view type = "agreement.diff";
  id_t agreement = 0;
  long long from = 0, to = 0;
};
struct agreement_sign_request {
  static constexpr std::string_view type = "agreement.sign";
  id_t agreement = 0;
  long long version = 0;
  std::string role;             // party or mediator
  std::optional<long long> party;  // index into the content's parties
  std::string signature;        // a drawn signature: data:image/png;base64,...
  bool confirmed = false;       // the signer confirmed on screen
};
struct agreement_sign_link_request {
  static constexpr std::string_view type = "agreement.sign_link";
  id_t agreement = 0;
  long long version = 0;
  long long party = 0;
};
struct agreement_seal_request {
  static constexpr std::string_view type = "agreement.seal";
  id_t agreement = 0;
  long long version = 0;
};
struct agreement_perform_request {
  static constexpr std::string_view type = "agreement.perform";
  id_t agreement = 0;
  long long term = 0;
  std::string note;
};
struct agreement_confirmation_request {
  static constexpr std::string_view type = "agreement.confirmation";
  id_t agreement = 0;
  std::string action;  // apply or decide
  std::string court;
  std::optional<std::string> decision;  // confirmed or refused
  std::optional<std::string> date;
};
// Joint sessions (see protocol/README.md, "Joint sessions").
struct meeting_participant {
  std::optional<id_t> user;       // a user of the network, or
  std::string name, phone;        // an external person
  std::string side;               // petitioner, respondent, neutral; "" = not given (neutral only for
                                  // staff of an organisation acting on the case, refused otherwise)
  bool required = true;
};
struct meeting_schedule_request {
  static constexpr std::string_view type = "meeting.schedule";
  id_t case_id = 0;
  std::string title, purpose, start, end, tz, place;
  bool remote = false;
  std::vector<meeting_participant> participants;
  std::vector<int> reminders;  // minutes before; default 1440 and 15
  int buffer_minutes = 15;
};
struct meeting_reschedule_request {
  static constexpr std::string_view type = "meeting.reschedule";
  id_t meeting = 0;
  std::string start, end;
  std::optional<std::string> place;
  std::optional<bool> remote;
  int buffer_minutes = 15;
};
struct meeting_cancel_request {
  static constexpr std::string_view type = "meeting.cancel";
  id_t meeting = 0;
  std::string reason;
};
struct meeting_ref {
  id_t meeting = 0;
};
struct meeting_get_request : meeting_ref {
  static constexpr std::string_view type = "meeting.get";
};
struct meeting_join_request : meeting_ref {
  static constexpr std::string_view type = "meeting.join";
};
struct meeting_leave_request : meeting_ref {
  static constexpr std::string_view type = "meeting.leave";
};
struct meeting_list_request {
  static constexpr std::string_view type = "meeting.list";
  std::optional<std::string> from, to;
  std::optional<id_t> case_id;
};
struct meeting_suggest_request {
  static constexpr std::string_view type = "meeting.suggest";
  std::vector<id_t> participants;
  int duration_minutes = 60;
  std::optional<std::string> from;
  std::string tz;
  int buffer_minutes = 15;
};
struct meeting_respond_request {
  static constexpr std::string_view type = "meeting.respond";
  id_t meeting = 0;
  std::string answer;  // accepted, declined, tentative
  std::string comment;
  std::optional<std::string> propose_start, propose_end;  // a counter-proposal (iTIP COUNTER)
};
struct meeting_invite_guest_request {
  static constexpr std::string_view type = "meeting.invite_guest";
  id_t meeting = 0;
  std::string name, phone, side;  // petitioner or respondent: a guest always belongs to a party's side
};
struct meeting_revoke_guest_request {
  static constexpr std::string_view type = "meeting.revoke_guest";
  id_t meeting = 0;
  id_t user = 0;
};
struct calendar_feed_request {
  static constexpr std::string_view type = "calendar.feed";
  bool revoke = false;  // revoke every feed URL of the user (and mint none)
};
struct meeting_caucus_request {
  static constexpr std::string_view type = "meeting.caucus";
  id_t meeting = 0;
  std::string mode;  // joint, petitioner, respondent
};
struct meeting_set_side_request {
  static constexpr std::string_view type = "meeting.set_side";
  id_t meeting = 0;
  id_t user = 0;
  std::string side;  // petitioner, respondent, neutral
};
struct meeting_say_request {
  static constexpr std::string_view type = "meeting.say";
  id_t meeting = 0;
  std::string body;
};
struct meeting_signal_request {
  static constexpr std::string_view type = "meeting.signal";
  id_t meeting = 0;
  id_t to = 0;
  json signal;  // {"kind": "offer"|"answer"|"candidate"|"hangup", ...}
};
struct subscribe_request {
  static constexpr std::string_view type = "subscribe";
  id_t thread = 0;
  std::optional<long long> since;
};
struct unsubscribe_request {
  static constexpr std::string_view type = "unsubscribe";
  id_t thread = 0;
};
struct post_request {
  static constexpr std::string_view type = "post";
  id_t thread = 0;
  std::string cmid;
  std::string body;
};
struct history_request {
  static constexpr std::string_view type = "history";
  id_t thread = 0;
  std::optional<long long> before;
  int limit = limits::history_default;
};
struct typing_request {
  static constexpr std::string_view type = "typing";
  id_t thread = 0;
};
struct read_request {
  static constexpr std::string_view type = "read";
  id_t thread = 0;
  long long seq = 0;
};
struct read_list_request {
  static constexpr std::string_view type = "read.list";
  id_t thread = 0;
};

using request = std::variant<auth_request, orgs_list_request, users_list_request, case_create_request,
                             case_get_request, case_list_request, case_handoff_request,
                             case_accept_request, case_decline_request, case_invite_request,
                             subscribe_request, unsubscribe_request, post_request, history_request,
                             typing_request, read_request, read_list_request, case_triage_request,
                             case_return_request, case_escalate_request, case_pause_request,
                             case_resume_request, case_extend_request, case_own_request, case_close_request,
                             case_evaluate_request, case_evaluation_link_request, supervision_issue_request,
                             supervision_answer_request, supervision_list_request, group_create_request,
                             group_add_request, group_suggest_request, group_resolve_request,
                             stats_summary_request, audit_list_request, attachment_list_request,
                             agreement_templates_request, agreement_draft_request, agreement_get_request,
                             agreement_verify_request, agreement_list_request, agreement_version_request,
                             agreement_diff_request, agreement_sign_request, agreement_sign_link_request,
                             agreement_seal_request, agreement_perform_request, agreement_confirmation_request,
                             meeting_schedule_request, meeting_reschedule_request, meeting_cancel_request,
                             meeting_get_request, meeting_join_request, meeting_leave_request, meeting_list_request,
                             meeting_suggest_request, meeting_respond_request, meeting_invite_guest_request,
                             meeting_revoke_guest_request, calendar_feed_request, meeting_caucus_request,
                             meeting_say_request, meeting_signal_request, meeting_set_side_request>;

void from_json(const json& j, party& v);
void from_json(const json& j, auth_request& v);
void from_json(const json& j, orgs_list_request& v);
void from_json(const json& j, users_list_request& v);
void from_json(const json& j, case_create_request& v);
void from_json(const json& j, case_get_request& v);
void from_json(const json& j, case_list_request& v);
void from_json(const json& j, case_handoff_request& v);
void from_json(const json& j, case_accept_request& v);
void from_json(const json& j, case_decline_request& v);
void from_json(const json& j, case_invite_request& v);
void from_json(const json& j, subscribe_request& v);
void from_json(const json& j, unsubscribe_request& v);
void from_json(const json& j, post_request& v);
void from_json(const json& j, history_request& v);
void from_json(const json& j, typing_request& v);
void from_json(const json& j, read_request& v);
void from_json(const json& j, read_list_request& v);
void from_json(const json& j, case_triage_request& v);
void from_json(const json& j, case_return_request& v);
void from_json(const json& j, case_escalate_request& v);
void from_json(const json& j, case_pause_request& v);
void from_json(const json& j, case_resume_request& v);
void from_json(const json& j, case_extend_request& v);
void from_json(const json& j, case_own_request& v);
void from_json(const json& j, case_close_request& v);
void from_json(const json& j, case_evaluate_request& v);
void from_json(const json& j, case_evaluation_link_request& v);
void from_json(const json& j, supervision_issue_request& v);
void from_json(const json& j, supervision_answer_request& v);
void from_json(const json& j, supervision_list_request& v);
void from_json(const json& j, group_create_request& v);
void from_json(const json& j, group_add_request& v);
void from_json(const json& j, group_suggest_request& v);
void from_json(const json& j, group_resolve_request& v);
void from_json(const json& j, stats_summary_request& v);
void from_json(const json& j, audit_list_request& v);
void from_json(const json& j, attachment_list_request& v);
void from_json(const json& j, agreement_templates_request& v);
void from_json(const json& j, agreement_draft_request& v);
void from_json(const json& j, agreement_get_request& v);
void from_json(const json& j, agreement_verify_request& v);
void from_json(const json& j, agreement_list_request& v);
void from_json(const json& j, agreement_version_request& v);
void from_json(const json& j, agreement_diff_request& v);
void from_json(const json& j, agreement_sign_request& v);
void from_json(const json& j, agreement_sign_link_request& v);
void from_json(const json& j, agreement_seal_request& v);
void from_json(const json& j, agreement_perform_request& v);
void from_json(const json& j, agreement_confirmation_request& v);
void from_json(const json& j, meeting_schedule_request& v);
void from_json(const json& j, meeting_reschedule_request& v);
void from_json(const json& j, meeting_cancel_request& v);
void from_json(const json& j, meeting_get_request& v);
void from_json(const json& j, meeting_join_request& v);
void from_json(const json& j, meeting_leave_request& v);
void from_json(const json& j, meeting_list_request& v);
void from_json(const json& j, meeting_suggest_request& v);
void from_json(const json& j, meeting_respond_request& v);
void from_json(const json& j, meeting_invite_guest_request& v);
void from_json(const json& j, meeting_revoke_guest_request& v);
void from_json(const json& j, calendar_feed_request& v);
void from_json(const json& j, meeting_caucus_request& v);
void from_json(const json& j, meeting_set_side_request& v);
void from_json(const json& j, meeting_say_request& v);
void from_json(const json& j, meeting_signal_request& v);

// The foundation's requests serialise too (clients, tests, the load generator); the workflow verbs
// are sent as plain JSON.
void to_json(json& j, const party& v);
void to_json(json& j, const auth_request& v);
void to_json(json& j, const orgs_list_request& v);
void to_json(json& j, const users_list_request& v);
void to_json(json& j, const case_create_request& v);
void to_json(json& j, const case_get_request& v);
void to_json(json& j, const case_list_request& v);
void to_json(json& j, const case_handoff_request& v);
void to_json(json& j, const case_accept_request& v);
void to_json(json& j, const case_decline_request& v);
void to_json(json& j, const case_invite_request& v);
void to_json(json& j, const subscribe_request& v);
void to_json(json& j, const unsubscribe_request& v);
void to_json(json& j, const post_request& v);
void to_json(json& j, const history_request& v);
void to_json(json& j, const typing_request& v);
void to_json(json& j, const read_request& v);
void to_json(json& j, const read_list_request& v);

// ---------------------------------------------------------------------------------------------
// Views: what the server sends.

struct org_view {
  id_t id = 0;
  std::string name, name_en, kind, level;
  std::optional<id_t> parent;
};
struct user_view {
  id_t id = 0;
  std::string username, name, role;
  org_view org;
};
struct person_ref {  // an event's author, a reader
  id_t id = 0;
  std::string name;
};
struct handler_view {  // an organisation a case was handed to
  org_view org;
  std::string status;  // pending, accepted, declined
  std::optional<std::string> due;
  std::string note;
  std::optional<std::string> reason;
};
struct case_view {
  id_t id = 0;
  std::string number;
  id_t thread = 0;          // the internal thread (staff notes)
  id_t parties_thread = 0;  // the parties' thread (shared with the parties' guests and representatives)
  std::string status, title, category, channel, description;
  org_view org;
  std::vector<party> parties;
  std::vector<handler_view> handlers;
  std::optional<org_view> first_handler;
  person_ref created_by;
  std::string created_at;
  // The workflow (see protocol/README.md, "The case object"): everything else, as JSON.
  json workflow = json::object();
};
struct event_view {
  id_t thread = 0;
  std::optional<long long> seq;  // absent for ephemeral pushes (typing, read)
  std::string kind;
  std::string at;  // RFC 3339 UTC with milliseconds
  person_ref author;
  json data = json::object();
};
struct read_marker_view {
  person_ref user;
  long long seq = 0;
  std::string at;
};

void to_json(json& j, const org_view& v);
void to_json(json& j, const user_view& v);
void to_json(json& j, const person_ref& v);
void to_json(json& j, const handler_view& v);
void to_json(json& j, const case_view& v);
void to_json(json& j, const event_view& v);  // the whole push frame: {"type":"event",...}
void to_json(json& j, const read_marker_view& v);
void from_json(const json& j, event_view& v);  // for clients and tests

// Ids on the wire.
std::string id_to_wire(id_t id);
// Number of Unicode code points in valid UTF-8 `s`.
std::size_t utf8_length(std::string_view s) noexcept;

}  // namespace mediation::protocol
