#pragma once
// Login throttling: after `max_failures` failed logins for one username within `window`, that
// username is locked out for `lockout`; an address (many people may share one office address)
// is locked after four times as many failures. A successful login clears the username's count.
// Per server node, in memory. Thread-safe. Times are passed in, so the logic is testable.

#include <mutex>
#include <string>
#include <unordered_map>

#include "server/time.hpp"

namespace mediation::app {

class login_throttle {
 public:
  login_throttle(int max_failures, millis window, millis lockout)
      : max_failures_(max_failures), window_(window), lockout_(lockout) {}

  // How long (ms) logins for `username` from `address` stay refused; 0 when allowed.
  millis locked_for(const std::string& username, const std::string& address, millis now);
  void failure(const std::string& username, const std::string& address, millis now);
  void success(const std::string& username);

 private:
  struct entry {
    int failures = 0;
    millis first = 0;         // start of the current window
    millis locked_until = 0;
  };
  millis check(const std::string& key, millis now);
  void count(const std::string& key, int limit, millis now);
  void prune(millis now);

  const int max_failures_;
  const millis window_, lockout_;
  std::mutex mutex_;
  std::unordered_map<std::string, entry> entries_;
};

}  // namespace mediation::app
