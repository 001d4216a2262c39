#include "server/cases/case_repo.hpp"

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>

#include <soci/soci.h>

#include "server/store/identity_repo.hpp"
#include "server/store/sql_util.hpp"
#include "server/cases/workflow_repo.hpp"
#include "server/base/time.hpp"

namespace mediation::store {

namespace {

int china_year(long long now_ms) {
  // The case number's year is the year in China Standard Time (UTC+8).
  std::string s = format_rfc3339(now_ms + 8 * 3600000LL);
  return std::stoi(s.substr(0, 4));
}

}  // namespace

created_case insert_case(write_context& ctx, long long org_id, long long created_by,
                         const protocol::case_create_request& c, const std::string& kind) {
  auto& sql = ctx.sql;
  ctx.touch();
  long long now = ctx.now;
  int year = china_year(now);
  long long counter = 0;
  sql << "SELECT last_value FROM case_counters WHERE org_id = :o AND year = :y", soci::into(counter),
      soci::use(org_id, "o"), soci::use(year, "y");
  if (sql.got_data()) {
    ++counter;
    sql << "UPDATE case_counters SET last_value = :v WHERE org_id = :o AND year = :y", soci::use(counter, "v"),
        soci::use(org_id, "o"), soci::use(year, "y");
  } else {
    counter = 1;
    sql << "INSERT INTO case_counters (org_id, year, last_value) VALUES (:o, :y, :v)", soci::use(org_id, "o"),
        soci::use(year, "y"), soci::use(counter, "v");
  }
  std::string short_name, level;
  sql << "SELECT short_name, level FROM orgs WHERE id = :o", soci::into(short_name), soci::into(level),
      soci::use(org_id, "o");
  char seqbuf[32];
  std::snprintf(seqbuf, sizeof seqbuf, "-%d-%06lld", year, counter);
  created_case out;
  out.number = short_name + seqbuf;
  std::string status = "registered";
  sql << "INSERT INTO cases (org_id, number, title, category, channel, description, status, created_by, "
         "created_at, updated_at, kind, location, urgency, handling_org_id, level) "
         "VALUES (:o, :n, :t, :cat, :ch, :d, :s, :by, :c, :u, :k, :loc, :urg, :h, :lv)",
      soci::use(org_id, "o"), soci::use(out.number, "n"), soci::use(c.title, "t"), soci::use(c.category, "cat"),
      soci::use(c.channel, "ch"), soci::use(c.description, "d"), soci::use(status, "s"),
      soci::use(created_by, "by"), soci::use(now, "c"), soci::use(now, "u"), soci::use(kind, "k"),
      soci::use(c.location, "loc"), soci::use(c.urgency, "urg"), soci::use(org_id, "h"), soci::use(level, "lv");
  sql.get_last_insert_id("cases", out.id);
  int position = 0;
  for (const auto& p : c.parties) {
    sql << "INSERT INTO case_parties (case_id, position, role, name, phone, id_number, address) "
           "VALUES (:c, :p, :r, :n, :ph, :idn, :a)",
        soci::use(out.id, "c"), soci::use(position, "p"), soci::use(p.role, "r"), soci::use(p.name, "n"),
        soci::use(p.phone, "ph"), soci::use(p.id_number, "idn"), soci::use(p.address, "a");
    ++position;
  }
  sql << "INSERT INTO threads (case_id, purpose, head_seq, created_at) VALUES (:c, 'internal', 0, :n)",
      soci::use(out.id, "c"), soci::use(now, "n");
  sql.get_last_insert_id("threads", out.thread);
  sql << "INSERT INTO threads (case_id, purpose, head_seq, created_at) VALUES (:c, 'parties', 0, :n)",
      soci::use(out.id, "c"), soci::use(now, "n");
  sql.get_last_insert_id("threads", out.parties_thread);
  return out;
}

std::optional<protocol::case_view> find_case(soci::session& sql, long long case_id) {
  protocol::case_view v;
  long long org = 0, first = 0, created_at = 0;
  soci::indicator first_ind = soci::i_null;
  soci::indicator parties_ind = soci::i_null;
  sql << std::string("SELECT c.id, c.number, ti.id, tp.id, c.status, c.title, c.category, c.channel, c.description, "
                     "c.org_id, c.first_handler_org_id, c.created_by, u.name, c.created_at FROM cases c") +
             case_threads + "JOIN users u ON u.id = c.created_by WHERE c.id = :c",
      soci::into(v.id), soci::into(v.number), soci::into(v.thread), soci::into(v.parties_thread, parties_ind),
      soci::into(v.status), soci::into(v.title),
      soci::into(v.category), soci::into(v.channel), soci::into(v.description), soci::into(org),
      soci::into(first, first_ind), soci::into(v.created_by.id), soci::into(v.created_by.name),
      soci::into(created_at), soci::use(case_id, "c");
  if (!sql.got_data()) return std::nullopt;
  if (parties_ind != soci::i_ok) v.parties_thread = 0;
  v.created_at = format_rfc3339(created_at);
  v.org = find_org(sql, org).value_or(protocol::org_view{});
  if (first_ind == soci::i_ok) v.first_handler = find_org(sql, first);

  protocol::party p;
  soci::statement ps = (sql.prepare << "SELECT role, name, phone, id_number, address FROM case_parties "
                                       "WHERE case_id = :c ORDER BY position",
                        soci::into(p.role), soci::into(p.name), soci::into(p.phone), soci::into(p.id_number),
                        soci::into(p.address), soci::use(case_id, "c"));
  ps.execute();
  while (ps.fetch()) v.parties.push_back(p);

  long long h_org = 0, due = 0;
  soci::indicator due_ind = soci::i_null, reason_ind = soci::i_null;
  std::string status, note, reason;
  soci::statement hs =
      (sql.prepare << "SELECT org_id, status, note, reason, due_at FROM case_orgs WHERE case_id = :c ORDER BY id",
       soci::into(h_org), soci::into(status), soci::into(note), soci::into(reason, reason_ind),
       soci::into(due, due_ind), soci::use(case_id, "c"));
  hs.execute();
  std::vector<protocol::handler_view> handlers;
  std::vector<long long> orgs;
  while (hs.fetch()) {
    protocol::handler_view h;
    h.status = status;
    h.note = note;
    if (reason_ind == soci::i_ok) h.reason = reason;
    if (due_ind == soci::i_ok) h.due = format_rfc3339(due);
    handlers.push_back(std::move(h));
    orgs.push_back(h_org);
  }
  for (std::size_t i = 0; i < handlers.size(); ++i)
    handlers[i].org = find_org(sql, orgs[i]).value_or(protocol::org_view{});
  v.handlers = std::move(handlers);
  return v;
}

void set_case_status(write_context& ctx, long long case_id, const std::string& status) {
  ctx.touch();
  long long now = ctx.now;
  ctx.sql << "UPDATE cases SET status = :s, updated_at = :n WHERE id = :c", soci::use(status, "s"),
      soci::use(now, "n"), soci::use(case_id, "c");
}

void set_first_handler(write_context& ctx, long long case_id, long long org_id) {
  ctx.touch();
  ctx.sql << "UPDATE cases SET first_handler_org_id = :o WHERE id = :c AND first_handler_org_id IS NULL",
      soci::use(org_id, "o"), soci::use(case_id, "c");
}

void insert_handoff(write_context& ctx, long long case_id, long long to_org, long long from_org,
                    const std::string& note, std::optional<long long> due_at, long long by) {
  ctx.touch();
  ctx.memo.access.clear();  // who may see the case changes
  long long due = due_at.value_or(0), now = ctx.now;
  soci::indicator due_ind = due_at ? soci::i_ok : soci::i_null;
  std::string status = "pending";
  ctx.sql << "INSERT INTO case_orgs (case_id, org_id, from_org_id, status, note, due_at, created_by, created_at) "
             "VALUES (:c, :o, :f, :s, :n, :d, :b, :at)",
      soci::use(case_id, "c"), soci::use(to_org, "o"), soci::use(from_org, "f"), soci::use(status, "s"),
      soci::use(note, "n"), soci::use(due, due_ind, "d"), soci::use(by, "b"), soci::use(now, "at");
}

std::optional<long long> find_handoff(soci::session& sql, long long case_id, long long org_id,
                                      const std::string& status) {
  long long id = 0;
  sql << "SELECT id FROM case_orgs WHERE case_id = :c AND org_id = :o AND status = :s ORDER BY id DESC LIMIT 1",
      soci::into(id), soci::use(case_id, "c"), soci::use(org_id, "o"), soci::use(status, "s");
  if (!sql.got_data()) return std::nullopt;
  return id;
}

void decide_handoff(write_context& ctx, long long handoff_id, const std::string& status,
                    const std::optional<std::string>& reason, long long by) {
  ctx.touch();
  ctx.memo.access.clear();  // who may see the case changes
  std::string r = reason.value_or("");
  soci::indicator rind = reason ? soci::i_ok : soci::i_null;
  long long now = ctx.now;
  ctx.sql << "UPDATE case_orgs SET status = :s, reason = :r, decided_by = :b, decided_at = :n WHERE id = :i",
      soci::use(status, "s"), soci::use(r, rind, "r"), soci::use(by, "b"), soci::use(now, "n"),
      soci::use(handoff_id, "i");
}

bool insert_invite(write_context& ctx, long long case_id, long long user_id, long long by, const std::string& capacity,
                   const std::optional<std::string>& side) {
  long long existing = 0;
  ctx.sql << "SELECT id FROM case_invites WHERE case_id = :c AND user_id = :u", soci::into(existing),
      soci::use(case_id, "c"), soci::use(user_id, "u");
  if (ctx.sql.got_data()) return false;
  ctx.touch();
  ctx.memo.access.clear();  // who may see the case changes
  long long now = ctx.now;
  std::string sd = side.value_or("");
  soci::indicator si = side ? soci::i_ok : soci::i_null;
  ctx.sql << "INSERT INTO case_invites (case_id, user_id, invited_by, created_at, capacity, side) "
             "VALUES (:c, :u, :b, :n, :cap, :s)",
      soci::use(case_id, "c"), soci::use(user_id, "u"), soci::use(by, "b"), soci::use(now, "n"),
      soci::use(capacity, "cap"), soci::use(sd, si, "s");
  return true;
}

}  // namespace mediation::store
