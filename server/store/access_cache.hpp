#pragma once
// Access facts the batched writer has read, per thread, with the version they were read at
// (threads.access_version, which the triggers of sql/*/011_access_version.sql move with every
// change to them, in the changing transaction). A batch reads each thread's version with its
// locked head; facts cached at that version are still the facts, so the batch skips the queries
// that read them. Correct whoever changed them (another server node, an admin tool): a changed
// version is the only signal, and it is read under the thread's lock. Thread-safe (the writer's
// lanes share one).
//
// A version is only ever moved forward, but a database can go back (a failover that lost commits, a
// rollback and a new migration): the writer empties the cache whenever its connection was lost or a
// batch had to be applied again, and does not use it at all when a trigger is missing (a table
// rebuilt without them, a dump restored without them).

#include <cstddef>
#include <mutex>
#include <optional>
#include <unordered_map>

#include "server/store/case_access.hpp"

namespace mediation::store {

class access_cache {
 public:
  // `max_threads`: entries kept at most; when full, the cache starts again empty.
  explicit access_cache(std::size_t max_threads = 65536) : max_(max_threads) {}
  // The facts of `thread` if they were stored at `version`.
  std::optional<case_access> find(long long thread, long long version) const {
    std::lock_guard lock(mutex_);
    auto it = entries_.find(thread);
    if (it == entries_.end() || it->second.version != version) return std::nullopt;
    return it->second.access;
  }
  void store(long long thread, long long version, const case_access& access) {
    std::lock_guard lock(mutex_);
    if (entries_.size() >= max_ && !entries_.count(thread)) entries_.clear();
    entries_[thread] = entry{version, access};
  }
  void clear() {
    std::lock_guard lock(mutex_);
    entries_.clear();
  }

 private:
  struct entry {
    long long version = 0;
    case_access access;
  };
  mutable std::mutex mutex_;
  std::unordered_map<long long, entry> entries_;
  std::size_t max_;
};

}  // namespace mediation::store
