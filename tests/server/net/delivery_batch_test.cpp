#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>

#include "server/net/delivery_batch.hpp"

namespace mediation::net {
namespace {

namespace asio = boost::asio;

// A connection whose strand records what runs on it, and on which thread.
class recording_connection : public connection {
 public:
  explicit recording_connection(asio::io_context& ioc) : strand_(asio::make_strand(ioc)) {}
  void send(frame_ptr) override {}
  bool can_queue(std::size_t) const override { return true; }
  void on_drained(std::function<void()> fn) override { fn(); }
  void dispatch(std::function<void()> fn) override {
    ++direct;
    asio::dispatch(strand_, std::move(fn));
  }
  void dispatch_push(push p) override {
    ++direct;
    asio::dispatch(strand_, [this, p] {
      seen.emplace_back(-1, static_cast<int>(p.seq));
      pushes.push_back(p);
    });
  }
  void close(std::uint16_t, std::string) override {}
  const std::string& remote() const override { return remote_; }
  std::vector<push> pushes;  // appended on the strand only
  std::atomic<int> direct{0};  // dispatch() calls: by the batch's part, or unbatched
  std::vector<std::pair<int, int>> seen;  // (producer, n), appended on the strand only

 private:
  asio::strand<asio::io_context::executor_type> strand_;
  std::string remote_ = "test";
};

struct io_threads {
  explicit io_threads(int n) : guard(asio::make_work_guard(ioc)) {
    for (int i = 0; i < n; ++i) threads.emplace_back([this] { ioc.run(); });
  }
  ~io_threads() { finish(); }
  // Lets the I/O threads run out of work (everything dispatched so far runs) and joins them.
  void finish() {
    guard.reset();
    for (auto& t : threads) t.join();
    threads.clear();
  }
  // Waits until `done` holds (the I/O threads ran what was posted).
  template <typename F>
  bool wait_for(F done) {
    for (int i = 0; i < 1000; ++i) {
      if (done()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return false;
  }
  asio::io_context ioc;
  asio::executor_work_guard<asio::io_context::executor_type> guard;
  std::vector<std::thread> threads;
};

TEST(delivery_batch, work_for_each_connection_keeps_its_order_within_and_across_batches_of_several_producers) {
  io_threads io(3);
  delivery_parts parts(io.ioc, 3);
  std::vector<std::shared_ptr<recording_connection>> conns;
  for (int i = 0; i < 20; ++i) conns.push_back(std::make_shared<recording_connection>(io.ioc));
  constexpr int producers = 2, batches = 200, per_batch = 5;
  std::vector<std::thread> threads;
  for (int p = 0; p < producers; ++p)
    threads.emplace_back([&, p] {
      int n = 0;
      for (int b = 0; b < batches; ++b) {
        delivery_batch batch(parts);
        for (int k = 0; k < per_batch; ++k, ++n)
          for (auto& c : conns) dispatch_batched(c, [c = c.get(), p, n] { c->seen.emplace_back(p, n); });
      }
    });
  for (auto& t : threads) t.join();
  const std::size_t expected = producers * batches * per_batch;
  ASSERT_TRUE(io.wait_for([&] {
    for (auto& c : conns)
      if (c->direct.load() < static_cast<int>(expected)) return false;
    return true;
  }));
  io.finish();
  for (auto& c : conns) {
    ASSERT_EQ(c->seen.size(), expected);
    std::map<int, int> last;
    for (auto [p, n] : c->seen) {
      auto it = last.find(p);
      if (it != last.end()) EXPECT_EQ(n, it->second + 1) << "producer " << p;
      else EXPECT_EQ(n, 0);
      last[p] = n;
    }
  }
}

TEST(delivery_batch, nothing_leaves_before_the_batch_ends_and_a_batch_opened_inside_another_joins_it) {
  io_threads io(2);
  delivery_parts parts(io.ioc, 2);
  auto c = std::make_shared<recording_connection>(io.ioc);
  {
    delivery_batch outer(parts);
    dispatch_batched(c, [c = c.get()] { c->seen.emplace_back(0, 0); });
    {
      delivery_batch inner(parts);
      EXPECT_EQ(delivery_batch::current(), &outer);
      dispatch_batched(c, [c = c.get()] { c->seen.emplace_back(0, 1); });
    }
    dispatch_batched(c, [c = c.get()] { c->seen.emplace_back(0, 2); });
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    EXPECT_EQ(c->direct.load(), 0);  // still collected, the inner batch's work too
  }
  EXPECT_EQ(delivery_batch::current(), nullptr);
  ASSERT_TRUE(io.wait_for([&] { return c->direct.load() == 3; }));
  io.finish();
  EXPECT_EQ(c->seen, (std::vector<std::pair<int, int>>{{0, 0}, {0, 1}, {0, 2}}));
}

TEST(delivery_batch, pushes_keep_their_order_with_other_work_and_arrive_whole) {
  io_threads io(2);
  delivery_parts parts(io.ioc, 2);
  auto c = std::make_shared<recording_connection>(io.ioc);
  auto frame = std::make_shared<const std::string>("{\"type\":\"event\"}");
  int origin = 0;
  for (int b = 0; b < 3; ++b) {
    delivery_batch batch(parts);
    dispatch_batched(c, push{7, 2 * b + 1, frame, &origin});
    dispatch_batched(c, [c = c.get(), b] { c->seen.emplace_back(0, b); });
    dispatch_batched(c, push{7, 2 * b + 2, frame, nullptr});
  }
  ASSERT_TRUE(io.wait_for([&] { return c->direct.load() == 9; }));
  io.finish();
  EXPECT_EQ(c->seen, (std::vector<std::pair<int, int>>{
                         {-1, 1}, {0, 0}, {-1, 2}, {-1, 3}, {0, 1}, {-1, 4}, {-1, 5}, {0, 2}, {-1, 6}}));
  ASSERT_EQ(c->pushes.size(), 6u);
  for (const auto& p : c->pushes) {
    EXPECT_EQ(p.thread, 7);
    EXPECT_EQ(p.frame, frame);  // the one serialised frame, shared
    EXPECT_EQ(p.origin, p.seq % 2 ? static_cast<const void*>(&origin) : nullptr);
  }
}

TEST(delivery_batch, connections_made_alike_spread_over_the_parts) {
  asio::io_context ioc;
  std::vector<std::shared_ptr<recording_connection>> conns;
  for (int i = 0; i < 64; ++i) conns.push_back(std::make_shared<recording_connection>(ioc));
  for (std::size_t parts : {2u, 4u}) {
    std::vector<int> per_part(parts, 0);
    for (auto& c : conns) ++per_part[delivery_batch::part_of(c.get(), parts)];
    for (std::size_t p = 0; p < parts; ++p) EXPECT_GE(per_part[p], 64 / static_cast<int>(parts) / 3) << parts << " parts, part " << p;
  }
}

TEST(delivery_batch, without_a_batch_the_work_is_dispatched_at_once) {
  io_threads io(1);
  auto c = std::make_shared<recording_connection>(io.ioc);
  dispatch_batched(c, [c = c.get()] { c->seen.emplace_back(1, 1); });
  dispatch_batched(c, push{1, 2, nullptr, nullptr});
  EXPECT_EQ(c->direct.load(), 2);
  io.finish();
  EXPECT_EQ(c->seen, (std::vector<std::pair<int, int>>{{1, 1}, {-1, 2}}));
}

}  // namespace
}  // namespace mediation::net
