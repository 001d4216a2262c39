#pragma once
// GET /metrics: the server's counters in the Prometheus text format (version 0.0.4).

#include <string>

#include "server/core/services.hpp"
#include "server/net/counters.hpp"

namespace mediation::app {

// Renders every metric. Thread-safe; takes the writer's and the job pool's locks briefly.
std::string render_metrics(services& svc, const net::counters& net);

}  // namespace mediation::app
