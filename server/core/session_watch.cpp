#include "server/core/session_watch.hpp"

#include <csignal>
#include <map>

#include <soci/soci.h>

#include "server/core/services.hpp"
#include "server/base/log.hpp"
#include "server/base/time.hpp"
#include "server/core/data_key.hpp"
#include "server/core/registry.hpp"

namespace mediation::app {

std::string session_ended_reason(const std::optional<store::session_state>& s, long long now) {
  if (!s) return "session ended";
  if (s->revoked) return "session revoked";
  if (s->user_disabled) return "account disabled";
  if (s->guest && s->invitation_revoked) return "invitation revoked";
  if (s->guest && s->invitation_until <= now) return "invitation expired";
  if (s->expires_at <= now) return "session expired";
  return "";
}

struct session_watch::impl {
  explicit impl(services& svc) : svc(svc) {}
  services& svc;

  // A server whose key is no longer the database's (mediation-admin rotate-key began, or finished
  // under another server) must not seal one more number: it stops as on SIGTERM, and its next start
  // is refused until it is given the new key file.
  bool stopping = false;
  void check_data_key(soci::session& sql) {
    if (stopping) return;
    std::string why;
    if (auto rotation = data_key_rotation(sql, svc.db.kind()))
      why = "a rotation of the data key began (" + *rotation + ")";
    else if (auto recorded = recorded_fingerprint(sql, svc.db.kind()); recorded && *recorded != svc.personal.fingerprint())
      why = "the database records the data key fingerprint " + *recorded + ", not this server's key " +
            svc.personal.fingerprint();
    if (why.empty()) return;
    stopping = true;
    log::error("stopping: the data key changed",
               {{"error", why + "; start again with the new key file once mediation-admin rotate-key has finished"}});
    // At once, without the drain (a second SIGTERM ends it): no request more may seal under this key.
    std::raise(SIGTERM);
    std::raise(SIGTERM);
  }

  void check_sessions(soci::session& sql) {
    const auto hashes = svc.sessions.live();
    if (hashes.empty()) return;
    const auto states = store::session_states(sql, hashes);
    const long long now = now_millis();
    for (const auto& h : hashes) {
      auto it = states.find(h);
      std::optional<store::session_state> state;
      if (it != states.end()) state = it->second;
      const std::string reason = session_ended_reason(state, now);
      if (reason.empty()) continue;
      log::info("closing the connections of a session that no longer holds", {{"reason", reason}});
      svc.sessions.end_all(h, reason);
    }
  }

};

session_watch::session_watch(boost::asio::io_context& ioc, services& svc)
    : impl_(std::make_shared<impl>(svc)),
      work_(ioc, svc.jobs, [&svc] { return svc.cfg.session_check_ms; },
            [self = impl_](soci::session& sql) {
              self->check_data_key(sql);
              self->check_sessions(sql);
              // The slices' own rechecks (meetings: everyone in a live room may still be there).
              for (const auto& watch : self->svc.reg.watches()) watch(sql);
            },
            "session check") {}

session_watch::~session_watch() { stop(); }

void session_watch::start() { work_.start(impl_->svc.cfg.session_check_ms); }

void session_watch::stop() { work_.stop(); }

}  // namespace mediation::app
