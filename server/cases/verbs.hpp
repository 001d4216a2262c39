#pragma once
// What the cases slice adds besides its verbs (which are plain functions: case_logic.hpp):
// its HTTP routes and its scheduled work. install.cpp registers them.

#include <string>

#include "protocol/messages/cases.hpp"
#include "server/base/time.hpp"
#include "server/core/verb_support.hpp"

namespace mediation::app {


// The case files: POST /api/cases/{id}/attachments, GET /api/attachments/{id}, GET and POST
// /api/evaluation/{token} (case_files_http.cpp).
void add_cases_routes(registry& reg, services& svc);
// Escalation rules and the search index, at every scan (scan.cpp).
void scan_cases(services& svc, soci::session& sql, millis now);

}  // namespace mediation::app
