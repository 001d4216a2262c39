#include "server/core/services.hpp"

#include <algorithm>
#include <map>

#include "protocol/frames.hpp"
#include "server/base/log.hpp"
#include "server/store/access_repo.hpp"
#include <soci/soci.h>
#include "server/base/time.hpp"
#include "protocol/messages/common.hpp"

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

void session_registry::add(const std::string& token_hash, const std::weak_ptr<void>& owner, end_fn end) {
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

std::vector<std::string> session_registry::live() {
  std::vector<std::string> out;
  std::lock_guard lock(mutex_);
  for (auto it = entries_.begin(); it != entries_.end();) {
    if (it->second.owner.expired()) {
      it = entries_.erase(it);
      continue;
    }
    if (out.empty() || out.back() != it->first) out.push_back(it->first);
    ++it;
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

void session_registry::end_all(const std::string& token_hash, const std::string& reason) {
  std::vector<end_fn> ends;
  {
    std::lock_guard lock(mutex_);
    auto [first, last] = entries_.equal_range(token_hash);
    for (auto it = first; it != last; ++it)
      if (!it->second.owner.expired()) ends.push_back(it->second.end);
    entries_.erase(first, last);
  }
  for (auto& end : ends) end(reason);
}

void directory::add(const void* key, const viewer& who, const std::weak_ptr<void>& owner, notice_fn fn) {
  std::lock_guard lock(mutex_);
  entries_[key] = entry{who, owner, std::move(fn)};
}

void directory::remove(const void* key) {
  std::lock_guard lock(mutex_);
  entries_.erase(key);
}

void directory::notify(const store::case_access& access, long long except_user, long long thread,
                       const frame_ptr& frame) {
  std::vector<long long> orgs{access.owner_org};
  if (access.handling_org) orgs.push_back(access.handling_org);
  for (const auto& h : access.handlers)
    if (h.status == "pending" || h.status == "accepted") orgs.push_back(h.org);
  auto listed = [](const std::vector<long long>& ids, long long id) {
    return std::find(ids.begin(), ids.end(), id) != ids.end();
  };
  std::vector<notice_fn> targets;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [_, e] : entries_) {
      if (e.who.user_id == except_user || e.owner.expired()) continue;
      const bool concerned = listed(access.leaders, e.who.user_id) || listed(access.invited, e.who.user_id) ||
                             listed(orgs, e.who.org_id);
      // The one rule: a notice reaches only who could read the same thing with a request now.
      if (concerned && can_see_thread(e.who, access, thread)) targets.push_back(e.fn);
    }
  }
  for (auto& fn : targets) fn(thread, frame);
}

void directory::notify_if(const std::function<bool(const viewer&)>& allowed, long long thread, const frame_ptr& frame) {
  std::vector<notice_fn> targets;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [_, e] : entries_)
      if (!e.owner.expired() && allowed(e.who)) targets.push_back(e.fn);
  }
  for (auto& fn : targets) fn(thread, frame);
}

void notify_case(services& svc, const store::case_access& access, const std::vector<store::stored_event>& events) {
  for (const auto& e : events) {
    // Messages reach subscribers only; a new case shows in its organisation's lists.
    if (e.kind == "message" || e.kind == "created" || e.thread != access.thread_id) continue;
    auto j = event_json(e);
    j["type"] = "notice";
    j["case"] = protocol::id_to_wire(access.case_id);
    svc.people.notify(access, e.author_id, e.thread, std::make_shared<const std::string>(protocol::dump(j)));
  }
}
bool user_limits::take(long long user, double now_s) {
  std::lock_guard lock(mutex_);
  auto [it, fresh] = buckets_.try_emplace(user, bucket{burst_, now_s});
  auto& b = it->second;
  if (!fresh) b.tokens = std::min(burst_, b.tokens + (now_s - b.at) * rate_);
  b.at = now_s;
  if (b.tokens < 1) return false;
  b.tokens -= 1;
  // Keep the map small: forget full buckets now and then (a forgotten bucket starts full anyway).
  if (buckets_.size() > 100000)
    for (auto i = buckets_.begin(); i != buckets_.end();)
      i = i->second.tokens + (now_s - i->second.at) * rate_ >= burst_ ? buckets_.erase(i) : std::next(i);
  return true;
}

void publish_events(hub& h, store::job_pool& jobs, const std::vector<store::stored_event>& events) {
  struct held {
    long long thread;
    unsigned long id;
    change_author by;
  };
  std::vector<held> holds;
  for (const auto& e : events) {
    // Any change of a case may change who sees it: hold the subscribers of both its threads before
    // this event (the parties' thread too, though nothing but messages is written there).
    if (e.kind != "message") {
      holds.push_back({e.thread, h.hold(e.thread), change_author{e.author_id, e.author_name}});
      if (e.sibling_thread)
        holds.push_back({e.sibling_thread, h.hold(e.sibling_thread), change_author{e.author_id, e.author_name}});
    }
    h.publish(e.thread, e.seq, event_frame(e));
  }
  if (holds.empty()) return;
  auto release = [&h, holds](soci::session* sql) {
    std::map<long long, std::optional<store::case_access>> facts;
    for (const auto& x : holds) {
      auto it = facts.find(x.thread);
      if (it == facts.end()) {
        std::optional<store::case_access> access;
        if (sql) {
          try {
            access = store::access_by_thread(*sql, x.thread);
          } catch (const std::exception& e) {
            log::warn("access recheck failed; the thread's subscriptions end", {{"error", e.what()}});
          }
        }
        it = facts.emplace(x.thread, std::move(access)).first;
      }
      h.recheck(x.thread, x.id, it->second, x.by);
    }
  };
  if (!jobs.post([release](soci::session& sql) { release(&sql); })) release(nullptr);  // fail closed
}

}  // namespace mediation::app
