#include "server/cases/install.hpp"

#include <soci/soci.h>

#include "server/core/registry.hpp"
#include "server/core/services.hpp"
#include "server/cases/case_logic.hpp"
#include "server/cases/verbs.hpp"

namespace mediation::cases {

using app::client;

void install(app::registry& reg, app::services& svc) {
  using namespace app;
  reg.verb<protocol::case_create_request>(write_verb(&app::cases::create));
  reg.verb<protocol::case_get_request>(read_verb(&app::cases::get));
  reg.verb<protocol::case_list_request>(read_verb(&app::cases::list));
  reg.verb<protocol::case_handoff_request>(write_verb(&app::cases::handoff));
  reg.verb<protocol::case_accept_request>(write_verb(&app::cases::accept));
  reg.verb<protocol::case_decline_request>(write_verb(&app::cases::decline));
  reg.verb<protocol::case_invite_request>(write_verb(&app::cases::invite));
  reg.verb<protocol::case_triage_request>(write_verb(&app::cases::triage));
  reg.verb<protocol::case_return_request>(write_verb(&app::cases::return_case));
  reg.verb<protocol::case_escalate_request>(write_verb(&app::cases::escalate));
  reg.verb<protocol::case_pause_request>(write_verb(&app::cases::pause));
  reg.verb<protocol::case_resume_request>(write_verb(&app::cases::resume));
  reg.verb<protocol::case_extend_request>(write_verb(&app::cases::extend));
  reg.verb<protocol::case_own_request>(write_verb(&app::cases::own));
  reg.verb<protocol::case_close_request>(write_verb(&app::cases::close));
  reg.verb<protocol::case_evaluate_request>(write_verb(&app::cases::evaluate));
  reg.verb<protocol::case_evaluation_link_request>(write_verb(&app::cases::evaluation_link));
  add_cases_routes(reg, svc);
  reg.scan("cases", [&svc](soci::session& sql, long long now) { scan_cases(svc, sql, now); });
}

}  // namespace mediation::cases
