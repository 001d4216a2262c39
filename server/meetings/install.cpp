#include "server/meetings/install.hpp"

#include <soci/soci.h>

#include "server/core/registry.hpp"
#include "server/core/services.hpp"
#include "server/meetings/meeting_logic.hpp"
#include "server/meetings/rooms.hpp"
#include "server/meetings/verbs.hpp"

namespace mediation::meetings {

using app::client;

void install(app::registry& reg, app::services& svc) {
  using namespace app;
  // The live rooms of this process, for the verbs that use them and the hooks below.
  auto live = std::make_shared<rooms>();
  reg.verb<protocol::meeting_schedule_request>(app::handle);
  reg.verb<protocol::meeting_reschedule_request>(app::handle);
  reg.verb<protocol::meeting_cancel_request>(app::handle);
  reg.verb<protocol::meeting_get_request>(read_verb(&app::meetings::get));
  reg.verb<protocol::meeting_join_request>([live](client& c, const std::string& rid, const protocol::meeting_join_request& r) { handle(c, rid, r, *live); });
  reg.verb<protocol::meeting_leave_request>([live](client& c, const std::string& rid, const protocol::meeting_leave_request& r) { handle(c, rid, r, *live); });
  reg.verb<protocol::meeting_list_request>(read_verb(&app::meetings::list));
  reg.verb<protocol::meeting_suggest_request>(app::handle);
  reg.verb<protocol::meeting_respond_request>(app::handle);
  reg.verb<protocol::meeting_invite_guest_request>(app::handle);
  reg.verb<protocol::meeting_revoke_guest_request>(app::handle);
  reg.verb<protocol::calendar_feed_request>(app::handle);
  reg.verb<protocol::meeting_caucus_request>([live](client& c, const std::string& rid, const protocol::meeting_caucus_request& r) { handle(c, rid, r, *live); });
  reg.verb<protocol::meeting_set_side_request>([live](client& c, const std::string& rid, const protocol::meeting_set_side_request& r) { handle(c, rid, r, *live); });
  reg.verb<protocol::meeting_say_request>([live](client& c, const std::string& rid, const protocol::meeting_say_request& r) { handle(c, rid, r, *live); });
  reg.verb<protocol::meeting_signal_request>([live](client& c, const std::string& rid, const protocol::meeting_signal_request& r) { handle(c, rid, r, *live); });
  add_meetings_routes(reg, svc);
  reg.scan("meetings", [&svc](soci::session& sql, long long now) { scan_meetings(svc, sql, now); });
  reg.watch([live](soci::session& sql) { check_rooms(*live, sql); });
  reg.on_close([live](const void* key) { live->leave_all(key); });
  reg.on_case_lost([live](long long case_id, const void* key) { live->leave_case(case_id, key); });
}

}  // namespace mediation::meetings
