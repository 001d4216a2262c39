#include "server/admin/admin.hpp"

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

namespace mediation::app::admin {

using nlohmann::json;

std::string usage() {
  return R"(Usage: mediation-admin --db URL COMMAND [options]

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
  export-case --case ID --out DIR [--attachments-dir DIR] [--data-key-file FILE]
                                        write the case's complete file (卷宗): case.json, events.json,
                                        agreements.json (with the chain's verification), meetings.json,
                                        audit.json and the attachment files; ID and phone numbers are
                                        decrypted with the server's key (default var/data.key) and the
                                        export is audited as a read of personal data; a key file whose
                                        fingerprint is not the one the database records is refused

  --version                             print the release and the schema version it knows

Exit status: 0 done, 1 failed (the database said no), 2 bad usage, 3 refused: the database's schema is
newer than this release knows, a migration's precondition does not hold, or the data key does not
belong to the database (nothing was changed; the message says what to do).

Usernames are stored and looked up normalised (Unicode NFKC, case folded, trimmed): "Officer.Zhou"
is created as, and logs in as, "officer.zhou"; a name that folds to a taken one is refused.
The commands work beside a running server, on SQLite too: each change waits for the server's
commit in progress (up to 10 seconds) instead of failing.

Roles: petition_officer, leader, mediator, committee_mediator, grid_worker, lawyer, judicial, administrator.
Kinds: petition_office, mediation_room, mediation_committee, law_firm, court, justice_bureau, resolution_centre.
Levels: grid, community, street, county, city, province.
)";
}

namespace {

constexpr const char* remote = "mediation-admin";
const std::vector<std::string> roles_known{"petition_officer", "leader",  "mediator",  "committee_mediator",
                                           "grid_worker",      "lawyer",  "judicial", "administrator"};
const std::vector<std::string> kinds_known{"petition_office", "mediation_room", "mediation_committee", "law_firm",
                                           "court",           "justice_bureau", "resolution_centre"};
const std::vector<std::string> levels_known{"grid", "community", "street", "county", "city", "province"};

struct usage_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// --name value pairs and bare switches after the command.
struct options {
  std::map<std::string, std::string> values;
  std::vector<std::string> switches;
  std::string get(const std::string& k) const {
    auto it = values.find(k);
    if (it == values.end() || it->second.empty()) throw usage_error("--" + k + " is required");
    return it->second;
  }
  std::optional<std::string> opt(const std::string& k) const {
    auto it = values.find(k);
    if (it == values.end()) return std::nullopt;
    return it->second;
  }
  bool has(const std::string& s) const { return std::find(switches.begin(), switches.end(), s) != switches.end(); }
};

long long to_id(const std::string& what, const std::string& v) {
  if (v.empty() || v.size() > 18 || v.find_first_not_of("0123456789") != std::string::npos)
    throw usage_error(what + " must be a number");
  return std::stoll(v);
}

void one_of(const std::string& what, const std::string& v, const std::vector<std::string>& list) {
  if (std::find(list.begin(), list.end(), v) == list.end()) {
    std::string all;
    for (const auto& x : list) all += (all.empty() ? "" : ", ") + x;
    throw usage_error(what + " must be one of " + all);
  }
}

std::string read_password(std::istream& in) {
  std::string p;
  std::getline(in, p);
  while (!p.empty() && (p.back() == '\r' || p.back() == '\n')) p.pop_back();
  if (p.size() < 8) throw usage_error("the password (from standard input) must have at least 8 characters");
  if (p.size() > 1024) throw usage_error("the password is too long");
  return p;
}

// A write outside the server's batched writer, in one transaction, with the same store functions.
// The transaction takes SQLite's write lock up front (database::begin_write), so that it waits
// for the running server's commits instead of failing with "database is locked".
template <class Fn>
auto in_transaction(const store::database& db, soci::session& sql, Fn fn) {
  db.begin_write(sql);
  try {
    store::transaction_memo memo;
    store::write_context ctx(sql, now_millis(), memo);
    auto result = fn(ctx);
    store::flush_pending_events(sql, memo);
    store::flush_thread_heads(sql, memo);
    sql.commit();
    return result;
  } catch (...) {
    try {
      sql.rollback();
    } catch (...) {
    }
    throw;
  }
}

// The normalised form of --username (app::normalise_username), or a usage error.
std::string username_option(const options& o) {
  auto key = normalise_username(o.get("username"));
  if (!key) throw usage_error("--username must be valid UTF-8 and not blank");
  return *key;
}

std::optional<long long> user_by_name(soci::session& sql, const std::string& username_key) {
  auto login = store::find_login(sql, username_key);
  if (!login) return std::nullopt;
  return login->user_id;
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
      store::audit(ctx, std::nullopt, "admin.rekey_user", std::nullopt, username, remote);
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

void write_json(const std::filesystem::path& p, const json& j) {
  std::ofstream f(p);
  f << j.dump(2, ' ', false, json::error_handler_t::replace) << "\n";
  if (!f) throw std::runtime_error("cannot write " + p.string());
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
      ++copied;
    }
    listed.push_back({{"id", std::to_string(a.id)}, {"name", a.name}, {"file", present ? "attachments/" + name : ""},
                      {"sha256", a.sha256}, {"size", a.size}, {"content_type", a.content_type}});
  }
  write_json(dir / "attachments.json", listed);
  in_transaction(db, sql, [&](store::write_context& ctx) {
    store::audit(ctx, std::nullopt, "case.export", id, dir.string(), remote);
    store::audit(ctx, std::nullopt, "personal_data.read", id, "case.export to " + dir.string(), remote);
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
        } else if (key == "seal") {
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
    if (db.empty()) throw usage_error("--db is required");
    if (command.empty()) throw usage_error("a command is required");
    static const std::vector<std::string> commands{"migrate", "create-org", "create-user", "reset-password",
                                                   "revoke-sessions", "list-cases", "export-case"};
    if (std::find(commands.begin(), commands.end(), command) == commands.end())
      throw usage_error("unknown command '" + command + "'");
    store::database database(db, 1);
    soci::session sql(database.pool());
    // A later release's schema may hold what this release does not understand: refuse to touch it.
    store::check_schema_not_newer(sql, database.kind());
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
        store::audit(ctx, std::nullopt, "admin.create_org", std::nullopt, name, remote);
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
        store::audit(ctx, std::nullopt, "admin.create_user", std::nullopt, username + " (" + role + ")", remote);
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
                     std::nullopt, username, remote);
        return n;
      });
      out << (command == "reset-password" ? "password reset; " : "") << ended << " session(s) ended\n";
      return 0;
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
