// The fair queue: keys in turn, each key's items in order, bounds in total and per key.
#include <gtest/gtest.h>

#include "server/store/fair_queue.hpp"

namespace mediation::store {
namespace {

TEST(fair_queue, a_flood_of_one_key_does_not_delay_another) {
  fair_queue<int> q(1000, 0);
  for (int i = 0; i < 100; ++i) ASSERT_TRUE(q.push(7, i));  // user 7 floods
  ASSERT_TRUE(q.push(8, 1000));                            // user 8 asks once, after the flood
  EXPECT_EQ(q.pop(), 0);
  EXPECT_EQ(q.pop(), 1000) << "the second key waits one turn, not behind the whole flood";
  for (int i = 1; i < 100; ++i) EXPECT_EQ(q.pop(), i);  // and the flood keeps its order
  EXPECT_TRUE(q.empty());
}

TEST(fair_queue, bounds_hold_in_total_and_per_key_but_not_for_the_server) {
  fair_queue<int> q(10, 3);
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(q.push(5, i));
  EXPECT_FALSE(q.push(5, 3)) << "a key over its bound";
  EXPECT_TRUE(q.push(6, 0));
  for (int i = 0; i < 6; ++i) EXPECT_TRUE(q.push(0, i)) << "key 0 is the server's own work";
  EXPECT_EQ(q.size(), 10u);
  EXPECT_FALSE(q.push(0, 99)) << "the total bound holds for everyone";
  EXPECT_FALSE(q.push(9, 99));
  q.pop();
  EXPECT_TRUE(q.push(9, 1));
}

}  // namespace
}  // namespace mediation::store
