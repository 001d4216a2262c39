#include "server/store/access_repo.hpp"

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>

#include <soci/soci.h>

#include "server/store/identity_repo.hpp"
#include "server/store/sql_util.hpp"

namespace mediation::store {

namespace {

// The organisations a case involves now: the owner, the handling one and open hand-overs.
std::vector<long long> involved_orgs(const case_access& a) {
  std::vector<long long> out{a.owner_org};
  if (a.handling_org && a.handling_org != a.owner_org) out.push_back(a.handling_org);
  for (const auto& h : a.handlers)
    if ((h.status == "pending" || h.status == "accepted") && std::find(out.begin(), out.end(), h.org) == out.end())
      out.push_back(h.org);
  return out;
}

// Organisation -> its ancestors, nearest first, looked up once per access load or batch.
using ancestor_cache = std::map<long long, std::vector<long long>>;

// The organisations above the case's organisations that are not among them: its supervisors.
void fill_supervisors(soci::session& sql, case_access& a, ancestor_cache& cache) {
  const auto involved = involved_orgs(a);
  std::set<long long> above;
  for (long long o : involved) {
    auto it = cache.find(o);
    if (it == cache.end()) it = cache.emplace(o, ancestors(sql, o)).first;
    above.insert(it->second.begin(), it->second.end());
  }
  a.supervisors.clear();
  for (long long o : above)
    if (std::find(involved.begin(), involved.end(), o) == involved.end()) a.supervisors.push_back(o);
}

void load_access(soci::session& sql, case_access& a) {
  case_access::handler h;
  soci::statement hs = (sql.prepare << "SELECT org_id, status FROM case_orgs WHERE case_id = :c ORDER BY id",
                        soci::into(h.org), soci::into(h.status), soci::use(a.case_id, "c"));
  hs.execute();
  while (hs.fetch()) a.handlers.push_back(h);
  long long user = 0;
  std::string capacity;
  soci::statement is = (sql.prepare << "SELECT user_id, capacity FROM case_invites WHERE case_id = :c",
                        soci::into(user), soci::into(capacity), soci::use(a.case_id, "c"));
  is.execute();
  while (is.fetch()) {
    a.invited.push_back(user);
    if (capacity != "professional") a.party_side.push_back(user);
  }
  soci::statement ls = (sql.prepare << "SELECT user_id FROM case_leaders WHERE case_id = :c",
                        soci::into(user), soci::use(a.case_id, "c"));
  ls.execute();
  while (ls.fetch()) a.leaders.push_back(user);
  ancestor_cache cache;
  fill_supervisors(sql, a, cache);
}

}  // namespace

namespace {

// The access facts of the case selected by `where` (a condition on c with parameter :i).
std::optional<case_access> load_access_where(soci::session& sql, const std::string& where, long long id) {
  case_access a;
  long long closed = 0;
  soci::indicator ci = soci::i_null, hi = soci::i_null, pi = soci::i_null;
  sql << std::string("SELECT c.id, ti.id, tp.id, c.org_id, c.handling_org_id, c.kind, c.closed_at FROM cases c") +
             case_threads + "WHERE " + where,
      soci::into(a.case_id), soci::into(a.thread_id), soci::into(a.parties_thread_id, pi), soci::into(a.owner_org),
      soci::into(a.handling_org, hi), soci::into(a.kind), soci::into(closed, ci), soci::use(id, "i");
  if (!sql.got_data()) return std::nullopt;
  if (pi != soci::i_ok) a.parties_thread_id = 0;
  if (hi != soci::i_ok) a.handling_org = a.owner_org;
  a.closed = ci == soci::i_ok;
  load_access(sql, a);
  return a;
}

}  // namespace

std::optional<std::string> invited_side(soci::session& sql, long long case_id, long long user_id) {
  std::string side;
  soci::indicator ind = soci::i_null;
  sql << "SELECT side FROM case_invites WHERE case_id = :c AND user_id = :u AND capacity <> 'professional'",
      soci::into(side, ind), soci::use(case_id, "c"), soci::use(user_id, "u");
  if (!sql.got_data() || ind != soci::i_ok || side.empty()) return std::nullopt;
  return side;
}

void set_invited_side(write_context& ctx, long long case_id, long long user_id, const std::string& side) {
  ctx.touch();
  ctx.sql << "UPDATE case_invites SET side = :s WHERE case_id = :c AND user_id = :u AND capacity <> 'professional'",
      soci::use(side, "s"), soci::use(case_id, "c"), soci::use(user_id, "u");
}

std::optional<case_access> access_by_case(soci::session& sql, long long case_id) {
  return load_access_where(sql, "c.id = :i", case_id);
}

std::optional<case_access> access_by_thread(soci::session& sql, long long thread_id) {
  return load_access_where(sql, "c.id = (SELECT case_id FROM threads WHERE id = :i)", thread_id);
}

std::optional<case_access> access_by_thread(write_context& ctx, long long thread_id) {
  auto it = ctx.memo.access.find(thread_id);
  if (it != ctx.memo.access.end()) return it->second;
  auto a = access_by_thread(ctx.sql, thread_id);
  if (a) ctx.memo.access.emplace(thread_id, *a);
  return a;
}

std::optional<case_access> access_by_case(write_context& ctx, long long case_id) {
  for (const auto& [thread, a] : ctx.memo.access)
    if (a.case_id == case_id) return a;
  auto a = access_by_case(ctx.sql, case_id);
  if (a) {
    ctx.memo.access.emplace(a->thread_id, *a);
    if (a->parties_thread_id) ctx.memo.access.emplace(a->parties_thread_id, *a);
  }
  return a;
}

void prefetch_access(soci::session& sql, const std::vector<long long>& threads, transaction_memo& memo) {
  constexpr std::size_t chunk = 200;
  for (std::size_t from = 0; from < threads.size(); from += chunk) {
    std::vector<long long> ids(threads.begin() + from, threads.begin() + std::min(threads.size(), from + chunk));
    case_access row;
    long long closed = 0;
    soci::indicator ci = soci::i_null, hi = soci::i_null, pi = soci::i_null;
    std::map<long long, case_access> by_case;
    soci::statement st = sql_util::prepare_dynamic(
        sql,
        std::string("SELECT DISTINCT c.id, ti.id, tp.id, c.org_id, c.handling_org_id, c.kind, c.closed_at "
                    "FROM threads t JOIN cases c ON c.id = t.case_id") +
            case_threads + "WHERE t.id IN (" + sql_util::placeholders("t", ids.size()) + ")",
        [&](soci::statement& s) {
          s.exchange(soci::into(row.case_id));
          s.exchange(soci::into(row.thread_id));
          s.exchange(soci::into(row.parties_thread_id, pi));
          s.exchange(soci::into(row.owner_org));
          s.exchange(soci::into(row.handling_org, hi));
          s.exchange(soci::into(row.kind));
          s.exchange(soci::into(closed, ci));
          for (std::size_t i = 0; i < ids.size(); ++i) s.exchange(soci::use(ids[i], "t" + std::to_string(i)));
        });
    st.execute();
    while (st.fetch()) {
      if (pi != soci::i_ok) row.parties_thread_id = 0;
      if (hi != soci::i_ok) row.handling_org = row.owner_org;
      row.closed = ci == soci::i_ok;
      by_case[row.case_id] = row;
    }
    if (by_case.empty()) continue;
    std::vector<long long> cases;
    for (const auto& [id, _] : by_case) cases.push_back(id);
    long long case_id = 0;
    case_access::handler h;
    soci::statement hs = sql_util::prepare_dynamic(
        sql, "SELECT case_id, org_id, status FROM case_orgs WHERE case_id IN (" +
                 sql_util::placeholders("c", cases.size()) + ") ORDER BY id",
        [&](soci::statement& s) {
          s.exchange(soci::into(case_id));
          s.exchange(soci::into(h.org));
          s.exchange(soci::into(h.status));
          for (std::size_t i = 0; i < cases.size(); ++i) s.exchange(soci::use(cases[i], "c" + std::to_string(i)));
        });
    hs.execute();
    while (hs.fetch()) by_case[case_id].handlers.push_back(h);
    long long user = 0;
    std::string capacity;
    soci::statement is = sql_util::prepare_dynamic(
        sql, "SELECT case_id, user_id, capacity FROM case_invites WHERE case_id IN (" +
                 sql_util::placeholders("c", cases.size()) + ")",
        [&](soci::statement& s) {
          s.exchange(soci::into(case_id));
          s.exchange(soci::into(user));
          s.exchange(soci::into(capacity));
          for (std::size_t i = 0; i < cases.size(); ++i) s.exchange(soci::use(cases[i], "c" + std::to_string(i)));
        });
    is.execute();
    while (is.fetch()) {
      by_case[case_id].invited.push_back(user);
      if (capacity != "professional") by_case[case_id].party_side.push_back(user);
    }
    soci::statement ls = sql_util::prepare_dynamic(
        sql, "SELECT case_id, user_id FROM case_leaders WHERE case_id IN (" +
                 sql_util::placeholders("c", cases.size()) + ")",
        [&](soci::statement& s) {
          s.exchange(soci::into(case_id));
          s.exchange(soci::into(user));
          for (std::size_t i = 0; i < cases.size(); ++i) s.exchange(soci::use(cases[i], "c" + std::to_string(i)));
        });
    ls.execute();
    while (ls.fetch()) by_case[case_id].leaders.push_back(user);
    // Supervising organisations: each distinct organisation of the batch looked up once.
    ancestor_cache cache;
    for (auto& [_, a] : by_case) fill_supervisors(sql, a, cache);
    for (auto& [_, a] : by_case) {
      if (a.parties_thread_id) memo.access[a.parties_thread_id] = a;
      memo.access[a.thread_id] = std::move(a);
    }
  }
}

}  // namespace mediation::store
