#pragma once
// The server's tunable limits and paths that request handlers read (parsed by core/config).

#include <cstddef>
#include <string>

#include <nlohmann/json.hpp>

namespace mediation::app {

struct settings {
  long long token_ttl_ms = 12LL * 3600 * 1000;
  std::size_t max_subscriptions = 256;     // per connection
  std::size_t max_pending_live = 10000;    // live events buffered per subscription while catching up
  std::size_t max_in_flight = 4096;        // requests per connection awaiting the database
  double rate_per_second = 1000;           // requests per connection, sustained
  double rate_burst = 5000;                // requests per connection, burst
  int replay_page = 500;                   // events per catch-up query
  int login_max_failures = 5;              // failed logins per username before a lock-out
  long long login_window_ms = 15 * 60000;  // ...counted within this window
  long long login_lockout_ms = 15 * 60000; // how long the lock-out lasts
  std::string attachments_dir = "var/attachments";  // attachment files, named by their SHA-256
  std::size_t max_attachment_bytes = 20 << 20;      // largest attachment accepted
  nlohmann::json ice_servers = nlohmann::json::array();  // STUN/TURN for the browser (RTCIceServer list)
  std::string turn_secret;             // coturn's static-auth-secret: TURN REST credentials per user
  long long turn_ttl_s = 6 * 3600;     // ...valid this long from meeting.join
  double user_rate_per_second = 2000;  // requests per user across all their connections, sustained
  double user_rate_burst = 10000;      // ...in a burst
  long long session_check_ms = 2000;   // how often open sockets' sessions and room members are rechecked
  long long calendar_feed_ttl_ms = 365LL * 86400000;  // how long a calendar feed URL works
  std::string time_zone = "Asia/Shanghai";  // the network's: dates shown and printed (base/time.hpp)
  int time_zone_offset = 480;               // ...its offset east of UTC in minutes
  std::size_t max_queued_per_user = 4096;  // database jobs of one user waiting, per queue (0: no bound)
};

}  // namespace mediation::app
