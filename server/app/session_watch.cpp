#include "server/app/session_watch.hpp"

#include <map>

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

struct session_watch::impl {
  explicit impl(services& svc) : svc(svc) {}
  services& svc;

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

session_watch::session_watch(boost::asio::io_context& ioc, services& svc)
    : impl_(std::make_shared<impl>(svc)),
      work_(ioc, svc.jobs, [&svc] { return svc.cfg.session_check_ms; },
            [self = impl_](soci::session& sql) {
              self->check_sessions(sql);
              self->check_rooms(sql);
            },
            "session check") {}

session_watch::~session_watch() { stop(); }

void session_watch::start() { work_.start(impl_->svc.cfg.session_check_ms); }

void session_watch::stop() { work_.stop(); }

}  // namespace mediation::app
