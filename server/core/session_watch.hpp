#pragma once
// The session watch makes revocation and expiry bite on open sockets. Every interval
// (settings::session_check_ms, default 2 s) it reads from the database, for every login session
// that has a live connection on this node, whether it still holds: not revoked (logout,
// `mediation-admin revoke-sessions`, `reset-password`), not expired, its user not disabled, and for
// a guest its invitation neither revoked nor expired. Connections of a session that no longer holds
// are closed with 1008 and the reason. It then checks every member of a live meeting room against
// the meeting's visibility and participants, and takes out whoever may no longer be there.
//
// The database is the only source of truth, so a revocation made by another node or by the admin
// tool is seen within one interval on every node. Thread-safe; the timer runs on its own strand and
// the checks on a database worker (periodic_work).

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "server/store/session_repo.hpp"

#include "server/core/periodic_work.hpp"

namespace mediation::app {

class services;

// Why a session no longer holds at `now`, from its stored facts (nullopt: no such session); ""
// when it still does. Pure.
std::string session_ended_reason(const std::optional<store::session_state>& s, long long now);

class session_watch {
 public:
  session_watch(boost::asio::io_context& ioc, services& svc);
  ~session_watch();
  session_watch(const session_watch&) = delete;
  session_watch& operator=(const session_watch&) = delete;
  void start();
  // Stops the timer; a check already running finishes. Idempotent.
  void stop();

 private:
  struct impl;
  std::shared_ptr<impl> impl_;
  periodic_work work_;
};

}  // namespace mediation::app
