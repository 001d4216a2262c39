#include "server/store/event_repo.hpp"

#include <algorithm>
#include <limits>

#include <soci/soci.h>

#include "server/store/access_repo.hpp"
#include "server/store/sql_util.hpp"

namespace mediation::store {

namespace {

// Events of `thread` with seq > bound (ascending) or seq < bound (descending), at most `limit`.
std::vector<stored_event> select_events(soci::session& sql, long long thread, long long bound, int limit,
                                        bool after) {
  static const std::string head =
      "SELECT e.thread_id, e.seq, e.kind, e.at, e.author_id, u.name, e.data, e.cmid "
      "FROM events e JOIN users u ON u.id = e.author_id WHERE e.thread_id = :t ";
  const std::string query = head + (after ? "AND e.seq > :b ORDER BY e.seq LIMIT :l"
                                          : "AND e.seq < :b ORDER BY e.seq DESC LIMIT :l");
  stored_event row;
  soci::indicator cmid_ind = soci::i_null;
  std::string cmid;
  soci::statement st =
      (sql.prepare << query, soci::into(row.thread), soci::into(row.seq), soci::into(row.kind),
       soci::into(row.at), soci::into(row.author_id), soci::into(row.author_name), soci::into(row.data),
       soci::into(cmid, cmid_ind), soci::use(thread, "t"), soci::use(bound, "b"), soci::use(limit, "l"));
  std::vector<stored_event> out;
  st.execute();
  while (st.fetch()) {
    stored_event e = row;
    if (cmid_ind == soci::i_ok) e.cmid = cmid;
    out.push_back(std::move(e));
  }
  return out;
}

// One event, by a statement prepared once per connection (statement_cache: SQLite).
struct insert_one_event {
  long long thread = 0, seq = 0, author = 0, at = 0;
  std::string kind, cmid, data;
  soci::indicator cmid_ind = soci::i_null;
  soci::statement st;
  explicit insert_one_event(soci::session& sql)
      : st((sql.prepare << "INSERT INTO events (thread_id, seq, kind, author_id, cmid, at, data) "
                           "VALUES (:t, :s, :k, :a, :c, :w, :d)",
            soci::use(thread, "t"), soci::use(seq, "s"), soci::use(kind, "k"), soci::use(author, "a"),
            soci::use(cmid, cmid_ind, "c"), soci::use(at, "w"), soci::use(data, "d"))) {}
  insert_one_event(const insert_one_event&) = delete;
  insert_one_event& operator=(const insert_one_event&) = delete;
};

}  // namespace

long long append_event(write_context& ctx, long long thread, const std::string& kind, const author& by,
                       const std::string& data, const std::optional<std::string>& cmid) {
  auto& sql = ctx.sql;
  ctx.touch();
  long long seq = 0;
  auto head = ctx.memo.heads.find(thread);
  if (head == ctx.memo.heads.end()) {
    // The row lock taken by this UPDATE serialises seq allocation per thread, across writers and
    // across server nodes, until the commit. Later events of the same thread in this
    // transaction are numbered in memory; flush_thread_heads stores the final head.
    sql << "UPDATE threads SET head_seq = head_seq + 1 WHERE id = :t", soci::use(thread, "t");
    sql << "SELECT head_seq FROM threads WHERE id = :t", soci::into(seq), soci::use(thread, "t");
    ctx.memo.heads[thread] = transaction_memo::head{seq, seq};
  } else {
    seq = ++head->second.seq;
  }
  stored_event e{thread, seq, kind, ctx.now, by.id, by.name, data, cmid};
  if (kind != "message") {
    // Who may see the case may change with it: both of its threads are rechecked after the commit.
    // The job has usually loaded the case's access facts already (they name both threads).
    if (auto it = ctx.memo.access.find(thread); it != ctx.memo.access.end()) {
      e.sibling_thread = it->second.thread_id == thread ? it->second.parties_thread_id : it->second.thread_id;
    } else {
      long long sibling = 0;
      soci::indicator ind = soci::i_null;
      sql << "SELECT id FROM threads WHERE case_id = (SELECT case_id FROM threads WHERE id = :t) AND id <> :t2",
          soci::into(sibling, ind), soci::use(thread, "t"), soci::use(thread, "t2");
      if (sql.got_data() && ind == soci::i_ok) e.sibling_thread = sibling;
    }
  }
  ctx.memo.pending_events.push_back(e);
  if (!ctx.memo.defer_events) flush_pending_events(sql, ctx.memo);  // inserted now, alone
  if (cmid) ctx.memo.cmids_known[{thread, by.id, *cmid}] = seq;
  ctx.add_event(std::move(e));
  return seq;
}

std::optional<long long> find_cmid(write_context& ctx, long long thread, long long author_id, const std::string& cmid) {
  transaction_memo::cmid_key key{thread, author_id, cmid};
  if (auto it = ctx.memo.cmids_known.find(key); it != ctx.memo.cmids_known.end()) return it->second;
  if (ctx.memo.cmids_checked.count(key)) return std::nullopt;
  return find_cmid(ctx.sql, thread, author_id, cmid);
}

void prefetch(soci::session& sql, backend kind, const std::vector<write_hint>& hints, transaction_memo& memo) {
  if (hints.empty()) return;
  std::vector<long long> threads;
  for (const auto& h : hints)
    if (h.thread) threads.push_back(h.thread);  // 0: a job that touches no thread
  std::sort(threads.begin(), threads.end());
  threads.erase(std::unique(threads.begin(), threads.end()), threads.end());
  constexpr std::size_t chunk = 200;
  // Heads, locked for the transaction in id order (SQLite's one writer holds the database lock),
  // with the version of each thread's access facts, read under that lock.
  std::vector<std::pair<long long, long long>> versions;  // thread, access version
  for (std::size_t from = 0; from < threads.size(); from += chunk) {
    std::vector<long long> ids(threads.begin() + from, threads.begin() + std::min(threads.size(), from + chunk));
    long long id = 0, head = 0, version = 0;
    soci::statement st = sql_util::prepare_dynamic(
        sql,
        // On MySQL by the primary key only, even on a small table where a scan would look cheaper:
        // a scan would lock every row it reads, and the writer's lanes would wait on each other.
        std::string("SELECT id, head_seq, access_version FROM threads") + (kind == backend::mysql ? " FORCE INDEX (PRIMARY)" : "") +
            " WHERE id IN (" + sql_util::placeholders("t", ids.size()) + ") ORDER BY id" +
            (kind == backend::mysql ? " FOR UPDATE" : ""),
        [&](soci::statement& s) {
          s.exchange(soci::into(id));
          s.exchange(soci::into(head));
          s.exchange(soci::into(version));
          for (std::size_t i = 0; i < ids.size(); ++i) s.exchange(soci::use(ids[i], "t" + std::to_string(i)));
        });
    st.execute();
    while (st.fetch()) {
      memo.heads[id] = transaction_memo::head{head, head};
      versions.emplace_back(id, version);
    }
  }
  // Access facts: from the cache where the version has not moved since they were read, otherwise
  // read (and cached at the version just read: nothing can change them before the commit without
  // the thread's lock).
  std::vector<long long> unknown;
  for (const auto& [thread, version] : versions) {
    if (memo.known_access)
      if (auto cached = memo.known_access->find(thread, version)) {
        memo.access.emplace(thread, std::move(*cached));
        continue;
      }
    unknown.push_back(thread);
  }
  prefetch_access(sql, unknown, memo);
  if (memo.known_access)
    for (const auto& [thread, version] : versions)
      if (auto it = memo.access.find(thread); it != memo.access.end()) memo.known_access->store(thread, version, it->second);
  // Idempotency keys: one query per chunk of keys, each key a whole-key equality, so that every
  // one is a point lookup in the unique index (thread, author, cmid) however long the thread.
  std::vector<const write_hint*> keyed;
  for (const auto& h : hints)
    if (h.thread && h.cmid && memo.cmids_checked.insert({h.thread, h.author, *h.cmid}).second) keyed.push_back(&h);
  for (std::size_t from = 0; from < keyed.size(); from += chunk) {
    const std::size_t n = std::min(keyed.size(), from + chunk) - from;
    std::string query = "SELECT thread_id, author_id, cmid, seq FROM events WHERE ";
    for (std::size_t i = 0; i < n; ++i) {
      const std::string k = std::to_string(i);
      query += (i ? " OR (thread_id = :t" : "(thread_id = :t") + k + " AND author_id = :a" + k + " AND cmid = :c" + k + ")";
    }
    long long t = 0, a = 0, seq = 0;
    std::string c;
    soci::statement st = sql_util::prepare_dynamic(sql, query, [&](soci::statement& s) {
      s.exchange(soci::into(t));
      s.exchange(soci::into(a));
      s.exchange(soci::into(c));
      s.exchange(soci::into(seq));
      for (std::size_t i = 0; i < n; ++i) {
        const write_hint& h = *keyed[from + i];
        const std::string k = std::to_string(i);
        s.exchange(soci::use(h.thread, "t" + k));
        s.exchange(soci::use(h.author, "a" + k));
        s.exchange(soci::use(*h.cmid, "c" + k));
      }
    });
    st.execute();
    while (st.fetch()) memo.cmids_known[{t, a, c}] = seq;
  }
}

void flush_pending_events(soci::session& sql, transaction_memo& memo) {
  constexpr std::size_t chunk = 100;
  auto& rows = memo.pending_events;
  if (memo.statements) {
    auto& ins = memo.statements->get<insert_one_event>(sql);
    for (const auto& e : rows) {
      ins.thread = e.thread;
      ins.seq = e.seq;
      ins.kind = e.kind;
      ins.author = e.author_id;
      ins.cmid = e.cmid.value_or("");
      ins.cmid_ind = e.cmid ? soci::i_ok : soci::i_null;
      ins.at = e.at;
      ins.data = e.data;
      ins.st.execute(true);
    }
    rows.clear();
    return;
  }
  for (std::size_t from = 0; from < rows.size(); from += chunk) {
    const std::size_t n = std::min(rows.size(), from + chunk) - from;
    std::vector<std::string> cmids(n);
    std::vector<soci::indicator> inds(n);
    std::string query = "INSERT INTO events (thread_id, seq, kind, author_id, cmid, at, data) VALUES ";
    for (std::size_t i = 0; i < n; ++i) {
      const std::string k = std::to_string(i);
      query += (i ? ", (" : "(") + (":t" + k) + ", :s" + k + ", :k" + k + ", :a" + k + ", :c" + k + ", :w" + k + ", :d" + k + ")";
      cmids[i] = rows[from + i].cmid.value_or("");
      inds[i] = rows[from + i].cmid ? soci::i_ok : soci::i_null;
    }
    soci::statement st = sql_util::prepare_dynamic(sql, query, [&](soci::statement& s) {
      for (std::size_t i = 0; i < n; ++i) {
        auto& e = rows[from + i];
        const std::string k = std::to_string(i);
        s.exchange(soci::use(e.thread, "t" + k));
        s.exchange(soci::use(e.seq, "s" + k));
        s.exchange(soci::use(e.kind, "k" + k));
        s.exchange(soci::use(e.author_id, "a" + k));
        s.exchange(soci::use(cmids[i], inds[i], "c" + k));
        s.exchange(soci::use(e.at, "w" + k));
        s.exchange(soci::use(e.data, "d" + k));
      }
    });
    st.execute(true);
  }
  rows.clear();
}

std::optional<long long> find_cmid(soci::session& sql, long long thread, long long author_id,
                                   const std::string& cmid) {
  long long seq = 0;
  soci::indicator ind = soci::i_null;
  sql << "SELECT seq FROM events WHERE thread_id = :t AND author_id = :a AND cmid = :c",
      soci::into(seq, ind), soci::use(thread, "t"), soci::use(author_id, "a"), soci::use(cmid, "c");
  if (!sql.got_data() || ind != soci::i_ok) return std::nullopt;
  return seq;
}

long long thread_head(soci::session& sql, long long thread) {
  long long head = 0;
  sql << "SELECT head_seq FROM threads WHERE id = :t", soci::into(head), soci::use(thread, "t");
  return head;
}

long long thread_head(write_context& ctx, long long thread) {
  auto head = ctx.memo.heads.find(thread);
  return head != ctx.memo.heads.end() ? head->second.seq : thread_head(ctx.sql, thread);
}

void flush_thread_heads(soci::session& sql, const transaction_memo& memo) {
  std::vector<std::pair<long long, long long>> moved;  // thread, head
  for (const auto& [thread, head] : memo.heads)
    if (head.seq != head.persisted) moved.emplace_back(thread, head.seq);
  if (moved.size() == 1) {
    sql << "UPDATE threads SET head_seq = :s WHERE id = :t", soci::use(moved[0].second, "s"), soci::use(moved[0].first, "t");
    return;
  }
  // Many threads: one statement per chunk, whatever the number of threads in the batch.
  constexpr std::size_t chunk = 200;
  for (std::size_t from = 0; from < moved.size(); from += chunk) {
    const std::size_t n = std::min(moved.size(), from + chunk) - from;
    // By the primary key only (see prefetch): the rows locked are the batch's threads, no others.
    std::string query = sql.get_backend_name() == "mysql" ? "UPDATE threads FORCE INDEX (PRIMARY) SET head_seq = CASE id"
                                                          : "UPDATE threads SET head_seq = CASE id";
    for (std::size_t i = 0; i < n; ++i) query += " WHEN :t" + std::to_string(i) + " THEN :s" + std::to_string(i);
    query += " END WHERE id IN (" + sql_util::placeholders("w", n) + ")";
    soci::statement st = sql_util::prepare_dynamic(sql, query, [&](soci::statement& s) {
      for (std::size_t i = 0; i < n; ++i) {
        auto& [thread, head] = moved[from + i];
        s.exchange(soci::use(thread, "t" + std::to_string(i)));
        s.exchange(soci::use(head, "s" + std::to_string(i)));
      }
      for (std::size_t i = 0; i < n; ++i) s.exchange(soci::use(moved[from + i].first, "w" + std::to_string(i)));
    });
    st.execute(true);
  }
}

std::vector<stored_event> events_after(soci::session& sql, long long thread, long long after, int limit) {
  return select_events(sql, thread, after, limit, true);
}

std::vector<stored_event> events_before(soci::session& sql, long long thread,
                                        std::optional<long long> before, int limit) {
  auto out = select_events(sql, thread, before.value_or(std::numeric_limits<long long>::max()), limit, false);
  std::reverse(out.begin(), out.end());
  return out;
}

long long set_read_marker(write_context& ctx, long long thread, long long user_id, long long seq) {
  auto& sql = ctx.sql;
  ctx.touch();
  long long current = 0;
  soci::indicator ind = soci::i_null;
  sql << "SELECT seq FROM read_markers WHERE thread_id = :t AND user_id = :u", soci::into(current, ind),
      soci::use(thread, "t"), soci::use(user_id, "u");
  long long at = ctx.now;
  if (!sql.got_data()) {
    sql << "INSERT INTO read_markers (thread_id, user_id, seq, at) VALUES (:t, :u, :s, :at)",
        soci::use(thread, "t"), soci::use(user_id, "u"), soci::use(seq, "s"), soci::use(at, "at");
    return seq;
  }
  if (seq <= current) return current;
  sql << "UPDATE read_markers SET seq = :s, at = :at WHERE thread_id = :t AND user_id = :u",
      soci::use(seq, "s"), soci::use(at, "at"), soci::use(thread, "t"), soci::use(user_id, "u");
  return seq;
}

std::vector<read_marker> read_markers(soci::session& sql, long long thread) {
  read_marker row;
  soci::statement st =
      (sql.prepare << "SELECT r.user_id, u.name, r.seq, r.at FROM read_markers r "
                      "JOIN users u ON u.id = r.user_id WHERE r.thread_id = :t ORDER BY r.user_id",
       soci::into(row.user_id), soci::into(row.user_name), soci::into(row.seq), soci::into(row.at),
       soci::use(thread, "t"));
  std::vector<read_marker> out;
  st.execute();
  while (st.fetch()) out.push_back(row);
  return out;
}

long long unread_count(soci::session& sql, long long thread, long long user_id) {
  long long n = 0;
  sql << "SELECT COUNT(*) FROM events e WHERE e.thread_id = :t AND e.author_id <> :u AND e.seq > "
         "COALESCE((SELECT r.seq FROM read_markers r WHERE r.thread_id = :t2 AND r.user_id = :u2), 0)",
      soci::into(n), soci::use(thread, "t"), soci::use(user_id, "u"), soci::use(thread, "t2"),
      soci::use(user_id, "u2");
  return n;
}

void audit(write_context& ctx, std::optional<long long> user_id, const std::string& action,
           std::optional<long long> case_id, const std::string& detail, const std::string& remote) {
  ctx.touch();
  long long at = ctx.now;
  long long uid = user_id.value_or(0), cid = case_id.value_or(0);
  soci::indicator uind = user_id ? soci::i_ok : soci::i_null, cind = case_id ? soci::i_ok : soci::i_null;
  std::string a = action, d = detail, r = remote;
  ctx.sql << "INSERT INTO audit (at, user_id, action, case_id, detail, remote) "
             "VALUES (:at, :u, :a, :c, :d, :r)",
      soci::use(at, "at"), soci::use(uid, uind, "u"), soci::use(a, "a"), soci::use(cid, cind, "c"),
      soci::use(d, "d"), soci::use(r, "r");
}

}  // namespace mediation::store
