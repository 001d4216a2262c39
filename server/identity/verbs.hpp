#pragma once
// The identity slice's WebSocket verbs: auth, orgs.list, users.list (session_verbs.cpp).
// Each runs on the client's strand after its frame parsed and answers `rid` exactly once;
// install.cpp registers them.

#include <string>

#include "protocol/messages/identity.hpp"
#include "server/base/time.hpp"
#include "server/core/verb_support.hpp"

namespace mediation::app {

void handle(client& c, const std::string& rid, const protocol::auth_request& r);

// POST /api/login, POST /api/logout (login_http.cpp).
void add_identity_routes(registry& reg, services& svc);

}  // namespace mediation::app
