#pragma once
// The demo network of PROTOCOL-CORE.md (--seed-demo): organisations and accounts, every password
// "mediate", and its cases. Loaded only into an empty database.

#include "server/base/time.hpp"
#include "server/core/verb_checks.hpp"
#include "server/store/database.hpp"

namespace mediation::app {

// Returns false (and changes nothing) when the database already has organisations.
bool seed_demo(soci::session& sql);
// About twenty cases of the demo network in every state (new petitions, pending hand-overs, mediation
// with messages and sessions next week, overdue and escalated under supervision, an agreement in force
// awaiting judicial confirmation, closed and evaluated, diverted, paused, returned, a group of similar
// cases), made through the verbs' logic as of `now` (demo_cases.cpp). Only into a database without
// cases; returns how many it made. The server calls it only right after seed_demo loaded the network.
int seed_demo_cases(soci::session& sql, const verb_env& env, millis now);

}  // namespace mediation::app
