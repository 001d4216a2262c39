#pragma once
// The meetings slice's scheduled work and rechecks (scan.cpp), registered by install.cpp. Free of the
// network.

#include "server/base/time.hpp"

namespace soci {
class session;
}

namespace mediation::app {

class services;
class rooms;

// Reminders before joint sessions, at every scan.
void scan_meetings(services& svc, soci::session& sql, millis now);
// Everyone in a live room must still be a participant who may see the meeting (at every session-watch pass).
void check_rooms(rooms& live, soci::session& sql);

}  // namespace mediation::app
