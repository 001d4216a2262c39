#include "server/store/identity_repo.hpp"

#include <soci/soci.h>

#include "server/store/sql_util.hpp"

namespace mediation::store {

namespace {

const char* const user_columns =
    "SELECT u.id, u.username, u.name, u.role, o.id, o.name, o.name_en, o.kind, o.level, o.parent_id "
    "FROM users u JOIN orgs o ON o.id = u.org_id ";

struct user_row {
  protocol::user_view v;
  long long parent = 0;
  soci::indicator parent_ind = soci::i_null;

  void bind(soci::statement& st) {
    st.exchange(soci::into(v.id));
    st.exchange(soci::into(v.username));
    st.exchange(soci::into(v.name));
    st.exchange(soci::into(v.role));
    st.exchange(soci::into(v.org.id));
    st.exchange(soci::into(v.org.name));
    st.exchange(soci::into(v.org.name_en));
    st.exchange(soci::into(v.org.kind));
    st.exchange(soci::into(v.org.level));
    st.exchange(soci::into(parent, parent_ind));
  }
  protocol::user_view get() const {
    auto out = v;
    if (parent_ind == soci::i_ok) out.org.parent = parent;
    return out;
  }
};

struct org_row {
  protocol::org_view v;
  long long parent = 0;
  soci::indicator parent_ind = soci::i_null;
  protocol::org_view get() const {
    auto out = v;
    if (parent_ind == soci::i_ok) out.parent = parent;
    return out;
  }
};

std::vector<protocol::user_view> query_users(soci::session& sql, const std::string& where,
                                             std::optional<long long> arg) {
  user_row row;
  long long a = arg.value_or(0);
  soci::statement st = sql_util::prepare_dynamic(sql, std::string(user_columns) + where, [&](soci::statement& s) {
    row.bind(s);
    if (arg) s.exchange(soci::use(a, "a"));
  });
  std::vector<protocol::user_view> out;
  st.execute();
  while (st.fetch()) out.push_back(row.get());
  return out;
}

}  // namespace

std::optional<login_row> find_login(soci::session& sql, const std::string& username_key) {
  login_row r;
  int disabled = 0;
  sql << "SELECT id, password_hash, disabled FROM users WHERE username_key = :k", soci::into(r.user_id),
      soci::into(r.password_hash), soci::into(disabled), soci::use(username_key, "k");
  if (!sql.got_data()) return std::nullopt;
  r.disabled = disabled != 0;
  return r;
}

std::optional<protocol::user_view> find_user(soci::session& sql, long long id) {
  auto v = query_users(sql, "WHERE u.id = :a", id);
  if (v.empty()) return std::nullopt;
  return v.front();
}

std::vector<protocol::user_view> list_users(soci::session& sql, std::optional<long long> org) {
  // Guest accounts (invited outsiders) and the system account are not part of the directory.
  return org ? query_users(sql, "WHERE u.org_id = :a AND u.disabled = 0 AND u.role NOT IN ('guest', 'system') "
                                "ORDER BY u.org_id, u.id", org)
             : query_users(sql, "WHERE u.disabled = 0 AND u.role NOT IN ('guest', 'system') ORDER BY u.org_id, u.id",
                           std::nullopt);
}

std::vector<protocol::org_view> list_orgs(soci::session& sql) {
  org_row row;
  soci::statement st = (sql.prepare << "SELECT id, name, name_en, kind, level, parent_id FROM orgs ORDER BY id",
                        soci::into(row.v.id), soci::into(row.v.name), soci::into(row.v.name_en),
                        soci::into(row.v.kind), soci::into(row.v.level), soci::into(row.parent, row.parent_ind));
  std::vector<protocol::org_view> out;
  st.execute();
  while (st.fetch()) out.push_back(row.get());
  return out;
}

std::optional<protocol::org_view> find_org(soci::session& sql, long long id) {
  org_row row;
  sql << "SELECT id, name, name_en, kind, level, parent_id FROM orgs WHERE id = :i", soci::into(row.v.id),
      soci::into(row.v.name), soci::into(row.v.name_en), soci::into(row.v.kind), soci::into(row.v.level),
      soci::into(row.parent, row.parent_ind), soci::use(id, "i");
  if (!sql.got_data()) return std::nullopt;
  return row.get();
}

void insert_auth_session(write_context& ctx, long long user_id, const std::string& token_hash,
                         long long expires_at, const std::string& remote) {
  ctx.touch();
  long long now = ctx.now;
  ctx.sql << "INSERT INTO auth_sessions (user_id, token_hash, created_at, expires_at, remote) "
             "VALUES (:u, :h, :c, :e, :r)",
      soci::use(user_id, "u"), soci::use(token_hash, "h"), soci::use(now, "c"), soci::use(expires_at, "e"),
      soci::use(remote, "r");
}

std::optional<long long> auth_session_user(soci::session& sql, const std::string& token_hash, long long now) {
  long long user = 0;
  // A guest's session holds only while its invitation does (not revoked, not past its window).
  sql << "SELECT s.user_id FROM auth_sessions s JOIN users u ON u.id = s.user_id "
         "LEFT JOIN guest_invitations g ON g.id = s.guest_invitation_id "
         "WHERE s.token_hash = :h AND s.revoked_at IS NULL AND s.expires_at > :n AND u.disabled = 0 "
         "AND (s.guest_invitation_id IS NULL OR (g.revoked_at IS NULL AND g.valid_until > :n2))",
      soci::into(user), soci::use(token_hash, "h"), soci::use(now, "n"), soci::use(now, "n2");
  if (!sql.got_data()) return std::nullopt;
  return user;
}

bool revoke_auth_session(write_context& ctx, const std::string& token_hash) {
  ctx.touch();
  long long now = ctx.now;
  soci::statement st = (ctx.sql.prepare << "UPDATE auth_sessions SET revoked_at = :n "
                                           "WHERE token_hash = :h AND revoked_at IS NULL",
                        soci::use(now, "n"), soci::use(token_hash, "h"));
  st.execute(true);
  return st.get_affected_rows() > 0;
}

long long insert_org(soci::session& sql, const std::string& name, const std::string& name_en,
                     const std::string& short_name, const std::string& kind, const std::string& level,
                     std::optional<long long> parent, long long now) {
  long long p = parent.value_or(0);
  soci::indicator pind = parent ? soci::i_ok : soci::i_null;
  sql << "INSERT INTO orgs (name, name_en, short_name, kind, level, parent_id, created_at) "
         "VALUES (:n, :ne, :s, :k, :l, :p, :c)",
      soci::use(name, "n"), soci::use(name_en, "ne"), soci::use(short_name, "s"), soci::use(kind, "k"),
      soci::use(level, "l"), soci::use(p, pind, "p"), soci::use(now, "c");
  long long id = 0;
  sql.get_last_insert_id("orgs", id);
  return id;
}

long long insert_user(soci::session& sql, long long org_id, const std::string& username,
                      const std::string& name, const std::string& role, const std::string& password_hash,
                      long long now) {
  sql << "INSERT INTO users (org_id, username, username_key, name, role, password_hash, created_at) "
         "VALUES (:o, :u, :k, :n, :r, :p, :c)",
      soci::use(org_id, "o"), soci::use(username, "u"), soci::use(username, "k"), soci::use(name, "n"),
      soci::use(role, "r"), soci::use(password_hash, "p"), soci::use(now, "c");
  long long id = 0;
  sql.get_last_insert_id("users", id);
  return id;
}

long long count_orgs(soci::session& sql) {
  long long n = 0;
  sql << "SELECT COUNT(*) FROM orgs", soci::into(n);
  return n;
}

std::vector<long long> ancestors(soci::session& sql, long long org) {
  std::vector<long long> out;
  long long current = org;
  for (int depth = 0; depth < 16; ++depth) {
    long long parent = 0;
    soci::indicator ind = soci::i_null;
    sql << "SELECT parent_id FROM orgs WHERE id = :o", soci::into(parent, ind), soci::use(current, "o");
    if (!sql.got_data() || ind != soci::i_ok) break;
    if (std::find(out.begin(), out.end(), parent) != out.end() || parent == org) break;  // a cycle
    out.push_back(parent);
    current = parent;
  }
  return out;
}

std::vector<long long> subtree(soci::session& sql, long long org) {
  std::vector<long long> out{org};
  std::vector<long long> frontier{org};
  for (int depth = 0; depth < 16 && !frontier.empty(); ++depth) {
    long long child = 0;
    std::vector<long long> next;
    soci::statement st = sql_util::prepare_dynamic(
        sql, "SELECT id FROM orgs WHERE parent_id IN (" + sql_util::placeholders("o", frontier.size()) + ")",
        [&](soci::statement& s) {
          s.exchange(soci::into(child));
          for (std::size_t i = 0; i < frontier.size(); ++i) s.exchange(soci::use(frontier[i], "o" + std::to_string(i)));
        });
    st.execute();
    while (st.fetch())
      if (std::find(out.begin(), out.end(), child) == out.end()) {
        out.push_back(child);
        next.push_back(child);
      }
    frontier = std::move(next);
  }
  return out;
}

}  // namespace mediation::store
