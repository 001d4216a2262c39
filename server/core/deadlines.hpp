#pragma once
// The deadline engine: pure functions over a working-day calendar, clock policies and pauses.
// No database, no clock of its own; thread-safe (all types are values).
//
// Legal defaults (信访工作条例 2022 and the committees' rules) are built in and may be overridden
// per category, per kind of organisation and per organisation by the workflow file (--workflow):
//   acceptance       15 days  decide whether to accept a registered case
//   handling         60 days  handle an accepted case (extension: once, 30 days, a leader approves)
//   extension        30 days
//   review_request   30 days  the petitioner may ask for a review (复查) after the answer
//   review           30 days  answer a review
//   recheck_request  30 days  ...and for a re-check (复核)
//   recheck          30 days
//   handling at a mediation_committee: labour_wages 15 days; medical 30 working days
//
// Counting: days are local days in China Standard Time (UTC+8). The day the clock starts does not
// count; a day on which the clock was paused at any moment does not count; a working-day clock
// counts only working days. The deadline is the end (23:59:59.999 local) of the last counted day.

#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "server/base/time.hpp"

namespace mediation::app::deadlines {

// Local day number: days since 1970-01-01 in UTC+8.
int local_day(millis t) noexcept;
// 23:59:59.999 UTC+8 of local day `day`, as UTC ms.
millis end_of_day(int day) noexcept;
// 0 = Monday ... 6 = Sunday.
int weekday(int day) noexcept;
// "YYYY-MM-DD" -> local day; nullopt when malformed or not a real date.
std::optional<int> parse_date(std::string_view s);
std::string format_date(int day);

// Weekends are rest days unless listed as make-up working days (调休); listed holidays are rest days.
class calendar {
 public:
  void add_holiday(int day) { holidays_.insert(day); }
  void add_workday(int day) { workdays_.insert(day); }
  bool is_working_day(int day) const;

 private:
  std::set<int> holidays_, workdays_;
};

struct pause {
  millis start = 0;
  std::optional<millis> end;  // empty while the clock still stands
};

struct clock_spec {
  millis start = 0;
  int days = 0;
  bool working_days = false;
};

// The deadline of `spec` given its pauses; nullopt while a pause is open.
std::optional<millis> due(const clock_spec& spec, const std::vector<pause>& pauses, const calendar& cal);

struct policy {
  std::string clock;             // acceptance, handling, extension, review_request, review, ...
  std::string category;          // empty: any
  std::string org_kind;          // empty: any
  long long org = 0;             // 0: any
  int days = 0;
  bool working_days = false;
};

inline constexpr std::string_view clocks[] = {"acceptance", "handling",        "extension", "review_request",
                                              "review",     "recheck_request", "recheck"};

class policy_set {
 public:
  // The legal defaults listed above.
  static policy_set legal_defaults();
  // Adds a rule; among matching rules the most specific wins (organisation, then category, then
  // kind of organisation), and among equally specific ones the one added last.
  void add(policy p) { rules_.push_back(std::move(p)); }
  // The rule for `clock` at organisation `org` (of `org_kind`) for `category`; the defaults cover
  // every clock, so this finds one whenever the set started from legal_defaults().
  std::optional<policy> find(std::string_view clock, std::string_view category, std::string_view org_kind,
                             long long org) const;
  const std::vector<policy>& rules() const { return rules_; }

 private:
  std::vector<policy> rules_;
};

// Everything the workflow file configures.
struct workflow_config {
  calendar cal;
  policy_set policies = policy_set::legal_defaults();
  int repeat_window_days = 90;             // a new case by the same petitioner on the same matter
  long long scan_interval_ms = 30000;      // how often the scheduler looks for due work
  long long evaluation_link_ttl_ms = 30LL * 86400000;
  long long supervision_default_days = 7;
  nlohmann::json source = nlohmann::json::object();  // for --print-config
};

// Reads a workflow file's JSON:
//   {"holidays": ["2026-10-01", ...], "workdays": ["2026-09-27"],
//    "policies": [{"clock": "handling", "category": "land", "org_kind": "petition_office",
//                  "org": "12", "days": 45, "working_days": false}],
//    "repeat_window_days": 90, "scan_interval_ms": 30000}
// Returns an error text naming the bad entry, or "" (and fills `out`).
std::string parse_workflow(const nlohmann::json& j, workflow_config& out);

}  // namespace mediation::app::deadlines
