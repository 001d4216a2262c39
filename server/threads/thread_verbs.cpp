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

void handle(client& c, const std::string& rid, const protocol::post_request& r) {
  auto self = c.shared_from_this();
  const viewer v = c.as_viewer();
  const store::author by{c.user().id, c.user().name};
  c.write(rid, [self, rid, r, v, by](store::write_context& ctx) -> client::continuation {
    require_visible_thread(ctx, v, r.thread);
    bool duplicate = false;
    long long seq = 0;
    if (auto existing = store::find_cmid(ctx, r.thread, by.id, r.cmid)) {
      seq = *existing;
      duplicate = true;
    } else {
      nlohmann::json data{{"body", r.body}, {"cmid", r.cmid}};
      seq = store::append_event(ctx, r.thread, "message", by, protocol::dump(data), r.cmid);
    }
    return [self, rid, thread = r.thread, seq, duplicate] {
      nlohmann::json result{{"thread", id_to_wire(thread)}, {"seq", seq}};
      if (duplicate) result["duplicate"] = true;
      self->reply_ok(rid, result);
    };
  }, {store::write_hint{r.thread, by.id, r.cmid}});
}

void handle(client& c, const std::string& rid, const protocol::history_request& r) {
  auto self = c.shared_from_this();
  const viewer v = c.as_viewer();
  c.query(rid, [self, rid, r, v](soci::session& sql) -> client::continuation {
    require_visible_thread(sql, v, r.thread);
    auto events = store::events_before(sql, r.thread, r.before, r.limit);
    nlohmann::json list = nlohmann::json::array();
    for (const auto& e : events) list.push_back(event_json(e));
    return [self, rid, thread = r.thread, list = std::move(list)] {
      self->reply_ok(rid, {{"thread", id_to_wire(thread)}, {"events", list}});
    };
  });
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

void handle(client& c, const std::string& rid, const protocol::read_request& r) {
  auto self = c.shared_from_this();
  const viewer v = c.as_viewer();
  const protocol::person_ref who{c.user().id, c.user().name};
  c.write(rid, [self, rid, r, v, who](store::write_context& ctx) -> client::continuation {
    require_visible_thread(ctx, v, r.thread);
    if (r.seq > store::thread_head(ctx, r.thread))
      throw protocol::error(errc::bad_request, "field 'seq' is beyond the newest event of the thread");
    long long stored = store::set_read_marker(ctx, r.thread, v.user_id, r.seq);
    return [self, rid, thread = r.thread, stored, who] {
      self->reply_ok(rid, {{"thread", id_to_wire(thread)}, {"seq", stored}});
      protocol::event_view ev;
      ev.thread = thread;
      ev.kind = "read";
      ev.at = format_rfc3339(now_millis());
      ev.author = who;
      ev.data = {{"seq", stored}};
      // Every subscriber, the reader's other devices included, learns the new marker.
      self->svc().live.publish(thread, 0, std::make_shared<const std::string>(protocol::event_frame(ev)));
    };
  }, {store::write_hint{r.thread, 0, std::nullopt}});
}

void handle(client& c, const std::string& rid, const protocol::read_list_request& r) {
  auto self = c.shared_from_this();
  const viewer v = c.as_viewer();
  c.query(rid, [self, rid, r, v](soci::session& sql) -> client::continuation {
    require_visible_thread(sql, v, r.thread);
    nlohmann::json list = nlohmann::json::array();
    for (const auto& m : store::read_markers(sql, r.thread))
      list.push_back(protocol::read_marker_view{{m.user_id, m.user_name}, m.seq, format_rfc3339(m.at)});
    return [self, rid, thread = r.thread, list = std::move(list)] {
      self->reply_ok(rid, {{"thread", id_to_wire(thread)}, {"reads", list}});
    };
  });
}

}  // namespace mediation::app
