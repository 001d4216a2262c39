// Not compiled: what tests/CMakeLists.txt (layering_refuses_a_reach_across) feeds the include check as
// if it were a connection-bound handler of server/threads (which may include the network). Every line
// below must be refused.
#include <server/meetings/rooms.hpp>
#include"server/agreements/agreement.hpp"
#include "../../server/meetings/calendar.hpp"
#include "server/net/sessions.hpp"
#include "protocol/messages/meetings.hpp"
// Allowed, for contrast:
#include "server/cases/workflow.hpp"
#include "protocol/messages/threads.hpp"
#include "server/net/connection.hpp"
