#pragma once
// The oversight slice's WebSocket verbs: supervision.*, group.*, stats.summary, audit.list, attachment.list (oversight_verbs.cpp).
// Each runs on the client's strand after its frame parsed and answers `rid` exactly once;
// install.cpp registers them.

#include <string>

#include "protocol/messages/oversight.hpp"
#include "server/core/verb_support.hpp"

namespace mediation::app {

void handle(client& c, const std::string& rid, const protocol::supervision_issue_request& r);
void handle(client& c, const std::string& rid, const protocol::supervision_answer_request& r);
void handle(client& c, const std::string& rid, const protocol::group_create_request& r);
void handle(client& c, const std::string& rid, const protocol::group_add_request& r);
void handle(client& c, const std::string& rid, const protocol::group_suggest_request& r);
void handle(client& c, const std::string& rid, const protocol::group_resolve_request& r);

}  // namespace mediation::app
