#include "server/admin/admin.hpp"

#include <sys/stat.h>

#include <cstdlib>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>

#include <soci/soci.h>

#include "protocol/frames.hpp"
#include "server/agreements/agreement_service.hpp"
#include "server/core/credentials.hpp"
#include "server/meetings/meeting_service.hpp"
#include "server/admin/seed.hpp"
#include "server/core/services.hpp"
#include "server/cases/workflow.hpp"
#include "server/agreements/agreement_repo.hpp"
#include "server/cases/case_repo.hpp"
#include "server/store/database.hpp"
#include "server/store/event_repo.hpp"
#include "server/store/identity_repo.hpp"
#include "server/meetings/meeting_repo.hpp"
#include "server/store/migrations.hpp"
#include "server/cases/workflow_repo.hpp"
#include "server/base/time.hpp"
#include "server/base/version.hpp"
#include "server/base/log_sink.hpp"
#include "server/core/data_key.hpp"
#include "server/admin/admin_support.hpp"
#include "server/admin/backup.hpp"
#include "server/admin/rotate_key.hpp"
#include "server/admin/users.hpp"

namespace mediation::app::admin {

using nlohmann::json;

std::string usage() {
  return R"usage(Usage: mediation-admin [--db URL] COMMAND [options]     (without --db: MEDIATION_DB)

  migrate                               create or migrate the schema and print its version before and
                                        after; recomputes the login name (normalised username) of every
                                        account
  create-org --name N --name-en E --short S --kind K --level L [--parent ID]
                                        add an organisation; prints its id
  create-user --org ID --username U --name N --role R [--seal]
                                        add a user; the password is read from standard input
  reset-password --username U           set a new password (read from standard input) and end all sessions
  revoke-sessions --username U          end every login session of the user
  list-cases [--org ID] [--limit N]     cases, newest first: id, number, status, title

Accounts (--user ID or --username U names one; guests and the system account are not changed here):
  list-users [--org ID] [--all]         staff accounts: id, username, name, role, organisation, state
                                        (active, disabled, deleted: only with --all), seal right,
                                        live sessions
  disable-user --username U             the account cannot sign in; its sessions end and its open
                                        sockets close within a second (--session-check)
  enable-user --username U              it signs in again with its password
  delete-user --username U              pseudonymised: name "已删除用户 N", login "deleted-N", no
                                        password, sessions ended, calendar feeds revoked, leader
                                        ownership (包案) ended; its messages, decisions and signatures
                                        stay under the pseudonym; cannot be undone
  set-role --username U --role R        new role; its sessions end (it signs in again)
  set-org --username U --org ID         new organisation; its sessions end, the seal right of the old
                                        organisation and its leader ownership of cases are withdrawn

Backups (see docs/operations.md, "Backup and restore"):
  backup --out DIR --key-out FILE --attachments-dir D [--data-key-file F] [--config F]
                                        a consistent dump of the database, the attachment files and
                                        the configuration in DIR (mode 0700, files 0600) with a
                                        manifest; the data key goes to FILE, which must lie outside
                                        DIR: store it apart; every attachment the database
                                        names must be in D, or no backup is written
  restore --from DIR --data-key-file FILE --attachments-dir D
                                        into the new, empty database of --db (SQLite: a file that does
                                        not exist yet): checks the key and the dump's checksum first,
                                        then loads, copies the attachments and runs verify
  rotate-key --data-key-file OLD --new-key-file NEW [--wait-seconds 10] | --data-key-file OLD --abandon
                                        re-seal every ID and phone number under NEW (made, mode 0600,
                                        unless it exists); servers refuse to start, and running ones
                                        stop, until it ends; interrupted, run it again with the same
                                        files and it resumes; then start the servers with NEW;
                                        --abandon forgets a rotation that sealed nothing yet
                                        (its new key file lost)
  verify [--data-key-file F] [--attachments-dir D]
                                        the key is the database's own, every agreement's hash chain
                                        verifies, every sealed number opens, every attachment file is
                                        present and intact; exit status 1 on any problem
  export-case --case ID --out DIR [--attachments-dir DIR] [--data-key-file FILE]
                                        write the case's complete file (卷宗): case.json, events.json,
                                        agreements.json (with the chain's verification), meetings.json,
                                        audit.json and the attachment files; ID and phone numbers are
                                        decrypted with the server's key (default var/data.key) and the
                                        export is audited as a read of personal data; a key file whose
                                        fingerprint is not the one the database records is refused

  --version                             print the release and the schema version it knows

Every command is audited with the operating-system user and host that ran it ("mediation-admin
root@host", and "(sudo by NAME)" through sudo). Files it writes are readable by its user only.

Exit status: 0 done, 1 failed (the database said no, or verify found a problem), 2 bad usage, 3 refused: the database's schema is
newer than this release knows, a migration's precondition does not hold, or the data key does not
belong to the database (nothing was changed; the message says what to do).

Usernames are stored and looked up normalised (Unicode NFKC, case folded, trimmed): "Officer.Zhou"
is created as, and logs in as, "officer.zhou"; a name that folds to a taken one is refused.
The commands work beside a running server, on SQLite too: each change waits for the server's
commit in progress (up to 10 seconds) instead of failing.

Roles: petition_officer, leader, mediator, committee_mediator, grid_worker, lawyer, judicial, administrator.
Kinds: petition_office, mediation_room, mediation_committee, law_firm, court, justice_bureau, resolution_centre.
Levels: grid, community, street, county, city, province.
)usage";
}

namespace {

const std::vector<std::string> kinds_known{"petition_office", "mediation_room", "mediation_committee", "law_firm",
                                           "court",           "justice_bureau", "resolution_centre"};
const std::vector<std::string> levels_known{"grid", "community", "street", "county", "city", "province"};

std::string read_password(std::istream& in) {
  std::string p;
  std::getline(in, p);
  while (!p.empty() && (p.back() == '\r' || p.back() == '\n')) p.pop_back();
  if (p.size() < 8) throw usage_error("the password (from standard input) must have at least 8 characters");
  if (p.size() > 1024) throw usage_error("the password is too long");
  return p;
}

// Recomputes every login key with the full normalisation, which SQL could only approximate when
// migration 007 filled the keys of existing accounts. A key another account already holds stays
// as it is (reported). Returns the number of keys changed.
int rekey_usernames(const store::database& db, soci::session& sql, std::ostream& out) {
  std::vector<std::pair<long long, std::string>> users;
  {
    long long id = 0;
    std::string username;
    soci::statement st = (sql.prepare << "SELECT id, username FROM users ORDER BY id", soci::into(id), soci::into(username));
    st.execute();
    while (st.fetch()) users.emplace_back(id, username);
  }
  int changed = 0;
  for (const auto& entry : users) {
    const long long id = entry.first;
    const std::string& username = entry.second;
    auto key = normalise_username(username);
    if (!key) continue;
    long long uid = id;
    std::string current;
    soci::indicator ind = soci::i_null;
    sql << "SELECT username_key FROM users WHERE id = :i", soci::into(current, ind), soci::use(uid, "i");
    if (ind == soci::i_ok && current == *key) continue;
    auto holder = store::find_login(sql, *key);
    if (holder && holder->user_id != id) {
      out << "user " << id << " (" << username << "): its login name is taken by user " << holder->user_id
          << "; rename one of them\n";
      continue;
    }
    in_transaction(db, sql, [&](store::write_context& ctx) {
      ctx.sql << "UPDATE users SET username_key = :k WHERE id = :i", soci::use(*key, "k"), soci::use(uid, "i");
      store::audit(ctx, std::nullopt, "admin.rekey_user", std::nullopt, username, operator_remote());
      return 0;
    });
    ++changed;
  }
  return changed;
}

json rows_json(const std::vector<store::stored_event>& events) {
  json out = json::array();
  for (const auto& e : events) out.push_back(event_json(e));
  return out;
}

// The case file holds clear ID and phone numbers: readable by the tool's user only (0600, folders 0700).
void write_json(const std::filesystem::path& p, const json& j) {
  write_private_file(p.string(), j.dump(2, ' ', false, json::error_handler_t::replace) + "\n");
}

int export_case(const store::database& db, soci::session& sql, const options& o, std::ostream& out) {
  const long long id = to_id("--case", o.get("case"));
  const std::filesystem::path dir = o.get("out");
  const std::string files = o.opt("attachments-dir").value_or("var/attachments");
  // The key must be the database's own (its recorded fingerprint, or for a database from before
  // 0.2.0 a key that opens its sealed values); an export never makes a key nor records one.
  const auto pd = settle_data_key(
      sql, db.kind(), check_data_key(sql, db.kind(), o.opt("data-key-file").value_or("var/data.key"), false), false);
  auto kase = workflow::case_json(sql, pd, id, nullptr, now_millis());
  if (kase.is_null()) throw std::runtime_error("no such case: " + std::to_string(id));
  std::filesystem::create_directories(dir / "attachments");
  for (const auto& d : {dir, dir / "attachments"})
    std::filesystem::permissions(d, std::filesystem::perms::owner_all, std::filesystem::perm_options::replace);
  write_json(dir / "case.json", kase);
  const long long thread = std::stoll(kase["thread"].get<std::string>());
  std::vector<store::stored_event> all;
  for (long long after = 0;;) {
    auto page = store::events_after(sql, thread, after, 1000);
    if (page.empty()) break;
    after = page.back().seq;
    all.insert(all.end(), page.begin(), page.end());
  }
  write_json(dir / "events.json", rows_json(all));
  json agreements = json::array();
  for (const auto& a : store::agreements_of_case(sql, id)) {
    json j = agreements::agreement_json(sql, pd, a.id, nullptr, now_millis());
    j["verification"] = agreements::verify_json(sql, a.id);
    json versions = json::array();
    for (const auto& v : store::versions(sql, a.id))
      versions.push_back({{"version", v.version}, {"content", pd.open_parties(json::parse(v.content))}, {"author", v.author_name},
                          {"created_at", format_rfc3339(v.created_at)}});
    j["all_versions"] = versions;
    agreements.push_back(std::move(j));
  }
  write_json(dir / "agreements.json", agreements);
  json meetings = json::array();
  for (const auto& m : store::meetings_of_case(sql, id)) meetings.push_back(meetings::meeting_json(sql, m.id));
  write_json(dir / "meetings.json", meetings);
  json audit = json::array();
  for (const auto& a : store::audit_rows(sql, id, nullptr, std::nullopt, 1000))
    audit.push_back({{"at", format_rfc3339(a.at)}, {"user", a.user_name}, {"action", a.action}, {"detail", a.detail},
                     {"remote", a.remote}});
  write_json(dir / "audit.json", audit);
  json listed = json::array();
  int copied = 0;
  for (const auto& a : store::attachments(sql, id)) {
    auto src = std::filesystem::path(files) / a.sha256.substr(0, 2) / a.sha256;
    std::string name = std::to_string(a.id) + "-" + a.name;
    std::replace(name.begin(), name.end(), '/', '_');
    bool present = std::filesystem::exists(src);
    if (present) {
      std::filesystem::copy_file(src, dir / "attachments" / name, std::filesystem::copy_options::overwrite_existing);
      std::filesystem::permissions(dir / "attachments" / name,
                                   std::filesystem::perms::owner_read | std::filesystem::perms::owner_write,
                                   std::filesystem::perm_options::replace);
      ++copied;
    }
    listed.push_back({{"id", std::to_string(a.id)}, {"name", a.name}, {"file", present ? "attachments/" + name : ""},
                      {"sha256", a.sha256}, {"size", a.size}, {"content_type", a.content_type}});
  }
  write_json(dir / "attachments.json", listed);
  in_transaction(db, sql, [&](store::write_context& ctx) {
    store::audit(ctx, std::nullopt, "case.export", id, dir.string(), operator_remote());
    store::audit(ctx, std::nullopt, "personal_data.read", id, "case.export to " + dir.string(), operator_remote());
    return 0;
  });
  out << "exported case " << kase["number"].get<std::string>() << ": " << all.size() << " events, "
      << agreements.size() << " agreements, " << meetings.size() << " meetings, " << audit.size() << " audit rows, "
      << copied << " files to " << dir.string() << "\n";
  return 0;
}

}  // namespace

int run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err, std::istream& in) {
  try {
    std::string db, command;
    options o;
    for (std::size_t i = 0; i < args.size(); ++i) {
      const std::string& a = args[i];
      if (a == "--help" || a == "-h") {
        out << usage();
        return 0;
      }
      if (a == "--version") {
        out << "mediation-admin " << release() << " (schema version " << store::known_schema_version() << ")\n";
        return 0;
      }
      if (a.rfind("--", 0) == 0) {
        std::string key = a.substr(2), value;
        if (auto eq = key.find('='); eq != std::string::npos) {
          value = key.substr(eq + 1);
          key.resize(eq);
        } else if (key == "seal" || key == "all" || key == "abandon") {
          o.switches.push_back(key);
          continue;
        } else {
          if (i + 1 >= args.size()) throw usage_error(a + " needs a value");
          value = args[++i];
        }
        if (key == "db") db = value;
        else o.values[key] = value;
      } else if (command.empty()) {
        command = a;
      } else {
        throw usage_error("unexpected argument '" + a + "'");
      }
    }
    // MEDIATION_DB, as for the server: keeps the database password off the command line (ps).
    if (db.empty())
      if (const char* env = std::getenv("MEDIATION_DB"); env && *env) db = env;
    if (db.empty()) throw usage_error("--db (or MEDIATION_DB in the environment) is required");
    if (command.empty()) throw usage_error("a command is required");
    // Each command's options: any other is refused, so that a typo (--attachment-dir) never leaves a
    // default in force silently.
    static const std::map<std::string, std::vector<std::string>> commands{
        {"migrate", {}},
        {"create-org", {"name", "name-en", "short", "kind", "level", "parent"}},
        {"create-user", {"org", "username", "name", "role", "seal"}},
        {"reset-password", {"username"}},
        {"revoke-sessions", {"username"}},
        {"list-cases", {"org", "limit"}},
        {"export-case", {"case", "out", "attachments-dir", "data-key-file"}},
        {"list-users", {"org", "all"}},
        {"disable-user", {"username", "user"}},
        {"enable-user", {"username", "user"}},
        {"delete-user", {"username", "user"}},
        {"set-role", {"username", "user", "role"}},
        {"set-org", {"username", "user", "org"}},
        {"backup", {"out", "key-out", "data-key-file", "attachments-dir", "config"}},
        {"restore", {"from", "data-key-file", "attachments-dir"}},
        {"verify", {"data-key-file", "attachments-dir"}},
        {"rotate-key", {"data-key-file", "new-key-file", "wait-seconds", "abandon"}}};
    const auto known = commands.find(command);
    if (known == commands.end()) throw usage_error("unknown command '" + command + "'");
    auto allowed = [&](const std::string& name) {
      return std::find(known->second.begin(), known->second.end(), name) != known->second.end();
    };
    for (const auto& [name, value] : o.values)
      if (!allowed(name)) throw usage_error("--" + name + " is not an option of " + command + " (see --help)");
    for (const auto& name : o.switches)
      if (!allowed(name)) throw usage_error("--" + name + " is not an option of " + command + " (see --help)");
    // What the tool writes (backups, case files) is for its user's eyes only, whatever the umask.
    ::umask(077);
    // A restore makes its database (SQLite: from the backup's file), so it opens the database itself.
    if (command == "restore") return restore(db, o, out);
    store::database database(db, 1);
    soci::session sql(database.pool());
    // A later release's schema may hold what this release does not understand: refuse to touch it.
    store::check_schema_not_newer(sql, database.kind());
    // The other commands read and write this release's columns: an older schema is migrated first.
    if (command != "migrate" && command != "backup" && command != "verify") {
      const int found = store::schema_version(sql, database.kind());
      if (found < store::known_schema_version())
        throw store::refused("the database schema is at version " + std::to_string(found) + ", older than release " +
                             release() + " (schema version " + std::to_string(store::known_schema_version()) +
                             "); run mediation-admin migrate (or start the server, which migrates) first");
    }
    if (command == "migrate") {
      const auto r = store::migrate(sql, database.kind());
      out << "schema version " << r.after;
      if (r.applied.empty()) {
        out << " (up to date; release " << release() << " knows " << store::known_schema_version() << ")\n";
      } else {
        out << " (was " << r.before << "; applied";
        for (int v : r.applied) out << " " << v;
        out << ")\n";
      }
      if (int n = rekey_usernames(database, sql, out)) out << n << " login name(s) normalised\n";
      if (!r.applied.empty())
        audit_command(database, sql, "admin.migrate", std::nullopt,
                      "schema version " + std::to_string(r.before) + " -> " + std::to_string(r.after));
      return 0;
    }
    if (command == "create-org") {
      const std::string name = o.get("name"), name_en = o.opt("name-en").value_or(""), short_name = o.get("short"),
                        kind = o.get("kind"), level = o.get("level");
      one_of("--kind", kind, kinds_known);
      one_of("--level", level, levels_known);
      std::optional<long long> parent;
      if (auto p = o.opt("parent")) {
        parent = to_id("--parent", *p);
        if (!store::find_org(sql, *parent)) throw std::runtime_error("no such parent organisation: " + *p);
      }
      long long id = in_transaction(database, sql, [&](store::write_context& ctx) {
        long long org = store::insert_org(ctx.sql, name, name_en, short_name, kind, level, parent, ctx.now);
        store::audit(ctx, std::nullopt, "admin.create_org", std::nullopt, name, operator_remote());
        return org;
      });
      out << id << "\n";
      return 0;
    }
    if (command == "create-user") {
      const long long org = to_id("--org", o.get("org"));
      // Stored as normalised: "Officer.Zhou" becomes "officer.zhou", the name people log in with.
      const std::string username = username_option(o), name = o.get("name"), role = o.get("role");
      one_of("--role", role, roles_known);
      if (auto problem = username_problem(username); !problem.empty()) throw usage_error("--username: " + problem);
      if (username == "system" || username.rfind("guest-", 0) == 0)
        throw usage_error("--username 'system' and names starting with 'guest-' are reserved");
      if (!store::find_org(sql, org)) throw std::runtime_error("no such organisation: " + std::to_string(org));
      if (user_by_name(sql, username))
        throw std::runtime_error("the username is taken: " + username + " (names are compared without case or width)");
      const std::string hash = hash_password(read_password(in));
      const bool seal = o.has("seal");
      long long id = in_transaction(database, sql, [&](store::write_context& ctx) {
        long long user = store::insert_user(ctx.sql, org, username, name, role, hash, ctx.now);
        if (seal) store::set_can_seal(ctx.sql, user, true);
        store::audit(ctx, std::nullopt, "admin.create_user", std::nullopt, username + " (" + role + ")", operator_remote());
        return user;
      });
      out << id << "\n";
      return 0;
    }
    if (command == "reset-password" || command == "revoke-sessions") {
      const std::string username = username_option(o);
      auto user = user_by_name(sql, username);
      if (!user) throw std::runtime_error("no such user: " + username);
      std::string hash;
      if (command == "reset-password") hash = hash_password(read_password(in));
      long long ended = in_transaction(database, sql, [&](store::write_context& ctx) {
        long long id = *user, now = ctx.now, n = 0;
        ctx.sql << "SELECT COUNT(*) FROM auth_sessions WHERE user_id = :u AND revoked_at IS NULL AND expires_at > :n",
            soci::into(n), soci::use(id, "u"), soci::use(now, "n");
        ctx.sql << "UPDATE auth_sessions SET revoked_at = :n WHERE user_id = :u AND revoked_at IS NULL",
            soci::use(now, "n"), soci::use(id, "u");
        if (!hash.empty())
          ctx.sql << "UPDATE users SET password_hash = :h WHERE id = :u", soci::use(hash, "h"), soci::use(id, "u");
        store::audit(ctx, std::nullopt, command == "reset-password" ? "admin.reset_password" : "admin.revoke_sessions",
                     std::nullopt, username, operator_remote());
        return n;
      });
      out << (command == "reset-password" ? "password reset; " : "") << ended << " session(s) ended\n";
      return 0;
    }
    if (command == "list-users") return list_users(database, sql, o, out);
    if (command == "disable-user" || command == "enable-user" || command == "delete-user" || command == "set-role" ||
        command == "set-org")
      return change_user(database, sql, command, o, out);
    if (command == "backup") return backup(database, sql, db, o, out);
    if (command == "rotate-key") return rotate_key(database, sql, o, out);
    if (command == "verify") {
      const int status = verify(database, sql, o, out);
      audit_command(database, sql, "admin.verify", std::nullopt, status == 0 ? "no problem found" : "problems found");
      return status;
    }
    if (command == "list-cases") {
      std::string q = "SELECT id, number, status, title FROM cases";
      long long org = 0;
      if (auto p = o.opt("org")) {
        org = to_id("--org", *p);
        q += " WHERE org_id = :o OR handling_org_id = :o2";
      }
      const int limit = static_cast<int>(to_id("--limit", o.opt("limit").value_or("100")));
      q += " ORDER BY id DESC LIMIT " + std::to_string(std::clamp(limit, 1, 100000));
      long long id = 0;
      std::string number, status, title;
      soci::statement st(sql);
      st.exchange(soci::into(id));
      st.exchange(soci::into(number));
      st.exchange(soci::into(status));
      st.exchange(soci::into(title));
      if (org) {
        st.exchange(soci::use(org, "o"));
        st.exchange(soci::use(org, "o2"));
      }
      st.alloc();
      st.prepare(q);
      st.define_and_bind();
      st.execute();
      while (st.fetch()) out << id << "\t" << number << "\t" << status << "\t" << title << "\n";
      audit_command(database, sql, "admin.list_cases", std::nullopt, org ? "org " + std::to_string(org) : "all");
      return 0;
    }
    return export_case(database, sql, o, out);
  } catch (const usage_error& e) {
    // Standard error carries JSON lines only, like the server's (and the migrations' log lines).
    err << log::format_line(log::level::error, "bad usage",
                            {{"error", e.what()}, {"help", "run mediation-admin --help for the commands"}})
        << "\n";
    return 2;
  } catch (const store::refused& e) {
    err << log::format_line(log::level::error, "refused", {{"error", e.what()}}) << "\n";
    return 3;
  } catch (const std::exception& e) {
    err << log::format_line(log::level::error, "failed", {{"error", e.what()}}) << "\n";
    return 1;
  }
}

}  // namespace mediation::app::admin
