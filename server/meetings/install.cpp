#include "server/meetings/install.hpp"

#include <soci/soci.h>

#include "server/core/registry.hpp"
#include "server/core/services.hpp"
#include "server/meetings/meeting_logic.hpp"
#include "server/meetings/rooms.hpp"
#include "server/meetings/scan.hpp"
#include "server/meetings/verbs.hpp"

namespace mediation::meetings {

using app::client;

void install(app::registry& reg, app::services& svc) {
  using namespace app;
  // The live rooms of this process, for the verbs that use them and the hooks below.
  auto live = std::make_shared<rooms>();
  // A live room's verb: its handler with this process's rooms.
  auto in_rooms = [live](client& c, const std::string& rid, const auto& r) { handle(c, rid, r, *live); };
  reg.verb<protocol::meeting_schedule_request>(write_verb(&app::meetings::schedule));
  reg.verb<protocol::meeting_reschedule_request>(write_verb(&app::meetings::reschedule));
  reg.verb<protocol::meeting_cancel_request>(write_verb(&app::meetings::cancel));
  reg.verb<protocol::meeting_get_request>(read_verb(&app::meetings::get));
  reg.verb<protocol::meeting_join_request>(in_rooms);
  reg.verb<protocol::meeting_leave_request>(in_rooms);
  reg.verb<protocol::meeting_list_request>(read_verb(&app::meetings::list));
  reg.verb<protocol::meeting_suggest_request>(read_verb(&app::meetings::suggest));
  reg.verb<protocol::meeting_respond_request>(write_verb(&app::meetings::respond));
  reg.verb<protocol::meeting_invite_guest_request>(write_verb(&app::meetings::guest_invite));
  reg.verb<protocol::meeting_revoke_guest_request>(write_verb(&app::meetings::guest_revoke));
  reg.verb<protocol::calendar_feed_request>(write_verb(&app::meetings::calendar_feed));
  reg.verb<protocol::meeting_caucus_request>(in_rooms);
  reg.verb<protocol::meeting_set_side_request>(in_rooms);
  reg.verb<protocol::meeting_say_request>(in_rooms);
  reg.verb<protocol::meeting_signal_request>(in_rooms);
  add_meetings_routes(reg, svc);
  reg.scan("meetings", [&svc](soci::session& sql, long long now) { scan_meetings(svc, sql, now); });
  reg.watch([live](soci::session& sql) { check_rooms(*live, sql); });
  reg.on_close([live](const void* key) { live->leave_all(key); });
  reg.on_case_lost([live](long long case_id, const void* key) { live->leave_case(case_id, key); });
}

}  // namespace mediation::meetings
