#include "server/store/batched_writer.hpp"

#include <soci/soci.h>

#include "protocol/errors.hpp"
#include "server/log.hpp"
#include "server/time.hpp"

namespace mediation::store {

batched_writer::batched_writer(database& db, event_sink sink, std::size_t max_batch, std::size_t max_queued)
    : db_(db), sink_(std::move(sink)), max_batch_(max_batch ? max_batch : 1), max_queued_(max_queued),
      sql_(std::make_unique<soci::session>()) {
  db_.open(*sql_);
  thread_ = std::thread([this] { run(); });
}

batched_writer::~batched_writer() { stop(); }

bool batched_writer::submit(apply_fn apply, done_fn done) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ || queue_.size() >= max_queued_) return false;
    queue_.push_back(job{std::move(apply), std::move(done)});
  }
  cv_.notify_one();
  return true;
}

void batched_writer::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

writer_stats batched_writer::stats() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

void batched_writer::run() {
  std::vector<job> batch;
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and everything queued is committed
      // Take what is there now: latency comes from not waiting for a batch to fill.
      while (!queue_.empty() && batch.size() < max_batch_) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    run_batch(batch);
    batch.clear();
  }
}

void batched_writer::run_batch(std::vector<job>& batch) {
  soci::session& sql = *sql_;
  db_.ensure_connected(sql);
  struct outcome {
    std::exception_ptr error;
    std::vector<stored_event> events;
  };
  std::vector<outcome> results(batch.size());
  bool committed = false;
  try {
    sql.begin();
    long long now = now_millis();
    for (std::size_t i = 0; i < batch.size(); ++i) {
      write_context ctx(sql, now);
      sql << "SAVEPOINT job";
      try {
        batch[i].apply(ctx);
        sql << "RELEASE SAVEPOINT job";
        results[i].events = std::move(ctx.events);
      } catch (const protocol::error&) {
        results[i].error = std::current_exception();
        sql << "ROLLBACK TO SAVEPOINT job";
        sql << "RELEASE SAVEPOINT job";
      } catch (const soci::soci_error& e) {
        // A statement failed inside the job: roll back its part if the connection still works.
        results[i].error = std::current_exception();
        log::error("write job failed", {{"error", e.what()}});
        sql << "ROLLBACK TO SAVEPOINT job";
        sql << "RELEASE SAVEPOINT job";
      }
    }
    sql.commit();
    committed = true;
  } catch (const std::exception& e) {
    log::error("write batch failed, nothing of it is acknowledged",
               {{"error", e.what()}, {"jobs", std::to_string(batch.size())}});
    try {
      sql.rollback();
    } catch (...) {
    }
  }
  {
    std::lock_guard lock(mutex_);
    ++stats_.batches;
    stats_.jobs += batch.size();
    if (!committed) ++stats_.failed_commits;
    if (batch.size() > stats_.largest_batch) stats_.largest_batch = batch.size();
  }
  auto internal = std::make_exception_ptr(
      protocol::error(protocol::errc::internal, "the database write failed; nothing was stored"));
  for (std::size_t i = 0; i < batch.size(); ++i) {
    auto& r = results[i];
    if (!committed && !r.error) r.error = internal;
    if (!committed) r.events.clear();
    try {
      if (!r.error && !r.events.empty()) sink_(r.events);
      if (batch[i].done) batch[i].done(r.error, r.events);
    } catch (const std::exception& e) {
      log::error("write completion failed", {{"error", e.what()}});
    }
  }
}

}  // namespace mediation::store
