#include "protocol/messages.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace mediation::protocol {

namespace {

[[noreturn]] void bad(std::string_view field, std::string_view what) {
  throw error(errc::bad_request, "field '" + std::string(field) + "' " + std::string(what));
}

// Reads and validates the fields of one request object.
class reader {
 public:
  explicit reader(const json& j) : j_(j) {
    if (!j.is_object()) throw error(errc::bad_request, "a request must be a JSON object");
  }

  const json* find(std::string_view field) const {
    auto it = j_.find(field);
    if (it == j_.end() || it->is_null()) return nullptr;
    return &*it;
  }

  std::string text(std::string_view field, std::size_t max_chars, bool allow_empty = false,
                   errc over = errc::bad_request) const {
    const json* v = find(field);
    if (!v) bad(field, "is required");
    if (!v->is_string()) bad(field, "must be a string");
    const auto& s = v->get_ref<const std::string&>();
    if (!allow_empty && std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isspace(c); }))
      bad(field, "must not be empty");
    if (utf8_length(s) > max_chars)
      throw error(over, "field '" + std::string(field) + "' is longer than " +
                            std::to_string(max_chars) + " characters");
    return s;
  }

  std::optional<std::string> opt_text(std::string_view field, std::size_t max_chars) const {
    if (!find(field)) return std::nullopt;
    return text(field, max_chars, true);
  }

  // A lower-case identifier such as a category or a party role: [a-z][a-z0-9_]*.
  std::string code(std::string_view field) const {
    std::string s = text(field, limits::code);
    bool ok = !s.empty() && s[0] >= 'a' && s[0] <= 'z' &&
              std::all_of(s.begin(), s.end(), [](char c) {
                return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
              });
    if (!ok) bad(field, "must be a lower-case identifier such as \"labour_wages\"");
    return s;
  }

  id_t id(std::string_view field) const {
    const json* v = find(field);
    if (!v) bad(field, "is required");
    return to_id(field, *v);
  }

  std::optional<id_t> opt_id(std::string_view field) const {
    const json* v = find(field);
    if (!v) return std::nullopt;
    return to_id(field, *v);
  }

  long long integer(std::string_view field, long long min, long long max) const {
    const json* v = find(field);
    if (!v) bad(field, "is required");
    return to_integer(field, *v, min, max);
  }

  bool opt_bool(std::string_view field) const {
    const json* v = find(field);
    if (!v) return false;
    if (!v->is_boolean()) bad(field, "must be true or false");
    return v->get<bool>();
  }

  // A string from a closed list.
  std::string one_of(std::string_view field, const std::string_view* first, const std::string_view* last) const {
    std::string s = text(field, limits::code);
    if (std::find(first, last, s) == last) {
      std::string all;
      for (auto it = first; it != last; ++it) all += (all.empty() ? "" : ", ") + std::string(*it);
      bad(field, "must be one of " + all);
    }
    return s;
  }

  std::optional<long long> opt_integer(std::string_view field, long long min, long long max) const {
    const json* v = find(field);
    if (!v) return std::nullopt;
    return to_integer(field, *v, min, max);
  }

 private:
  static long long to_integer(std::string_view field, const json& v, long long min, long long max) {
    if (!v.is_number_integer()) bad(field, "must be an integer");
    long long n = v.is_number_unsigned() && v.get<unsigned long long>() > 9007199254740991ULL
                      ? max + 1
                      : v.get<long long>();
    if (n < min || n > max)
      bad(field, "must be between " + std::to_string(min) + " and " + std::to_string(max));
    return n;
  }

  static id_t to_id(std::string_view field, const json& v) {
    if (v.is_number_integer()) {
      // Ids are positive: 0 is refused as a number as it is as a string ("0"), which is what
      // the id is written back as (found by fuzz/parse_frame_fuzz).
      if (v.is_number_unsigned()) {
        const auto u = v.get<unsigned long long>();
        if (u == 0 || u > 9223372036854775807ULL) bad(field, "is not a valid id");
        return static_cast<id_t>(u);
      }
      if (v.get<long long>() > 0) return v.get<long long>();
      bad(field, "is not a valid id");
    }
    if (!v.is_string()) bad(field, "must be an id (a string of digits)");
    const auto& s = v.get_ref<const std::string&>();
    id_t out = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    if (s.empty() || s.size() > 19 || ec != std::errc{} || p != s.data() + s.size() || out <= 0)
      bad(field, "is not a valid id");
    return out;
  }

  const json& j_;
};

constexpr long long max_seq = 9007199254740991LL;  // 2^53 - 1: exact in every JSON reader

}  // namespace

std::string id_to_wire(id_t id) { return std::to_string(id); }

std::size_t utf8_length(std::string_view s) noexcept {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

// ---- requests: from_json ---------------------------------------------------------------------

void from_json(const json& j, party& v) {
  reader r(j);
  v.role = r.code("role");
  v.name = r.text("name", limits::name);
  v.phone = r.opt_text("phone", 40).value_or("");
  v.id_number = r.opt_text("id_number", 40).value_or("");
  v.address = r.opt_text("address", limits::title).value_or("");
}
void from_json(const json& j, auth_request& v) {
  reader r(j);
  v.token = r.text("token", limits::token);
}
void from_json(const json& j, orgs_list_request&) { reader r(j); }
void from_json(const json& j, users_list_request& v) {
  reader r(j);
  v.org = r.opt_id("org");
}
void from_json(const json& j, case_create_request& v) {
  reader r(j);
  v.title = r.text("title", limits::title);
  v.category = r.code("category");
  v.channel = r.text("channel", limits::code);
  if (std::find(std::begin(channels), std::end(channels), v.channel) == std::end(channels))
    bad("channel", "must be one of visit, letter, online, phone, grid");
  v.description = r.opt_text("description", limits::description).value_or("");
  v.location = r.opt_text("location", limits::title).value_or("");
  v.urgency = r.find("urgency") ? r.one_of("urgency", std::begin(urgencies), std::end(urgencies)) : "normal";
  v.parties.clear();
  if (const json* p = r.find("parties")) {
    if (!p->is_array()) bad("parties", "must be an array of {role, name}");
    if (p->size() > limits::parties)
      throw error(errc::too_large, "field 'parties' has more than " +
                                       std::to_string(limits::parties) + " entries");
    for (const auto& e : *p) {
      try {
        v.parties.push_back(e.get<party>());
      } catch (const error& ex) {
        throw error(ex.code(), std::string("parties: ") + ex.what());
      }
    }
  }
}
void from_json(const json& j, case_get_request& v) { v.case_id = reader(j).id("case"); }
void from_json(const json& j, case_list_request& v) {
  reader r(j);
  v.status = r.find("status") ? std::optional<std::string>(r.code("status")) : std::nullopt;
  v.kind = r.find("kind") ? std::optional<std::string>(r.code("kind")) : std::nullopt;
  v.level = r.find("level") ? std::optional<std::string>(r.code("level")) : std::nullopt;
  v.category = r.find("category") ? std::optional<std::string>(r.code("category")) : std::nullopt;
  v.q = r.opt_text("q", 100);
  if (v.q && v.q->find_first_not_of(" \t") == std::string::npos) v.q.reset();
  v.org = r.opt_id("org");
  v.overdue = r.opt_bool("overdue");
  if (auto d = r.opt_integer("due_within_days", 0, 366)) v.due_within_days = static_cast<int>(*d);
  v.mine = r.opt_bool("mine");
  v.leader_owned = r.opt_bool("leader_owned");
  v.inbox = r.opt_bool("inbox");
  v.before = r.opt_id("before");
  v.limit = static_cast<int>(r.opt_integer("limit", 1, 200).value_or(50));
}
void from_json(const json& j, case_handoff_request& v) {
  reader r(j);
  v.case_id = r.id("case");
  v.to_org = r.id("to_org");
  v.note = r.opt_text("note", limits::note).value_or("");
  v.due = r.opt_text("due", 40);
}
void from_json(const json& j, case_accept_request& v) { v.case_id = reader(j).id("case"); }
void from_json(const json& j, case_decline_request& v) {
  reader r(j);
  v.case_id = r.id("case");
  v.reason = r.text("reason", limits::note);
}
void from_json(const json& j, case_invite_request& v) {
  reader r(j);
  v.case_id = r.id("case");
  v.user = r.id("user");
  static constexpr std::string_view capacities[] = {"professional", "representative"};
  v.capacity = r.one_of("capacity", std::begin(capacities), std::end(capacities));
  static constexpr std::string_view party_sides[] = {"petitioner", "respondent"};
  if (v.capacity == "representative")
    v.side = std::string(r.one_of("side", std::begin(party_sides), std::end(party_sides)));
  else if (r.find("side"))
    bad("side", "is given only for a representative");
}
void from_json(const json& j, subscribe_request& v) {
  reader r(j);
  v.thread = r.id("thread");
  v.since = r.opt_integer("since", 0, max_seq);
}
void from_json(const json& j, unsubscribe_request& v) { v.thread = reader(j).id("thread"); }
void from_json(const json& j, post_request& v) {
  reader r(j);
  v.thread = r.id("thread");
  v.cmid = r.text("cmid", limits::cmid);
  v.body = r.text("body", limits::body, false, errc::too_large);
}
void from_json(const json& j, history_request& v) {
  reader r(j);
  v.thread = r.id("thread");
  v.before = r.opt_integer("before", 1, max_seq);
  v.limit = static_cast<int>(
      r.opt_integer("limit", 1, limits::history_max).value_or(limits::history_default));
}
void from_json(const json& j, typing_request& v) { v.thread = reader(j).id("thread"); }
void from_json(const json& j, read_request& v) {
  reader r(j);
  v.thread = r.id("thread");
  v.seq = r.integer("seq", 0, max_seq);
}
void from_json(const json& j, read_list_request& v) { v.thread = reader(j).id("thread"); }

namespace {
void reason_fields(const json& j, case_reason_fields& v) {
  reader r(j);
  v.case_id = r.id("case");
  v.reason = r.text("reason", limits::note);
}
}  // namespace

void from_json(const json& j, case_triage_request& v) {
  reader r(j);
  v.case_id = r.id("case");
  v.decision = r.one_of("decision", std::begin(triage_decisions), std::end(triage_decisions));
  if (v.decision == "accept") {
    v.reason = r.opt_text("reason", limits::note).value_or("");
  } else {
    v.reason = r.text("reason", limits::note);
  }
  if (v.decision == "divert") v.route = r.text("route", limits::title);
  if (v.decision == "merge") v.into = r.id("into");
}
void from_json(const json& j, case_return_request& v) { reason_fields(j, v); }
void from_json(const json& j, case_escalate_request& v) { reason_fields(j, v); }
void from_json(const json& j, case_pause_request& v) { reason_fields(j, v); }
void from_json(const json& j, case_resume_request& v) { v.case_id = reader(j).id("case"); }
void from_json(const json& j, case_extend_request& v) { reason_fields(j, v); }
void from_json(const json& j, case_own_request& v) { v.case_id = reader(j).id("case"); }
void from_json(const json& j, case_close_request& v) {
  reader r(j);
  v.case_id = r.id("case");
  v.outcome = r.one_of("outcome", std::begin(outcomes), std::end(outcomes));
  v.note = r.opt_text("note", limits::note).value_or("");
}
void from_json(const json& j, case_evaluate_request& v) {
  reader r(j);
  v.case_id = r.id("case");
  v.evaluation = r.one_of("evaluation", std::begin(evaluations), std::end(evaluations));
  v.comment = r.opt_text("comment", limits::note).value_or("");
}
void from_json(const json& j, case_evaluation_link_request& v) { v.case_id = reader(j).id("case"); }
void from_json(const json& j, supervision_issue_request& v) {
  reader r(j);
  v.case_id = r.id("case");
  v.kind = r.one_of("kind", std::begin(supervision_kinds), std::end(supervision_kinds));
  v.body = r.text("body", limits::body, false, errc::too_large);
  v.due = r.opt_text("due", 40);
}
void from_json(const json& j, supervision_answer_request& v) {
  reader r(j);
  v.supervision = r.id("supervision");
  v.body = r.text("body", limits::body, false, errc::too_large);
}
void from_json(const json& j, supervision_list_request& v) { v.case_id = reader(j).id("case"); }
void from_json(const json& j, group_create_request& v) {
  reader r(j);
  v.title = r.text("title", limits::title);
  v.note = r.opt_text("note", limits::note).value_or("");
  const json* c = r.find("cases");
  if (!c || !c->is_array() || c->empty()) bad("cases", "must be a non-empty array of case ids");
  if (c->size() > 500) throw error(errc::too_large, "field 'cases' has more than 500 entries");
  v.cases.clear();
  for (const auto& e : *c) {
    json one{{"case", e}};
    id_t id = reader(one).id("case");
    if (std::find(v.cases.begin(), v.cases.end(), id) == v.cases.end()) v.cases.push_back(id);
  }
}
void from_json(const json& j, group_add_request& v) {
  reader r(j);
  v.group = r.id("group");
  v.case_id = r.id("case");
}
void from_json(const json& j, group_suggest_request& v) { v.case_id = reader(j).id("case"); }
void from_json(const json& j, group_resolve_request& v) {
  reader r(j);
  v.group = r.id("group");
  v.outcome = r.one_of("outcome", std::begin(outcomes), std::end(outcomes));
  v.note = r.text("note", limits::note);
}
void from_json(const json& j, stats_summary_request& v) {
  reader r(j);
  v.org = r.opt_id("org");
  v.from = r.opt_text("from", 40);
  v.to = r.opt_text("to", 40);
}
void from_json(const json& j, audit_list_request& v) {
  reader r(j);
  v.case_id = r.opt_id("case");
  v.org = r.opt_id("org");
  v.before = r.opt_id("before");
  v.limit = static_cast<int>(r.opt_integer("limit", 1, 500).value_or(100));
}
void from_json(const json& j, attachment_list_request& v) { v.case_id = reader(j).id("case"); }

void from_json(const json& j, agreement_templates_request& v) {
  reader r(j);
  v.category = r.find("category") ? std::optional<std::string>(r.code("category")) : std::nullopt;
}
void from_json(const json& j, agreement_draft_request& v) {
  reader r(j);
  v.case_id = r.id("case");
  const json* c = r.find("content");
  if (!c || !c->is_object()) bad("content", "must be the agreement as an object");
  v.content = *c;
  v.agreement = r.opt_id("agreement");
  v.supersedes = r.opt_id("supersedes");
  if (v.agreement && v.supersedes) bad("supersedes", "is for a new agreement, not a new version");
}
void from_json(const json& j, agreement_get_request& v) { v.agreement = reader(j).id("agreement"); }
void from_json(const json& j, agreement_verify_request& v) { v.agreement = reader(j).id("agreement"); }
void from_json(const json& j, agreement_list_request& v) { v.case_id = reader(j).id("case"); }
void from_json(const json& j, agreement_version_request& v) {
  reader r(j);
  v.agreement = r.id("agreement");
  v.version = r.integer("version", 1, 100000);
}
void from_json(const json& j, agreement_diff_request& v) {
  reader r(j);
  v.agreement = r.id("agreement");
  v.from = r.integer("from", 1, 100000);
  v.to = r.integer("to", 1, 100000);
}
void from_json(const json& j, agreement_sign_request& v) {
  reader r(j);
  v.agreement = r.id("agreement");
  v.version = r.integer("version", 1, 100000);
  static constexpr std::string_view roles[] = {"party", "mediator"};
  v.role = r.one_of("role", std::begin(roles), std::end(roles));
  v.party = r.opt_integer("party", 0, 49);
  if (v.role == "party" && !v.party) bad("party", "is required to sign for a party (its index)");
  v.signature = r.opt_text("signature", 400000).value_or("");
  v.confirmed = r.opt_bool("confirmed");
}
void from_json(const json& j, agreement_sign_link_request& v) {
  reader r(j);
  v.agreement = r.id("agreement");
  v.version = r.integer("version", 1, 100000);
  v.party = r.integer("party", 0, 49);
}
void from_json(const json& j, agreement_seal_request& v) {
  reader r(j);
  v.agreement = r.id("agreement");
  v.version = r.integer("version", 1, 100000);
}
void from_json(const json& j, agreement_perform_request& v) {
  reader r(j);
  v.agreement = r.id("agreement");
  v.term = r.integer("term", 0, 99);
  v.note = r.opt_text("note", limits::note).value_or("");
}
void from_json(const json& j, agreement_confirmation_request& v) {
  reader r(j);
  v.agreement = r.id("agreement");
  static constexpr std::string_view actions[] = {"apply", "decide"};
  v.action = r.one_of("action", std::begin(actions), std::end(actions));
  static constexpr std::string_view decisions[] = {"confirmed", "refused"};
  if (v.action == "apply") v.court = r.text("court", limits::title);
  if (v.action == "decide") v.decision = r.one_of("decision", std::begin(decisions), std::end(decisions));
  v.date = r.opt_text("date", 40);
}

namespace {
constexpr std::string_view sides[] = {"petitioner", "respondent", "neutral"};
}  // namespace

void from_json(const json& j, meeting_schedule_request& v) {
  reader r(j);
  v.case_id = r.id("case");
  v.title = r.text("title", limits::title);
  v.purpose = r.opt_text("purpose", limits::note).value_or("");
  v.start = r.text("start", 40);
  v.end = r.text("end", 40);
  v.tz = r.opt_text("tz", 64).value_or("Asia/Shanghai");
  v.place = r.opt_text("place", limits::title).value_or("");
  v.remote = r.opt_bool("remote");
  v.buffer_minutes = static_cast<int>(r.opt_integer("buffer_minutes", 0, 240).value_or(15));
  const json* ps = r.find("participants");
  if (!ps || !ps->is_array() || ps->empty()) bad("participants", "must be a non-empty list");
  if (ps->size() > 100) throw error(errc::too_large, "field 'participants' has more than 100 entries");
  v.participants.clear();
  for (std::size_t i = 0; i < ps->size(); ++i) {
    const std::string at = "participants[" + std::to_string(i) + "]";
    try {
      reader pr((*ps)[i]);
      meeting_participant p;
      p.user = pr.opt_id("user");
      p.name = p.user ? pr.opt_text("name", limits::name).value_or("") : pr.text("name", limits::name);
      p.phone = pr.opt_text("phone", 40).value_or("");
      p.side = pr.find("side") ? pr.one_of("side", std::begin(sides), std::end(sides)) : "";
      p.required = pr.find("required") ? pr.opt_bool("required") : true;
      v.participants.push_back(std::move(p));
    } catch (const error& e) {
      throw error(e.code(), at + ": " + e.what());
    }
  }
  v.reminders = {1440, 15};
  if (const json* rs = r.find("reminders")) {
    if (!rs->is_array() || rs->size() > 5) bad("reminders", "must be a list of at most 5 minute counts");
    v.reminders.clear();
    for (const auto& m : *rs) {
      if (!m.is_number_integer() || m.get<long long>() < 1 || m.get<long long>() > 10080)
        bad("reminders", "must hold minutes from 1 to 10080");
      int minutes = m.get<int>();
      if (std::find(v.reminders.begin(), v.reminders.end(), minutes) == v.reminders.end()) v.reminders.push_back(minutes);
    }
  }
}
void from_json(const json& j, meeting_reschedule_request& v) {
  reader r(j);
  v.meeting = r.id("meeting");
  v.start = r.text("start", 40);
  v.end = r.text("end", 40);
  v.place = r.opt_text("place", limits::title);
  if (r.find("remote")) v.remote = r.opt_bool("remote");
  v.buffer_minutes = static_cast<int>(r.opt_integer("buffer_minutes", 0, 240).value_or(15));
}
void from_json(const json& j, meeting_cancel_request& v) {
  reader r(j);
  v.meeting = r.id("meeting");
  v.reason = r.text("reason", limits::note);
}
void from_json(const json& j, meeting_get_request& v) { v.meeting = reader(j).id("meeting"); }
void from_json(const json& j, meeting_join_request& v) { v.meeting = reader(j).id("meeting"); }
void from_json(const json& j, meeting_leave_request& v) { v.meeting = reader(j).id("meeting"); }
void from_json(const json& j, meeting_list_request& v) {
  reader r(j);
  v.from = r.opt_text("from", 40);
  v.to = r.opt_text("to", 40);
  v.case_id = r.opt_id("case");
}
void from_json(const json& j, meeting_suggest_request& v) {
  reader r(j);
  const json* ps = r.find("participants");
  if (!ps || !ps->is_array() || ps->empty() || ps->size() > 50) bad("participants", "must be a list of 1 to 50 user ids");
  v.participants.clear();
  for (const auto& e : *ps) {
    json one{{"user", e}};
    v.participants.push_back(reader(one).id("user"));
  }
  v.duration_minutes = static_cast<int>(r.integer("duration_minutes", 15, 480));
  v.from = r.opt_text("from", 40);
  v.tz = r.opt_text("tz", 64).value_or("Asia/Shanghai");
  v.buffer_minutes = static_cast<int>(r.opt_integer("buffer_minutes", 0, 240).value_or(15));
}
void from_json(const json& j, meeting_respond_request& v) {
  reader r(j);
  v.meeting = r.id("meeting");
  static constexpr std::string_view answers[] = {"accepted", "declined", "tentative"};
  v.answer = r.one_of("answer", std::begin(answers), std::end(answers));
  v.comment = r.opt_text("comment", limits::note).value_or("");
  v.propose_start = r.opt_text("propose_start", 40);
  v.propose_end = r.opt_text("propose_end", 40);
  if (v.propose_start.has_value() != v.propose_end.has_value())
    bad("propose_end", "and 'propose_start' go together");
}
void from_json(const json& j, meeting_invite_guest_request& v) {
  reader r(j);
  v.meeting = r.id("meeting");
  v.name = r.text("name", limits::name);
  v.phone = r.opt_text("phone", 40).value_or("");
  static constexpr std::string_view party_sides[] = {"petitioner", "respondent"};
  v.side = r.one_of("side", std::begin(party_sides), std::end(party_sides));
}
void from_json(const json& j, meeting_set_side_request& v) {
  reader r(j);
  v.meeting = r.id("meeting");
  v.user = r.id("user");
  v.side = r.one_of("side", std::begin(sides), std::end(sides));
}
void from_json(const json& j, meeting_revoke_guest_request& v) {
  reader r(j);
  v.meeting = r.id("meeting");
  v.user = r.id("user");
}
void from_json(const json& j, calendar_feed_request& v) { v.revoke = reader(j).opt_bool("revoke"); }
void from_json(const json& j, meeting_caucus_request& v) {
  reader r(j);
  v.meeting = r.id("meeting");
  static constexpr std::string_view modes[] = {"joint", "petitioner", "respondent"};
  v.mode = r.one_of("mode", std::begin(modes), std::end(modes));
}
void from_json(const json& j, meeting_say_request& v) {
  reader r(j);
  v.meeting = r.id("meeting");
  v.body = r.text("body", limits::body, false, errc::too_large);
}
void from_json(const json& j, meeting_signal_request& v) {
  reader r(j);
  v.meeting = r.id("meeting");
  v.to = r.id("to");
  const json* s = r.find("signal");
  if (!s || !s->is_object()) bad("signal", "must be an object");
  const json* kind = s->contains("kind") ? &(*s)["kind"] : nullptr;
  static constexpr std::string_view kinds[] = {"offer", "answer", "candidate", "hangup"};
  if (!kind || !kind->is_string() ||
      std::find(std::begin(kinds), std::end(kinds), kind->get<std::string>()) == std::end(kinds))
    bad("signal.kind", "must be offer, answer, candidate or hangup");
  if (s->dump().size() > 64 * 1024) throw error(errc::too_large, "field 'signal' is larger than 64 KiB");
  v.signal = *s;
}

// ---- requests: to_json -----------------------------------------------------------------------

namespace {
json with_type(std::string_view type) { return json{{"type", type}}; }
}  // namespace

void to_json(json& j, const party& v) {
  j = json{{"role", v.role}, {"name", v.name}, {"phone", v.phone}, {"id_number", v.id_number}, {"address", v.address}};
}
void to_json(json& j, const auth_request& v) {
  j = with_type(v.type);
  j["token"] = v.token;
}
void to_json(json& j, const orgs_list_request& v) { j = with_type(v.type); }
void to_json(json& j, const users_list_request& v) {
  j = with_type(v.type);
  if (v.org) j["org"] = id_to_wire(*v.org);
}
void to_json(json& j, const case_create_request& v) {
  j = with_type(v.type);
  j["title"] = v.title;
  j["category"] = v.category;
  j["channel"] = v.channel;
  j["description"] = v.description;
  j["parties"] = v.parties;
  j["location"] = v.location;
  j["urgency"] = v.urgency;
}
void to_json(json& j, const case_get_request& v) {
  j = with_type(v.type);
  j["case"] = id_to_wire(v.case_id);
}
void to_json(json& j, const case_list_request& v) { j = with_type(v.type); }
void to_json(json& j, const case_handoff_request& v) {
  j = with_type(v.type);
  j["case"] = id_to_wire(v.case_id);
  j["to_org"] = id_to_wire(v.to_org);
  j["note"] = v.note;
  if (v.due) j["due"] = *v.due;
}
void to_json(json& j, const case_accept_request& v) {
  j = with_type(v.type);
  j["case"] = id_to_wire(v.case_id);
}
void to_json(json& j, const case_decline_request& v) {
  j = with_type(v.type);
  j["case"] = id_to_wire(v.case_id);
  j["reason"] = v.reason;
}
void to_json(json& j, const case_invite_request& v) {
  j = with_type(v.type);
  j["case"] = id_to_wire(v.case_id);
  j["user"] = id_to_wire(v.user);
  j["capacity"] = v.capacity;
  if (v.side) j["side"] = *v.side;
}
void to_json(json& j, const subscribe_request& v) {
  j = with_type(v.type);
  j["thread"] = id_to_wire(v.thread);
  if (v.since) j["since"] = *v.since;
}
void to_json(json& j, const unsubscribe_request& v) {
  j = with_type(v.type);
  j["thread"] = id_to_wire(v.thread);
}
void to_json(json& j, const post_request& v) {
  j = with_type(v.type);
  j["thread"] = id_to_wire(v.thread);
  j["cmid"] = v.cmid;
  j["body"] = v.body;
}
void to_json(json& j, const history_request& v) {
  j = with_type(v.type);
  j["thread"] = id_to_wire(v.thread);
  if (v.before) j["before"] = *v.before;
  j["limit"] = v.limit;
}
void to_json(json& j, const typing_request& v) {
  j = with_type(v.type);
  j["thread"] = id_to_wire(v.thread);
}
void to_json(json& j, const read_request& v) {
  j = with_type(v.type);
  j["thread"] = id_to_wire(v.thread);
  j["seq"] = v.seq;
}
void to_json(json& j, const read_list_request& v) {
  j = with_type(v.type);
  j["thread"] = id_to_wire(v.thread);
}

// ---- views -------------------------------------------------------------------------------------

void to_json(json& j, const org_view& v) {
  j = json{{"id", id_to_wire(v.id)}, {"name", v.name},   {"name_en", v.name_en},
           {"kind", v.kind},         {"level", v.level}, {"parent", nullptr}};
  if (v.parent) j["parent"] = id_to_wire(*v.parent);
}
void to_json(json& j, const user_view& v) {
  j = json{{"id", id_to_wire(v.id)}, {"username", v.username}, {"name", v.name},
           {"role", v.role},         {"org", v.org}};
}
void to_json(json& j, const person_ref& v) { j = json{{"id", id_to_wire(v.id)}, {"name", v.name}}; }
void to_json(json& j, const handler_view& v) {
  j = json{{"org", v.org}, {"status", v.status}, {"note", v.note}, {"due", nullptr}};
  if (v.due) j["due"] = *v.due;
  if (v.reason) j["reason"] = *v.reason;
}
void to_json(json& j, const case_view& v) {
  j = json{{"id", id_to_wire(v.id)},
           {"number", v.number},
           {"thread", id_to_wire(v.thread)},
           {"parties_thread", v.parties_thread ? json(id_to_wire(v.parties_thread)) : json(nullptr)},
           {"status", v.status},
           {"title", v.title},
           {"category", v.category},
           {"channel", v.channel},
           {"description", v.description},
           {"org", v.org},
           {"parties", v.parties},
           {"handlers", v.handlers},
           {"first_handler", nullptr},
           {"created_by", v.created_by},
           {"created_at", v.created_at}};
  if (v.first_handler) j["first_handler"] = *v.first_handler;
  for (auto it = v.workflow.begin(); it != v.workflow.end(); ++it) j[it.key()] = it.value();
}
void to_json(json& j, const event_view& v) {
  j = json{{"type", "event"}, {"thread", id_to_wire(v.thread)}};
  if (v.seq) j["seq"] = *v.seq;
  j["kind"] = v.kind;
  j["at"] = v.at;
  j["author"] = v.author;
  j["data"] = v.data;
}
void to_json(json& j, const read_marker_view& v) {
  j = json{{"user", v.user}, {"seq", v.seq}, {"at", v.at}};
}
void from_json(const json& j, event_view& v) {
  reader r(j);
  v.thread = r.id("thread");
  v.seq = r.opt_integer("seq", 1, max_seq);
  v.kind = r.text("kind", limits::code);
  v.at = r.text("at", 40);
  const json* a = r.find("author");
  if (!a || !a->is_object()) bad("author", "must be an object");
  reader ar(*a);
  v.author.id = ar.id("id");
  v.author.name = ar.text("name", limits::name, true);
  const json* d = r.find("data");
  v.data = d ? *d : json::object();
}

}  // namespace mediation::protocol
