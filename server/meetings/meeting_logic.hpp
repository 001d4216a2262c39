#pragma once
// The meetings slice's reads as plain functions of (database, actor, request), run by read_verb
// (core/verb_support.hpp) and by tests on SQLite and MariaDB. Each throws protocol::error.

#include <nlohmann/json.hpp>

#include "protocol/messages/meetings.hpp"
#include "server/core/actor.hpp"

namespace soci {
class session;
}

namespace mediation::app::meetings {

// meeting.get: the meeting as the actor may see it. Result {meeting}.
nlohmann::json get(soci::session& sql, const actor& who, const protocol::meeting_get_request& r);
// meeting.list: the actor's meetings between `from` and `to` (default a week back, 60 days ahead; at
// most 400 days), or every meeting of one case they may know that they may see. Result {meetings,
// from, to}.
nlohmann::json list(soci::session& sql, const actor& who, const protocol::meeting_list_request& r);

}  // namespace mediation::app::meetings
