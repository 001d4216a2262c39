#include "server/store/event_repo.hpp"

#include <algorithm>
#include <limits>

#include <soci/soci.h>

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
  std::string cmid_value = cmid.value_or("");
  soci::indicator cmid_ind = cmid ? soci::i_ok : soci::i_null;
  long long author_id = by.id;
  long long at = ctx.now;
  std::string k = kind, d = data;
  sql << "INSERT INTO events (thread_id, seq, kind, author_id, cmid, at, data) "
         "VALUES (:t, :s, :k, :a, :c, :at, :d)",
      soci::use(thread, "t"), soci::use(seq, "s"), soci::use(k, "k"), soci::use(author_id, "a"),
      soci::use(cmid_value, cmid_ind, "c"), soci::use(at, "at"), soci::use(d, "d");
  ctx.add_event(stored_event{thread, seq, kind, at, by.id, by.name, data, cmid});
  return seq;
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
  for (const auto& [thread, head] : memo.heads) {
    if (head.seq == head.persisted) continue;
    long long t = thread, s = head.seq;
    sql << "UPDATE threads SET head_seq = :s WHERE id = :t", soci::use(s, "s"), soci::use(t, "t");
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
