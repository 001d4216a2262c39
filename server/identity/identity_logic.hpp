#pragma once
// The identity slice's reads as plain functions of (database, actor, request), run by read_verb
// (core/verb_support.hpp) and by tests on SQLite and MariaDB. Each throws protocol::error.

#include <nlohmann/json.hpp>

#include "protocol/messages/identity.hpp"
#include "server/core/actor.hpp"

namespace soci {
class session;
}

namespace mediation::app::identity {

// orgs.list: every organisation, for anyone but a guest. Result {orgs}.
nlohmann::json orgs_list(soci::session& sql, const actor& who, const protocol::orgs_list_request& r);
// users.list: the directory (of one organisation, or all), for the network's case workers and
// administrators; invited outsiders see only their case. Result {users}.
nlohmann::json users_list(soci::session& sql, const actor& who, const protocol::users_list_request& r);

}  // namespace mediation::app::identity
