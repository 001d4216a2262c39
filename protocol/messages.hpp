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
};

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
};
struct case_get_request {
  static constexpr std::string_view type = "case.get";
  id_t case_id = 0;
};
struct case_list_request {
  static constexpr std::string_view type = "case.list";
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
                             typing_request, read_request, read_list_request>;

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

// Requests serialise too (clients, tests, the load generator).
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
  id_t thread = 0;
  std::string status, title, category, channel, description;
  org_view org;
  std::vector<party> parties;
  std::vector<handler_view> handlers;
  std::optional<org_view> first_handler;
  person_ref created_by;
  std::string created_at;
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
