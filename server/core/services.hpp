#pragma once
// What every request handler shares: the database workers, the batched writer, the hub and the
// settings. Built once by main and passed by reference; thread-safe.

#include <atomic>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "server/base/sharded_counter.hpp"
#include "server/core/deadlines.hpp"
#include "server/core/hub.hpp"
#include "server/core/settings.hpp"
#include "server/core/verb_checks.hpp"
#include "server/core/personal_data.hpp"
#include "server/core/visibility.hpp"
#include "server/store/batched_writer.hpp"
#include "server/store/job_pool.hpp"

namespace mediation::app {

class registry;

// Per-user token buckets shared by all of a user's connections, so that opening more sockets does
// not buy more requests. Thread-safe; a bucket is dropped once it is full again and idle.
class user_limits {
 public:
  user_limits(double rate, double burst) : rate_(rate), burst_(burst) {}
  // Takes one request from `user`'s bucket at `now_s` (seconds); false when it is empty.
  bool take(long long user, double now_s);

 private:
  struct bucket {
    double tokens = 0, at = 0;
  };
  double rate_, burst_;
  std::mutex mutex_;
  std::unordered_map<long long, bucket> buckets_;
};

// Live connections by the login session (token hash) they authenticated with, so that a logout
// ends them too. Thread-safe; holds weak references.
class session_registry {
 public:
  using end_fn = std::function<void(const std::string& reason)>;
  void add(const std::string& token_hash, const std::weak_ptr<void>& owner, end_fn end);
  void remove(const std::string& token_hash, const void* owner);
  // Runs `end` of every live connection of that session (each hops onto its own strand); `reason`
  // is the text of the close frame.
  void end_all(const std::string& token_hash, const std::string& reason = "logged out");
  // The sessions (token hashes) that have a live connection now, each once.
  std::vector<std::string> live();

 private:
  struct entry {
    std::weak_ptr<void> owner;
    end_fn end;
  };
  std::mutex mutex_;
  std::unordered_multimap<std::string, entry> entries_;
};

// Authenticated connections by user, for notices about cases a user is not subscribed to (a
// hand-over to their organisation, an escalation, a change in a case a leader owns). Thread-safe;
// holds weak references.
class directory {
 public:
  using notice_fn = std::function<void(long long thread, const frame_ptr& frame)>;
  void add(const void* key, const viewer& who, const std::weak_ptr<void>& owner, notice_fn fn);
  void remove(const void* key);
  // Calls, outside the lock, the notice function of every live connection whose user the case
  // concerns (a member of its owning, handling or pending organisation, one of its leaders or
  // invited people) AND who may see `thread` now by the one visibility rule (core/visibility:
  // can_see_thread), except connections of `except_user`. Membership alone never suffices: a
  // guest, lawyer, judicial officer or administrator of the organisation gets nothing by it.
  void notify(const store::case_access& access, long long except_user, long long thread, const frame_ptr& frame);
  // Calls the notice function of every live connection whose user `allowed` admits, outside the lock.
  void notify_if(const std::function<bool(const viewer&)>& allowed, long long thread, const frame_ptr& frame);

 private:
  struct entry {
    viewer who;
    std::weak_ptr<void> owner;
    notice_fn fn;
  };
  std::mutex mutex_;
  std::unordered_map<const void*, entry> entries_;
};

// Application counters, read by GET /metrics.
struct app_counters {
  sharded_counter requests;  // bumped per frame, on every I/O thread
  sharded_counter errors[9];  // by protocol::errc
  std::atomic<long long> overdue_cases{-1};   // at the scheduler's last scan; -1 before the first
  std::atomic<long long> last_scan_ms{0};     // when that scan ran (UTC ms)
};

class services {
 public:
  services(registry& reg, store::database& db, store::job_pool& jobs, store::batched_writer& writer, hub& hub,
           const personal_data& personal, settings cfg, deadlines::workflow_config workflow = {})
      : reg(reg), db(db), jobs(jobs), writer(writer), live(hub), personal(personal), cfg(cfg),
        workflow(std::move(workflow)),
        per_user(cfg.user_rate_per_second, cfg.user_rate_burst) {}

  registry& reg;  // what the feature slices installed (main, before the server starts)
  store::database& db;
  store::job_pool& jobs;
  store::batched_writer& writer;
  hub& live;
  const personal_data& personal;  // seals and opens parties' ID and phone numbers
  const settings cfg;
  const deadlines::workflow_config workflow;
  session_registry sessions;
  directory people;
  app_counters counters;
  std::atomic<bool> shutting_down{false};  // /readyz answers 503 once set
  // HTTP requests handed to the API and not yet answered: at the end of a drain the server waits for
  // them before it stops its database workers, so that none is answered 503 by the server itself.
  std::atomic<int> http_in_flight{0};
  user_limits per_user;
  // What verb logic may read of the server (core/verb_checks.hpp).
  verb_env env() const { return verb_env{personal, workflow, cfg}; }
};

// The push frame of a stored event, serialised once.
frame_ptr event_frame(const store::stored_event& e);
// The event as a JSON object (history answers).
nlohmann::json event_json(const store::stored_event& e);
// After a commit: sends a notice of each case-changing event (not messages) in `events` to the
// connected people the case concerns (directory::notify: members of its owning, handling and
// handed-to organisations, its leaders and invited people) who may see the thread now by
// can_see_thread on `access` (the facts after the change), but not the author of the change. A new case
// (`created`) gives no notice. Frames: {"type": "notice", "case", ...event}.
void notify_case(services& svc, const store::case_access& access, const std::vector<store::stored_event>& events);
// The batched writer's sink: fans committed events out through the hub. Before a case-changing
// event (any kind but `message`) is delivered, the thread's subscribers are held (hub::hold); the
// thread's access facts are then read again on a database worker of `jobs` and each subscriber
// rechecks its user against them (hub::recheck), so a user who lost the case receives nothing
// more of it. If the facts cannot be read (queue full, database down) the check fails closed.
void publish_events(hub& h, store::job_pool& jobs, const std::vector<store::stored_event>& events);

}  // namespace mediation::app
