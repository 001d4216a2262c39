#include "server/oversight/install.hpp"

#include "server/core/registry.hpp"
#include "server/core/services.hpp"
#include "server/core/verb_support.hpp"
#include "server/oversight/oversight_logic.hpp"

namespace mediation::oversight {

// Every verb of the slice is a plain function of oversight_logic.hpp.
void install(app::registry& reg, app::services&) {
  using namespace app;
  reg.verb<protocol::supervision_issue_request>(write_verb(&app::oversight::issue));
  reg.verb<protocol::supervision_answer_request>(write_verb(&app::oversight::answer));
  reg.verb<protocol::supervision_list_request>(read_verb(&app::oversight::supervision_list));
  reg.verb<protocol::group_create_request>(write_verb(&app::oversight::group_create));
  reg.verb<protocol::group_add_request>(write_verb(&app::oversight::group_add));
  reg.verb<protocol::group_suggest_request>(read_verb(&app::oversight::group_suggest));
  reg.verb<protocol::group_resolve_request>(write_verb(&app::oversight::group_resolve));
  reg.verb<protocol::stats_summary_request>(read_verb(&app::oversight::stats_summary));
  reg.verb<protocol::audit_list_request>(read_verb(&app::oversight::audit_list));
  reg.verb<protocol::attachment_list_request>(read_verb(&app::oversight::attachment_list));
}

}  // namespace mediation::oversight
