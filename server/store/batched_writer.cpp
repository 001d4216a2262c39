#include "server/store/batched_writer.hpp"

#include <algorithm>
#include <chrono>

#include <soci/soci.h>
#include <soci/mysql/soci-mysql.h>

#include "protocol/errors.hpp"
#include "server/base/log.hpp"
#include "server/base/thread_name.hpp"
#include "server/store/access_repo.hpp"
#include "server/store/event_repo.hpp"
#include "server/base/time.hpp"

namespace mediation::store {

namespace {
// A transaction the database undid whole to break a deadlock between writers (lanes of this node
// or other nodes) or, on Galera, because another node's commit certified first (both MySQL error
// 1213), or a statement that waited too long for a lock (1205): the batch is applied again.
// Judged by the error number only, never by text (which may hold values a user sent).
bool retryable(const std::exception& e) {
  if (const auto* m = dynamic_cast<const soci::mysql_soci_error*>(&e)) return m->err_num_ == 1213 || m->err_num_ == 1205;
  return false;
}
constexpr int max_attempts = 5;
// Jobs queued in a lane from which its next batch is applied while the one before it still
// commits and fans out (fewer wait for it: see run()).
constexpr std::size_t pipeline_backlog = 16;

// The triggers of sql/*/011_access_version.sql that are not in the database, separated by spaces
// ("" when all are): without any of them a change could leave a thread's version where it was.
std::string missing_access_triggers(soci::session& sql, backend kind) {
  std::set<std::string> expected{"cases_access_update", "orgs_access_update"};
  for (const char* table : {"case_orgs", "case_invites", "case_leaders"})
    for (const char* change : {"insert", "update", "delete"}) expected.insert(std::string(table) + "_access_" + change);
  std::string name;
  soci::statement st = (sql.prepare << (kind == backend::mysql
                                            ? "SELECT trigger_name FROM information_schema.triggers WHERE trigger_schema = DATABASE()"
                                            : "SELECT name FROM sqlite_master WHERE type = 'trigger'"),
                        soci::into(name));
  st.execute();
  while (st.fetch()) expected.erase(name);
  std::string out;
  for (const auto& n : expected) out += (out.empty() ? "" : " ") + n;
  return out;
}

struct savepoint_statements {
  soci::statement release, take;
  explicit savepoint_statements(soci::session& sql)
      : release(sql.prepare << "RELEASE SAVEPOINT job_batch"), take(sql.prepare << "SAVEPOINT job_batch") {}
};

// Replaces the batch's savepoint (`open`: one was taken in this attempt) by one taken now.
void take_savepoint(soci::session& sql, transaction_memo& memo, bool open) {
  if (memo.statements) {
    // SQLite stacks savepoints of one name, and keeps what each would undo (in memory: temp_store)
    // until it is released: the last is released first, so one is open at a time.
    auto& st = memo.statements->get<savepoint_statements>(sql);
    if (open) st.release.execute(true);
    st.take.execute(true);
  } else {
    sql << "SAVEPOINT job_batch";  // MySQL (after a restart) replaces the savepoint of the same name
  }
}

void release_savepoint(soci::session& sql, transaction_memo& memo) {
  if (memo.statements)
    memo.statements->get<savepoint_statements>(sql).release.execute(true);
  else
    sql << "RELEASE SAVEPOINT job_batch";
}
}  // namespace

batched_writer::connection::connection() : sql(std::make_unique<soci::session>()) {}
batched_writer::connection::~connection() = default;
batched_writer::lane::lane(std::size_t max_queued, std::size_t max_per_key) : queue(max_queued, max_per_key) {}
batched_writer::lane::~lane() = default;

batched_writer::batched_writer(database& db, event_sink sink, std::size_t max_batch, std::size_t max_queued,
                               std::size_t max_per_key, std::size_t lanes, completion_scope scope)
    : db_(db), sink_(std::move(sink)), scope_(std::move(scope)), max_batch_(max_batch ? max_batch : 1) {
  if (db_.kind() != backend::mysql || lanes == 0) lanes = 1;
  // MySQL: two connections a lane, so that a batch is applied on one while the one before it
  // commits on the other. SQLite commits where it applies (one writer at a time): one.
  const std::size_t per_lane = db_.kind() == backend::mysql ? 2 : 1;
  for (std::size_t i = 0; i < lanes; ++i) {
    auto l = std::make_unique<lane>(max_queued, max_per_key);
    for (std::size_t c = 0; c < per_lane; ++c) {
      auto conn = std::make_unique<connection>();
      db_.open(*conn->sql);
      l->connections.push_back(std::move(conn));
    }
    lanes_.push_back(std::move(l));
  }
  if (auto missing = missing_access_triggers(*lanes_.front()->connections.front()->sql, db_.kind()); !missing.empty())
    log::error("access-version triggers missing (sql/*/011_access_version.sql): the writer reads every batch's access facts from the tables",
               {{"missing", missing}});
  else
    use_access_cache_ = true;
  for (auto& l : lanes_) {
    l->thread = std::thread([this, p = l.get()] {
      name_this_thread("mn-writer");
      run(*p);
    });
    l->finisher = std::thread([this, p = l.get()] {
      name_this_thread("mn-commit");
      finish(*p);
    });
  }
}

batched_writer::~batched_writer() { stop(); }

std::size_t batched_writer::lane_of(long long thread, std::size_t lanes) {
  if (thread == 0 || lanes <= 1) return 0;
  // Mixed first: ids come in patterns (a case's two threads are made together, so the threads
  // that carry most posts may all be odd), which a plain modulo would pile onto a few lanes.
  auto x = static_cast<std::uint64_t>(thread);  // splitmix64's finaliser
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return static_cast<std::size_t>(x % lanes);
}

bool batched_writer::submit(apply_fn apply, done_fn done, std::vector<write_hint> hints, long long key) {
  lane& l = *lanes_[hints.empty() ? 0 : lane_of(hints.front().thread, lanes_.size())];
  {
    std::lock_guard lock(l.mutex);
    if (l.stopping || !l.queue.push(key, job{std::move(apply), std::move(done), std::move(hints), log::current_request()}))
      return false;
  }
  l.cv.notify_one();
  return true;
}

void batched_writer::stop() {
  for (auto& l : lanes_) {
    std::lock_guard lock(l->mutex);
    l->stopping = true;
  }
  for (auto& l : lanes_) l->cv.notify_all();
  for (auto& l : lanes_) {
    if (l->thread.joinable()) l->thread.join();
    if (l->finisher.joinable()) l->finisher.join();  // after the last batch is completed
  }
}

writer_stats batched_writer::stats() const {
  writer_stats s;
  for (const auto& l : lanes_) {
    std::lock_guard lock(l->mutex);
    const writer_stats& x = l->stats;
    s.batches += x.batches;
    s.jobs += x.jobs;
    s.failed_commits += x.failed_commits;
    s.replays += x.replays;
    s.largest_batch = std::max(s.largest_batch, x.largest_batch);
    s.queued += l->queue.size();
    for (std::size_t i = 0; i < std::size(writer_stats::commit_bounds_s); ++i) s.commit_buckets[i] += x.commit_buckets[i];
    s.commit_seconds_sum += x.commit_seconds_sum;
  }
  return s;
}

void batched_writer::enter(bool alone) {
  std::unique_lock lock(gate_mutex_);
  if (alone) {
    ++alone_waiting_;
    gate_cv_.wait(lock, [this] { return !alone_ && sharing_ == 0 && sharers_first_ == 0; });
    --alone_waiting_;
    alone_ = true;
  } else {
    // Tickets tell the sharers that waited while a batch ran alone (let in first) from a lane that
    // asks again meanwhile (a pipelined lane asks once per batch): it must not take their places.
    const unsigned long long ticket = next_ticket_++;
    ++share_waiting_;
    gate_cv_.wait(lock, [this, ticket] { return !alone_ && (alone_waiting_ == 0 || ticket < first_before_); });
    --share_waiting_;
    if (ticket < first_before_ && sharers_first_ > 0) --sharers_first_;
    ++sharing_;
  }
}

void batched_writer::leave(bool alone) {
  {
    std::lock_guard lock(gate_mutex_);
    if (alone) {
      alone_ = false;
      // The lanes that waited while it ran go next, before another batch runs alone: turns
      // alternate, so neither side starves the other.
      sharers_first_ = share_waiting_;
      first_before_ = next_ticket_;
    } else {
      --sharing_;
    }
  }
  gate_cv_.notify_all();
}

// The lane's thread takes and applies batches; its finisher commits them (MySQL) and completes
// them, in the order they were applied. So the next batch is applied while the one before it
// commits and fans out. A batch holds its share of the gate until it is completed.
void batched_writer::run(lane& l) {
  const bool commit_here = l.connections.size() == 1;  // SQLite: one writer connection at a time
  for (;;) {
    auto f = std::make_unique<flight>();
    {
      std::unique_lock lock(l.mutex);
      // While the batch before is still committing or fanning out, jobs that arrive meanwhile wait
      // for it and go into one batch, as without pipelining: a batch applied early for a few jobs
      // costs a transaction (a log flush) and its fixed work for them alone. Only a backlog
      // (pipeline_backlog jobs) is taken at once, when the lane is the limit and overlap pays.
      l.cv.wait(lock, [&l] {
        const bool idle = l.finishing.empty() && !l.finishing_one;
        return l.stopping || (!l.queue.empty() && (idle || l.queue.size() >= pipeline_backlog));
      });
      if (l.queue.empty()) {  // stopping, and everything queued is applied
        l.taken_all = true;
        l.finish_cv.notify_all();
        return;
      }
      // Take what is there now: latency comes from not waiting for a batch to fill.
      while (!l.queue.empty() && f->jobs.size() < max_batch_) f->jobs.push_back(l.queue.pop());
    }
    f->unhinted = std::any_of(f->jobs.begin(), f->jobs.end(), [](const job& j) { return j.hints.empty(); });
    // One lane needs no gate; with several, a batch holding a job without hints runs alone.
    f->gated = lanes_.size() > 1;
    f->alone = f->gated && f->unhinted;
    if (f->gated) enter(f->alone);
    {
      std::unique_lock lock(l.mutex);
      // A batch with a job without hints starts once the lane's batches before it are completed,
      // and the lane takes nothing more until it is completed in turn (below): such a job may read
      // anything (the search indexer must not pass an event still to be committed) and may change
      // who may see what (its holds go out before any later push). The gate does the same between lanes.
      // Any other batch starts once the finisher has taken the one before it: one batch is applied
      // while one is committed and completed, no more, so that jobs wait in the queue (bounded,
      // and answered "busy" when full) rather than in batches taken from it.
      l.cv.wait(lock, [&l, &f] {
        return !l.replaying && l.finishing.empty() && (!f->unhinted || !l.finishing_one) &&
               std::any_of(l.connections.begin(), l.connections.end(), [](const auto& c) { return !c->busy; });
      });
      for (auto& c : l.connections)
        if (!c->busy) {
          f->conn = c.get();
          break;
        }
      f->conn->busy = true;
      l.applying = true;
    }
    apply(*f, commit_here);
    const bool unhinted = f->unhinted;
    {
      std::unique_lock lock(l.mutex);
      l.applying = false;
      f->owns_conn = f->open;  // else committed here, or failed: the connection is free
      if (!f->owns_conn) f->conn->busy = false;
      l.finishing.push_back(std::move(f));
      l.finish_cv.notify_all();
      if (unhinted) l.cv.wait(lock, [&l] { return l.finishing.empty() && !l.finishing_one; });
    }
  }
}

void batched_writer::finish(lane& l) {
  for (;;) {
    std::unique_ptr<flight> f;
    bool again = false;  // applied again after a failed commit before it: commits here
    {
      std::unique_lock lock(l.mutex);
      l.finish_cv.wait(lock, [&l] { return !l.finishing.empty() || l.taken_all; });
      if (l.finishing.empty()) return;
      f = std::move(l.finishing.front());
      l.finishing.pop_front();
      l.finishing_one = true;
      if (l.to_replay > 0) {
        again = true;
        --l.to_replay;
      }
    }
    l.cv.notify_all();  // the lane's thread may apply the next batch now
    if (again) {
      ++f->replays;
      std::fill(f->left_out.begin(), f->left_out.end(), 0);  // applied again whole, as after a deadlock
      apply(*f, true);
    } else if (f->open) {
      soci::session& sql = *f->conn->sql;
      try {
        if (before_commit_) before_commit_(sql);
        sql.commit();
        f->committed = true;
      } catch (const std::exception& e) {
        try {
          sql.rollback();
        } catch (...) {
        }
        if (retryable(e) && f->attempt < max_attempts) {
          log::warn("write batch undone by the database at its commit; applied again",
                    {{"error", e.what()}, {"jobs", std::to_string(f->jobs.size())}, {"attempt", std::to_string(f->attempt)}});
          replay_after_failed_commit(l, *f);
        } else {
          log::error("write batch failed, nothing of it is acknowledged",
                     {{"error", e.what()}, {"jobs", std::to_string(f->jobs.size())}});
        }
      }
      f->open = false;
    }
    {
      std::lock_guard lock(l.mutex);
      if (f->owns_conn) f->conn->busy = false;
      if (l.to_replay == 0 && l.replaying) l.replaying = false;
      auto& st = l.stats;
      ++st.batches;
      st.jobs += f->jobs.size();
      st.replays += f->replays;
      if (!f->committed) ++st.failed_commits;
      if (f->jobs.size() > st.largest_batch) st.largest_batch = f->jobs.size();
      if (f->committed) {
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - f->started).count();
        st.commit_seconds_sum += seconds;
        for (std::size_t i = 0; i < std::size(writer_stats::commit_bounds_s); ++i)
          if (seconds <= writer_stats::commit_bounds_s[i]) ++st.commit_buckets[i];
      }
    }
    l.cv.notify_all();  // a connection is free, a replay may be over
    complete(*f);
    if (f->gated) leave(f->alone);
    {
      std::lock_guard lock(l.mutex);
      l.finishing_one = false;
    }
    l.cv.notify_all();
  }
}

// The database undid a batch at its commit (on Galera: another node's commit certified first).
// The batches applied after it, waiting on their connections, may have read what it had not yet
// made: they are undone too, and each is applied again in turn, committed before the next.
void batched_writer::replay_after_failed_commit(lane& l, flight& f) {
  std::vector<soci::session*> undo;
  {
    std::unique_lock lock(l.mutex);
    l.replaying = true;  // the lane's thread starts no batch meanwhile
    l.finish_cv.wait(lock, [&l] { return !l.applying; });
    for (auto& later : l.finishing) {
      if (later->open) undo.push_back(later->conn->sql.get());
      later->open = false;
      // Its connection stays its own until it is applied again here (the lane's thread takes
      // none while replaying).
      later->owns_conn = true;
      later->conn->busy = true;
      ++l.to_replay;
    }
  }
  // Outside the lane's lock, which submit() takes on the I/O threads: a rollback is a round trip.
  for (auto* sql : undo) {
    try {
      sql->rollback();
    } catch (...) {
    }
  }
  access_cache_.clear();  // whatever undid it, nothing kept is trusted
  ++f.replays;
  std::fill(f.left_out.begin(), f.left_out.end(), 0);
  apply(f, true);
}

void batched_writer::apply(flight& f, bool commit) {
  soci::session& sql = *f.conn->sql;
  auto& batch = f.jobs;
  if (db_.ensure_connected(sql)) access_cache_.clear();  // the database may have gone back meanwhile
  if (f.results.empty()) {
    f.results.resize(batch.size());
    f.left_out.assign(batch.size(), 0);
    for (const auto& j : batch) f.hints.insert(f.hints.end(), j.hints.begin(), j.hints.end());
    f.started = std::chrono::steady_clock::now();
  }
  auto& results = f.results;
  auto& left_out = f.left_out;
  f.open = f.committed = false;
  for (std::size_t k = 0; k < batch.size(); ++k)
    if (!left_out[k]) results[k] = outcome{};  // a job left out keeps its error
  for (;;) {
    ++f.attempt;
    try {
      transaction_memo memo;
      // What the jobs announced is read for the whole batch in a few statements: on a networked
      // database each saves round trips, on SQLite the parsing of many small statements. Events
      // are inserted many rows at a time on MySQL; on SQLite, with no round trip to save, each as
      // it is appended, by a statement prepared once per connection.
      const bool batch_io = db_.kind() == backend::mysql;
      memo.defer_events = batch_io && !f.row_by_row;
      if (!batch_io) memo.statements = &f.conn->statements;
      if (f.attempt > 1) access_cache_.clear();  // whatever undid the last attempt, nothing kept is trusted
      if (use_access_cache_) memo.known_access = &access_cache_;
      db_.begin_write(sql);  // SQLite: take the write lock first (BEGIN IMMEDIATE), so a batch waits for it
      const long long now = now_millis();
      prefetch(sql, db_.kind(), f.hints, memo);
      // A job that fails after writing is undone alone. On SQLite, where a statement costs no
      // round trip, a savepoint is taken before each job, and the transaction goes back to it. On
      // MySQL a savepoint would cost a round trip per job, and jobs rarely fail after writing:
      // there the transaction is undone and the batch applied again from its start without the job.
      // After one such restart, a batch takes savepoints on MySQL too: jobs that fail after
      // writing (a user may send many) never make it apply again more than once.
      const bool savepoints = !batch_io || f.restarted;
      transaction_memo at_savepoint;
      bool savepoint_open = false, restart = false;
      for (std::size_t i = 0; i < batch.size() && !restart; ++i) {
        if (left_out[i]) continue;
        if (savepoints) {
          take_savepoint(sql, memo, savepoint_open);
          savepoint_open = true;
          at_savepoint = memo;
        }
        results[i] = outcome{};
        write_context ctx(sql, now, memo);
        log::request_scope scope(batch[i].request_id);
        try {
          batch[i].apply(ctx);
          results[i].events = std::move(ctx.events);
        } catch (const std::exception& e) {
          // The database undid the whole transaction (a deadlock): the batch is applied again.
          if (!dynamic_cast<const protocol::error*>(&e) && retryable(e)) throw;
          results[i].error = std::current_exception();
          if (!dynamic_cast<const protocol::error*>(&e)) log::error("write job failed", {{"error", e.what()}});
          if (ctx.dirty()) {
            left_out[i] = 1;
            ++f.replays;
            if (savepoints) {
              sql << "ROLLBACK TO SAVEPOINT job_batch";  // the savepoint stays
              memo = at_savepoint;
            } else {
              restart = true;
            }
          }
        }
      }
      if (restart) {
        sql.rollback();
        f.restarted = true;
        --f.attempt;  // not an attempt the database undid
        for (std::size_t k = 0; k < batch.size(); ++k)
          if (!left_out[k]) results[k] = outcome{};
        continue;
      }
      // The last savepoint is released: on SQLite this fails if the database undid the whole
      // transaction behind a failed statement (out of memory, a full disk), so that nothing of it,
      // the heads above all, is then written outside a transaction.
      if (savepoint_open) release_savepoint(sql, memo);
      try {
        flush_pending_events(sql, memo);
      } catch (const std::exception& e) {
        if (f.row_by_row || retryable(e)) throw;  // a deadlock undoes the batch: applied again whole
        log::warn("batch insert failed; applying the batch again row by row", {{"error", e.what()}});
        sql.rollback();
        f.row_by_row = true;
        ++f.replays;
        continue;
      }
      flush_thread_heads(sql, memo);
      if (!commit) {
        f.open = true;  // the finisher commits it
        return;
      }
      sql.commit();
      f.committed = true;
    } catch (const std::exception& e) {
      if (f.attempt < max_attempts && retryable(e)) {
        log::warn("write batch undone by the database; applied again",
                  {{"error", e.what()}, {"jobs", std::to_string(batch.size())}, {"attempt", std::to_string(f.attempt)}});
        try {
          sql.rollback();
        } catch (...) {
        }
        ++f.replays;
        std::fill(left_out.begin(), left_out.end(), 0);
        for (auto& r : results) r = outcome{};
        continue;
      }
      log::error("write batch failed, nothing of it is acknowledged",
                 {{"error", e.what()}, {"jobs", std::to_string(batch.size())}});
      try {
        sql.rollback();
      } catch (...) {
      }
    }
    return;
  }
}

void batched_writer::complete(flight& f) {
  auto internal = std::make_exception_ptr(
      protocol::error(protocol::errc::internal, "the database write failed; nothing was stored"));
  const auto run_completions = [&] {
    for (std::size_t i = 0; i < f.jobs.size(); ++i) {
      auto& r = f.results[i];
      if (!f.committed && !r.error) r.error = internal;
      if (!f.committed || r.error) r.events.clear();
      log::request_scope scope(f.jobs[i].request_id);
      try {
        if (!r.error && !r.events.empty()) sink_(r.events);
        if (f.jobs[i].done) f.jobs[i].done(r.error, r.events);
      } catch (const std::exception& e) {
        log::error("write completion failed", {{"error", e.what()}});
      }
    }
  };
  if (!scope_) return run_completions();
  bool ran = false;
  try {
    scope_([&] {
      ran = true;
      run_completions();
    });
  } catch (const std::exception& e) {
    log::error("write completion scope failed", {{"error", e.what()}});
  }
  if (!ran) run_completions();  // a committed batch is always published and acknowledged
}

}  // namespace mediation::store
