#include "server/admin/users.hpp"

#include <ostream>

#include "server/store/identity_repo.hpp"

namespace mediation::app::admin {

namespace {

struct account {
  long long id = 0, org = 0;
  std::string username, name, role, org_short;
  bool disabled = false, can_seal = false, deleted = false;
  long long sessions = 0;
};

std::vector<account> query_accounts(soci::session& sql, const std::string& where, long long arg) {
  std::vector<account> out;
  account a;
  int disabled = 0, seal = 0;
  long long deleted_at = 0;
  soci::indicator deleted_ind = soci::i_null;
  const long long now = now_millis();
  soci::statement st(sql);
  st.exchange(soci::into(a.id));
  st.exchange(soci::into(a.org));
  st.exchange(soci::into(a.username));
  st.exchange(soci::into(a.name));
  st.exchange(soci::into(a.role));
  st.exchange(soci::into(disabled));
  st.exchange(soci::into(seal));
  st.exchange(soci::into(deleted_at, deleted_ind));
  st.exchange(soci::into(a.org_short));
  st.exchange(soci::into(a.sessions));
  st.exchange(soci::use(now, "n"));
  if (where.find(":a") != std::string::npos) st.exchange(soci::use(arg, "a"));
  st.alloc();
  st.prepare(
      "SELECT u.id, u.org_id, u.username, u.name, u.role, u.disabled, u.can_seal, u.deleted_at, o.short_name, "
      "(SELECT COUNT(*) FROM auth_sessions s WHERE s.user_id = u.id AND s.revoked_at IS NULL AND s.expires_at > :n) "
      "FROM users u JOIN orgs o ON o.id = u.org_id WHERE u.role NOT IN ('guest', 'system') " +
      where + " ORDER BY u.org_id, u.id");
  st.define_and_bind();
  st.execute();
  while (st.fetch()) {
    a.disabled = disabled != 0;
    a.can_seal = seal != 0;
    a.deleted = deleted_ind == soci::i_ok;
    out.push_back(a);
  }
  return out;
}

// The account named by --user ID or --username U (staff only: guests live and die with their
// invitations, and the system account is the server's own).
account find_account(soci::session& sql, const options& o) {
  long long id = 0;
  if (auto given = o.opt("user")) {
    if (o.opt("username")) throw usage_error("give --user or --username, not both");
    id = to_id("--user", *given);
  } else {
    const std::string key = username_option(o);
    auto found = user_by_name(sql, key);
    if (!found) throw std::runtime_error("no such user: " + key);
    id = *found;
  }
  auto rows = query_accounts(sql, "AND u.id = :a", id);
  if (rows.empty()) {
    std::string role;
    sql << "SELECT role FROM users WHERE id = :i", soci::into(role), soci::use(id, "i");
    if (sql.got_data())
      throw std::runtime_error("user " + std::to_string(id) + " is a " + role +
                               " account, which mediation-admin does not change (guests end with their invitation)");
    throw std::runtime_error("no such user: " + std::to_string(id));
  }
  return rows.front();
}

std::string state_of(const account& a) { return a.deleted ? "deleted" : a.disabled ? "disabled" : "active"; }

// Ends every live login session of the account; the server closes their sockets at its next session
// check (--session-check, default 1 s). Returns how many were live.
long long end_sessions(store::write_context& ctx, long long user) {
  long long n = 0, now = ctx.now;
  ctx.sql << "SELECT COUNT(*) FROM auth_sessions WHERE user_id = :u AND revoked_at IS NULL AND expires_at > :n",
      soci::into(n), soci::use(user, "u"), soci::use(now, "n");
  ctx.sql << "UPDATE auth_sessions SET revoked_at = :n WHERE user_id = :u AND revoked_at IS NULL", soci::use(now, "n"),
      soci::use(user, "u");
  return n;
}

// Ends what the account handed out on its own authority: unused signing links (made to expire) and
// guest invitations still valid (revoked: the guests' sockets close at the server's next session
// check). Returns how many of each.
std::pair<long long, long long> end_links(store::write_context& ctx, long long user) {
  long long links = 0, guests = 0, now = ctx.now;
  ctx.sql << "SELECT COUNT(*) FROM sign_links WHERE created_by = :u AND used_at IS NULL AND expires_at > :n",
      soci::into(links), soci::use(user, "u"), soci::use(now, "n");
  ctx.sql << "UPDATE sign_links SET expires_at = :n WHERE created_by = :u AND used_at IS NULL AND expires_at > :n2",
      soci::use(now, "n"), soci::use(user, "u"), soci::use(now, "n2");
  ctx.sql << "SELECT COUNT(*) FROM guest_invitations WHERE created_by = :u AND revoked_at IS NULL AND valid_until > :n",
      soci::into(guests), soci::use(user, "u"), soci::use(now, "n");
  ctx.sql << "UPDATE guest_invitations SET revoked_at = :n WHERE created_by = :u AND revoked_at IS NULL AND "
             "valid_until > :n2",
      soci::use(now, "n"), soci::use(user, "u"), soci::use(now, "n2");
  return {links, guests};
}

std::string links_ended(const std::pair<long long, long long>& n) {
  if (n.first + n.second == 0) return "";
  return "signing links ended: " + std::to_string(n.first) + ", guest invitations revoked: " + std::to_string(n.second) +
         " (they were handed out on this account's authority; others on the case may issue new ones)\n";
}

// Ends the account's leader ownership (包案) of cases; returns the case numbers.
std::vector<std::string> end_leadership(store::write_context& ctx, long long user) {
  std::vector<std::string> numbers;
  std::string number;
  soci::statement st = (ctx.sql.prepare << "SELECT c.number FROM case_leaders l JOIN cases c ON c.id = l.case_id "
                                           "WHERE l.user_id = :u ORDER BY c.id",
                        soci::into(number), soci::use(user, "u"));
  st.execute();
  while (st.fetch()) numbers.push_back(number);
  ctx.sql << "DELETE FROM case_leaders WHERE user_id = :u", soci::use(user, "u");
  return numbers;
}

std::string joined(const std::vector<std::string>& items) {
  std::string s;
  for (const auto& i : items) s += (s.empty() ? "" : ", ") + i;
  return s;
}

}  // namespace

int list_users(const store::database& db, soci::session& sql, const options& o, std::ostream& out) {
  std::string where;
  long long org = 0;
  if (auto p = o.opt("org")) {
    org = to_id("--org", *p);
    where = "AND u.org_id = :a";
  }
  if (!o.has("all")) where += " AND u.deleted_at IS NULL";
  auto rows = query_accounts(sql, where, org);
  for (const auto& a : rows)
    out << a.id << "\t" << a.username << "\t" << a.name << "\t" << a.role << "\t" << a.org << " " << a.org_short << "\t"
        << state_of(a) << "\t" << (a.can_seal ? "seal" : "-") << "\t" << a.sessions << " session(s)\n";
  audit_command(db, sql, "admin.list_users", std::nullopt, o.opt("org") ? "org " + std::to_string(org) : "all");
  return 0;
}

int change_user(const store::database& db, soci::session& sql, const std::string& command, const options& o,
                std::ostream& out) {
  const account a = find_account(sql, o);
  const std::string who = a.username + " (user " + std::to_string(a.id) + ")";
  if (a.deleted) throw std::runtime_error(who + " was deleted; a deleted account cannot be changed");

  if (command == "disable-user" || command == "enable-user") {
    const bool disable = command == "disable-user";
    std::pair<long long, long long> links{0, 0};
    long long ended = in_transaction(db, sql, [&](store::write_context& ctx) {
      int flag = disable ? 1 : 0;
      long long id = a.id;
      ctx.sql << "UPDATE users SET disabled = :d WHERE id = :u", soci::use(flag, "d"), soci::use(id, "u");
      const long long n = disable ? end_sessions(ctx, a.id) : 0;
      if (disable) links = end_links(ctx, a.id);
      store::audit(ctx, std::nullopt, disable ? "admin.disable_user" : "admin.enable_user", std::nullopt, a.username,
                   operator_remote());
      return n;
    });
    if (disable)
      out << who << " disabled (was " << state_of(a) << "); " << ended << " session(s) ended\n" << links_ended(links);
    else
      out << who << " enabled (was " << state_of(a) << "); it signs in with its password\n";
    return 0;
  }

  if (command == "set-role") {
    const std::string role = o.get("role");
    one_of("--role", role, roles_known);
    if (role == a.role) {
      out << who << " is already a " << role << "; nothing changed\n";
      return 0;
    }
    std::vector<std::string> led;
    long long ended = in_transaction(db, sql, [&](store::write_context& ctx) {
      std::string r = role;
      long long id = a.id;
      // What the old role was given goes with it: the seal right and leader ownership (包案).
      ctx.sql << "UPDATE users SET role = :r, can_seal = 0 WHERE id = :u", soci::use(r, "r"), soci::use(id, "u");
      const long long n = end_sessions(ctx, a.id);
      led = end_leadership(ctx, a.id);
      store::audit(ctx, std::nullopt, "admin.set_role", std::nullopt, a.username + ": " + a.role + " -> " + role,
                   operator_remote());
      return n;
    });
    out << who << " is now a " << role << " (was " << a.role << "); " << ended
        << " session(s) ended, it signs in again with the new role\n";
    if (a.can_seal) out << "the seal right was withdrawn with the old role (create-user --seal grants it anew)\n";
    if (!led.empty()) out << "leader ownership (包案) ended for: " << joined(led) << "\n";
    return 0;
  }

  if (command == "set-org") {
    const long long org = to_id("--org", o.get("org"));
    auto target = store::find_org(sql, org);
    if (!target) throw std::runtime_error("no such organisation: " + std::to_string(org));
    if (org == a.org) {
      out << who << " is already in organisation " << org << "; nothing changed\n";
      return 0;
    }
    std::vector<std::string> led;
    long long ended = in_transaction(db, sql, [&](store::write_context& ctx) {
      long long id = a.id, to = org;
      ctx.sql << "UPDATE users SET org_id = :o, can_seal = 0 WHERE id = :u", soci::use(to, "o"), soci::use(id, "u");
      const long long n = end_sessions(ctx, a.id);
      led = end_leadership(ctx, a.id);
      store::audit(ctx, std::nullopt, "admin.set_org", std::nullopt,
                   a.username + ": org " + std::to_string(a.org) + " -> " + std::to_string(org), operator_remote());
      return n;
    });
    out << who << " moved to organisation " << org << " " << target->name << " (was " << a.org << " "
        << a.org_short << "); " << ended << " session(s) ended\n";
    if (a.can_seal) out << "the seal right of the old organisation was withdrawn (create-user --seal grants it anew)\n";
    if (!led.empty()) out << "leader ownership (包案) ended for: " << joined(led) << "\n";
    return 0;
  }

  // delete-user: the person's name and login name are replaced by a pseudonym; the row stays, so
  // every message, signature, decision and audit row keeps pointing at "deleted user N". Signed and
  // sealed agreements keep the names they were signed with (they are legal documents).
  const std::string pseudonym_name = "已删除用户 " + std::to_string(a.id);
  const std::string pseudonym_login = "deleted-" + std::to_string(a.id);
  std::vector<std::string> led;
  std::pair<long long, long long> links{0, 0};
  long long ended = in_transaction(db, sql, [&](store::write_context& ctx) {
    long long id = a.id, now = ctx.now;
    std::string name = pseudonym_name, login = pseudonym_login, no_password = "!deleted";
    ctx.sql << "UPDATE users SET name = :name, username = :login, username_key = :key, password_hash = :p, "
               "disabled = 1, can_seal = 0, deleted_at = :n WHERE id = :u",
        soci::use(name, "name"), soci::use(login, "login"), soci::use(login, "key"), soci::use(no_password, "p"),
        soci::use(now, "n"), soci::use(id, "u");
    ctx.sql << "UPDATE calendar_feeds SET revoked_at = :n WHERE user_id = :u AND revoked_at IS NULL",
        soci::use(now, "n"), soci::use(id, "u");
    // Meetings keep a copy of each participant's name (for the invitation and the .ics file).
    ctx.sql << "UPDATE meeting_participants SET name = :name WHERE user_id = :u", soci::use(name, "name"),
        soci::use(id, "u");
    const long long n = end_sessions(ctx, a.id);
    links = end_links(ctx, a.id);
    led = end_leadership(ctx, a.id);
    // The audit row keeps the account's id, not its name: the name is what deletion removes.
    store::audit(ctx, std::nullopt, "admin.delete_user", std::nullopt, "user " + std::to_string(a.id) + " (" + a.role + ")",
                 operator_remote());
    return n;
  });
  out << "user " << a.id << " deleted: now \"" << pseudonym_name << "\" (" << pseudonym_login << "), " << ended
      << " session(s) ended, calendar feeds revoked; its messages, decisions and signatures stay under that name\n"
      << links_ended(links);
  if (!led.empty()) out << "leader ownership (包案) ended for: " << joined(led) << "\n";
  return 0;
}

}  // namespace mediation::app::admin
