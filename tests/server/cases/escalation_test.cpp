// The automatic escalation rules as pure functions.
#include <gtest/gtest.h>

#include "server/cases/escalation.hpp"

namespace mediation::app::escalation {
namespace {

TEST(escalation, overdue_fires_once_per_deadline_and_only_while_open) {
  case_facts c;
  c.due = 1000;
  EXPECT_FALSE(overdue_fires(c, 999));
  EXPECT_FALSE(overdue_fires(c, 1000));
  EXPECT_TRUE(overdue_fires(c, 1001));
  c.overdue_handled_due = 1000;  // acted on
  EXPECT_FALSE(overdue_fires(c, 5000));
  c.due = 2000;  // a new deadline (after an escalation or an extension)
  EXPECT_TRUE(overdue_fires(c, 2001));
  c.open = false;
  EXPECT_FALSE(overdue_fires(c, 2001));
  case_facts paused;  // no deadline while paused
  EXPECT_FALSE(overdue_fires(paused, 1LL << 50));
}

TEST(escalation, unsatisfied_fires_for_a_closed_case_within_the_review_window) {
  case_facts c;
  c.open = false;
  c.evaluation = "unsatisfied";
  c.evaluated_at = 100;
  c.review_until = 200;
  EXPECT_TRUE(unsatisfied_fires(c));
  c.evaluation_handled = true;
  EXPECT_FALSE(unsatisfied_fires(c));
  c.evaluation_handled = false;
  c.evaluated_at = 201;  // too late to ask for a review
  EXPECT_FALSE(unsatisfied_fires(c));
  c.evaluated_at = 100;
  c.evaluation = "basically_satisfied";
  EXPECT_FALSE(unsatisfied_fires(c));
  c.evaluation = "unsatisfied";
  c.open = true;
  EXPECT_FALSE(unsatisfied_fires(c));
}

TEST(escalation, repeat_petitions_fire_once_within_the_window) {
  case_facts c;
  EXPECT_FALSE(repeat_fires(c));
  c.repeat_of_known = true;
  EXPECT_TRUE(repeat_fires(c));
  c.repeat_handled = true;
  EXPECT_FALSE(repeat_fires(c));
  const long long day = 86400000LL;
  EXPECT_TRUE(within_repeat_window(0, 90 * day, 90));
  EXPECT_FALSE(within_repeat_window(0, 90 * day + 1, 90));
  EXPECT_FALSE(within_repeat_window(10, 5, 90));
}

TEST(escalation, stages_move_from_first_handling_to_review_to_recheck) {
  EXPECT_EQ(next_stage("first"), "review");
  EXPECT_EQ(next_stage("review"), "recheck");
  EXPECT_EQ(next_stage("recheck"), "recheck");
  EXPECT_EQ(stage_clock("first"), "handling");
  EXPECT_EQ(stage_clock("review"), "review");
  EXPECT_EQ(stage_clock("recheck"), "recheck");
}

}  // namespace
}  // namespace mediation::app::escalation
