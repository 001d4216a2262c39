#pragma once
// The threads slice's WebSocket verbs: subscribe, unsubscribe, post, history, typing, read, read.list (thread_verbs.cpp).
// Each runs on the client's strand after its frame parsed and answers `rid` exactly once;
// install.cpp registers them.

#include <string>

#include "protocol/messages/threads.hpp"
#include "server/core/verb_support.hpp"

namespace mediation::app {

void handle(client& c, const std::string& rid, const protocol::subscribe_request& r);
void handle(client& c, const std::string& rid, const protocol::unsubscribe_request& r);
void handle(client& c, const std::string& rid, const protocol::typing_request& r);

}  // namespace mediation::app
