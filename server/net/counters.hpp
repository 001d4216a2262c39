#pragma once
// Counters of the network layer, read by GET /metrics. Bumped from any thread, each on a cell of
// its own (base/sharded_counter.hpp); readers see a recent value, not a snapshot across counters.

#include "server/base/sharded_counter.hpp"

namespace mediation::net {

struct counters {
  sharded_counter connections_open;
  sharded_counter connections_total;
  sharded_counter frames_in;
  sharded_counter frames_out;
  sharded_counter ws_writes;               // gather writes of queued frames (frames_out / ws_writes: frames per write)
  sharded_counter bytes_out;
  sharded_counter outbound_queued;         // frames waiting in outbound queues, all connections
  sharded_counter slow_consumer_closes;
  sharded_counter frame_too_large_closes;
  sharded_counter http_requests;
  sharded_counter connections_refused;     // over the per-address limit
  sharded_counter tls_handshake_failures;
};

inline void bump(sharded_counter& c, long long n = 1) noexcept { c.add(n); }

}  // namespace mediation::net
