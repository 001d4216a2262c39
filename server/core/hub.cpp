#include "server/core/hub.hpp"

#include <algorithm>

namespace mediation::app {

void hub::add(long long thread, const std::shared_ptr<subscriber>& s) {
  auto& sh = shard_for(thread);
  std::lock_guard lock(sh.mutex);
  sh.threads[thread].push_back(s);
}

void hub::remove(long long thread, const subscriber* s) {
  auto& sh = shard_for(thread);
  std::lock_guard lock(sh.mutex);
  auto it = sh.threads.find(thread);
  if (it == sh.threads.end()) return;
  auto& list = it->second;
  list.erase(std::remove_if(list.begin(), list.end(),
                            [&](const std::weak_ptr<subscriber>& w) {
                              auto p = w.lock();
                              return !p || p.get() == s;
                            }),
             list.end());
  if (list.empty()) sh.threads.erase(it);
}

std::vector<std::shared_ptr<subscriber>> hub::snapshot(long long thread) {
  std::vector<std::shared_ptr<subscriber>> out;
  auto& sh = shard_for(thread);
  std::lock_guard lock(sh.mutex);
  auto it = sh.threads.find(thread);
  if (it == sh.threads.end()) return out;
  auto& list = it->second;
  out.reserve(list.size());
  bool stale = false;
  for (const auto& w : list) {
    if (auto p = w.lock())
      out.push_back(std::move(p));
    else
      stale = true;
  }
  if (stale)
    list.erase(std::remove_if(list.begin(), list.end(), [](const auto& w) { return w.expired(); }), list.end());
  return out;
}

void hub::publish(long long thread, long long seq, const frame_ptr& frame, const void* origin) {
  for (const auto& s : snapshot(thread)) s->deliver(thread, seq, frame, origin);
}

unsigned long hub::hold(long long thread) {
  const unsigned long id = ++next_hold_;
  for (const auto& s : snapshot(thread)) s->hold(thread, id);
  return id;
}

void hub::recheck(long long thread, unsigned long hold, const std::optional<store::case_access>& access,
                  const change_author& by) {
  for (const auto& s : snapshot(thread)) s->recheck(thread, hold, access, by);
}

std::size_t hub::size() const {
  std::size_t n = 0;
  for (const auto& sh : shards_) {
    std::lock_guard lock(sh.mutex);
    for (const auto& [_, list] : sh.threads) n += list.size();
  }
  return n;
}

}  // namespace mediation::app
