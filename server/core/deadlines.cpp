#include "server/core/deadlines.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>

namespace mediation::app::deadlines {

namespace {

constexpr millis day_ms = 86400000LL;
constexpr millis offset_ms = 8 * 3600000LL;  // China Standard Time

// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm).
int days_from_civil(int y, unsigned m, unsigned d) noexcept {
  y -= m <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int>(doe) - 719468;
}

void civil_from_days(int z, int& y, unsigned& m, unsigned& d) noexcept {
  z += 719468;
  const int era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = static_cast<int>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y += m <= 2;
}

long long floor_div(long long a, long long b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

}  // namespace

int local_day(millis t) noexcept { return static_cast<int>(floor_div(t + offset_ms, day_ms)); }

millis end_of_day(int day) noexcept { return (static_cast<millis>(day) + 1) * day_ms - offset_ms - 1; }

int weekday(int day) noexcept {
  // 1970-01-01 was a Thursday (3 when Monday is 0).
  return static_cast<int>(((static_cast<long long>(day) % 7) + 7 + 3) % 7);
}

std::optional<int> parse_date(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  int y = 0;
  unsigned m = 0, d = 0;
  auto num = [&](std::size_t from, std::size_t len, auto& out) {
    auto [p, ec] = std::from_chars(s.data() + from, s.data() + from + len, out);
    return ec == std::errc{} && p == s.data() + from + len;
  };
  if (!num(0, 4, y) || !num(5, 2, m) || !num(8, 2, d)) return std::nullopt;
  if (y < 1970 || y > 9999 || m < 1 || m > 12 || d < 1 || d > 31) return std::nullopt;
  int day = days_from_civil(y, m, d);
  int yy = 0;
  unsigned mm = 0, dd = 0;
  civil_from_days(day, yy, mm, dd);
  if (mm != m || dd != d) return std::nullopt;  // 2026-02-30
  return day;
}

std::string format_date(int day) {
  int y = 0;
  unsigned m = 0, d = 0;
  civil_from_days(day, y, m, d);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", y, m, d);
  return buf;
}

bool calendar::is_working_day(int day) const {
  if (holidays_.count(day)) return false;
  if (workdays_.count(day)) return true;
  return weekday(day) < 5;
}

std::optional<millis> due(const clock_spec& spec, const std::vector<pause>& pauses, const calendar& cal) {
  for (const auto& p : pauses)
    if (!p.end) return std::nullopt;
  // Local days touched by a pause do not count.
  std::set<int> paused;
  for (const auto& p : pauses) {
    int from = local_day(std::max(p.start, spec.start));
    int to = local_day(*p.end);
    if (*p.end < spec.start) continue;
    for (int d = from; d <= to && d - from < 100000; ++d) paused.insert(d);
  }
  int day = local_day(spec.start);
  int counted = 0;
  // Bounded: a clock is at most a few hundred days; skip at most a long run of rest days.
  for (int guard = 0; counted < spec.days && guard < 100000; ++guard) {
    ++day;
    if (paused.count(day)) continue;
    if (spec.working_days && !cal.is_working_day(day)) continue;
    ++counted;
  }
  if (spec.days <= 0) {
    // A zero-day clock ends with the day it starts (or the first day after the pauses).
    while (paused.count(day)) ++day;
  }
  return end_of_day(day);
}

policy_set policy_set::legal_defaults() {
  policy_set s;
  s.add({"acceptance", "", "", 0, 15, false});
  s.add({"handling", "", "", 0, 60, false});
  s.add({"extension", "", "", 0, 30, false});
  s.add({"review_request", "", "", 0, 30, false});
  s.add({"review", "", "", 0, 30, false});
  s.add({"recheck_request", "", "", 0, 30, false});
  s.add({"recheck", "", "", 0, 30, false});
  s.add({"handling", "labour_wages", "mediation_committee", 0, 15, false});
  s.add({"handling", "medical", "mediation_committee", 0, 30, true});
  return s;
}

std::optional<policy> policy_set::find(std::string_view clock, std::string_view category,
                                       std::string_view org_kind, long long org) const {
  const policy* best = nullptr;
  int best_score = -1;
  for (const auto& p : rules_) {
    if (p.clock != clock) continue;
    if (!p.category.empty() && p.category != category) continue;
    if (!p.org_kind.empty() && p.org_kind != org_kind) continue;
    if (p.org != 0 && p.org != org) continue;
    int score = (p.org ? 8 : 0) + (p.category.empty() ? 0 : 4) + (p.org_kind.empty() ? 0 : 2);
    if (score >= best_score) {
      best = &p;
      best_score = score;
    }
  }
  if (!best) return std::nullopt;
  return *best;
}

namespace {

std::string days_list(const nlohmann::json& j, const char* key, calendar& cal, bool holiday) {
  auto it = j.find(key);
  if (it == j.end()) return {};
  if (!it->is_array()) return std::string("'") + key + "' must be a list of dates (YYYY-MM-DD)";
  for (const auto& d : *it) {
    auto day = d.is_string() ? parse_date(d.get<std::string>()) : std::nullopt;
    if (!day) return std::string("'") + key + "': " + d.dump() + " is not a date (YYYY-MM-DD)";
    holiday ? cal.add_holiday(*day) : cal.add_workday(*day);
  }
  return {};
}

std::string whole(const nlohmann::json& j, const char* key, long long min, long long max, long long& out) {
  auto it = j.find(key);
  if (it == j.end()) return {};
  if (!it->is_number_integer() || it->get<long long>() < min || it->get<long long>() > max)
    return std::string("'") + key + "' must be a whole number from " + std::to_string(min) + " to " +
           std::to_string(max);
  out = it->get<long long>();
  return {};
}

}  // namespace

std::string parse_workflow(const nlohmann::json& j, workflow_config& out) {
  if (!j.is_object()) return "the workflow file must be a JSON object";
  static const char* known[] = {"holidays",          "workdays",         "policies", "repeat_window_days",
                                "scan_interval_ms",  "evaluation_link_days", "supervision_default_days"};
  for (auto it = j.begin(); it != j.end(); ++it)
    if (std::none_of(std::begin(known), std::end(known), [&](const char* k) { return it.key() == k; }))
      return "unknown setting '" + it.key() + "'";
  workflow_config c;
  if (auto e = days_list(j, "holidays", c.cal, true); !e.empty()) return e;
  if (auto e = days_list(j, "workdays", c.cal, false); !e.empty()) return e;
  long long n = c.repeat_window_days;
  if (auto e = whole(j, "repeat_window_days", 1, 3650, n); !e.empty()) return e;
  c.repeat_window_days = static_cast<int>(n);
  if (auto e = whole(j, "scan_interval_ms", 50, 3600000, c.scan_interval_ms); !e.empty()) return e;
  n = 30;
  if (auto e = whole(j, "evaluation_link_days", 1, 365, n); !e.empty()) return e;
  c.evaluation_link_ttl_ms = n * 86400000LL;
  if (auto e = whole(j, "supervision_default_days", 1, 365, c.supervision_default_days); !e.empty()) return e;
  if (auto it = j.find("policies"); it != j.end()) {
    if (!it->is_array()) return "'policies' must be a list";
    int i = 0;
    for (const auto& p : *it) {
      std::string where = "policies[" + std::to_string(i++) + "]";
      if (!p.is_object()) return where + " must be an object";
      policy r;
      auto clock = p.find("clock");
      if (clock == p.end() || !clock->is_string() ||
          std::find(std::begin(clocks), std::end(clocks), clock->get<std::string>()) == std::end(clocks))
        return where + ": 'clock' must be one of acceptance, handling, extension, review_request, review, "
                       "recheck_request, recheck";
      r.clock = clock->get<std::string>();
      for (const char* key : {"category", "org_kind"}) {
        auto v = p.find(key);
        if (v == p.end()) continue;
        if (!v->is_string() || v->get<std::string>().size() > 32)
          return where + ": '" + key + "' must be a short identifier";
        (std::string(key) == "category" ? r.category : r.org_kind) = v->get<std::string>();
      }
      if (auto v = p.find("org"); v != p.end()) {
        long long id = 0;
        if (v->is_number_integer()) id = v->get<long long>();
        else if (v->is_string()) std::from_chars(v->get<std::string>().data(),
                                                 v->get<std::string>().data() + v->get<std::string>().size(), id);
        if (id <= 0) return where + ": 'org' must be an organisation id";
        r.org = id;
      }
      long long days = -1;
      if (auto e = whole(p, "days", 0, 3650, days); !e.empty()) return where + ": " + e;
      if (days < 0) return where + ": 'days' is required";
      r.days = static_cast<int>(days);
      if (auto v = p.find("working_days"); v != p.end()) {
        if (!v->is_boolean()) return where + ": 'working_days' must be true or false";
        r.working_days = v->get<bool>();
      }
      for (auto k = p.begin(); k != p.end(); ++k)
        if (k.key() != "clock" && k.key() != "category" && k.key() != "org_kind" && k.key() != "org" &&
            k.key() != "days" && k.key() != "working_days")
          return where + ": unknown setting '" + k.key() + "'";
      c.policies.add(std::move(r));
    }
  }
  c.source = j;
  out = std::move(c);
  return {};
}

}  // namespace mediation::app::deadlines
