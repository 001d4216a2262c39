#pragma once
// The HTTP router: GET /healthz, GET /readyz and GET /metrics (Prometheus text) here, and every
// route a feature slice registered (registry::route): POST /api/login and /api/logout (identity),
// the case files (cases), agreements' print and sign links (agreements), calendars and guest log-in
// (meetings). One place matches the target, refuses a wrong method with 405, checks an id
// parameter, writes link tokens shortened to the log, and answers 404 for anything else under /api/.
// Bodies and answers are JSON except /metrics; errors are {"error": {"code", "message"}}.

#include "server/core/registry.hpp"
#include "server/core/services.hpp"
#include "server/net/connection.hpp"
#include "server/net/counters.hpp"

namespace mediation::app {

class http_api final : public net::http_api {
 public:
  http_api(services& svc, const registry& reg, const net::counters& net) : svc_(svc), reg_(reg), net_(net) {}
  bool handles(const std::string& target) const override;
  void handle(net::http_request request, std::function<void(net::http_reply)> respond) override;
  std::size_t body_limit(const std::string& method, const std::string& target) const override;
  void admit(const net::http_request& head, std::function<void(std::optional<net::http_reply>)> decide) override;
  std::string log_target(const std::string& target) const override;

 private:
  struct match {
    const http_route* route = nullptr;
    std::string param;
  };
  // The route whose shape `target` has (whatever the method), if any.
  std::optional<match> find(const std::string& target) const;
  void healthz(std::function<void(net::http_reply)> respond, bool ready);

  services& svc_;
  const registry& reg_;
  const net::counters& net_;
};

}  // namespace mediation::app
