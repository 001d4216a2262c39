#include "server/identity/login_throttle.hpp"

#include <algorithm>

namespace mediation::app {

millis login_throttle::check(const std::string& key, millis now) {
  auto it = entries_.find(key);
  if (it == entries_.end() || it->second.locked_until <= now) return 0;
  return it->second.locked_until - now;
}

millis login_throttle::locked_for(const std::string& username, const std::string& address, millis now) {
  std::lock_guard lock(mutex_);
  return std::max(check(pair_key(username, address), now), check("a:" + address, now));
}

void login_throttle::count(const std::string& key, int limit, millis now) {
  auto& e = entries_[key];
  if (now - e.first > window_) {
    e.failures = 0;
    e.first = now;
  }
  if (++e.failures >= limit) {
    e.locked_until = now + lockout_;
    e.failures = 0;
    e.first = now;
  }
}

void login_throttle::failure(const std::string& username, const std::string& address, millis now) {
  std::lock_guard lock(mutex_);
  count(pair_key(username, address), max_failures_, now);
  count("a:" + address, max_failures_ * 4, now);
  if (entries_.size() > 100000) prune(now);
}

void login_throttle::success(const std::string& username, const std::string& address) {
  std::lock_guard lock(mutex_);
  auto it = entries_.find(pair_key(username, address));
  if (it != entries_.end() && it->second.locked_until == 0) entries_.erase(it);
  else if (it != entries_.end()) it->second.failures = 0;
}

// Bounds memory under a spray of usernames: forget what no longer matters.
void login_throttle::prune(millis now) {
  for (auto it = entries_.begin(); it != entries_.end();) {
    if (it->second.locked_until <= now && now - it->second.first > window_)
      it = entries_.erase(it);
    else
      ++it;
  }
}

}  // namespace mediation::app
