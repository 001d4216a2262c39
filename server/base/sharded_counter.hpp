#pragma once
// A counter bumped from many threads and read rarely (GET /metrics): each thread adds to a cell of
// its own cache line, so threads bumping per frame do not take turns on one line, and a read sums
// the cells. Relaxed: a read sees a recent value, not a snapshot across counters.

#include <array>
#include <atomic>
#include <cstddef>

namespace mediation {

class sharded_counter {
 public:
  void add(long long n = 1) noexcept { cells_[this_threads_cell()].value.fetch_add(n, std::memory_order_relaxed); }
  long long value() const noexcept {
    long long sum = 0;
    for (const auto& c : cells_) sum += c.value.load(std::memory_order_relaxed);
    return sum;
  }

  // Cells per counter: threads past this many share cells, which stays correct (each add is atomic).
  static constexpr std::size_t cells = 16;

  // The cell the calling thread adds to: given out in turn as threads first bump any counter.
  static std::size_t this_threads_cell() noexcept {
    static std::atomic<std::size_t> next{0};
    thread_local const std::size_t mine = next.fetch_add(1, std::memory_order_relaxed) % cells;
    return mine;
  }

 private:
  struct alignas(64) cell {
    std::atomic<long long> value{0};
  };
  std::array<cell, cells> cells_{};
};

}  // namespace mediation
