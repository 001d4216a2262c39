#include "server/oversight/install.hpp"

#include "server/core/registry.hpp"
#include "server/core/services.hpp"
#include "server/oversight/oversight_logic.hpp"
#include "server/oversight/verbs.hpp"

namespace mediation::oversight {

using app::client;

void install(app::registry& reg, app::services&) {
  using namespace app;
  reg.verb<protocol::supervision_issue_request>(app::handle);
  reg.verb<protocol::supervision_answer_request>(app::handle);
  reg.verb<protocol::supervision_list_request>(read_verb(&app::oversight::supervision_list));
  reg.verb<protocol::group_create_request>(app::handle);
  reg.verb<protocol::group_add_request>(app::handle);
  reg.verb<protocol::group_suggest_request>(app::handle);
  reg.verb<protocol::group_resolve_request>(app::handle);
  reg.verb<protocol::stats_summary_request>(read_verb(&app::oversight::stats_summary));
  reg.verb<protocol::audit_list_request>(read_verb(&app::oversight::audit_list));
  reg.verb<protocol::attachment_list_request>(read_verb(&app::oversight::attachment_list));
}

}  // namespace mediation::oversight
