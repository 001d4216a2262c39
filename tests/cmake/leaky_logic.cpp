// Not compiled: the input of the test layering_keeps_verb_logic_off_the_network (tests/CMakeLists.txt).
// Verb logic that reaches the WebSocket client through a slice's verbs.hpp, or includes an adapter
// directly, however the include is spelled, must be refused; the network-free headers pass.
#include "server/cases/case_support.hpp"
#include "server/core/verb_checks.hpp"
#include "server/threads/verbs.hpp"
#include "server/core/verb_support.hpp"
#include <server/core/client.hpp>
#include "../../server/net/listener.hpp"
