#pragma once
// The demo network of PROTOCOL-CORE.md (--seed-demo): organisations and accounts, every password
// "mediate". Loaded only into an empty database.

#include "server/store/database.hpp"

namespace mediation::app {

// Returns false (and changes nothing) when the database already has organisations.
bool seed_demo(soci::session& sql);

}  // namespace mediation::app
