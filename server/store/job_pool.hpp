#pragma once
// Runs database work off the I/O threads: a fixed set of worker threads, each job run with a
// soci::session leased from the database's connection pool for the job's duration.
// post() is thread-safe. The queue is bounded: post() returns false when it is full or the
// pool is stopped, and the caller answers "busy" instead of queueing without bound. Jobs are
// queued per key (the user they are for) and served in turn (fair_queue), so that one user's
// flood waits behind itself, not in front of everyone else; a key may have at most
// `max_per_key` jobs waiting (0: no bound; key 0, the server's own work, is never bounded).

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "server/store/database.hpp"
#include "server/store/fair_queue.hpp"

namespace mediation::store {

class job_pool {
 public:
  using job = std::function<void(soci::session&)>;

  // `threads` workers; at most `max_queued` jobs waiting.
  job_pool(database& db, std::size_t threads, std::size_t max_queued = 100000, std::size_t max_per_key = 0);
  ~job_pool();  // stop()
  job_pool(const job_pool&) = delete;
  job_pool& operator=(const job_pool&) = delete;

  // Queues `j`. The job must not throw; an exception that escapes is logged and swallowed.
  bool post(job j, long long key = 0);
  // Runs the queued jobs, then joins the workers. Idempotent.
  void stop();
  // Jobs waiting now.
  std::size_t queued();

 private:
  void run();

  database& db_;

  std::mutex mutex_;
  std::condition_variable cv_;
  fair_queue<job> queue_;
  bool stopping_ = false;
  std::vector<std::thread> workers_;
};

}  // namespace mediation::store
