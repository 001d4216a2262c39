#pragma once
// The batched writer: every acknowledged write (posts, case changes, read markers, sessions)
// goes through it. A thread with its own connection drains a queue and applies many jobs in one
// transaction (group commit); on MariaDB/MySQL several such lanes run side by side (see the
// constructor). Events a job appends get their thread's seq inside the transaction.
//
// A job that fails (an application error such as forbidden, or a database error) is left out
// and the rest of the batch commits. Every store function that writes marks the job dirty first
// (write_context::touch); a job that fails before writing anything needs no rollback, and one
// that fails after writing is undone alone: on SQLite the writer rolls back to the savepoint taken
// before it; on MySQL, where a savepoint costs a round trip, the writer rolls the transaction back
// and applies the batch again from its start, without it. A batch the database undoes whole (a deadlock, a certification failure) is applied again from the start. So
// jobs must only act on the database (and on state they reset at the start of `apply`), and must
// write only through store functions that take the write_context.
//
// Batches are pipelined: with a backlog (16 jobs queued; fewer wait and go in one batch), a lane's
// thread applies the next batch while the batch before it commits and fans out on the lane's
// finisher thread (MySQL: each lane has two connections, so a batch is applied on one while the
// other commits; SQLite commits where it applies, and only the fan-out overlaps). A batch touching
// a thread the batch before it holds waits for its commit on the thread's row lock, and so reads
// what it committed. If the database undoes a batch at its commit
// (Galera: another node's commit certified first), the batches applied after it are undone as well
// and all are applied again in order, each committed before the next.
//
// After the commit, and only then, the finisher calls the event sink with each job's events (in
// commit order, so per thread in seq order) and then the job's completion. If the commit fails, no
// event is published and every job completes with an internal error: nothing that was not durably
// committed is ever acknowledged.
//
// submit() is thread-safe. Completions and the sink run on a lane's finisher and must not block.

#include <chrono>
#include <condition_variable>
#include <memory>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <iterator>
#include <exception>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <map>
#include <set>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "server/base/log.hpp"
#include "server/store/access_cache.hpp"
#include "server/store/case_access.hpp"
#include "server/store/database.hpp"
#include "server/store/fair_queue.hpp"
#include "server/store/statement_cache.hpp"

namespace mediation::store {

// An event as stored in a thread.
struct stored_event {
  long long thread = 0;
  long long seq = 0;
  std::string kind;
  long long at = 0;  // UTC ms
  long long author_id = 0;
  std::string author_name;
  std::string data;  // JSON object text
  std::optional<std::string> cmid;
  // For a case-changing event (any kind but message): the case's other thread, whose
  // subscribers' access is rechecked along with this thread's (app::publish_events). Not stored.
  long long sibling_thread = 0;
};

// What a job will touch, announced at submit so that the writer reads it for the whole batch in a
// few queries before applying the jobs (instead of a few round trips per job).
struct write_hint {
  // The job reads the thread's access facts and may append to it (and to no other thread). 0: the
  // job touches no thread and changes nobody's access (an audit row): it shares the lanes' turn
  // instead of running alone, as a job without hints does.
  long long thread = 0;
  long long author = 0;             // with cmid: the idempotency key (thread, author, cmid)
  std::optional<std::string> cmid;
};

// State of one transaction attempt, shared by the jobs of the batch.
struct transaction_memo {
  struct head {
    long long seq = 0;        // newest seq allocated in this transaction
    long long persisted = 0;  // the value threads.head_seq holds in this transaction
  };
  using cmid_key = std::tuple<long long, long long, std::string>;  // thread, author, cmid
  std::unordered_map<long long, head> heads;               // thread id -> head (locked)
  std::unordered_map<long long, case_access> access;       // thread id -> access facts
  std::map<cmid_key, long long> cmids_known;               // stored or appended: key -> seq
  std::set<cmid_key> cmids_checked;                        // keys looked up for the batch
  std::vector<stored_event> pending_events;                // appended, inserted before the commit
  // On MySQL, events are inserted many rows at a time before the commit. If that insert fails
  // (a constraint), the batch is applied again with each event inserted as it is appended, so
  // that the job at fault fails alone. SQLite inserts each event as it is appended.
  bool defer_events = false;
  // The writer connection's prepared statements (SQLite only; null elsewhere: see statement_cache).
  statement_cache* statements = nullptr;
  // The writer's access facts by thread and version (access_cache.hpp); null: read every time.
  access_cache* known_access = nullptr;
};

// What a job sees while it runs inside the batch transaction.
class write_context {
 public:
  write_context(soci::session& sql, long long now, transaction_memo& memo) : sql(sql), now(now), memo(memo) {}
  soci::session& sql;
  const long long now;  // the batch's timestamp, UTC ms
  transaction_memo& memo;
  // Every store function that writes calls this before it writes.
  void touch() noexcept { dirty_ = true; }
  bool dirty() const noexcept { return dirty_; }
  // Records an event the job appended (event_repo::append_event calls this).
  void add_event(stored_event e) { events.push_back(std::move(e)); }
  std::vector<stored_event> events;

 private:
  bool dirty_ = false;
};

struct writer_stats {
  unsigned long long batches = 0, jobs = 0, failed_commits = 0;
  unsigned long long replays = 0;  // a job that failed after writing undone, a row-by-row retry, a batch undone by the database
  std::size_t largest_batch = 0;
  std::size_t queued = 0;          // jobs waiting now
  // Time from BEGIN to the end of COMMIT, per batch: counts of batches at or under each bound.
  static constexpr double commit_bounds_s[] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0};
  unsigned long long commit_buckets[std::size(commit_bounds_s)] = {};
  double commit_seconds_sum = 0;
};

class batched_writer {
 public:
  using apply_fn = std::function<void(write_context&)>;
  // Called once per job: error is null on success.
  using done_fn = std::function<void(std::exception_ptr error, const std::vector<stored_event>& events)>;
  using event_sink = std::function<void(const std::vector<stored_event>& events)>;
  // Runs its argument, which calls the sink and the completions of one batch, inside whatever the
  // caller wants around them (the server: a net::delivery_batch, so that the batch's pushes and
  // acknowledgements reach the I/O threads in a few posts).
  using completion_scope = std::function<void(const std::function<void()>& complete)>;

  // `max_batch`: jobs per transaction at most; `max_queued`: bound of the queue; `max_per_key`:
  // jobs of one key (user) waiting at most (0: no bound). Keys are served in turn (fair_queue).
  // `lanes`: writer connections, each with its thread and queue, each owning the threads that
  // lane_of() gives it: a job with hints goes to the lane of its first hint's thread.
  // Such jobs (posts, read markers) append only to their hinted thread, so a thread's events are
  // committed by one lane, in seq order, and lanes commit side by side, sharing the database's log
  // flushes. A job without hints (a case change, an access change, a login, the search indexer)
  // may touch anything: it goes to lane 0 and its batch runs alone, once every other lane has
  // committed and published what it had taken, and none starts until it has published in turn.
  // So a change of who may see a case is published (hub holds) before any write committed after
  // it, as with one writer. The bounds `max_queued` and `max_per_key` apply per lane.
  // SQLite has one writer at a time: one lane there whatever is asked.
  batched_writer(database& db, event_sink sink, std::size_t max_batch = 512,
                 std::size_t max_queued = 200000, std::size_t max_per_key = 0, std::size_t lanes = 1,
                 completion_scope scope = {});
  ~batched_writer();  // stop()
  batched_writer(const batched_writer&) = delete;
  batched_writer& operator=(const batched_writer&) = delete;

  // Queues a job. Returns false (and never calls `done`) when the queue is full or the writer
  // has stopped; the caller then answers "busy". `hints` are optional (see write_hint).
  // `key`: whose job it is (a user id; 0 for the server's own work), for fair turns.
  bool submit(apply_fn apply, done_fn done, std::vector<write_hint> hints = {}, long long key = 0);
  // Commits everything already queued, then joins the threads. Idempotent.
  void stop();
  // Summed over the lanes.
  writer_stats stats() const;
  std::size_t lanes() const noexcept { return lanes_.size(); }
  // The lane that owns `thread` among `lanes` (thread 0: lane 0): the id mixed, modulo the lanes.
  static std::size_t lane_of(long long thread, std::size_t lanes);
  // Runs on the finisher just before it commits a batch applied ahead (MySQL); set before the first
  // submit. Tests throw from it what a database reports at a commit, as Galera does when another
  // node's commit certified first, which a single MariaDB never reports.
  void set_before_commit(std::function<void(soci::session&)> hook) { before_commit_ = std::move(hook); }

 private:
  struct job {
    apply_fn apply;
    done_fn done;
    std::vector<write_hint> hints;
    log::request_id request_id;  // of the submitter, for the log lines of the job
  };
  // A writer connection of a lane, busy from a batch's first statement to the end of its commit.
  struct connection {
    connection();
    ~connection();  // where soci::session is complete
    std::unique_ptr<soci::session> sql;
    statement_cache statements;  // on `sql`: declared after it, so gone before it
    bool busy = false;           // under the lane's mutex
  };
  struct outcome {
    std::exception_ptr error;
    std::vector<stored_event> events;
  };
  // A batch from its first statement to its completion.
  struct flight {
    std::vector<job> jobs;
    std::vector<outcome> results;
    std::vector<char> left_out;      // failed after writing: not applied again
    std::vector<write_hint> hints;   // of all its jobs
    connection* conn = nullptr;
    bool gated = false, alone = false, unhinted = false;
    bool open = false;       // applied, its transaction waiting for the commit
    bool owns_conn = false;  // handed to the finisher open: the finisher frees the connection
    bool committed = false;
    bool restarted = false, row_by_row = false;
    int attempt = 0;
    unsigned long long replays = 0;
    std::chrono::steady_clock::time_point started;
  };
  struct lane {
    lane(std::size_t max_queued, std::size_t max_per_key);
    ~lane();
    mutable std::mutex mutex;
    std::condition_variable cv;          // the lane's thread waits: jobs queued, a connection free, a replay over
    std::condition_variable finish_cv;   // the finisher waits: a batch to finish, the lane's thread idle
    fair_queue<job> queue;
    bool stopping = false;
    writer_stats stats;
    std::vector<std::unique_ptr<connection>> connections;
    std::deque<std::unique_ptr<flight>> finishing;  // applied, in order: committed and completed next
    bool applying = false;   // the lane's thread is applying a batch
    bool finishing_one = false;  // the finisher holds a batch taken from `finishing`
    bool replaying = false;  // a commit failed: batches after it are applied again, in order
    std::size_t to_replay = 0;  // of those, still in `finishing`
    bool taken_all = false;  // the lane's thread has returned
    std::thread thread, finisher;
  };
  void run(lane& l);
  void finish(lane& l);
  // Applies the batch on its connection; with `commit`, commits it too. Retries what the database
  // undid (a deadlock). Sets open or committed; neither means it failed and nothing of it stays.
  void apply(flight& f, bool commit);
  void replay_after_failed_commit(lane& l, flight& f);
  void complete(flight& f);
  // The gate between lanes: batches of hinted jobs share it; a batch with an unhinted job holds
  // it alone. A batch waiting to run alone goes ahead of new sharers, and the sharers that waited
  // meanwhile go ahead of the next one: neither side starves.
  void enter(bool alone);
  void leave(bool alone);

  database& db_;
  access_cache access_cache_;  // shared by the lanes
  bool use_access_cache_ = false;  // the triggers that move the versions are all there
  event_sink sink_;
  completion_scope scope_;
  std::function<void(soci::session&)> before_commit_;
  std::size_t max_batch_;
  std::vector<std::unique_ptr<lane>> lanes_;
  std::mutex gate_mutex_;
  std::condition_variable gate_cv_;
  std::size_t sharing_ = 0;
  bool alone_ = false;
  std::size_t alone_waiting_ = 0;
  std::size_t share_waiting_ = 0;
  std::size_t sharers_first_ = 0;  // sharers let in ahead of the next batch that runs alone
  unsigned long long next_ticket_ = 0;   // each sharer's place in line
  unsigned long long first_before_ = 0;  // sharers with a ticket below it go before the next alone batch
};

}  // namespace mediation::store
