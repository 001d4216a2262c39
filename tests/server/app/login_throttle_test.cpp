#include <gtest/gtest.h>

#include "server/app/login_throttle.hpp"

namespace mediation::app {
namespace {

constexpr millis minute = 60000;

TEST(login_throttle, locks_a_username_after_repeated_failures_then_releases_it) {
  login_throttle t(3, 15 * minute, 10 * minute);
  EXPECT_EQ(t.locked_for("officer.li", "10.0.0.1", 0), 0);
  t.failure("officer.li", "10.0.0.1", 1);
  t.failure("officer.li", "10.0.0.1", 2);
  EXPECT_EQ(t.locked_for("officer.li", "10.0.0.1", 3), 0);
  t.failure("officer.li", "10.0.0.1", 3);
  EXPECT_EQ(t.locked_for("officer.li", "10.0.0.1", 4), 10 * minute - 1);
  EXPECT_GT(t.locked_for("officer.li", "10.0.0.9", 4), 0);  // from anywhere
  EXPECT_EQ(t.locked_for("mediator.wang", "10.0.0.1", 4), 0);  // others at the same office are not
  EXPECT_EQ(t.locked_for("officer.li", "10.0.0.1", 3 + 10 * minute), 0);
}

TEST(login_throttle, failures_outside_the_window_do_not_add_up) {
  login_throttle t(3, 15 * minute, 10 * minute);
  t.failure("u", "a", 0);
  t.failure("u", "a", 1);
  t.failure("u", "a", 16 * minute);  // a new window
  EXPECT_EQ(t.locked_for("u", "a", 16 * minute), 0);
}

TEST(login_throttle, success_clears_the_count) {
  login_throttle t(3, 15 * minute, 10 * minute);
  t.failure("u", "a", 0);
  t.failure("u", "a", 1);
  t.success("u");
  t.failure("u", "a", 2);
  EXPECT_EQ(t.locked_for("u", "a", 3), 0);
}

TEST(login_throttle, an_address_spraying_usernames_is_locked_at_four_times_the_limit) {
  login_throttle t(3, 15 * minute, 10 * minute);
  for (int i = 0; i < 11; ++i) t.failure("user" + std::to_string(i), "203.0.113.7", i);
  EXPECT_EQ(t.locked_for("someone.else", "203.0.113.7", 20), 0);
  t.failure("user11", "203.0.113.7", 21);
  EXPECT_GT(t.locked_for("someone.else", "203.0.113.7", 22), 0);
  EXPECT_EQ(t.locked_for("someone.else", "198.51.100.1", 22), 0);
}

}  // namespace
}  // namespace mediation::app
