#include "server/threads/install.hpp"

#include "server/core/registry.hpp"
#include "server/core/services.hpp"
#include "server/threads/verbs.hpp"

namespace mediation::threads {

using app::client;

void install(app::registry& reg, app::services&) {
  using namespace app;
  reg.verb<protocol::subscribe_request>(app::handle);
  reg.verb<protocol::unsubscribe_request>(app::handle);
  reg.verb<protocol::post_request>(app::handle);
  reg.verb<protocol::history_request>(app::handle);
  reg.verb<protocol::typing_request>(app::handle);
  reg.verb<protocol::read_request>(app::handle);
  reg.verb<protocol::read_list_request>(app::handle);
}

}  // namespace mediation::threads
