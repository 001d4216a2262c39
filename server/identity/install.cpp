#include "server/identity/install.hpp"

#include "server/core/registry.hpp"
#include "server/core/services.hpp"
#include "server/identity/identity_logic.hpp"
#include "server/identity/verbs.hpp"

namespace mediation::identity {

using app::client;

void install(app::registry& reg, app::services& svc) {
  using namespace app;
  reg.verb<protocol::auth_request>(app::handle);
  reg.verb<protocol::orgs_list_request>(read_verb(&app::identity::orgs_list));
  reg.verb<protocol::users_list_request>(read_verb(&app::identity::users_list));
  add_identity_routes(reg, svc);
}

}  // namespace mediation::identity
