// subscribe, unsubscribe, post, history, typing, read, read.list
#include <soci/soci.h>

#include "protocol/frames.hpp"
#include "server/threads/verbs.hpp"
#include "server/store/event_repo.hpp"
#include "server/base/time.hpp"

namespace mediation::app {

using protocol::errc;
using protocol::id_to_wire;

void handle(client& c, const std::string& rid, const protocol::subscribe_request& r) {
  c.subscribe(rid, r.thread, r.since);
}

void handle(client& c, const std::string& rid, const protocol::unsubscribe_request& r) {
  if (!c.subscribed(r.thread)) throw protocol::error(errc::not_found, "not subscribed to this thread");
  c.unsubscribe(r.thread);
  c.reply_ok(rid, {{"thread", id_to_wire(r.thread)}});
}

void handle(client& c, const std::string& rid, const protocol::typing_request& r) {
  // Only on a subscription that has been granted (not one whose check is still under way) and whose
  // access is not being rechecked.
  if (!c.subscription_granted(r.thread))
    throw protocol::error(errc::forbidden, "subscribe to the thread before sending typing");
  protocol::event_view ev;
  ev.thread = r.thread;
  ev.kind = "typing";
  ev.at = format_rfc3339(now_millis());
  ev.author = protocol::person_ref{c.user().id, c.user().name};
  c.broadcast_ephemeral(r.thread, std::make_shared<const std::string>(protocol::event_frame(ev)));
  c.reply_ok(rid, {{"thread", id_to_wire(r.thread)}});
}

}  // namespace mediation::app
