#include "server/cases/workflow_repo.hpp"

#include <algorithm>
#include <deque>

#include <soci/soci.h>

#include "server/store/identity_repo.hpp"
#include "server/store/row_map.hpp"
#include "server/store/sql_util.hpp"

namespace mediation::store {

namespace {

void map_state(row_map& m, case_state& s) {
  m.add("kind", &s.kind);
  m.add("status", &s.status);
  m.add("stage", &s.stage);
  m.add("level", &s.level);
  m.add("location", &s.location);
  m.add("urgency", &s.urgency);
  m.add("respondent", &s.respondent);
  m.add("handling_org_id", &s.handling_org);
  m.add("petitioner_key", &s.petitioner_key);
  m.add("accepted_at", &s.accepted_at);
  m.add("clock", &s.clock);
  m.add("clock_start", &s.clock_start);
  m.add("clock_days", &s.clock_days);
  m.add("clock_working", &s.clock_working);
  m.add("extended_days", &s.extended_days);
  m.add("paused_at", &s.paused_at);
  m.add("due_at", &s.due_at);
  m.add("overdue_handled_due", &s.overdue_handled_due);
  m.add("repeat_of", &s.repeat_of);
  m.add("repeat_handled", &s.repeat_handled);
  m.add("merged_into", &s.merged_into);
  m.add("route", &s.route);
  m.add("group_id", &s.group_id);
  m.add("closed_at", &s.closed_at);
  m.add("outcome", &s.outcome);
  m.add("closure_note", &s.closure_note);
  m.add("closed_on_time", &s.closed_on_time);
  m.add("closed_level", &s.closed_level);
  m.add("review_until", &s.review_until);
  m.add("evaluation", &s.evaluation);
  m.add("evaluation_comment", &s.evaluation_comment);
  m.add("evaluated_at", &s.evaluated_at);
  m.add("evaluation_handled", &s.evaluation_handled);
  m.add("escalations", &s.escalations);
}

std::vector<long long> ids(soci::session& sql, const std::string& query, long long a = 0, long long b = 0) {
  long long id = 0;
  std::vector<long long> out;
  bool two = query.find(":b") != std::string::npos, one = query.find(":a") != std::string::npos;
  soci::statement st = sql_util::prepare_dynamic(sql, query, [&](soci::statement& s) {
    s.exchange(soci::into(id));
    if (one) s.exchange(soci::use(a, "a"));
    if (two) s.exchange(soci::use(b, "b"));
  });
  st.execute();
  while (st.fetch()) out.push_back(id);
  return out;
}

bool is_sqlite(soci::session& sql) { return sql.get_backend_name() == "sqlite3"; }

}  // namespace

std::optional<case_state> load_state(soci::session& sql, long long case_id) {
  case_state s;
  row_map m;
  map_state(m, s);
  long long id = case_id;
  soci::statement st = sql_util::prepare_dynamic(
      sql,
      "SELECT c.id, c.org_id, c.created_at, c.created_by, c.number, c.title, c.category, " + m.select_list("c") +
          " FROM cases c WHERE c.id = :id",
      [&](soci::statement& q) {
        q.exchange(soci::into(s.id));
        q.exchange(soci::into(s.org));
        q.exchange(soci::into(s.created_at));
        q.exchange(soci::into(s.created_by));
        q.exchange(soci::into(s.number));
        q.exchange(soci::into(s.title));
        q.exchange(soci::into(s.category));
        m.bind_into(q);
        q.exchange(soci::use(id, "id"));
      });
  st.execute();
  if (!st.fetch()) return std::nullopt;
  m.fetched();
  return s;
}

void save_state(write_context& ctx, const case_state& state) {
  ctx.touch();
  ctx.memo.access.clear();  // the handling organisation or the closure may change who sees what
  case_state s = state;
  row_map m;
  map_state(m, s);
  long long id = s.id, now = ctx.now;
  soci::statement st = sql_util::prepare_dynamic(
      ctx.sql, "UPDATE cases SET " + m.assignments() + ", updated_at = :updated_at WHERE id = :id",
      [&](soci::statement& q) {
        m.bind_use(q);
        q.exchange(soci::use(now, "updated_at"));
        q.exchange(soci::use(id, "id"));
      });
  st.execute(true);
}

std::vector<pause_row> pauses(soci::session& sql, long long case_id) {
  pause_row r;
  long long end = 0;
  soci::indicator ind = soci::i_null;
  soci::statement st = (sql.prepare << "SELECT started_at, ended_at, reason FROM case_pauses WHERE case_id = :c ORDER BY id",
                        soci::into(r.start), soci::into(end, ind), soci::into(r.reason), soci::use(case_id, "c"));
  st.execute();
  std::vector<pause_row> out;
  while (st.fetch()) {
    r.end = ind == soci::i_ok ? std::optional<long long>(end) : std::nullopt;
    out.push_back(r);
  }
  return out;
}

void start_pause(write_context& ctx, long long case_id, const std::string& reason, long long by) {
  ctx.touch();
  long long now = ctx.now;
  ctx.sql << "INSERT INTO case_pauses (case_id, started_at, reason, started_by) VALUES (:c, :n, :r, :b)",
      soci::use(case_id, "c"), soci::use(now, "n"), soci::use(reason, "r"), soci::use(by, "b");
}

bool end_pause(write_context& ctx, long long case_id, long long by) {
  long long id = 0;
  ctx.sql << "SELECT id FROM case_pauses WHERE case_id = :c AND ended_at IS NULL", soci::into(id),
      soci::use(case_id, "c");
  if (!ctx.sql.got_data()) return false;
  ctx.touch();
  long long now = ctx.now;
  ctx.sql << "UPDATE case_pauses SET ended_at = :n, ended_by = :b WHERE id = :i", soci::use(now, "n"),
      soci::use(by, "b"), soci::use(id, "i");
  return true;
}

void insert_escalation(write_context& ctx, long long case_id, const std::string& rule, long long from_org,
                       long long to_org, const std::string& detail, long long by) {
  ctx.touch();
  long long now = ctx.now;
  ctx.sql << "INSERT INTO escalations (case_id, rule, from_org_id, to_org_id, detail, by_user, at) "
             "VALUES (:c, :r, :f, :t, :d, :b, :n)",
      soci::use(case_id, "c"), soci::use(rule, "r"), soci::use(from_org, "f"), soci::use(to_org, "t"),
      soci::use(detail, "d"), soci::use(by, "b"), soci::use(now, "n");
}

void insert_handler(write_context& ctx, long long case_id, long long org, long long from_org, const std::string& via,
                    const std::string& note, long long by) {
  ctx.touch();
  ctx.memo.access.clear();
  long long now = ctx.now;
  std::string status = "accepted";
  ctx.sql << "INSERT INTO case_orgs (case_id, org_id, from_org_id, status, note, created_by, created_at, decided_by, "
             "decided_at, via) VALUES (:c, :o, :f, :s, :n, :b, :at, :b2, :at2, :v)",
      soci::use(case_id, "c"), soci::use(org, "o"), soci::use(from_org, "f"), soci::use(status, "s"),
      soci::use(note, "n"), soci::use(by, "b"), soci::use(now, "at"), soci::use(by, "b2"), soci::use(now, "at2"),
      soci::use(via, "v");
}

std::vector<handoff_row> handoffs(soci::session& sql, long long case_id) {
  handoff_row r;
  soci::statement st = (sql.prepare << "SELECT id, org_id, from_org_id, status, via FROM case_orgs WHERE case_id = :c "
                                       "ORDER BY id",
                        soci::into(r.id), soci::into(r.org), soci::into(r.from_org), soci::into(r.status),
                        soci::into(r.via), soci::use(case_id, "c"));
  st.execute();
  std::vector<handoff_row> out;
  while (st.fetch()) out.push_back(r);
  return out;
}

bool insert_leader(write_context& ctx, long long case_id, long long user_id) {
  long long existing = 0;
  ctx.sql << "SELECT id FROM case_leaders WHERE case_id = :c AND user_id = :u", soci::into(existing),
      soci::use(case_id, "c"), soci::use(user_id, "u");
  if (ctx.sql.got_data()) return false;
  ctx.touch();
  ctx.memo.access.clear();
  long long now = ctx.now;
  ctx.sql << "INSERT INTO case_leaders (case_id, user_id, at) VALUES (:c, :u, :n)", soci::use(case_id, "c"),
      soci::use(user_id, "u"), soci::use(now, "n");
  return true;
}

std::vector<protocol::person_ref> leaders(soci::session& sql, long long case_id) {
  protocol::person_ref p;
  soci::statement st = (sql.prepare << "SELECT u.id, u.name FROM case_leaders l JOIN users u ON u.id = l.user_id "
                                       "WHERE l.case_id = :c ORDER BY l.id",
                        soci::into(p.id), soci::into(p.name), soci::use(case_id, "c"));
  st.execute();
  std::vector<protocol::person_ref> out;
  while (st.fetch()) out.push_back(p);
  return out;
}

namespace {

const char* const supervision_select =
    "SELECT s.id, s.case_id, s.from_org_id, s.to_org_id, s.issued_at, s.due_at, s.kind, s.body, u.id, u.name, "
    "s.answer, s.answered_by, s.answered_at, s.escalated_at FROM supervisions s JOIN users u ON u.id = s.issued_by ";

std::vector<supervision_row> query_supervisions(soci::session& sql, const std::string& where, long long arg) {
  supervision_row r;
  std::string answer;
  long long answered_by = 0, answered_at = 0, escalated_at = 0;
  soci::indicator ai = soci::i_null, bi = soci::i_null, ti = soci::i_null, ei = soci::i_null;
  soci::statement st = (sql.prepare << std::string(supervision_select) + where, soci::into(r.id), soci::into(r.case_id),
                        soci::into(r.from_org), soci::into(r.to_org), soci::into(r.issued_at), soci::into(r.due_at),
                        soci::into(r.kind), soci::into(r.body), soci::into(r.issued_by.id),
                        soci::into(r.issued_by.name), soci::into(answer, ai), soci::into(answered_by, bi),
                        soci::into(answered_at, ti), soci::into(escalated_at, ei), soci::use(arg, "a"));
  st.execute();
  std::vector<supervision_row> out;
  while (st.fetch()) {
    r.answer = ai == soci::i_ok ? std::optional<std::string>(answer) : std::nullopt;
    r.answered_by = bi == soci::i_ok ? std::optional<long long>(answered_by) : std::nullopt;
    r.answered_at = ti == soci::i_ok ? std::optional<long long>(answered_at) : std::nullopt;
    r.escalated_at = ei == soci::i_ok ? std::optional<long long>(escalated_at) : std::nullopt;
    out.push_back(r);
  }
  return out;
}

}  // namespace

long long insert_supervision(write_context& ctx, long long case_id, const std::string& kind, const std::string& body,
                             long long from_org, long long to_org, long long by, long long due_at) {
  ctx.touch();
  long long now = ctx.now, id = 0;
  ctx.sql << "INSERT INTO supervisions (case_id, kind, body, from_org_id, to_org_id, issued_by, issued_at, due_at) "
             "VALUES (:c, :k, :b, :f, :t, :u, :n, :d)",
      soci::use(case_id, "c"), soci::use(kind, "k"), soci::use(body, "b"), soci::use(from_org, "f"),
      soci::use(to_org, "t"), soci::use(by, "u"), soci::use(now, "n"), soci::use(due_at, "d");
  ctx.sql.get_last_insert_id("supervisions", id);
  return id;
}

std::optional<supervision_row> find_supervision(soci::session& sql, long long id) {
  auto rows = query_supervisions(sql, "WHERE s.id = :a", id);
  if (rows.empty()) return std::nullopt;
  return rows.front();
}

std::vector<supervision_row> supervisions(soci::session& sql, long long case_id) {
  return query_supervisions(sql, "WHERE s.case_id = :a ORDER BY s.id", case_id);
}

void answer_supervision(write_context& ctx, long long id, const std::string& body, long long by) {
  ctx.touch();
  long long now = ctx.now;
  ctx.sql << "UPDATE supervisions SET answer = :a, answered_by = :b, answered_at = :n WHERE id = :i",
      soci::use(body, "a"), soci::use(by, "b"), soci::use(now, "n"), soci::use(id, "i");
}

void mark_supervision_escalated(write_context& ctx, long long id) {
  ctx.touch();
  long long now = ctx.now;
  ctx.sql << "UPDATE supervisions SET escalated_at = :n WHERE id = :i", soci::use(now, "n"), soci::use(id, "i");
}

std::vector<long long> overdue_case_candidates(soci::session& sql, long long now, int limit) {
  return ids(sql,
             "SELECT id FROM cases WHERE closed_at IS NULL AND due_at IS NOT NULL AND due_at < :a AND "
             "(overdue_handled_due IS NULL OR overdue_handled_due <> due_at) ORDER BY due_at LIMIT " +
                 std::to_string(limit),
             now);
}

long long count_overdue_cases(soci::session& sql, long long now) {
  long long n = 0;
  sql << "SELECT COUNT(*) FROM cases WHERE closed_at IS NULL AND due_at IS NOT NULL AND due_at < :n", soci::into(n),
      soci::use(now, "n");
  return n;
}

std::vector<long long> unsatisfied_case_candidates(soci::session& sql, int limit) {
  return ids(sql, "SELECT id FROM cases WHERE evaluation = 'unsatisfied' AND evaluation_handled = 0 AND closed_at IS "
                  "NOT NULL ORDER BY id LIMIT " + std::to_string(limit));
}

std::vector<long long> repeat_case_candidates(soci::session& sql, int limit) {
  return ids(sql, "SELECT id FROM cases WHERE repeat_of IS NOT NULL AND repeat_handled = 0 AND closed_at IS NULL "
                  "ORDER BY id LIMIT " + std::to_string(limit));
}

std::vector<long long> overdue_supervision_candidates(soci::session& sql, long long now, int limit) {
  return ids(sql,
             "SELECT id FROM supervisions WHERE answered_at IS NULL AND escalated_at IS NULL AND due_at < :a "
             "ORDER BY due_at LIMIT " + std::to_string(limit),
             now);
}

std::optional<long long> earlier_case_of_petitioner(soci::session& sql, const std::string& key,
                                                    const std::string& category, long long exclude, long long since) {
  long long id = 0;
  std::string k = key, cat = category;
  sql << "SELECT id FROM cases WHERE petitioner_key = :k AND category = :c AND id <> :x AND created_at >= :s "
         "AND kind = 'case' ORDER BY id DESC LIMIT 1",
      soci::into(id), soci::use(k, "k"), soci::use(cat, "c"), soci::use(exclude, "x"), soci::use(since, "s");
  if (!sql.got_data()) return std::nullopt;
  return id;
}

void insert_evaluation_link(write_context& ctx, long long case_id, const std::string& token_hash, long long by,
                            long long expires_at) {
  ctx.touch();
  long long now = ctx.now;
  ctx.sql << "INSERT INTO evaluation_links (case_id, token_hash, created_by, created_at, expires_at) "
             "VALUES (:c, :h, :b, :n, :e)",
      soci::use(case_id, "c"), soci::use(token_hash, "h"), soci::use(by, "b"), soci::use(now, "n"),
      soci::use(expires_at, "e");
}

std::optional<evaluation_link_row> find_evaluation_link(soci::session& sql, const std::string& token_hash) {
  evaluation_link_row r;
  long long used = 0;
  soci::indicator ui = soci::i_null;
  std::string h = token_hash;
  sql << "SELECT id, case_id, expires_at, used_at FROM evaluation_links WHERE token_hash = :h", soci::into(r.id),
      soci::into(r.case_id), soci::into(r.expires_at), soci::into(used, ui), soci::use(h, "h");
  if (!sql.got_data()) return std::nullopt;
  if (ui == soci::i_ok) r.used_at = used;
  return r;
}

void use_evaluation_link(write_context& ctx, long long id) {
  ctx.touch();
  long long now = ctx.now;
  ctx.sql << "UPDATE evaluation_links SET used_at = :n WHERE id = :i", soci::use(now, "n"), soci::use(id, "i");
}

long long insert_attachment(write_context& ctx, const attachment_row& a) {
  ctx.touch();
  attachment_row r = a;
  long long id = 0;
  ctx.sql << "INSERT INTO attachments (case_id, name, content_type, size, sha256, uploaded_by, uploaded_at) "
             "VALUES (:c, :n, :t, :s, :h, :b, :at)",
      soci::use(r.case_id, "c"), soci::use(r.name, "n"), soci::use(r.content_type, "t"), soci::use(r.size, "s"),
      soci::use(r.sha256, "h"), soci::use(r.uploaded_by.id, "b"), soci::use(r.uploaded_at, "at");
  ctx.sql.get_last_insert_id("attachments", id);
  return id;
}

namespace {

std::vector<attachment_row> query_attachments(soci::session& sql, const std::string& where, long long arg) {
  attachment_row r;
  soci::statement st =
      (sql.prepare << "SELECT a.id, a.case_id, a.size, a.uploaded_at, a.name, a.content_type, a.sha256, u.id, u.name "
                      "FROM attachments a JOIN users u ON u.id = a.uploaded_by " + where,
       soci::into(r.id), soci::into(r.case_id), soci::into(r.size), soci::into(r.uploaded_at), soci::into(r.name),
       soci::into(r.content_type), soci::into(r.sha256), soci::into(r.uploaded_by.id), soci::into(r.uploaded_by.name),
       soci::use(arg, "a"));
  st.execute();
  std::vector<attachment_row> out;
  while (st.fetch()) out.push_back(r);
  return out;
}

}  // namespace

std::vector<attachment_row> attachments(soci::session& sql, long long case_id) {
  return query_attachments(sql, "WHERE a.case_id = :a ORDER BY a.id", case_id);
}

std::optional<attachment_row> find_attachment(soci::session& sql, long long id) {
  auto rows = query_attachments(sql, "WHERE a.id = :a", id);
  if (rows.empty()) return std::nullopt;
  return rows.front();
}

void index_terms(write_context& ctx, long long case_id, const std::set<std::string>& terms) {
  if (terms.empty()) return;
  ctx.touch();
  const std::string verb = is_sqlite(ctx.sql) ? "INSERT OR IGNORE" : "INSERT IGNORE";
  std::vector<std::string> list(terms.begin(), terms.end());
  constexpr std::size_t chunk = 200;
  for (std::size_t from = 0; from < list.size(); from += chunk) {
    std::size_t n = std::min(chunk, list.size() - from);
    std::string values;
    for (std::size_t i = 0; i < n; ++i) values += (i ? ", " : "") + std::string("(:t") + std::to_string(i) + ", :c)";
    long long c = case_id;
    soci::statement st = sql_util::prepare_dynamic(ctx.sql, verb + " INTO search_terms (term, case_id) VALUES " + values,
                                                   [&](soci::statement& s) {
                                                     for (std::size_t i = 0; i < n; ++i)
                                                       s.exchange(soci::use(list[from + i], "t" + std::to_string(i)));
                                                     s.exchange(soci::use(c, "c"));
                                                   });
    st.execute(true);
  }
}

long long search_progress(soci::session& sql) {
  long long v = 0;
  sql << "SELECT last_event_id FROM search_progress WHERE id = 1", soci::into(v);
  return v;
}

void set_search_progress(write_context& ctx, long long last_event_id) {
  ctx.touch();
  ctx.sql << "UPDATE search_progress SET last_event_id = :v WHERE id = 1 AND last_event_id < :v2",
      soci::use(last_event_id, "v"), soci::use(last_event_id, "v2");
}

std::vector<indexable_event> events_to_index(soci::session& sql, long long after_id, int limit) {
  indexable_event e;
  soci::statement st = (sql.prepare << "SELECT e.id, t.case_id, e.kind, e.data FROM events e JOIN threads t ON t.id = "
                                       "e.thread_id WHERE e.id > :a ORDER BY e.id LIMIT :l",
                        soci::into(e.id), soci::into(e.case_id), soci::into(e.kind), soci::into(e.data),
                        soci::use(after_id, "a"), soci::use(limit, "l"));
  st.execute();
  std::vector<indexable_event> out;
  while (st.fetch()) out.push_back(e);
  return out;
}

std::vector<long long> list_case_ids(soci::session& sql, const case_filter& f, const case_scope& scope) {
  // Values bound by name; kept in deques so their addresses stay put.
  std::deque<long long> nums;
  std::deque<std::string> texts;
  std::vector<std::pair<std::string, long long*>> num_binds;
  std::vector<std::pair<std::string, std::string*>> text_binds;
  auto num = [&](long long v) {
    nums.push_back(v);
    std::string name = "n" + std::to_string(nums.size());
    num_binds.emplace_back(name, &nums.back());
    return ":" + name;
  };
  auto text = [&](const std::string& v) {
    texts.push_back(v);
    std::string name = "s" + std::to_string(texts.size());
    text_binds.emplace_back(name, &texts.back());
    return ":" + name;
  };
  // The scope: the cases the viewer may find at all.
  std::string scope_sql = "SELECT i.case_id FROM case_invites i WHERE i.user_id = " + num(scope.user) +
                          " UNION SELECT l.case_id FROM case_leaders l WHERE l.user_id = " + num(scope.user);
  if (scope.member_org) {
    scope_sql += " UNION SELECT c2.id FROM cases c2 WHERE c2.org_id = " + num(*scope.member_org) +
                 " UNION SELECT co.case_id FROM case_orgs co WHERE co.org_id = " + num(*scope.member_org) +
                 " AND co.status IN ('pending', 'accepted')";
  }
  if (!scope.supervised.empty()) {
    std::string in;
    for (long long o : scope.supervised) in += (in.empty() ? "" : ", ") + num(o);
    scope_sql += " UNION SELECT c3.id FROM cases c3 WHERE c3.org_id IN (" + in + ") OR c3.handling_org_id IN (" + in +
                 ") UNION SELECT co2.case_id FROM case_orgs co2 WHERE co2.status IN ('pending', 'accepted') AND "
                 "co2.org_id IN (" + in + ")";
  }
  std::string q = "SELECT c.id FROM cases c WHERE c.id IN (" + scope_sql + ")";
  if (f.status) q += " AND c.status = " + text(*f.status);
  if (f.kind) q += " AND c.kind = " + text(*f.kind);
  if (f.level) q += " AND c.level = " + text(*f.level);
  if (f.category) q += " AND c.category = " + text(*f.category);
  if (f.org) {
    std::string o = num(*f.org);
    q += " AND (c.org_id = " + o + " OR c.handling_org_id = " + num(*f.org) + ")";
  }
  if (f.handling_org) q += " AND c.handling_org_id = " + num(*f.handling_org);
  if (f.overdue) q += " AND c.closed_at IS NULL AND c.due_at IS NOT NULL AND c.due_at < " + num(f.now);
  if (f.due_before) q += " AND c.closed_at IS NULL AND c.due_at IS NOT NULL AND c.due_at <= " + num(*f.due_before);
  if (f.leader_owned) q += " AND EXISTS (SELECT 1 FROM case_leaders cl WHERE cl.case_id = c.id)";
  if (f.inbox_org)
    q += " AND EXISTS (SELECT 1 FROM case_orgs ib WHERE ib.case_id = c.id AND ib.status = 'pending' AND ib.org_id = " +
         num(*f.inbox_org) + ")";
  if (f.before) q += " AND c.id < " + num(*f.before);
  if (!f.terms.empty()) {
    std::string in;
    for (const auto& t : f.terms) in += (in.empty() ? "" : ", ") + text(t);
    q += " AND c.id IN (SELECT st.case_id FROM search_terms st WHERE st.term IN (" + in +
         ") GROUP BY st.case_id HAVING COUNT(DISTINCT st.term) = " + std::to_string(f.terms.size()) + ")";
  }
  q += " ORDER BY c.id DESC LIMIT " + std::to_string(std::clamp(f.limit, 1, 1000));
  long long id = 0;
  soci::statement st = sql_util::prepare_dynamic(sql, q, [&](soci::statement& s) {
    s.exchange(soci::into(id));
    for (auto& [name, p] : num_binds) s.exchange(soci::use(*p, name));
    for (auto& [name, p] : text_binds) s.exchange(soci::use(*p, name));
  });
  st.execute();
  std::vector<long long> out;
  while (st.fetch()) out.push_back(id);
  return out;
}

std::vector<stats_source> stats_rows(soci::session& sql, const std::vector<long long>& orgs, long long from,
                                     long long to) {
  std::vector<stats_source> out;
  if (orgs.empty()) return out;
  stats_source r;
  long long closed = 0, accepted_at = 0;
  int on_time = 0;
  soci::indicator ci = soci::i_null, ai = soci::i_null, oi = soci::i_null, outi = soci::i_null, ei = soci::i_null,
                  li = soci::i_null;
  std::string outcome, evaluation, closed_level;
  std::vector<long long> list = orgs;
  std::string in = sql_util::placeholders("o", list.size()), in2 = sql_util::placeholders("p", list.size());
  soci::statement st = sql_util::prepare_dynamic(
      sql,
      "SELECT created_at, category, level, accepted_at, closed_at, outcome, evaluation, closed_on_time, escalations, "
      "closed_level FROM cases WHERE kind = 'case' AND created_at >= :f AND created_at < :t AND (org_id IN (" + in +
          ") OR handling_org_id IN (" + in2 + "))",
      [&](soci::statement& s) {
        s.exchange(soci::into(r.created_at));
        s.exchange(soci::into(r.category));
        s.exchange(soci::into(r.level));
        s.exchange(soci::into(accepted_at, ai));
        s.exchange(soci::into(closed, ci));
        s.exchange(soci::into(outcome, outi));
        s.exchange(soci::into(evaluation, ei));
        s.exchange(soci::into(on_time, oi));
        s.exchange(soci::into(r.escalations));
        s.exchange(soci::into(closed_level, li));
        s.exchange(soci::use(from, "f"));
        s.exchange(soci::use(to, "t"));
        for (std::size_t i = 0; i < list.size(); ++i) s.exchange(soci::use(list[i], "o" + std::to_string(i)));
        for (std::size_t i = 0; i < list.size(); ++i) s.exchange(soci::use(list[i], "p" + std::to_string(i)));
      });
  st.execute();
  while (st.fetch()) {
    stats_source row = r;
    row.accepted = ai == soci::i_ok;
    row.closed_at = ci == soci::i_ok ? std::optional<long long>(closed) : std::nullopt;
    row.outcome = outi == soci::i_ok ? outcome : "";
    row.evaluation = ei == soci::i_ok ? evaluation : "";
    row.on_time = oi == soci::i_ok ? std::optional<int>(on_time) : std::nullopt;
    if (li == soci::i_ok && !closed_level.empty()) row.level = closed_level;
    out.push_back(std::move(row));
  }
  return out;
}

std::vector<audit_row> audit_rows(soci::session& sql, std::optional<long long> case_id,
                                  const std::vector<long long>* orgs, std::optional<long long> before, int limit) {
  std::string q =
      "SELECT a.id, a.at, a.user_id, u.name, a.action, a.case_id, a.detail, a.remote FROM audit a "
      "LEFT JOIN users u ON u.id = a.user_id WHERE 1 = 1";
  long long c = case_id.value_or(0), b = before.value_or(0);
  std::vector<long long> list = orgs ? *orgs : std::vector<long long>{};
  if (case_id) q += " AND a.case_id = :c";
  if (before) q += " AND a.id < :b";
  if (orgs) q += list.empty() ? " AND 1 = 0" : " AND u.org_id IN (" + sql_util::placeholders("o", list.size()) + ")";
  q += " ORDER BY a.id DESC LIMIT " + std::to_string(std::clamp(limit, 1, 1000));
  audit_row r;
  long long user = 0, kase = 0;
  std::string name;
  soci::indicator ui = soci::i_null, ni = soci::i_null, ci = soci::i_null;
  soci::statement st = sql_util::prepare_dynamic(sql, q, [&](soci::statement& s) {
    s.exchange(soci::into(r.id));
    s.exchange(soci::into(r.at));
    s.exchange(soci::into(user, ui));
    s.exchange(soci::into(name, ni));
    s.exchange(soci::into(r.action));
    s.exchange(soci::into(kase, ci));
    s.exchange(soci::into(r.detail));
    s.exchange(soci::into(r.remote));
    if (case_id) s.exchange(soci::use(c, "c"));
    if (before) s.exchange(soci::use(b, "b"));
    for (std::size_t i = 0; i < list.size(); ++i) s.exchange(soci::use(list[i], "o" + std::to_string(i)));
  });
  st.execute();
  std::vector<audit_row> out;
  while (st.fetch()) {
    audit_row row = r;
    row.user_id = ui == soci::i_ok ? std::optional<long long>(user) : std::nullopt;
    row.user_name = ni == soci::i_ok ? name : "";
    row.case_id = ci == soci::i_ok ? std::optional<long long>(kase) : std::nullopt;
    out.push_back(std::move(row));
  }
  return out;
}

std::vector<long long> group_members(soci::session& sql, long long group_id) {
  return ids(sql, "SELECT id FROM cases WHERE group_id = :a AND kind = 'case' ORDER BY id", group_id);
}

std::vector<long long> similar_cases(soci::session& sql, const case_state& like, int limit) {
  long long id = 0, self = like.id;
  std::string key = like.respondent.empty() ? like.location : like.respondent, cat = like.category;
  std::vector<long long> out;
  if (key.empty()) return out;
  const std::string column = like.respondent.empty() ? "location" : "respondent";
  soci::statement st = (sql.prepare << "SELECT id FROM cases WHERE kind = 'case' AND closed_at IS NULL AND "
                                       "category = :c AND " + column + " = :k AND id <> :s ORDER BY id DESC LIMIT " +
                                           std::to_string(limit),
                        soci::into(id), soci::use(cat, "c"), soci::use(key, "k"), soci::use(self, "s"));
  st.execute();
  while (st.fetch()) out.push_back(id);
  return out;
}

long long system_user(write_context& ctx, long long org) {
  long long id = 0;
  ctx.sql << "SELECT id FROM users WHERE username = 'system'", soci::into(id);
  if (ctx.sql.got_data()) return id;
  auto up = ancestors(ctx.sql, org);
  long long top = up.empty() ? org : up.back();
  ctx.touch();
  long long now = ctx.now;
  ctx.sql << "INSERT INTO users (org_id, username, name, role, password_hash, disabled, created_at) "
             "VALUES (:o, 'system', '系统', 'system', '', 1, :n)",
      soci::use(top, "o"), soci::use(now, "n");
  ctx.sql.get_last_insert_id("users", id);
  return id;
}

}  // namespace mediation::store
