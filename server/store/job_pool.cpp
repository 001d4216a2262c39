#include "server/store/job_pool.hpp"

#include <soci/soci.h>

#include "server/base/log.hpp"
#include "server/base/thread_name.hpp"

namespace mediation::store {

job_pool::job_pool(database& db, std::size_t threads, std::size_t max_queued, std::size_t max_per_key)
    : db_(db), queue_(max_queued, max_per_key) {
  for (std::size_t i = 0; i < (threads ? threads : 1); ++i) workers_.emplace_back([this] {
    name_this_thread("mn-db");
    run();
  });
}

job_pool::~job_pool() { stop(); }

bool job_pool::post(job j, long long key) {
  if (const auto& id = log::current_request(); !id.empty())
    j = [id, inner = std::move(j)](soci::session& sql) {
      log::request_scope scope(id);
      inner(sql);
    };
  {
    std::lock_guard lock(mutex_);
    if (stopping_ || !queue_.push(key, std::move(j))) return false;
  }
  cv_.notify_one();
  return true;
}

void job_pool::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ && workers_.empty()) return;
    stopping_ = true;
  }
  cv_.notify_all();
  for (auto& t : workers_)
    if (t.joinable()) t.join();
  workers_.clear();
}

std::size_t job_pool::queued() {
  std::lock_guard lock(mutex_);
  return queue_.size();
}

void job_pool::run() {
  for (;;) {
    job j;
    {
      std::unique_lock lock(mutex_);
      cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;
      j = queue_.pop();
    }
    try {
      // The pool's own session, not a soci::session(pool) proxy: a proxy keeps the backend pointer
      // it saw when leased, and a failed reconnect deletes that backend, so the next statement on
      // the proxy would crash instead of failing with "Session is not connected.".
      soci::connection_pool& pool = db_.pool();
      const std::size_t pos = pool.lease();
      struct give_back {
        soci::connection_pool& pool;
        std::size_t pos;
        ~give_back() { pool.give_back(pos); }
      } lease{pool, pos};
      soci::session& sql = pool.at(pos);
      db_.ensure_connected(sql);
      j(sql);
    } catch (const std::exception& e) {
      log::error("database job failed", {{"error", e.what()}});
    }
  }
}

}  // namespace mediation::store
