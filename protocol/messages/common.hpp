#pragma once
// What every message shares: ids, size limits, the closed lists of the workflow, a party of a case,
// and the views the server sends (organisations, users, cases, events). Requests are declared per
// feature in protocol/messages/<slice>.hpp (see protocol/spec.hpp for how a request is declared).
// Pure code: no sockets, no database. Thread-safe (no shared state).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "protocol/errors.hpp"
#include "protocol/identifiers.hpp"
#include "protocol/spec.hpp"

namespace mediation::protocol {

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
  static constexpr std::size_t phone = 40;       // phone and ID numbers as typed
  static constexpr std::size_t when = 40;        // a date or date-time as text
  static constexpr int history_default = 50;
  static constexpr int history_max = 200;
};

constexpr long long max_seq = 9007199254740991LL;  // 2^53 - 1: exact in every JSON reader

// Closed lists of the workflow (see protocol/README.md).
inline constexpr std::string_view channels[] = {"visit", "letter", "online", "phone", "grid"};
inline constexpr std::string_view urgencies[] = {"normal", "urgent", "critical"};
inline constexpr std::string_view outcomes[] = {"mediated", "agreement", "referral", "withdrawn", "not_accepted"};
inline constexpr std::string_view evaluations[] = {"satisfied", "basically_satisfied", "unsatisfied"};
inline constexpr std::string_view supervision_kinds[] = {"verification_form", "risk_reminder", "supervision_letter",
                                                         "accountability_letter"};
inline constexpr std::string_view triage_decisions[] = {"accept", "divert", "merge"};
inline constexpr std::string_view party_sides[] = {"petitioner", "respondent"};
inline constexpr std::string_view sides[] = {"petitioner", "respondent", "neutral"};

// Requests naming one case ({case}) or one thread ({thread}) and nothing else.
struct case_ref {
  id_t case_id = 0;
  template <class V>
  void fields(V& v) {
    v.id("case", case_id);
  }
};
struct thread_ref {
  id_t thread = 0;
  template <class V>
  void fields(V& v) {
    v.id("thread", thread);
  }
};

// A party of a case (case.create, the case object).
struct party {
  std::string role;  // petitioner, respondent, third_party, agent, or another identifier
  std::string name;
  std::string phone, id_number, address;  // optional on input; masked for people who do not need them

  template <class V>
  void fields(V& v) {
    v.code("role", role, {.doc = "petitioner, respondent, third_party, agent, ..."});
    v.text("name", name, {.max = limits::name});
    v.text("phone", phone, {.max = limits::phone, .optional = true,
                            .doc = "Masked (138****5678) for people who may not act on the case."});
    v.text("id_number", id_number, {.max = limits::phone, .optional = true, .doc = "Masked (3702**********1234) likewise."});
    v.text("address", address, {.max = limits::title, .optional = true});
  }
  // Numbers are checked as the client checks them (protocol/identifiers.hpp).
  void validate() const {
    check_phone(phone, "phone");
    check_party_id(id_number, "id_number");
  }
};

// ---------------------------------------------------------------------------------------------
// Views: what the server sends. Their schemas (protocol/schema/{case,event,notice,...}.json) are
// written by hand and checked against real frames of the integration suite (tests/e2e/schema.test.mjs).

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

}  // namespace mediation::protocol
