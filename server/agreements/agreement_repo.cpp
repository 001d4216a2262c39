#include "server/agreements/agreement_repo.hpp"

#include <nlohmann/json.hpp>
#include <soci/soci.h>

#include "server/core/personal_data.hpp"
#include "server/store/row_map.hpp"
#include "server/store/sql_util.hpp"

namespace mediation::store {

namespace {

void map_agreement(row_map& m, agreement_row& a) {
  m.add("status", &a.status);
  m.add("supersedes_id", &a.supersedes);
  m.add("superseded_by", &a.superseded_by);
  m.add("in_force_version", &a.in_force_version);
  m.add("in_force_at", &a.in_force_at);
  m.add("confirmation_due_at", &a.confirmation_due_at);
  m.add("confirmation_applied_at", &a.confirmation_applied_at);
  m.add("confirmation_court", &a.confirmation_court);
  m.add("confirmation_decision", &a.confirmation_decision);
  m.add("confirmation_decided_at", &a.confirmation_decided_at);
  m.add("confirmation_reminded", &a.confirmation_reminded);
}

std::vector<agreement_row> query_agreements(soci::session& sql, const std::string& where, long long arg) {
  agreement_row a;
  row_map m;
  map_agreement(m, a);
  soci::statement st = sql_util::prepare_dynamic(
      sql, "SELECT a.id, a.case_id, a.created_by, a.created_at, a.number, " + m.select_list("a") +
               " FROM agreements a " + where,
      [&](soci::statement& q) {
        q.exchange(soci::into(a.id));
        q.exchange(soci::into(a.case_id));
        q.exchange(soci::into(a.created_by));
        q.exchange(soci::into(a.created_at));
        q.exchange(soci::into(a.number));
        m.bind_into(q);
        q.exchange(soci::use(arg, "arg"));
      });
  st.execute();
  std::vector<agreement_row> out;
  while (st.fetch()) {
    m.fetched();
    out.push_back(a);
  }
  return out;
}

// The stored content with the ID and phone numbers of agreement_version_seals put in place of the
// ones sealed at insertion (only sealed values are taken from there; any other text stays the stored).
std::string with_resealed_numbers(const std::string& stored, const std::string& numbers) {
  auto content = nlohmann::json::parse(stored, nullptr, false);
  auto resealed = nlohmann::json::parse(numbers, nullptr, false);
  if (content.is_discarded() || resealed.is_discarded() || !resealed.is_array() || !content.contains("parties") ||
      !content["parties"].is_array())
    return stored;
  auto& parties = content["parties"];
  for (std::size_t i = 0; i < parties.size() && i < resealed.size(); ++i)
    for (const char* field : {"id_number", "phone"})
      if (resealed[i].contains(field) && resealed[i][field].is_string() && parties[i].contains(field) &&
          app::personal_data::is_sealed(resealed[i][field].get<std::string>()))
        parties[i][field] = resealed[i][field];
  return content.dump();
}

std::vector<version_row> query_versions(soci::session& sql, const std::string& where, long long a, long long b) {
  version_row v;
  std::string numbers;
  soci::indicator numbers_ind = soci::i_null;
  const bool two = where.find(":b") != std::string::npos;
  soci::statement st = sql_util::prepare_dynamic(
      sql,
      "SELECT v.id, v.agreement_id, v.version, v.author_id, v.created_at, v.content, u.name, s.numbers "
      "FROM agreement_versions v JOIN users u ON u.id = v.author_id "
      "LEFT JOIN agreement_version_seals s ON s.version_id = v.id " + where,
      [&](soci::statement& q) {
        q.exchange(soci::into(v.id));
        q.exchange(soci::into(v.agreement_id));
        q.exchange(soci::into(v.version));
        q.exchange(soci::into(v.author_id));
        q.exchange(soci::into(v.created_at));
        q.exchange(soci::into(v.stored));
        q.exchange(soci::into(v.author_name));
        q.exchange(soci::into(numbers, numbers_ind));
        q.exchange(soci::use(a, "a"));
        if (two) q.exchange(soci::use(b, "b"));
      });
  st.execute();
  std::vector<version_row> out;
  while (st.fetch()) {
    v.content = numbers_ind == soci::i_ok ? with_resealed_numbers(v.stored, numbers) : v.stored;
    out.push_back(v);
  }
  return out;
}

std::vector<signature_row> query_signatures(soci::session& sql, const std::string& where, long long arg) {
  signature_row s;
  long long user = 0;
  soci::indicator ui = soci::i_null;
  soci::statement st = (sql.prepare << "SELECT id, agreement_id, version_id, party_index, signed_at, role, signer_name, "
                                       "method, image, user_id FROM agreement_signatures " + where,
                        soci::into(s.id), soci::into(s.agreement_id), soci::into(s.version_id),
                        soci::into(s.party_index), soci::into(s.signed_at), soci::into(s.role),
                        soci::into(s.signer_name), soci::into(s.method), soci::into(s.image), soci::into(user, ui),
                        soci::use(arg, "a"));
  st.execute();
  std::vector<signature_row> out;
  while (st.fetch()) {
    s.user_id = ui == soci::i_ok ? std::optional<long long>(user) : std::nullopt;
    out.push_back(s);
  }
  return out;
}

std::vector<chain_row> query_chain(soci::session& sql, const std::string& tail, long long arg) {
  chain_row r;
  soci::statement st = (sql.prepare << "SELECT id, agreement_id, position, ref_id, at, kind, payload, prev_hash, hash "
                                       "FROM agreement_chain WHERE agreement_id = :a " + tail,
                        soci::into(r.id), soci::into(r.agreement_id), soci::into(r.position), soci::into(r.ref_id),
                        soci::into(r.at), soci::into(r.kind), soci::into(r.payload), soci::into(r.prev_hash),
                        soci::into(r.hash), soci::use(arg, "a"));
  st.execute();
  std::vector<chain_row> out;
  while (st.fetch()) out.push_back(r);
  return out;
}

}  // namespace

long long insert_agreement(write_context& ctx, long long case_id, const std::string& number,
                           std::optional<long long> supersedes, long long by) {
  ctx.touch();
  long long id = 0, now = ctx.now, sup = supersedes.value_or(0);
  soci::indicator si = supersedes ? soci::i_ok : soci::i_null;
  std::string status = "draft";
  ctx.sql << "INSERT INTO agreements (case_id, number, status, supersedes_id, created_by, created_at) "
             "VALUES (:c, :n, :s, :sup, :b, :at)",
      soci::use(case_id, "c"), soci::use(number, "n"), soci::use(status, "s"), soci::use(sup, si, "sup"),
      soci::use(by, "b"), soci::use(now, "at");
  ctx.sql.get_last_insert_id("agreements", id);
  return id;
}

std::optional<agreement_row> find_agreement(soci::session& sql, long long id) {
  auto rows = query_agreements(sql, "WHERE a.id = :arg", id);
  if (rows.empty()) return std::nullopt;
  return rows.front();
}

std::vector<agreement_row> agreements_of_case(soci::session& sql, long long case_id) {
  return query_agreements(sql, "WHERE a.case_id = :arg ORDER BY a.id", case_id);
}

void save_agreement(write_context& ctx, const agreement_row& row) {
  ctx.touch();
  agreement_row a = row;
  row_map m;
  map_agreement(m, a);
  long long id = a.id;
  soci::statement st = sql_util::prepare_dynamic(ctx.sql, "UPDATE agreements SET " + m.assignments() + " WHERE id = :id",
                                                 [&](soci::statement& q) {
                                                   m.bind_use(q);
                                                   q.exchange(soci::use(id, "id"));
                                                 });
  st.execute(true);
}

long long insert_version(write_context& ctx, long long agreement_id, long long version, const std::string& content,
                         long long author) {
  ctx.touch();
  long long id = 0, now = ctx.now;
  ctx.sql << "INSERT INTO agreement_versions (agreement_id, version, content, author_id, created_at) "
             "VALUES (:a, :v, :c, :u, :n)",
      soci::use(agreement_id, "a"), soci::use(version, "v"), soci::use(content, "c"), soci::use(author, "u"),
      soci::use(now, "n");
  ctx.sql.get_last_insert_id("agreement_versions", id);
  return id;
}

std::vector<version_row> versions(soci::session& sql, long long agreement_id) {
  return query_versions(sql, "WHERE v.agreement_id = :a ORDER BY v.version", agreement_id, 0);
}

std::optional<version_row> find_version(soci::session& sql, long long agreement_id, long long version) {
  auto rows = query_versions(sql, "WHERE v.agreement_id = :a AND v.version = :b", agreement_id, version);
  if (rows.empty()) return std::nullopt;
  return rows.front();
}

std::optional<version_row> find_version_by_id(soci::session& sql, long long version_id) {
  auto rows = query_versions(sql, "WHERE v.id = :a", version_id, 0);
  if (rows.empty()) return std::nullopt;
  return rows.front();
}

long long insert_signature(write_context& ctx, const signature_row& sig) {
  ctx.touch();
  signature_row s = sig;
  long long id = 0, user = s.user_id.value_or(0);
  soci::indicator ui = s.user_id ? soci::i_ok : soci::i_null;
  ctx.sql << "INSERT INTO agreement_signatures (agreement_id, version_id, role, party_index, signer_name, user_id, "
             "method, image, signed_at) VALUES (:a, :v, :r, :p, :n, :u, :m, :i, :at)",
      soci::use(s.agreement_id, "a"), soci::use(s.version_id, "v"), soci::use(s.role, "r"),
      soci::use(s.party_index, "p"), soci::use(s.signer_name, "n"), soci::use(user, ui, "u"),
      soci::use(s.method, "m"), soci::use(s.image, "i"), soci::use(s.signed_at, "at");
  ctx.sql.get_last_insert_id("agreement_signatures", id);
  return id;
}

std::vector<signature_row> signatures(soci::session& sql, long long agreement_id) {
  return query_signatures(sql, "WHERE agreement_id = :a ORDER BY id", agreement_id);
}

std::optional<signature_row> find_signature(soci::session& sql, long long id) {
  auto rows = query_signatures(sql, "WHERE id = :a", id);
  if (rows.empty()) return std::nullopt;
  return rows.front();
}

std::vector<chain_row> chain(soci::session& sql, long long agreement_id) {
  return query_chain(sql, "ORDER BY position", agreement_id);
}

std::optional<chain_row> last_chain_row(soci::session& sql, long long agreement_id) {
  auto rows = query_chain(sql, "ORDER BY position DESC LIMIT 1", agreement_id);
  if (rows.empty()) return std::nullopt;
  return rows.front();
}

void insert_chain_row(write_context& ctx, const chain_row& row) {
  ctx.touch();
  chain_row r = row;
  ctx.sql << "INSERT INTO agreement_chain (agreement_id, position, kind, ref_id, payload, prev_hash, hash, at) "
             "VALUES (:a, :p, :k, :r, :pl, :ph, :h, :at)",
      soci::use(r.agreement_id, "a"), soci::use(r.position, "p"), soci::use(r.kind, "k"), soci::use(r.ref_id, "r"),
      soci::use(r.payload, "pl"), soci::use(r.prev_hash, "ph"), soci::use(r.hash, "h"), soci::use(r.at, "at");
}

void insert_term(write_context& ctx, const term_row& term) {
  ctx.touch();
  term_row t = term;
  ctx.sql << "INSERT INTO agreement_terms (agreement_id, position, text, due_at, status, note) "
             "VALUES (:a, :p, :t, :d, :s, :n)",
      soci::use(t.agreement_id, "a"), soci::use(t.position, "p"), soci::use(t.text, "t"), soci::use(t.due_at, "d"),
      soci::use(t.status, "s"), soci::use(t.note, "n");
}

std::vector<term_row> terms(soci::session& sql, long long agreement_id) {
  term_row t;
  long long at = 0, by = 0;
  soci::indicator ai = soci::i_null, bi = soci::i_null;
  soci::statement st = (sql.prepare << "SELECT id, agreement_id, position, due_at, text, status, note, performed_at, "
                                       "performed_by FROM agreement_terms WHERE agreement_id = :a ORDER BY position",
                        soci::into(t.id), soci::into(t.agreement_id), soci::into(t.position), soci::into(t.due_at),
                        soci::into(t.text), soci::into(t.status), soci::into(t.note), soci::into(at, ai),
                        soci::into(by, bi), soci::use(agreement_id, "a"));
  st.execute();
  std::vector<term_row> out;
  while (st.fetch()) {
    t.performed_at = ai == soci::i_ok ? std::optional<long long>(at) : std::nullopt;
    t.performed_by = bi == soci::i_ok ? std::optional<long long>(by) : std::nullopt;
    out.push_back(t);
  }
  return out;
}

void save_term(write_context& ctx, const term_row& term) {
  ctx.touch();
  term_row t = term;
  long long at = t.performed_at.value_or(0), by = t.performed_by.value_or(0);
  soci::indicator ai = t.performed_at ? soci::i_ok : soci::i_null, bi = t.performed_by ? soci::i_ok : soci::i_null;
  ctx.sql << "UPDATE agreement_terms SET status = :s, note = :n, performed_at = :at, performed_by = :by WHERE id = :i",
      soci::use(t.status, "s"), soci::use(t.note, "n"), soci::use(at, ai, "at"), soci::use(by, bi, "by"),
      soci::use(t.id, "i");
}

std::vector<long long> overdue_term_agreements(soci::session& sql, long long now, int limit) {
  long long id = 0;
  soci::statement st = (sql.prepare << "SELECT DISTINCT agreement_id FROM agreement_terms WHERE status = 'pending' "
                                       "AND due_at < :n ORDER BY agreement_id LIMIT " + std::to_string(limit),
                        soci::into(id), soci::use(now, "n"));
  st.execute();
  std::vector<long long> out;
  while (st.fetch()) out.push_back(id);
  return out;
}

std::vector<long long> confirmation_candidates(soci::session& sql, long long remind_from, int limit) {
  long long id = 0;
  soci::statement st = (sql.prepare << "SELECT id FROM agreements WHERE status = 'in_force' AND "
                                       "confirmation_applied_at IS NULL AND confirmation_reminded < 2 AND "
                                       "confirmation_due_at IS NOT NULL AND confirmation_due_at < :r ORDER BY id LIMIT " +
                                           std::to_string(limit),
                        soci::into(id), soci::use(remind_from, "r"));
  st.execute();
  std::vector<long long> out;
  while (st.fetch()) out.push_back(id);
  return out;
}

void insert_sign_link(write_context& ctx, const sign_link_row& link, const std::string& token_hash, long long by) {
  ctx.touch();
  sign_link_row l = link;
  std::string h = token_hash;
  long long now = ctx.now;
  ctx.sql << "INSERT INTO sign_links (agreement_id, version_id, party_index, token_hash, created_by, created_at, "
             "expires_at) VALUES (:a, :v, :p, :h, :b, :n, :e)",
      soci::use(l.agreement_id, "a"), soci::use(l.version_id, "v"), soci::use(l.party_index, "p"), soci::use(h, "h"),
      soci::use(by, "b"), soci::use(now, "n"), soci::use(l.expires_at, "e");
}

std::optional<sign_link_row> find_sign_link(soci::session& sql, const std::string& token_hash) {
  sign_link_row l;
  long long used = 0;
  soci::indicator ui = soci::i_null;
  std::string h = token_hash;
  sql << "SELECT id, agreement_id, version_id, party_index, expires_at, used_at FROM sign_links WHERE token_hash = :h",
      soci::into(l.id), soci::into(l.agreement_id), soci::into(l.version_id), soci::into(l.party_index),
      soci::into(l.expires_at), soci::into(used, ui), soci::use(h, "h");
  if (!sql.got_data()) return std::nullopt;
  if (ui == soci::i_ok) l.used_at = used;
  return l;
}

void use_sign_link(write_context& ctx, long long id) {
  ctx.touch();
  long long now = ctx.now;
  ctx.sql << "UPDATE sign_links SET used_at = :n WHERE id = :i", soci::use(now, "n"), soci::use(id, "i");
}

bool can_seal(soci::session& sql, long long user_id) {
  int v = 0;
  sql << "SELECT can_seal FROM users WHERE id = :u", soci::into(v), soci::use(user_id, "u");
  return sql.got_data() && v != 0;
}

void set_can_seal(soci::session& sql, long long user_id, bool value) {
  int v = value ? 1 : 0;
  sql << "UPDATE users SET can_seal = :v WHERE id = :u", soci::use(v, "v"), soci::use(user_id, "u");
}

}  // namespace mediation::store
