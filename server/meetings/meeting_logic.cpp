#include "server/meetings/meeting_logic.hpp"

#include <soci/soci.h>

#include "server/base/time.hpp"
#include "server/core/verb_checks.hpp"
#include "server/meetings/meeting_repo.hpp"
#include "server/meetings/meeting_service.hpp"
#include "server/store/access_repo.hpp"

namespace mediation::app::meetings {

using nlohmann::json;
using protocol::errc;

json get(soci::session& sql, const actor& who, const protocol::meeting_get_request& r) {
  auto vm = require_meeting(sql, who.v, r.meeting);
  return {{"meeting", meeting_json(sql, r.meeting, who.v, vm.access)}};
}

json list(soci::session& sql, const actor& who, const protocol::meeting_list_request& r) {
  const viewer& v = who.v;
  const millis now = now_millis();
  millis from = parse_due_field(r.from, "from").value_or(now - 7 * 86400000LL);
  millis to = parse_due_field(r.to, "to").value_or(now + 60 * 86400000LL);
  if (r.from && r.from->size() == 10) from -= 86400000LL - 1;  // a date: from its beginning
  if (to <= from) throw protocol::error(errc::bad_request, "'from' must be before 'to'");
  if (to - from > 400 * 86400000LL) throw protocol::error(errc::bad_request, "a calendar covers at most 400 days");
  json out = json::array();
  if (r.case_id) {
    require_known_case(sql, v, *r.case_id);
    for (const auto& m : store::meetings_of_case(sql, *r.case_id)) {
      auto access = store::access_by_case(sql, m.case_id);
      if (access && may_see(sql, v, *access, m)) out.push_back(meeting_json(sql, m.id, v, *access));
    }
  } else {
    // Filtered at call time: a meeting of a case the user may no longer see (a declined hand-over,
    // a revoked invitation) is not listed, though they are still recorded as a participant.
    for (const auto& m : store::meetings_of_user(sql, v.user_id, from, to)) {
      auto access = store::access_by_case(sql, m.case_id);
      if (access && may_see(sql, v, *access, m)) out.push_back(meeting_json(sql, m.id, v, *access));
    }
  }
  return {{"meetings", std::move(out)}, {"from", format_rfc3339(from)}, {"to", format_rfc3339(to)}};
}

}  // namespace mediation::app::meetings
