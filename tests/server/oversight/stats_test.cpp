// The dashboard figures.
#include <gtest/gtest.h>

#include "server/oversight/stats.hpp"

namespace mediation::app {
namespace {

const long long day = 86400000LL;

stats_row closed(const char* cat, const char* level, const char* outcome, double days, bool on_time,
                 const char* evaluation = "") {
  stats_row r;
  r.created_at = 0;
  r.category = cat;
  r.level = level;
  r.accepted = true;
  r.closed_at = static_cast<long long>(days * day);
  r.outcome = outcome;
  r.on_time = on_time;
  r.evaluation = evaluation;
  return r;
}

TEST(stats, figures_of_a_period) {
  std::vector<stats_row> rows{
      closed("labour_wages", "community", "mediated", 10, true, "satisfied"),
      closed("labour_wages", "street", "agreement", 20, true, "basically_satisfied"),
      closed("land", "city", "mediated", 30, false, "unsatisfied"),
      closed("land", "city", "referral", 40, true),
  };
  stats_row open;
  open.category = "land";
  open.level = "street";
  open.escalations = 2;
  rows.push_back(open);
  auto s = summarize(rows);
  const auto& t = s["totals"];
  EXPECT_EQ(t["received"], 5);
  EXPECT_EQ(t["accepted"], 4);
  EXPECT_EQ(t["closed"], 4);
  EXPECT_EQ(t["resolved"], 3);
  EXPECT_DOUBLE_EQ(t["resolution_rate"].get<double>(), 3.0 / 5);
  EXPECT_DOUBLE_EQ(t["on_time_rate"].get<double>(), 3.0 / 4);
  EXPECT_DOUBLE_EQ(t["average_handling_days"].get<double>(), 25.0);
  EXPECT_EQ(t["evaluated"], 3);
  EXPECT_DOUBLE_EQ(t["satisfaction_rate"].get<double>(), 2.0 / 3);
  EXPECT_DOUBLE_EQ(t["grassroots_share"].get<double>(), 2.0 / 3);
  EXPECT_EQ(t["escalations"], 2);
  EXPECT_EQ(s["by_category"]["labour_wages"]["resolved"], 2);
  EXPECT_EQ(s["by_category"]["land"]["received"], 3);
  EXPECT_EQ(s["by_level"]["city"]["closed"], 2);
  EXPECT_EQ(s["by_level"]["street"]["received"], 2);
}

TEST(stats, empty_periods_have_null_rates) {
  auto s = summarize({});
  EXPECT_EQ(s["totals"]["received"], 0);
  EXPECT_TRUE(s["totals"]["resolution_rate"].is_null());
  EXPECT_TRUE(s["totals"]["average_handling_days"].is_null());
  EXPECT_TRUE(s["by_category"].empty());
}

}  // namespace
}  // namespace mediation::app
