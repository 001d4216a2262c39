#include <gtest/gtest.h>

#include "server/core/visibility.hpp"

namespace mediation::app {
namespace {

store::case_access a_case() {
  store::case_access c;
  c.case_id = 1;
  c.thread_id = 1;
  c.owner_org = 10;
  c.handlers = {{20, "pending"}, {30, "accepted"}, {40, "declined"}};
  c.invited = {99};
  return c;
}

TEST(visibility, members_of_owning_and_handling_orgs_see_the_case) {
  auto c = a_case();
  EXPECT_TRUE(can_see({1, 10, "petition_officer"}, c));
  EXPECT_TRUE(can_see({2, 20, "committee_mediator"}, c));  // pending hand-over
  EXPECT_TRUE(can_see({3, 30, "mediator"}, c));            // accepted
  EXPECT_FALSE(can_see({4, 40, "mediator"}, c));           // declined
  EXPECT_FALSE(can_see({5, 50, "leader"}, c));             // unrelated
}

TEST(visibility, lawyers_judicial_staff_and_administrators_need_an_invitation) {
  auto c = a_case();
  EXPECT_FALSE(can_see({6, 10, "lawyer"}, c));
  EXPECT_FALSE(can_see({7, 10, "judicial"}, c));
  EXPECT_FALSE(can_see({8, 10, "administrator"}, c));
  EXPECT_TRUE(can_see({99, 77, "lawyer"}, c));
  EXPECT_TRUE(can_see({99, 77, "administrator"}, c));
}

TEST(visibility, acting_on_a_case_needs_ownership_or_acceptance) {
  auto c = a_case();
  EXPECT_TRUE(can_act({1, 10, "leader"}, c));
  EXPECT_TRUE(can_act({3, 30, "committee_mediator"}, c));
  EXPECT_FALSE(can_act({2, 20, "committee_mediator"}, c));  // pending: accept first
  EXPECT_FALSE(can_act({99, 77, "lawyer"}, c));             // invited, but not staff
  EXPECT_FALSE(can_act({1, 10, "lawyer"}, c));
}

TEST(visibility, only_a_pending_receiver_decides_a_handoff) {
  auto c = a_case();
  EXPECT_TRUE(can_decide_handoff({2, 20, "committee_mediator"}, c));
  EXPECT_FALSE(can_decide_handoff({3, 30, "mediator"}, c));
  EXPECT_FALSE(can_decide_handoff({1, 10, "petition_officer"}, c));
  EXPECT_FALSE(can_decide_handoff({2, 20, "lawyer"}, c));
}

TEST(visibility, the_role_matrix) {
  for (auto role : {"petition_officer", "leader", "mediator", "committee_mediator", "grid_worker"}) {
    EXPECT_TRUE(is_case_worker(role)) << role;
    EXPECT_TRUE(sees_by_membership(role)) << role;
  }
  for (auto role : {"lawyer", "judicial", "administrator", "", "guest"}) {
    EXPECT_FALSE(is_case_worker(role)) << role;
    EXPECT_FALSE(sees_by_membership(role)) << role;
  }
}

}  // namespace
}  // namespace mediation::app
