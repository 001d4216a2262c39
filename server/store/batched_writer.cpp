#include "server/store/batched_writer.hpp"

#include <chrono>

#include <soci/soci.h>

#include "protocol/errors.hpp"
#include "server/base/log.hpp"
#include "server/store/access_repo.hpp"
#include "server/store/event_repo.hpp"
#include "server/base/time.hpp"

namespace mediation::store {

batched_writer::batched_writer(database& db, event_sink sink, std::size_t max_batch, std::size_t max_queued,
                               std::size_t max_per_key)
    : db_(db), sink_(std::move(sink)), max_batch_(max_batch ? max_batch : 1), queue_(max_queued, max_per_key),
      sql_(std::make_unique<soci::session>()) {
  db_.open(*sql_);
  thread_ = std::thread([this] { run(); });
}

batched_writer::~batched_writer() { stop(); }

bool batched_writer::submit(apply_fn apply, done_fn done, std::vector<write_hint> hints, long long key) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ || !queue_.push(key, job{std::move(apply), std::move(done), std::move(hints), log::current_request()}))
      return false;
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
  writer_stats s = stats_;
  s.queued = queue_.size();
  return s;
}

void batched_writer::run() {
  std::vector<job> batch;
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and everything queued is committed
      // Take what is there now: latency comes from not waiting for a batch to fill.
      while (!queue_.empty() && batch.size() < max_batch_) batch.push_back(queue_.pop());
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
  std::vector<char> left_out(batch.size(), 0);  // failed after writing: not applied again
  std::vector<write_hint> hints;
  for (const auto& j : batch) hints.insert(hints.end(), j.hints.begin(), j.hints.end());
  bool committed = false;
  unsigned long long replays = 0;
  const auto started = std::chrono::steady_clock::now();
  bool row_by_row = false;
  for (;;) {
    try {
      transaction_memo memo;
      // Round trips dominate on a networked database: read what the jobs announced in a few
      // queries and insert events many rows at a time. In-process SQLite has no round trips to
      // save, and parsing the larger statements would cost more than it saves.
      const bool batch_io = db_.kind() == backend::mysql;
      memo.defer_events = batch_io && !row_by_row;
      db_.begin_write(sql);  // SQLite: take the write lock first (BEGIN IMMEDIATE), so a batch waits for it
      const long long now = now_millis();
      if (batch_io) prefetch(sql, db_.kind(), hints, memo);
      // A job that fails after writing is undone alone: the transaction goes back to the last
      // savepoint, taken every `checkpoint_every` jobs, and only the jobs since then are applied
      // again, without the failed one. A savepoint is a statement, a round trip on MySQL: one every
      // 16 jobs there; on SQLite, where a statement costs no round trip, one per job.
      const std::size_t checkpoint_every = batch_io ? 16 : 1;
      std::size_t checkpoint = 0;  // the first job after the savepoint
      transaction_memo at_checkpoint;
      bool need_savepoint = true;
      std::size_t i = 0;
      while (i < batch.size()) {
        if (need_savepoint || i - checkpoint >= checkpoint_every) {
          sql << "SAVEPOINT job_batch";
          at_checkpoint = memo;
          checkpoint = i;
          need_savepoint = false;
        }
        if (left_out[i]) {
          ++i;
          continue;
        }
        results[i] = outcome{};
        write_context ctx(sql, now, memo);
        log::request_scope scope(batch[i].request_id);
        try {
          batch[i].apply(ctx);
          results[i].events = std::move(ctx.events);
        } catch (const std::exception& e) {
          results[i].error = std::current_exception();
          if (!dynamic_cast<const protocol::error*>(&e)) log::error("write job failed", {{"error", e.what()}});
          if (ctx.dirty()) {
            // It wrote before failing: back to the savepoint (which stays), and on from there.
            left_out[i] = 1;
            sql << "ROLLBACK TO SAVEPOINT job_batch";
            memo = at_checkpoint;
            ++replays;
            for (std::size_t k = checkpoint; k < i; ++k)
              if (!left_out[k]) results[k] = outcome{};
            i = checkpoint;
            continue;
          }
        }
        ++i;
      }
      try {
        flush_pending_events(sql, memo);
      } catch (const std::exception& e) {
        if (row_by_row) throw;
        log::warn("batch insert failed; applying the batch again row by row", {{"error", e.what()}});
        sql.rollback();
        row_by_row = true;
        ++replays;
        continue;
      }
      flush_thread_heads(sql, memo);
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
    break;
  }
  {
    std::lock_guard lock(mutex_);
    ++stats_.batches;
    stats_.jobs += batch.size();
    stats_.replays += replays;
    if (!committed) ++stats_.failed_commits;
    if (batch.size() > stats_.largest_batch) stats_.largest_batch = batch.size();
    if (committed) {
      const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
      stats_.commit_seconds_sum += seconds;
      for (std::size_t i = 0; i < std::size(writer_stats::commit_bounds_s); ++i)
        if (seconds <= writer_stats::commit_bounds_s[i]) ++stats_.commit_buckets[i];
    }
  }
  auto internal = std::make_exception_ptr(
      protocol::error(protocol::errc::internal, "the database write failed; nothing was stored"));
  for (std::size_t i = 0; i < batch.size(); ++i) {
    auto& r = results[i];
    if (!committed && !r.error) r.error = internal;
    if (!committed || r.error) r.events.clear();
    log::request_scope scope(batch[i].request_id);
    try {
      if (!r.error && !r.events.empty()) sink_(r.events);
      if (batch[i].done) batch[i].done(r.error, r.events);
    } catch (const std::exception& e) {
      log::error("write completion failed", {{"error", e.what()}});
    }
  }
}

}  // namespace mediation::store
