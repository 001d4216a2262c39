#include "server/base/sharded_counter.hpp"

#include <set>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace mediation {
namespace {

TEST(sharded_counter, adds_from_many_threads_sum_exactly) {
  sharded_counter c;
  constexpr int threads = 24;  // more threads than cells: some share a cell
  constexpr int adds = 20000;
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t)
    workers.emplace_back([&c, t] {
      for (int i = 0; i < adds; ++i) c.add(t % 2 == 0 ? 3 : -1);  // gauges go down as well as up
    });
  for (auto& w : workers) w.join();
  EXPECT_EQ(c.value(), static_cast<long long>(adds) * (threads / 2) * 3 - static_cast<long long>(adds) * (threads / 2));
}

TEST(sharded_counter, threads_bump_cells_of_their_own) {
  std::vector<std::size_t> cells(8);
  std::vector<std::thread> workers;
  for (std::size_t t = 0; t < cells.size(); ++t)
    workers.emplace_back([&cells, t] {
      cells[t] = sharded_counter::this_threads_cell();
      EXPECT_EQ(sharded_counter::this_threads_cell(), cells[t]);  // the same every time on a thread
    });
  for (auto& w : workers) w.join();
  // Given out in turn: eight threads started one after another take eight different cells.
  EXPECT_EQ(std::set<std::size_t>(cells.begin(), cells.end()).size(), cells.size());
}

TEST(sharded_counter, a_cell_is_a_cache_line) {
  EXPECT_GE(sizeof(sharded_counter), sharded_counter::cells * 64);
}

}  // namespace
}  // namespace mediation
