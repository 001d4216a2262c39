// The logic of post, history, read and read.list: plain functions of (store context, actor,
// request), run by the adapters of core/verb_support.hpp and by tests on SQLite.
#include "server/threads/thread_logic.hpp"

#include <soci/soci.h>

#include "protocol/frames.hpp"
#include "server/base/time.hpp"
#include "server/core/services.hpp"
#include "server/core/verb_checks.hpp"

namespace mediation::app::threads {

using nlohmann::json;
using protocol::errc;
using protocol::id_to_wire;

verb_outcome post(store::write_context& ctx, const actor& who, const protocol::post_request& r) {
  require_visible_thread(ctx, who.v, r.thread);
  verb_outcome out;
  long long seq = 0;
  // A message sent again with the same cmid (a retry after a lost reply) is stored once.
  if (auto existing = store::find_cmid(ctx, r.thread, who.by.id, r.cmid)) {
    seq = *existing;
    out.result["duplicate"] = true;
  } else {
    json data{{"body", r.body}, {"cmid", r.cmid}};
    seq = store::append_event(ctx, r.thread, "message", who.by, protocol::dump(data), r.cmid);
  }
  out.result["thread"] = id_to_wire(r.thread);
  out.result["seq"] = seq;
  return out;
}

std::vector<store::write_hint> post_hint(const protocol::post_request& r, const actor& who) {
  return {store::write_hint{r.thread, who.by.id, r.cmid}};
}

json history(soci::session& sql, const actor& who, const protocol::history_request& r) {
  require_visible_thread(sql, who.v, r.thread);
  json list = json::array();
  for (const auto& e : store::events_before(sql, r.thread, r.before, r.limit)) list.push_back(event_json(e));
  return {{"thread", id_to_wire(r.thread)}, {"events", std::move(list)}};
}

verb_outcome read(store::write_context& ctx, const actor& who, const protocol::read_request& r) {
  require_visible_thread(ctx, who.v, r.thread);
  if (r.seq > store::thread_head(ctx, r.thread))
    throw protocol::error(errc::bad_request, "field 'seq' is beyond the newest event of the thread");
  const long long stored = store::set_read_marker(ctx, r.thread, who.v.user_id, r.seq);
  verb_outcome out;
  out.result = {{"thread", id_to_wire(r.thread)}, {"seq", stored}};
  out.after_commit = [thread = r.thread, stored, reader = protocol::person_ref{who.by.id, who.by.name}](services& svc) {
    protocol::event_view ev;
    ev.thread = thread;
    ev.kind = "read";
    ev.at = format_rfc3339(now_millis());
    ev.author = reader;
    ev.data = {{"seq", stored}};
    // Every subscriber, the reader's other devices included, learns the new marker.
    svc.live.publish(thread, 0, std::make_shared<const std::string>(protocol::event_frame(ev)));
  };
  return out;
}

std::vector<store::write_hint> read_hint(const protocol::read_request& r, const actor&) {
  return {store::write_hint{r.thread, 0, std::nullopt}};
}

json read_list(soci::session& sql, const actor& who, const protocol::read_list_request& r) {
  require_visible_thread(sql, who.v, r.thread);
  json list = json::array();
  for (const auto& m : store::read_markers(sql, r.thread))
    list.push_back(protocol::read_marker_view{{m.user_id, m.user_name}, m.seq, format_rfc3339(m.at)});
  return {{"thread", id_to_wire(r.thread)}, {"reads", std::move(list)}};
}

}  // namespace mediation::app::threads
