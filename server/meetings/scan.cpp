// The meetings slice's scan (core/scheduler.hpp): reminders before joint sessions.
#include "server/meetings/scan.hpp"

#include <map>

#include <soci/soci.h>

#include "protocol/frames.hpp"
#include "server/base/time.hpp"
#include "server/cases/workflow_repo.hpp"
#include "server/core/scheduler.hpp"
#include "server/core/services.hpp"
#include "server/meetings/meeting_repo.hpp"
#include "server/meetings/meeting_service.hpp"
#include "server/meetings/rooms.hpp"
#include "server/store/identity_repo.hpp"
#include "server/store/access_repo.hpp"
#include "server/store/event_repo.hpp"

namespace mediation::app {

using nlohmann::json;

namespace {

constexpr int scan_batch = 200;

// A meeting reminder: an event in the case thread (a notice to its people). A reminder missed
// while the server was down fires once at the first scan after the start, if the meeting is not over.
void remind_meeting(services& svc, long long reminder_id, long long meeting_id) {
  scheduled_write(svc, "meeting reminder", [reminder_id, meeting_id](store::write_context& ctx) -> std::optional<store::case_access> {
    auto m = store::find_meeting(ctx.sql, meeting_id);
    if (!m || m->status != "scheduled" || m->ends_at <= ctx.now) return std::nullopt;
    std::optional<store::reminder_row> due;
    for (const auto& r : store::reminders(ctx.sql, meeting_id))
      if (r.id == reminder_id && !r.fired_at && m->starts_at - r.minutes_before * 60000LL <= ctx.now) due = r;
    if (!due) return std::nullopt;
    store::mark_reminder_fired(ctx, reminder_id);
    auto access = store::access_by_case(ctx.sql, m->case_id);
    if (!access) return std::nullopt;
    const long long system = store::system_user(ctx, access->owner_org);
    json data{{"meeting", meetings::summary(*m)}, {"minutes_before", due->minutes_before},
              {"late", ctx.now - (m->starts_at - due->minutes_before * 60000LL) > 5 * 60000LL}};
    store::append_event(ctx, access->thread_id, "meeting_reminder", {system, "系统"}, protocol::dump(data));
    return store::access_by_case(ctx.sql, m->case_id);
  });
}

}  // namespace

void scan_meetings(services& svc, soci::session& sql, millis now) {
  for (const auto& r : store::due_reminders(sql, now, scan_batch)) remind_meeting(svc, r.id, r.meeting_id);
}


// Everyone in a live room must still be a participant who may see the meeting.
void check_rooms(rooms& live, soci::session& sql) {
  for (long long meeting : live.open_rooms()) {
    auto m = store::find_meeting(sql, meeting);
    std::optional<store::case_access> access;
    if (m) access = store::access_by_case(sql, m->case_id);
    std::map<long long, bool> allowed;
    for (const auto& [key, user] : live.members_of(meeting)) {
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
      if (!it->second) live.eject(meeting, key, "access_revoked");
    }
  }
}

}  // namespace mediation::app
