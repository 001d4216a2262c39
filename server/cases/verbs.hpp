#pragma once
// The cases slice's connection-bound WebSocket verbs (workflow_verbs.cpp: triage to evaluation);
// the verbs that are plain functions are in case_logic.hpp.
// Each runs on the client's strand after its frame parsed and answers `rid` exactly once;
// install.cpp registers them.

#include <string>

#include "protocol/messages/cases.hpp"
#include "server/base/time.hpp"
#include "server/core/verb_support.hpp"

namespace mediation::app {

void handle(client& c, const std::string& rid, const protocol::case_triage_request& r);
void handle(client& c, const std::string& rid, const protocol::case_return_request& r);
void handle(client& c, const std::string& rid, const protocol::case_escalate_request& r);
void handle(client& c, const std::string& rid, const protocol::case_pause_request& r);
void handle(client& c, const std::string& rid, const protocol::case_resume_request& r);
void handle(client& c, const std::string& rid, const protocol::case_extend_request& r);
void handle(client& c, const std::string& rid, const protocol::case_own_request& r);
void handle(client& c, const std::string& rid, const protocol::case_close_request& r);
void handle(client& c, const std::string& rid, const protocol::case_evaluate_request& r);
void handle(client& c, const std::string& rid, const protocol::case_evaluation_link_request& r);

// The case files: POST /api/cases/{id}/attachments, GET /api/attachments/{id}, GET and POST
// /api/evaluation/{token} (case_files_http.cpp).
void add_cases_routes(registry& reg, services& svc);
// Escalation rules and the search index, at every scan (scan.cpp).
void scan_cases(services& svc, soci::session& sql, millis now);

}  // namespace mediation::app
