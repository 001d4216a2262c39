#pragma once
// What a feature slice adds to the server, gathered once at start-up: its WebSocket verbs, its HTTP
// routes, its scheduled scans and its hooks on connections. Each slice has one `install(registry&,
// services&)` that main calls; the core (client, http_api, scheduler, session_watch) only looks
// things up here, so it knows no feature. Filled on the main thread before the server starts and
// read-only afterwards (then thread-safe).

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "protocol/errors.hpp"
#include "server/core/http_route.hpp"

namespace soci {
class session;
}

namespace mediation::app {

class client;

// Called by a verb's entry after its frame parsed (client.cpp): false when the request may not run
// now (not authenticated, too many in flight), having replied.
bool verb_admitted(client& c, const std::string& rid, bool is_auth);
void verb_refused(client& c, const std::string& rid, const protocol::error& e);

class registry {
 public:
  // Parses a frame's body as the verb's request and runs its handler (on the client's strand).
  using verb_entry = std::function<void(client&, const std::string& rid, const nlohmann::json& frame)>;
  // On a database worker at every scan of the scheduler (the interval of --workflow).
  using scan_fn = std::function<void(soci::session&, long long now_ms)>;
  // On a database worker at every pass of the session watch (--session-check).
  using watch_fn = std::function<void(soci::session&)>;
  // A connection (the key of its client) closed, or lost access to a case; on its strand.
  using close_fn = std::function<void(const void* key)>;
  using case_lost_fn = std::function<void(long long case_id, const void* key)>;

  // Registers `handler(client&, rid, const Request&)` for Request::type. The frame is parsed with
  // the request's from_json (a bad_request or too_large reply on failure) before the client checks
  // authentication and its in-flight limit. A type registered twice is a programming error (throws).
  template <class Request, class Handler>
  void verb(Handler handler) {
    add_verb(Request::type, [handler = std::move(handler)](client& c, const std::string& rid, const nlohmann::json& j) {
      Request r;
      try {
        from_json(j, r);
      } catch (const protocol::error& e) {
        return verb_refused(c, rid, e);
      } catch (const std::exception& e) {
        return verb_refused(c, rid, protocol::error(protocol::errc::bad_request, e.what()));
      }
      if (!verb_admitted(c, rid, Request::type == std::string_view("auth"))) return;
      handler(c, rid, r);
    });
  }
  template <class Request>
  void verb(void (*handler)(client&, const std::string&, const Request&)) {
    verb<Request, decltype(handler)>(handler);
  }
  void route(http_route r) { routes_.push_back(std::move(r)); }
  void scan(std::string name, scan_fn fn) { scans_.push_back({std::move(name), std::move(fn)}); }
  void watch(watch_fn fn) { watches_.push_back(std::move(fn)); }
  void on_close(close_fn fn) { closes_.push_back(std::move(fn)); }
  void on_case_lost(case_lost_fn fn) { case_lost_.push_back(std::move(fn)); }

  // ---- lookups (core) ----
  const verb_entry* find_verb(std::string_view type) const;
  std::vector<std::string> verb_types() const;
  const std::vector<http_route>& routes() const { return routes_; }
  const std::vector<std::pair<std::string, scan_fn>>& scans() const { return scans_; }
  const std::vector<watch_fn>& watches() const { return watches_; }
  void closed(const void* key) const {
    for (const auto& f : closes_) f(key);
  }
  void case_lost(long long case_id, const void* key) const {
    for (const auto& f : case_lost_) f(case_id, key);
  }

 private:
  void add_verb(std::string_view type, verb_entry entry);
  std::map<std::string, verb_entry, std::less<>> verbs_;
  std::vector<http_route> routes_;
  std::vector<std::pair<std::string, scan_fn>> scans_;
  std::vector<watch_fn> watches_;
  std::vector<close_fn> closes_;
  std::vector<case_lost_fn> case_lost_;
};

}  // namespace mediation::app
