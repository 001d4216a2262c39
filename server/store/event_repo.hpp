#pragma once
// SQL for thread events and read markers. Functions taking write_context run inside the
// batched writer's transaction; the others run on a job_pool session. All throw soci errors
// on database failure.

#include <optional>
#include <string>
#include <vector>

#include "server/store/batched_writer.hpp"

namespace mediation::store {

struct author {
  long long id = 0;
  std::string name;
};

// Appends an event to `thread`, assigning the next seq, and records it in ctx. `data` is a JSON
// object text. Returns the seq. The caller has checked that the thread exists. The row itself is
// inserted with the batch's other events just before the commit (flush_pending_events).
long long append_event(write_context& ctx, long long thread, const std::string& kind, const author& by,
                       const std::string& data, const std::optional<std::string>& cmid = std::nullopt);

// The seq of the message `by` already posted in `thread` with `cmid`, if any.
std::optional<long long> find_cmid(soci::session& sql, long long thread, long long author_id,
                                   const std::string& cmid);
// The same inside the writer's transaction: sees messages appended earlier in it and answers
// from the batch's prefetched keys when the job gave its cmid as a hint.
std::optional<long long> find_cmid(write_context& ctx, long long thread, long long author_id,
                                   const std::string& cmid);

// Before a batch: locks and reads the heads of the hinted threads, loads their access facts and
// looks up the hinted idempotency keys, a few queries for the whole batch (on both backends: on
// SQLite, which holds the write lock, they save the parsing of many small statements).
void prefetch(soci::session& sql, backend kind, const std::vector<write_hint>& hints, transaction_memo& memo);
// Inserts the events appended in the transaction and not yet inserted: before the commit, many
// rows per statement; with memo.statements (SQLite), one row at a time by a prepared statement.
void flush_pending_events(soci::session& sql, transaction_memo& memo);

// The newest seq of `thread` (0 when it has no event).
long long thread_head(soci::session& sql, long long thread);
// The same inside the writer's transaction, counting events appended earlier in it.
long long thread_head(write_context& ctx, long long thread);
// Writes the heads allocated in memory during the transaction (the batched writer calls this
// before it commits).
void flush_thread_heads(soci::session& sql, const transaction_memo& memo);

// Events with seq > after, in increasing seq, at most `limit`.
std::vector<stored_event> events_after(soci::session& sql, long long thread, long long after, int limit);
// Up to `limit` events with seq < before (or the newest when before is empty), increasing seq.
std::vector<stored_event> events_before(soci::session& sql, long long thread,
                                        std::optional<long long> before, int limit);

struct read_marker {
  long long user_id = 0;
  std::string user_name;
  long long seq = 0;
  long long at = 0;
};
// Moves the user's marker forward to `seq` (never back). Returns the marker now stored.
long long set_read_marker(write_context& ctx, long long thread, long long user_id, long long seq);
std::vector<read_marker> read_markers(soci::session& sql, long long thread);
// Events of `thread` after `user_id`'s read marker written by someone else: what is new to them.
long long unread_count(soci::session& sql, long long thread, long long user_id);

// Records who did what to which case.
void audit(write_context& ctx, std::optional<long long> user_id, const std::string& action,
           std::optional<long long> case_id, const std::string& detail, const std::string& remote = "");

}  // namespace mediation::store
