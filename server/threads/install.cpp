#include "server/threads/install.hpp"

#include "server/core/registry.hpp"
#include "server/core/services.hpp"
#include "server/threads/thread_logic.hpp"
#include "server/threads/verbs.hpp"

namespace mediation::threads {

using app::client;

void install(app::registry& reg, app::services&) {
  using namespace app;
  reg.verb<protocol::subscribe_request>(app::handle);
  reg.verb<protocol::unsubscribe_request>(app::handle);
  reg.verb<protocol::post_request>(write_verb(&app::threads::post, &app::threads::post_hint));
  reg.verb<protocol::history_request>(read_verb(&app::threads::history));
  reg.verb<protocol::typing_request>(app::handle);
  reg.verb<protocol::read_request>(write_verb(&app::threads::read, &app::threads::read_hint));
  reg.verb<protocol::read_list_request>(read_verb(&app::threads::read_list));
}

}  // namespace mediation::threads
