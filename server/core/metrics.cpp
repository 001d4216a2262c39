#include "server/core/metrics.hpp"

#include <cstdio>

#include "protocol/errors.hpp"

namespace mediation::app {

namespace {

class writer_text {
 public:
  void metric(const char* name, const char* type, const char* help) {
    out_ += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n";
  }
  void value(const std::string& series, double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.17g", v);
    out_ += series + " " + buf + "\n";
  }
  void simple(const char* name, const char* type, const char* help, double v) {
    metric(name, type, help);
    value(name, v);
  }
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

double load(const std::atomic<long long>& a) { return static_cast<double>(a.load(std::memory_order_relaxed)); }
double load(const sharded_counter& c) { return static_cast<double>(c.value()); }

}  // namespace

std::string render_metrics(services& svc, const net::counters& net) {
  writer_text w;
  w.simple("mediation_connections_open", "gauge", "Open WebSocket connections.", load(net.connections_open));
  w.simple("mediation_connections_total", "counter", "WebSocket connections accepted.", load(net.connections_total));
  w.simple("mediation_http_requests_total", "counter", "HTTP requests read.", load(net.http_requests));
  w.simple("mediation_connections_refused_total", "counter", "Connections refused over a per-address limit (WebSocket upgrades and HTTP connections).",
           load(net.connections_refused));
  w.simple("mediation_tls_handshake_failures_total", "counter", "TLS handshakes that failed (plain HTTP, old versions).",
           load(net.tls_handshake_failures));
  w.simple("mediation_frames_in_total", "counter", "WebSocket frames received.", load(net.frames_in));
  w.simple("mediation_frames_out_total", "counter", "WebSocket frames sent.", load(net.frames_out));
  w.simple("mediation_ws_writes_total", "counter", "WebSocket writes: each hands a connection's queued frames to the kernel at once (frames out per write = frames ÷ writes).", load(net.ws_writes));
  w.simple("mediation_bytes_out_total", "counter", "WebSocket payload bytes sent.", load(net.bytes_out));
  w.simple("mediation_outbound_queued_frames", "gauge", "Frames waiting in outbound queues, all connections.",
           load(net.outbound_queued));
  w.simple("mediation_slow_consumer_disconnects_total", "counter",
           "Connections closed because their outbound queue overflowed.", load(net.slow_consumer_closes));
  w.simple("mediation_frame_too_large_total", "counter", "Connections closed for a frame over the limit (1009).",
           load(net.frame_too_large_closes));
  w.simple("mediation_subscriptions", "gauge", "Live thread subscriptions.", static_cast<double>(svc.live.size()));
  w.simple("mediation_requests_total", "counter", "Requests parsed on WebSockets.", load(svc.counters.requests));
  w.metric("mediation_errors_total", "counter", "Error replies by code.");
  for (int i = 0; i < 9; ++i)
    w.value(std::string("mediation_errors_total{code=\"") + std::string(protocol::to_string(static_cast<protocol::errc>(i))) + "\"}",
            load(svc.counters.errors[i]));

  if (auto overdue = svc.counters.overdue_cases.load(std::memory_order_relaxed); overdue >= 0) {
    w.simple("mediation_cases_overdue", "gauge", "Open cases past their deadline, at the scheduler's last scan.",
             static_cast<double>(overdue));
    w.simple("mediation_scheduler_last_scan_timestamp_seconds", "gauge", "When the scheduler last scanned (Unix time).",
             load(svc.counters.last_scan_ms) / 1000.0);
  }

  auto ws = svc.writer.stats();
  w.simple("mediation_write_queue_jobs", "gauge", "Writes waiting for the batched writer.", static_cast<double>(ws.queued));
  w.simple("mediation_write_batches_total", "counter", "Transactions committed or attempted by the writer.",
           static_cast<double>(ws.batches));
  w.simple("mediation_write_jobs_total", "counter", "Writes applied by the writer.", static_cast<double>(ws.jobs));
  w.simple("mediation_write_failed_commits_total", "counter", "Batches whose commit failed (nothing acknowledged).",
           static_cast<double>(ws.failed_commits));
  w.simple("mediation_write_replays_total", "counter", "Jobs that failed having written undone (SQLite: to their savepoint; MySQL: the batch applied again without them), row-by-row retries and batches the database undid applied again.",
           static_cast<double>(ws.replays));
  w.simple("mediation_write_largest_batch", "gauge", "Most writes committed in one transaction so far.",
           static_cast<double>(ws.largest_batch));
  w.metric("mediation_commit_seconds", "histogram", "Time from BEGIN to the end of COMMIT per batch.");
  for (std::size_t i = 0; i < std::size(store::writer_stats::commit_bounds_s); ++i) {
    char le[32];
    std::snprintf(le, sizeof le, "%g", store::writer_stats::commit_bounds_s[i]);
    w.value(std::string("mediation_commit_seconds_bucket{le=\"") + le + "\"}", static_cast<double>(ws.commit_buckets[i]));
  }
  const double committed = static_cast<double>(ws.batches - ws.failed_commits);
  w.value("mediation_commit_seconds_bucket{le=\"+Inf\"}", committed);
  w.value("mediation_commit_seconds_sum", ws.commit_seconds_sum);
  w.value("mediation_commit_seconds_count", committed);
  w.simple("mediation_db_queue_jobs", "gauge", "Database reads waiting for a worker.", static_cast<double>(svc.jobs.queued()));
  w.simple("mediation_db_pool_connections", "gauge", "Pooled database connections of the readers.",
           static_cast<double>(svc.db.pool_size()));
  return w.take();
}

}  // namespace mediation::app
