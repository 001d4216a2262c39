#pragma once
// The HTTP endpoints of PROTOCOL-CORE.md: POST /api/login, POST /api/logout, GET /healthz.
// Bodies and answers are JSON; errors are {"error": {"code", "message"}}.

#include "server/app/services.hpp"
#include "server/net/connection.hpp"

namespace mediation::app {

class http_api final : public net::http_api {
 public:
  explicit http_api(services& svc) : svc_(svc) {}
  bool handles(const std::string& target) const override;
  void handle(net::http_request request, std::function<void(net::http_reply)> respond) override;

 private:
  void login(net::http_request request, std::function<void(net::http_reply)> respond);
  void logout(net::http_request request, std::function<void(net::http_reply)> respond);
  void healthz(std::function<void(net::http_reply)> respond);

  services& svc_;
};

}  // namespace mediation::app
