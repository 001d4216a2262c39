#pragma once
// The agreements slice's WebSocket verbs: agreement.* (agreement_verbs.cpp).
// Each runs on the client's strand after its frame parsed and answers `rid` exactly once;
// install.cpp registers them.

#include <string>

#include "protocol/messages/agreements.hpp"
#include "server/base/time.hpp"
#include "server/core/verb_support.hpp"

namespace mediation::app {

void handle(client& c, const std::string& rid, const protocol::agreement_templates_request& r);
void handle(client& c, const std::string& rid, const protocol::agreement_draft_request& r);
void handle(client& c, const std::string& rid, const protocol::agreement_get_request& r);
void handle(client& c, const std::string& rid, const protocol::agreement_verify_request& r);
void handle(client& c, const std::string& rid, const protocol::agreement_list_request& r);
void handle(client& c, const std::string& rid, const protocol::agreement_version_request& r);
void handle(client& c, const std::string& rid, const protocol::agreement_diff_request& r);
void handle(client& c, const std::string& rid, const protocol::agreement_sign_request& r);
void handle(client& c, const std::string& rid, const protocol::agreement_sign_link_request& r);
void handle(client& c, const std::string& rid, const protocol::agreement_seal_request& r);
void handle(client& c, const std::string& rid, const protocol::agreement_perform_request& r);
void handle(client& c, const std::string& rid, const protocol::agreement_confirmation_request& r);

// GET /api/agreements/{id}/print, GET and POST /api/sign/{token} (agreement_http.cpp).
void add_agreements_routes(registry& reg, services& svc);
// Overdue terms and the judicial confirmation window, at every scan (scan.cpp).
void scan_agreements(services& svc, soci::session& sql, millis now);

}  // namespace mediation::app
