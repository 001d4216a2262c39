#include <gtest/gtest.h>

#include "server/core/hub.hpp"

namespace mediation::app {
namespace {

struct recorder : subscriber {
  std::vector<std::pair<long long, long long>> got;  // thread, seq
  std::vector<unsigned long> holds, rechecks;
  void deliver(long long thread, long long seq, const frame_ptr&, const void* origin) override {
    if (seq == 0 && origin == this) return;
    got.emplace_back(thread, seq);
  }
  void hold(long long, unsigned long id) override { holds.push_back(id); }
  void recheck(long long, unsigned long id, const std::optional<store::case_access>&, const change_author&) override {
    rechecks.push_back(id);
  }
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
  const unsigned long first = h.hold(2), second = h.hold(2);
  EXPECT_NE(first, second);
  h.recheck(2, first, std::nullopt, change_author{1, "李明"});
  EXPECT_EQ(b->holds, (std::vector<unsigned long>{first, second}));
  EXPECT_EQ(b->rechecks, (std::vector<unsigned long>{first}));
  EXPECT_TRUE(a->holds.empty());
  EXPECT_TRUE(a->rechecks.empty());
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
