#pragma once
// The agreements slice's entry points that are not plain verb functions: its HTTP routes and its
// scan. The agreement.* verbs are functions of (store context, environment, actor, request) in
// agreement_logic.hpp; install.cpp registers them.

#include <string>

#include "server/base/time.hpp"
#include "server/core/verb_support.hpp"

namespace mediation::app {

// GET /api/agreements/{id}/print, GET and POST /api/sign/{token} (agreement_http.cpp).
void add_agreements_routes(registry& reg, services& svc);
// Overdue terms and the judicial confirmation window, at every scan (scan.cpp).
void scan_agreements(services& svc, soci::session& sql, millis now);

}  // namespace mediation::app
