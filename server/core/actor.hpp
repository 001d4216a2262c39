#pragma once
// Who runs a verb, as the verb's logic sees it: the user (for the visibility rule), the author of
// what they write, and where from. A verb's logic is a plain function of (store context, actor,
// request) that a test calls on SQLite without a server (tests/server/<slice>/); the WebSocket client
// is only its adapter (core/verb_support.hpp: read_verb, write_verb). No network headers.

#include <string>

#include "server/core/visibility.hpp"
#include "server/store/event_repo.hpp"

namespace mediation::app {

struct actor {
  viewer v;
  store::author by;
  std::string remote;
};

}  // namespace mediation::app
