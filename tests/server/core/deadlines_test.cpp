// The deadline engine: local days, working days, holidays, pauses, extensions, policies.
#include <gtest/gtest.h>

#include "server/core/deadlines.hpp"

namespace mediation::app::deadlines {
namespace {

int day(const char* s) { return *parse_date(s); }
// 09:00 China Standard Time on that day, as UTC ms.
millis morning(const char* s) { return end_of_day(day(s)) + 1 - 86400000LL + 9 * 3600000LL; }
std::string due_date(std::optional<millis> t) { return t ? format_date(local_day(*t)) : "none"; }

TEST(deadlines, local_days_are_china_standard_time) {
  // 2026-11-22T16:30Z is already 2026-11-23 00:30 in Beijing.
  EXPECT_EQ(format_date(local_day(1795365000000LL)), "2026-11-23");
  EXPECT_EQ(format_date(day("2026-02-28")), "2026-02-28");
  EXPECT_FALSE(parse_date("2026-02-30"));
  EXPECT_FALSE(parse_date("2026-13-01"));
  EXPECT_FALSE(parse_date("26-01-01"));
  EXPECT_EQ(weekday(day("2026-11-23")), 0);  // a Monday
  EXPECT_EQ(weekday(day("2026-11-22")), 6);  // a Sunday
  // The end of a local day is 15:59:59.999 UTC.
  EXPECT_EQ((end_of_day(day("2026-12-31")) + 1) % 86400000LL, 16 * 3600000LL);
}

TEST(deadlines, calendar_days_count_from_the_day_after_the_start) {
  calendar cal;
  // Registered on Monday 2026-11-23: 15 days end on Tuesday 2026-12-08.
  EXPECT_EQ(due_date(due({morning("2026-11-23"), 15, false}, {}, cal)), "2026-12-08");
  // 60 days across a month end.
  EXPECT_EQ(due_date(due({morning("2026-11-23"), 60, false}, {}, cal)), "2027-01-22");
  // The deadline is the last millisecond of that local day.
  auto d = *due({morning("2026-11-23"), 1, false}, {}, cal);
  EXPECT_EQ(d, end_of_day(day("2026-11-24")));
}

TEST(deadlines, working_days_skip_weekends_and_holidays_and_count_make_up_days) {
  calendar cal;
  // 30 working days from Monday 2026-11-23: six weeks less a day -> Monday 2027-01-04.
  EXPECT_EQ(due_date(due({morning("2026-11-23"), 30, true}, {}, cal)), "2027-01-04");
  // New Year's Day (Friday 2027-01-01) off: one working day later.
  cal.add_holiday(day("2027-01-01"));
  EXPECT_EQ(due_date(due({morning("2026-11-23"), 30, true}, {}, cal)), "2027-01-05");
  // A make-up working Saturday (调休) counts again.
  cal.add_workday(day("2026-12-26"));
  EXPECT_EQ(due_date(due({morning("2026-11-23"), 30, true}, {}, cal)), "2027-01-04");
  // Five working days from a Friday end on the next Friday.
  calendar plain;
  EXPECT_EQ(due_date(due({morning("2026-11-27"), 5, true}, {}, plain)), "2026-12-04");
}

TEST(deadlines, paused_days_do_not_count_and_an_open_pause_stops_the_clock) {
  calendar cal;
  const millis start = morning("2026-11-23");
  // A pause from Wednesday to Friday (three local days) moves a 15-day deadline by three days.
  std::vector<pause> p{{morning("2026-11-25"), morning("2026-11-27")}};
  EXPECT_EQ(due_date(due({start, 15, false}, p, cal)), "2026-12-11");
  // Two separate pauses add up; a pause ending before the start does not count.
  p.push_back({morning("2026-12-01"), morning("2026-12-01") + 3600000});
  p.push_back({morning("2026-11-01"), morning("2026-11-02")});
  EXPECT_EQ(due_date(due({start, 15, false}, p, cal)), "2026-12-12");
  // While paused there is no deadline.
  p.push_back({morning("2026-12-03"), std::nullopt});
  EXPECT_FALSE(due({start, 15, false}, p, cal));
  // A paused weekend costs a working-day clock nothing.
  std::vector<pause> weekend{{morning("2026-11-28"), morning("2026-11-29")}};
  EXPECT_EQ(due({start, 10, true}, weekend, cal), due({start, 10, true}, {}, cal));
}

TEST(deadlines, an_extension_adds_its_days) {
  calendar cal;
  auto base = due({morning("2026-11-23"), 60, false}, {}, cal);
  auto extended = due({morning("2026-11-23"), 60 + 30, false}, {}, cal);
  EXPECT_EQ(*extended - *base, 30 * 86400000LL);
}

TEST(deadlines, legal_defaults_and_the_most_specific_policy_win) {
  auto set = policy_set::legal_defaults();
  EXPECT_EQ(set.find("acceptance", "land", "petition_office", 1)->days, 15);
  EXPECT_EQ(set.find("handling", "land", "petition_office", 1)->days, 60);
  EXPECT_EQ(set.find("extension", "land", "petition_office", 1)->days, 30);
  EXPECT_EQ(set.find("review", "land", "petition_office", 1)->days, 30);
  EXPECT_EQ(set.find("recheck_request", "land", "petition_office", 1)->days, 30);
  EXPECT_EQ(set.find("handling", "labour_wages", "mediation_committee", 4)->days, 15);
  auto medical = set.find("handling", "medical", "mediation_committee", 5);
  EXPECT_EQ(medical->days, 30);
  EXPECT_TRUE(medical->working_days);
  // Labour wages at a petition office keep the general 60 days.
  EXPECT_EQ(set.find("handling", "labour_wages", "petition_office", 1)->days, 60);
  // An organisation's own rule beats the category rule; a later equal rule beats an earlier one.
  set.add({"handling", "", "", 7, 45, false});
  set.add({"handling", "land", "", 0, 50, false});
  EXPECT_EQ(set.find("handling", "land", "petition_office", 7)->days, 45);
  EXPECT_EQ(set.find("handling", "land", "petition_office", 8)->days, 50);
  set.add({"handling", "land", "", 0, 40, false});
  EXPECT_EQ(set.find("handling", "land", "petition_office", 8)->days, 40);
  EXPECT_FALSE(set.find("nonsense", "land", "petition_office", 8));
}

TEST(deadlines, the_workflow_file_is_validated) {
  workflow_config c;
  auto ok = nlohmann::json::parse(R"({"holidays": ["2027-01-01"], "workdays": ["2026-12-26"],
      "policies": [{"clock": "handling", "category": "land", "days": 45},
                   {"clock": "acceptance", "org": "3", "days": 7, "working_days": true}],
      "repeat_window_days": 30, "scan_interval_ms": 1000})");
  EXPECT_EQ(parse_workflow(ok, c), "");
  EXPECT_FALSE(c.cal.is_working_day(day("2027-01-01")));
  EXPECT_TRUE(c.cal.is_working_day(day("2026-12-26")));
  EXPECT_EQ(c.policies.find("handling", "land", "x", 1)->days, 45);
  EXPECT_EQ(c.policies.find("acceptance", "land", "x", 3)->days, 7);
  EXPECT_EQ(c.repeat_window_days, 30);
  EXPECT_EQ(c.scan_interval_ms, 1000);
  const char* bad[] = {R"([])", R"({"holidays": ["2027-02-30"]})", R"({"holidays": "2027-01-01"})",
                       R"({"policies": [{"clock": "lunch", "days": 3}]})", R"({"policies": [{"clock": "handling"}]})",
                       R"({"policies": [{"clock": "handling", "days": -1}]})",
                       R"({"policies": [{"clock": "handling", "days": 3, "colour": "red"}]})",
                       R"({"repeat_window_days": 0})", R"({"scan_interval_ms": 1})", R"({"surprise": 1})"};
  for (const char* text : bad) {
    workflow_config untouched;
    EXPECT_NE(parse_workflow(nlohmann::json::parse(text), untouched), "") << text;
    EXPECT_EQ(untouched.repeat_window_days, 90) << text;
  }
}

}  // namespace
}  // namespace mediation::app::deadlines
