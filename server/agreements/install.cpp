#include "server/agreements/install.hpp"

#include <soci/soci.h>

#include "server/core/registry.hpp"
#include "server/core/services.hpp"
#include "server/agreements/verbs.hpp"

namespace mediation::agreements {

using app::client;

void install(app::registry& reg, app::services& svc) {
  using namespace app;
  reg.verb<protocol::agreement_templates_request>(app::handle);
  reg.verb<protocol::agreement_draft_request>(app::handle);
  reg.verb<protocol::agreement_get_request>(app::handle);
  reg.verb<protocol::agreement_verify_request>(app::handle);
  reg.verb<protocol::agreement_list_request>(app::handle);
  reg.verb<protocol::agreement_version_request>(app::handle);
  reg.verb<protocol::agreement_diff_request>(app::handle);
  reg.verb<protocol::agreement_sign_request>(app::handle);
  reg.verb<protocol::agreement_sign_link_request>(app::handle);
  reg.verb<protocol::agreement_seal_request>(app::handle);
  reg.verb<protocol::agreement_perform_request>(app::handle);
  reg.verb<protocol::agreement_confirmation_request>(app::handle);
  add_agreements_routes(reg, svc);
  reg.scan("agreements", [&svc](soci::session& sql, long long now) { scan_agreements(svc, sql, now); });
}

}  // namespace mediation::agreements
