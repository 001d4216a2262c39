#pragma once
// The HTTP endpoints: POST /api/login, POST /api/logout, GET /healthz (PROTOCOL-CORE.md), and for
// operators GET /readyz and GET /metrics (Prometheus text); the case file endpoints
// (case_files_http.cpp): POST /api/cases/{id}/attachments, GET /api/attachments/{id},
// GET and POST /api/evaluation/{token}; agreement_http.cpp: GET /api/agreements/{id}/print,
// GET and POST /api/sign/{token}; meeting_http.cpp: GET /api/meetings/{id}.ics, GET
// /api/calendar/{token}.ics, POST /api/guest-login. Bodies and answers are JSON except
// /metrics; errors are {"error": {"code", "message"}}.

#include "server/app/services.hpp"
#include "server/net/connection.hpp"
#include "server/net/counters.hpp"

namespace mediation::app {

class http_api final : public net::http_api {
 public:
  http_api(services& svc, const net::counters& net) : svc_(svc), net_(net) {}
  bool handles(const std::string& target) const override;
  void handle(net::http_request request, std::function<void(net::http_reply)> respond) override;
  std::size_t body_limit(const std::string& method, const std::string& target) const override;
  // An upload's bearer token and the caller's access to the case are checked before its body is
  // read (a database job); everything else is admitted at once.
  void admit(const net::http_request& head, std::function<void(std::optional<net::http_reply>)> decide) override;
  // The link tokens of /api/calendar/{token}.ics, /api/sign/{token} and /api/evaluation/{token}
  // shortened to their first 4 characters and "…".
  std::string log_target(const std::string& target) const override;

 private:
  void login(net::http_request request, std::function<void(net::http_reply)> respond);
  void logout(net::http_request request, std::function<void(net::http_reply)> respond);
  void healthz(std::function<void(net::http_reply)> respond, bool ready);
  bool route_case_files(net::http_request& request, std::function<void(net::http_reply)>& respond);
  void admit_upload(long long case_id, const net::http_request& head,
                    std::function<void(std::optional<net::http_reply>)> decide);
  void upload(long long case_id, net::http_request request, std::function<void(net::http_reply)> respond);
  void download(long long attachment_id, net::http_request request, std::function<void(net::http_reply)> respond);
  void print_agreement(long long agreement_id, net::http_request request, std::function<void(net::http_reply)> respond);
  void sign_link(const std::string& token, net::http_request request, std::function<void(net::http_reply)> respond);
  void meeting_ics(long long meeting_id, net::http_request request, std::function<void(net::http_reply)> respond);
  void calendar_feed(const std::string& token, std::function<void(net::http_reply)> respond);
  void guest_login(net::http_request request, std::function<void(net::http_reply)> respond);
  void evaluation(const std::string& token, net::http_request request, std::function<void(net::http_reply)> respond);

  services& svc_;
  const net::counters& net_;
};

}  // namespace mediation::app
