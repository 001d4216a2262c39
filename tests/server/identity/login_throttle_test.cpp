#include <gtest/gtest.h>

#include "server/identity/login_throttle.hpp"

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
  t.success("u", "a");
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

// The attack of issue #13: failures from one address must not lock the person out from her own.
TEST(login_throttle, failures_from_one_address_do_not_lock_the_user_out_elsewhere) {
  login_throttle t(3, 15 * minute, 10 * minute);
  for (int i = 0; i < 3; ++i) t.failure("leader.zhao", "203.0.113.7", i);
  EXPECT_GT(t.locked_for("leader.zhao", "203.0.113.7", 4), 0);
  EXPECT_EQ(t.locked_for("leader.zhao", "10.0.0.5", 4), 0);  // her own office
  // Her success there does not unlock the attacker's address.
  t.success("leader.zhao", "10.0.0.5");
  EXPECT_GT(t.locked_for("leader.zhao", "203.0.113.7", 5), 0);
  // Failures at different addresses do not add up for the username.
  for (int i = 0; i < 10; ++i) t.failure("officer.li", "198.51.100." + std::to_string(i), 10 + i);
  EXPECT_EQ(t.locked_for("officer.li", "10.0.0.5", 30), 0);
  EXPECT_EQ(t.locked_for("officer.li", "198.51.100.3", 30), 0);
}

TEST(login_throttle, success_clears_only_its_own_address) {
  login_throttle t(3, 15 * minute, 10 * minute);
  t.failure("u", "a", 0);
  t.failure("u", "a", 1);
  t.failure("u", "b", 2);
  t.failure("u", "b", 3);
  t.success("u", "b");
  t.failure("u", "a", 4);  // the third at "a": locked there
  t.failure("u", "b", 5);  // the first at "b" after its success
  EXPECT_GT(t.locked_for("u", "a", 6), 0);
  EXPECT_EQ(t.locked_for("u", "b", 6), 0);
}

TEST(login_throttle, the_address_cap_still_holds_for_one_username) {
  login_throttle t(3, 15 * minute, 10 * minute);
  // Three failures lock the pair; the address cap (twelve) locks every name from there.
  for (int i = 0; i < 12; ++i) t.failure(i < 3 ? "leader.zhao" : "name" + std::to_string(i), "203.0.113.7", i);
  EXPECT_GT(t.locked_for("mediator.wang", "203.0.113.7", 20), 0);
  EXPECT_EQ(t.locked_for("leader.zhao", "10.0.0.5", 20), 0);
}

}  // namespace
}  // namespace mediation::app
