#pragma once
// Counters of the network layer, read by GET /metrics. Updated with relaxed atomics from any
// thread; readers see a recent value, not a snapshot across counters.

#include <atomic>

namespace mediation::net {

struct counters {
  std::atomic<long long> connections_open{0};
  std::atomic<long long> connections_total{0};
  std::atomic<long long> frames_in{0};
  std::atomic<long long> frames_out{0};
  std::atomic<long long> bytes_out{0};
  std::atomic<long long> outbound_queued{0};         // frames waiting in outbound queues, all connections
  std::atomic<long long> slow_consumer_closes{0};
  std::atomic<long long> frame_too_large_closes{0};
  std::atomic<long long> http_requests{0};
  std::atomic<long long> connections_refused{0};     // over the per-address limit
  std::atomic<long long> tls_handshake_failures{0};
};

inline void bump(std::atomic<long long>& c, long long n = 1) { c.fetch_add(n, std::memory_order_relaxed); }

}  // namespace mediation::net
