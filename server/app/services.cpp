#include "server/app/services.hpp"

#include "protocol/frames.hpp"
#include "server/time.hpp"

namespace mediation::app {

nlohmann::json event_json(const store::stored_event& e) {
  protocol::event_view v;
  v.thread = e.thread;
  v.seq = e.seq;
  v.kind = e.kind;
  v.at = format_rfc3339(e.at);
  v.author = protocol::person_ref{e.author_id, e.author_name};
  v.data = nlohmann::json::parse(e.data, nullptr, false);
  if (v.data.is_discarded()) v.data = nlohmann::json::object();
  return v;
}

frame_ptr event_frame(const store::stored_event& e) {
  return std::make_shared<const std::string>(protocol::dump(event_json(e)));
}

void publish_events(hub& h, const std::vector<store::stored_event>& events) {
  for (const auto& e : events) h.publish(e.thread, e.seq, event_frame(e));
}

}  // namespace mediation::app
