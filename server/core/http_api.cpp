#include "server/core/http_api.hpp"

#include <soci/soci.h>

#include "protocol/frames.hpp"
#include "server/core/credentials.hpp"
#include "server/core/metrics.hpp"
#include "server/base/log.hpp"
#include "server/store/event_repo.hpp"
#include "server/store/identity_repo.hpp"
#include "server/base/time.hpp"
#include "server/core/registry.hpp"

namespace mediation::app {

using nlohmann::json;
using protocol::errc;


bool http_api::handles(const std::string& target) const {
  return target == "/healthz" || target == "/readyz" || target == "/metrics" || target.rfind("/api/", 0) == 0;
}

std::optional<http_api::match> http_api::find(const std::string& t) const {
  for (const auto& r : reg_.routes()) {
    if (r.kind == http_route::param::none) {
      if (t == r.prefix) return match{&r, {}};
      continue;
    }
    if (t.rfind(r.prefix, 0) != 0 || t.size() <= r.prefix.size() + r.suffix.size()) continue;
    if (t.compare(t.size() - r.suffix.size(), r.suffix.size(), r.suffix) != 0) continue;
    std::string param = t.substr(r.prefix.size(), t.size() - r.prefix.size() - r.suffix.size());
    if (r.kind == http_route::param::id &&
        (param.size() > 18 || param.find_first_not_of("0123456789") != std::string::npos))
      continue;
    return match{&r, std::move(param)};
  }
  return std::nullopt;
}

namespace {

// Whether `method` is one of `allowed` ("GET", "POST", "GET or POST").
bool method_allowed(const std::string& method, const std::string& allowed) {
  std::size_t at = 0;
  while (at <= allowed.size()) {
    std::size_t end = allowed.find(" or ", at);
    if (allowed.compare(at, (end == std::string::npos ? allowed.size() : end) - at, method) == 0 &&
        (end == std::string::npos ? allowed.size() : end) - at == method.size())
      return true;
    if (end == std::string::npos) break;
    at = end + 4;
  }
  return false;
}

}  // namespace

std::size_t http_api::body_limit(const std::string& method, const std::string& target) const {
  auto m = find(target);
  return m && method_allowed(method, m->route->methods) ? m->route->body_limit : 0;
}

void http_api::admit(const net::http_request& head, std::function<void(std::optional<net::http_reply>)> decide) {
  auto m = find(head.target);
  if (m && m->route->admit && method_allowed(head.method, m->route->methods)) {
    log::request_scope scope(head.request_id);
    return m->route->admit(head, m->param, std::move(decide));
  }
  decide(std::nullopt);
}

std::string http_api::log_target(const std::string& target) const {
  auto m = find(target);
  if (!m || !m->route->secret || m->param.size() <= 4) return target;  // nothing secret left to hide
  // Four characters of a 43-character token let an operator tell links apart, not use them.
  return m->route->prefix + m->param.substr(0, 4) + "\u2026" + m->route->suffix;
}

void http_api::handle(net::http_request request, std::function<void(net::http_reply)> respond) {
  log::request_scope scope(request.request_id);
  // Counted until the answer is handed over (or the request is dropped): services::http_in_flight.
  struct in_flight {
    std::atomic<int>& n;
    explicit in_flight(std::atomic<int>& n) : n(n) { ++n; }
    ~in_flight() { --n; }
  };
  respond = [respond = std::move(respond), guard = std::make_shared<in_flight>(svc_.http_in_flight)](net::http_reply r) {
    respond(std::move(r));
  };
  const auto& t = request.target;
  if (t == "/healthz" || t == "/readyz" || t == "/metrics") {
    if (request.method != "GET" && request.method != "HEAD")
      return respond(error_reply(405, errc::bad_request, "use GET"));
    if (t == "/metrics") return respond({200, render_metrics(svc_, net_), "text/plain; version=0.0.4; charset=utf-8", {}});
    return healthz(std::move(respond), t == "/readyz");
  }
  auto m = find(t);
  if (!m) return respond(error_reply(404, errc::not_found, "no such endpoint"));
  if (!method_allowed(request.method, m->route->methods))
    return respond(error_reply(405, errc::bad_request, "use " + m->route->methods));
  m->route->handle(std::move(request), m->param, std::move(respond));
}

// /healthz: the database answers. /readyz: that, and the server is not shutting down, so a load
// balancer may send it new connections.
void http_api::healthz(std::function<void(net::http_reply)> respond, bool ready) {
  if (ready && svc_.shutting_down.load())
    return respond(json_reply(503, {{"status", "unavailable"}, {"error", "shutting down"}}));
  bool queued = svc_.jobs.post([respond, ready](soci::session& sql) {
    try {
      // Reaching the schema, not just the connection: a database that lost its tables is not healthy.
      int version = 0;
      sql << "SELECT MAX(version) FROM schema_migrations", soci::into(version);
      respond(json_reply(200, {{"status", ready ? "ready" : "ok"}}));
    } catch (const std::exception& e) {
      respond(json_reply(503, {{"status", "unavailable"}, {"error", e.what()}}));
    }
  });
  if (!queued) respond(json_reply(503, {{"status", "unavailable"}, {"error", "server busy"}}));
}

}  // namespace mediation::app
