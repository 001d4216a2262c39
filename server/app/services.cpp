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

void session_registry::add(const std::string& token_hash, const std::weak_ptr<void>& owner, std::function<void()> end) {
  std::lock_guard lock(mutex_);
  entries_.emplace(token_hash, entry{owner, std::move(end)});
}

void session_registry::remove(const std::string& token_hash, const void* owner) {
  std::lock_guard lock(mutex_);
  auto [first, last] = entries_.equal_range(token_hash);
  for (auto it = first; it != last;) {
    auto p = it->second.owner.lock();
    if (!p || p.get() == owner)
      it = entries_.erase(it);
    else
      ++it;
  }
}

void session_registry::end_all(const std::string& token_hash) {
  std::vector<std::function<void()>> ends;
  {
    std::lock_guard lock(mutex_);
    auto [first, last] = entries_.equal_range(token_hash);
    for (auto it = first; it != last; ++it)
      if (!it->second.owner.expired()) ends.push_back(it->second.end);
    entries_.erase(first, last);
  }
  for (auto& end : ends) end();
}

void publish_events(hub& h, const std::vector<store::stored_event>& events) {
  for (const auto& e : events) h.publish(e.thread, e.seq, event_frame(e));
}

}  // namespace mediation::app
