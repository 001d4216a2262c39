#pragma once
// The hub maps thread id -> live subscribers. A broadcast is serialised once by the caller and
// shared by every recipient. Thread-safe: recipients are snapshotted under a shard lock and
// delivered to after it is released. The hub holds weak references; a subscriber that is gone
// is pruned on the next publish.

#include <atomic>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <optional>
#include <vector>

#include "server/store/case_access.hpp"

namespace mediation::app {

using frame_ptr = std::shared_ptr<const std::string>;

// Who caused a change (the author of the push that reports it).
struct change_author {
  long long id = 0;
  std::string name;
};

class subscriber {
 public:
  virtual ~subscriber() = default;
  // Called from any thread, in seq order per thread for stored events (seq > 0).
  // Ephemeral pushes have seq 0; `origin` is the subscriber that caused them, or null.
  virtual void deliver(long long thread, long long seq, const frame_ptr& frame, const void* origin) = 0;
  // Who may see `thread` may be about to change (a case-changing event is committed): deliver
  // nothing more of `thread`, live or replayed, until recheck(thread, hold, ...) with the same
  // `hold` id. Called from any thread, before the event itself is delivered.
  virtual void hold(long long thread, unsigned long hold) = 0;
  // The thread's access facts as they are after the commit (nullopt: they could not be read, or
  // the thread is gone): the subscriber checks its user against them, resumes delivery if still
  // allowed, and otherwise ends the subscription with an `unsubscribed` push authored by `by`.
  virtual void recheck(long long thread, unsigned long hold, const std::optional<store::case_access>& access,
                       const change_author& by) = 0;
};

class hub {
 public:
  // Registers `s` for `thread`. The caller adds a subscriber at most once per thread (until it
  // removes it): the hub does not look for duplicates.
  void add(long long thread, const std::shared_ptr<subscriber>& s);
  void remove(long long thread, const subscriber* s);
  void publish(long long thread, long long seq, const frame_ptr& frame, const void* origin = nullptr);
  // Holds every subscriber of `thread` (subscriber::hold) and returns the hold's id, which the
  // matching recheck() releases.
  unsigned long hold(long long thread);
  void recheck(long long thread, unsigned long hold, const std::optional<store::case_access>& access, const change_author& by);
  // Live subscriptions over all threads.
  std::size_t size() const;

 private:
  static constexpr std::size_t shard_count = 16;
  struct shard {
    mutable std::mutex mutex;
    std::unordered_map<long long, std::vector<std::weak_ptr<subscriber>>> threads;
  };
  shard& shard_for(long long thread) { return shards_[static_cast<std::size_t>(thread) % shard_count]; }
  std::vector<std::shared_ptr<subscriber>> snapshot(long long thread);

  shard shards_[shard_count];
  std::atomic<unsigned long> next_hold_{0};
};

}  // namespace mediation::app
