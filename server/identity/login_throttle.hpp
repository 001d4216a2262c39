#pragma once
// Login throttling: after `max_failures` failed logins for one username from one address within
// `window`, that username is locked out from that address for `lockout`; the same person signs in
// from anywhere else, so guessing at her password from one place cannot lock her out everywhere.
// An address (many people may share one office address) is locked for every username after four
// times as many failures. A successful login clears the count of that username at that address.
// Usernames are passed normalised (app::normalise_username), so "Leader.zhao " counts as
// "leader.zhao". Per server node, in memory, at most about 100,000 entries (idle ones are pruned).
// Thread-safe. Times are passed in, so the logic is testable.

#include <mutex>
#include <string>
#include <unordered_map>

#include "server/base/time.hpp"

namespace mediation::app {

class login_throttle {
 public:
  login_throttle(int max_failures, millis window, millis lockout)
      : max_failures_(max_failures), window_(window), lockout_(lockout) {}

  // How long (ms) logins for `username` from `address` stay refused; 0 when allowed.
  millis locked_for(const std::string& username, const std::string& address, millis now);
  void failure(const std::string& username, const std::string& address, millis now);
  void success(const std::string& username, const std::string& address);

 private:
  struct entry {
    int failures = 0;
    millis first = 0;         // start of the current window
    millis locked_until = 0;
  };
  // The key of one username at one address (an address never contains a space).
  static std::string pair_key(const std::string& username, const std::string& address) {
    return "u:" + address + " " + username;
  }
  millis check(const std::string& key, millis now);
  void count(const std::string& key, int limit, millis now);
  void prune(millis now);

  const int max_failures_;
  const millis window_, lockout_;
  std::mutex mutex_;
  std::unordered_map<std::string, entry> entries_;
};

}  // namespace mediation::app
