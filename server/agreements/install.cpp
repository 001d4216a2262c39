#include "server/agreements/install.hpp"

#include <soci/soci.h>

#include "server/core/registry.hpp"
#include "server/core/services.hpp"
#include "server/agreements/agreement_logic.hpp"
#include "server/agreements/verbs.hpp"

namespace mediation::agreements {

using app::client;

void install(app::registry& reg, app::services& svc) {
  using namespace app;
  // The templates are constants: answered at once, without a database job.
  reg.verb<protocol::agreement_templates_request>(
      [](client& c, const std::string& rid, const protocol::agreement_templates_request& r) {
        c.reply_ok(rid, app::agreements::templates(r));
      });
  reg.verb<protocol::agreement_draft_request>(write_verb(&app::agreements::draft));
  reg.verb<protocol::agreement_get_request>(read_verb(&app::agreements::get));
  reg.verb<protocol::agreement_verify_request>(read_verb(&app::agreements::verify));
  reg.verb<protocol::agreement_list_request>(read_verb(&app::agreements::list));
  reg.verb<protocol::agreement_version_request>(read_verb(&app::agreements::version));
  reg.verb<protocol::agreement_diff_request>(read_verb(&app::agreements::diff));
  reg.verb<protocol::agreement_sign_request>(write_verb(&app::agreements::sign));
  reg.verb<protocol::agreement_sign_link_request>(write_verb(&app::agreements::sign_link));
  reg.verb<protocol::agreement_seal_request>(write_verb(&app::agreements::seal));
  reg.verb<protocol::agreement_perform_request>(write_verb(&app::agreements::perform));
  reg.verb<protocol::agreement_confirmation_request>(write_verb(&app::agreements::confirmation));
  add_agreements_routes(reg, svc);
  reg.scan("agreements", [&svc](soci::session& sql, long long now) { scan_agreements(svc, sql, now); });
}

}  // namespace mediation::agreements
