#include <gtest/gtest.h>

#include "server/app/hub.hpp"

namespace mediation::app {
namespace {

struct recorder : subscriber {
  std::vector<std::pair<long long, long long>> got;  // thread, seq
  int access_checks = 0;
  void deliver(long long thread, long long seq, const frame_ptr&, const void* origin) override {
    if (seq == 0 && origin == this) return;
    got.emplace_back(thread, seq);
  }
  void access_changed(long long, const actor&) override { ++access_checks; }
};

TEST(hub, publishes_to_the_subscribers_of_a_thread_only) {
  hub h;
  auto a = std::make_shared<recorder>(), b = std::make_shared<recorder>();
  h.add(1, a);
  h.add(1, b);
  h.add(2, b);
  EXPECT_EQ(h.size(), 3u);
  auto f = std::make_shared<const std::string>("x");
  h.publish(1, 5, f);
  h.publish(2, 7, f);
  h.publish(3, 9, f);
  EXPECT_EQ(a->got, (std::vector<std::pair<long long, long long>>{{1, 5}}));
  EXPECT_EQ(b->got, (std::vector<std::pair<long long, long long>>{{1, 5}, {2, 7}}));
  h.access_changed(2, actor{1, "李明"});
  EXPECT_EQ(b->access_checks, 1);
  EXPECT_EQ(a->access_checks, 0);
}

TEST(hub, remove_and_expired_subscribers_stop_receiving) {
  hub h;
  auto a = std::make_shared<recorder>();
  auto b = std::make_shared<recorder>();
  h.add(1, a);
  h.add(1, b);
  h.remove(1, a.get());
  b.reset();  // gone without unsubscribing
  auto f = std::make_shared<const std::string>("x");
  h.publish(1, 1, f);
  EXPECT_TRUE(a->got.empty());
  EXPECT_EQ(h.size(), 0u);  // the expired one was pruned
}

}  // namespace
}  // namespace mediation::app
