#include "server/app/services.hpp"

#include <algorithm>

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

void directory::add(const void* key, long long user, long long org, const std::weak_ptr<void>& owner, notice_fn fn) {
  std::lock_guard lock(mutex_);
  entries_[key] = entry{user, org, owner, std::move(fn)};
}

void directory::remove(const void* key) {
  std::lock_guard lock(mutex_);
  entries_.erase(key);
}

void directory::notify(const std::vector<long long>& users, const std::vector<long long>& orgs, long long except_user,
                       long long thread, const frame_ptr& frame) {
  std::vector<notice_fn> targets;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [_, e] : entries_) {
      if (e.user == except_user) continue;
      bool match = std::find(users.begin(), users.end(), e.user) != users.end() ||
                   std::find(orgs.begin(), orgs.end(), e.org) != orgs.end();
      if (match && !e.owner.expired()) targets.push_back(e.fn);
    }
  }
  for (auto& fn : targets) fn(thread, frame);
}

void notify_case(services& svc, const store::case_access& access, const std::vector<store::stored_event>& events) {
  std::vector<long long> orgs{access.owner_org};
  if (access.handling_org) orgs.push_back(access.handling_org);
  for (const auto& h : access.handlers)
    if (h.status == "pending" || h.status == "accepted") orgs.push_back(h.org);
  std::vector<long long> users = access.leaders;
  users.insert(users.end(), access.invited.begin(), access.invited.end());
  for (const auto& e : events) {
    // Messages reach subscribers only; a new case shows in its organisation's lists.
    if (e.kind == "message" || e.kind == "created" || e.thread != access.thread_id) continue;
    auto j = event_json(e);
    j["type"] = "notice";
    j["case"] = protocol::id_to_wire(access.case_id);
    svc.people.notify(users, orgs, e.author_id, e.thread, std::make_shared<const std::string>(protocol::dump(j)));
  }
}

void publish_events(hub& h, const std::vector<store::stored_event>& events) {
  for (const auto& e : events) h.publish(e.thread, e.seq, event_frame(e));
}

}  // namespace mediation::app
