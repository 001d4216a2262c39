#pragma once
// The meetings slice's connection-bound WebSocket verbs: the live rooms (meeting.join, leave,
// caucus, set_side, say, signal; meeting_verbs.cpp). The verbs that are plain functions are in
// meeting_logic.hpp. Each runs on the client's strand after its frame parsed and answers `rid`
// exactly once; install.cpp registers them.

#include <string>

#include "protocol/messages/meetings.hpp"
#include "server/base/time.hpp"
#include "server/core/verb_support.hpp"

namespace mediation::app {

class rooms;  // meetings/rooms.hpp: the live rooms, owned by install()

void handle(client& c, const std::string& rid, const protocol::meeting_join_request& r, rooms& live);
void handle(client& c, const std::string& rid, const protocol::meeting_leave_request& r, rooms& live);
void handle(client& c, const std::string& rid, const protocol::meeting_caucus_request& r, rooms& live);
void handle(client& c, const std::string& rid, const protocol::meeting_set_side_request& r, rooms& live);
void handle(client& c, const std::string& rid, const protocol::meeting_say_request& r, rooms& live);
void handle(client& c, const std::string& rid, const protocol::meeting_signal_request& r, rooms& live);

// GET /api/meetings/{id}.ics, GET /api/calendar/{token}.ics, POST /api/guest-login (meeting_http.cpp).
void add_meetings_routes(registry& reg, services& svc);

}  // namespace mediation::app
