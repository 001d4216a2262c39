#include "server/app/session_watch.hpp"

#include <atomic>
#include <chrono>
#include <map>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <soci/soci.h>

#include "server/app/meeting_service.hpp"
#include "server/app/services.hpp"
#include "server/log.hpp"
#include "server/store/case_repo.hpp"
#include "server/store/identity_repo.hpp"
#include "server/store/meeting_repo.hpp"
#include "server/time.hpp"

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

struct session_watch::impl : std::enable_shared_from_this<impl> {
  impl(boost::asio::io_context& ioc, services& svc) : timer(boost::asio::make_strand(ioc)), svc(svc) {}

  boost::asio::steady_timer timer;
  services& svc;
  std::atomic<bool> stopped{false};

  void arm(long long delay_ms) {
    boost::asio::post(timer.get_executor(), [self = shared_from_this(), delay_ms] {
      if (self->stopped) return;
      self->timer.expires_after(std::chrono::milliseconds(delay_ms));
      self->timer.async_wait([self](const boost::system::error_code& ec) {
        if (!ec && !self->stopped) self->tick();
      });
    });
  }

  void tick() {
    auto self = shared_from_this();
    const bool queued = svc.jobs.post([self](soci::session& sql) {
      try {
        self->check_sessions(sql);
        self->check_rooms(sql);
      } catch (const std::exception& e) {
        log::warn("session check failed; it runs again at the next interval", {{"error", e.what()}});
      }
      self->arm(self->svc.cfg.session_check_ms);
    });
    if (!queued) arm(svc.cfg.session_check_ms);
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

  // Everyone in a live room must still be a participant who may see the meeting.
  void check_rooms(soci::session& sql) {
    for (long long meeting : svc.live_rooms.open_rooms()) {
      auto m = store::find_meeting(sql, meeting);
      std::optional<store::case_access> access;
      if (m) access = store::access_by_case(sql, m->case_id);
      std::map<long long, bool> allowed;
      for (const auto& [key, user] : svc.live_rooms.members_of(meeting)) {
        auto it = allowed.find(user);
        if (it == allowed.end()) {
          bool ok = false;
          if (m && access && m->status == "scheduled") {
            if (auto u = store::find_user(sql, user)) {
              viewer v{u->id, u->org.id, u->role};
              ok = meetings::may_see(sql, v, *access, *m) && meetings::side_of(sql, meeting, user).has_value();
            }
          }
          it = allowed.emplace(user, ok).first;
        }
        if (!it->second) svc.live_rooms.eject(meeting, key, "access_revoked");
      }
    }
  }
};

session_watch::session_watch(boost::asio::io_context& ioc, services& svc) : impl_(std::make_shared<impl>(ioc, svc)) {}

session_watch::~session_watch() { stop(); }

void session_watch::start() { impl_->arm(impl_->svc.cfg.session_check_ms); }

void session_watch::stop() {
  impl_->stopped = true;
  boost::asio::post(impl_->timer.get_executor(), [self = impl_] { self->timer.cancel(); });
}

}  // namespace mediation::app
