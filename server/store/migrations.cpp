#include "server/store/migrations.hpp"

#include <algorithm>
#include <cctype>
#include <set>
#include <stdexcept>

#include <soci/soci.h>

#include "server/base/log.hpp"
#include "server/base/time.hpp"
#include "server/base/version.hpp"

namespace mediation::store {

std::vector<std::string> split_statements(std::string_view sql) {
  std::vector<std::string> out;
  std::string current;
  bool in_block = false;
  std::size_t pos = 0;
  while (pos <= sql.size()) {
    auto end = sql.find('\n', pos);
    if (end == std::string_view::npos) end = sql.size();
    std::string_view line = sql.substr(pos, end - pos);
    pos = end + 1;
    auto first = line.find_first_not_of(" \t\r");
    if (first == std::string_view::npos) continue;
    std::string_view trimmed = line.substr(first);
    if (trimmed.rfind("--", 0) == 0) continue;
    auto last = trimmed.find_last_not_of(" \t\r");
    trimmed = trimmed.substr(0, last + 1);
    current.append(trimmed);
    if (!in_block && current.rfind("CREATE TRIGGER", 0) == 0 && trimmed.find("BEGIN") != std::string_view::npos)
      in_block = true;
    if (in_block) {
      if (trimmed == "END;" || trimmed == "END") {
        in_block = false;
        if (current.back() == ';') current.pop_back();
        out.push_back(std::move(current));
        current.clear();
      } else {
        current.push_back('\n');
      }
      continue;
    }
    if (trimmed.back() == ';') {
      current.pop_back();
      out.push_back(std::move(current));
      current.clear();
    } else {
      current.push_back('\n');
    }
  }
  auto last = current.find_last_not_of(" \t\r\n");
  if (last != std::string::npos) out.push_back(current.substr(0, last + 1));
  return out;
}

namespace {

std::string label(const migration& m) {
  std::string v = std::to_string(m.version);
  return std::string(3 - std::min<std::size_t>(3, v.size()), '0') + v + "_" + m.name;
}

bool starts_with_word(std::string_view stmt, std::string_view word) {
  if (stmt.size() < word.size()) return false;
  for (std::size_t i = 0; i < word.size(); ++i)
    if (std::toupper(static_cast<unsigned char>(stmt[i])) != word[i]) return false;
  return stmt.size() == word.size() || std::isspace(static_cast<unsigned char>(stmt[word.size()]));
}

// MariaDB commits these implicitly: they cannot share a transaction with their step's record.
bool is_ddl(std::string_view stmt) {
  for (std::string_view w : {"CREATE", "ALTER", "DROP", "RENAME", "TRUNCATE"})
    if (starts_with_word(stmt, w)) return true;
  return false;
}

std::string first_line(const std::string& stmt) {
  std::string line = stmt.substr(0, stmt.find('\n'));
  return line.size() > 100 ? line.substr(0, 100) + "..." : line;
}

// With the binary log on, MariaDB lets only a user with SUPER create a trigger unless
// log_bin_trust_function_creators is set: found here before any change, not at the trigger.
void check_trigger_precondition(soci::session& sql, const std::string& which) {
  int log_bin = 0, trust = 0;
  sql << "SELECT @@global.log_bin, @@global.log_bin_trust_function_creators", soci::into(log_bin), soci::into(trust);
  if (!log_bin || trust) return;
  long long super = 0;
  sql << "SELECT COUNT(*) FROM information_schema.USER_PRIVILEGES WHERE PRIVILEGE_TYPE = 'SUPER' AND GRANTEE = "
         "CONCAT('''', SUBSTRING_INDEX(CURRENT_USER(), '@', 1), '''@''', "
         "SUBSTRING_INDEX(CURRENT_USER(), '@', -1), '''')",
      soci::into(super);
  if (super) return;
  throw refused(
      "migration " + which +
      " creates triggers, which MariaDB refuses to this database user while the binary log is on (log_bin=ON) "
      "and log_bin_trust_function_creators is OFF. As a database administrator run "
      "SET GLOBAL log_bin_trust_function_creators=1; and, so that it survives a restart of MariaDB, put "
      "log_bin_trust_function_creators = 1 under [mysqld] in my.cnf (e.g. /etc/mysql/mariadb.conf.d/60-mediation.cnf); "
      "or run the migration once as a user with the SUPER privilege (mediation-admin --db URL migrate). "
      "Then start again. Nothing was changed");
}

void record_step(soci::session& sql, int version, int step) {
  long long at = now_millis();
  sql << "INSERT INTO schema_migration_steps (version, step, applied_at) VALUES (:v, :s, :a)", soci::use(version, "v"),
      soci::use(step, "s"), soci::use(at, "a");
}

void record_migration(soci::session& sql, const migration& m) {
  int version = m.version;
  std::string mname = m.name;
  long long at = now_millis();
  sql << "INSERT INTO schema_migrations (version, name, applied_at) VALUES (:v, :n, :a)", soci::use(version, "v"),
      soci::use(mname, "n"), soci::use(at, "a");
}

// SQLite: the whole migration in one transaction. It rebuilds a table to change a constraint
// (drop, copy, rename); with foreign keys enforced, dropping the old table would fail, so the
// caller switches them off around the migrations and every key is checked here before commit.
void apply_sqlite(soci::session& sql, const migration& m) {
  soci::transaction tr(sql);
  for (const auto& stmt : split_statements(m.sql)) sql << stmt;
  record_migration(sql, m);
  std::string table;
  soci::indicator ind = soci::i_null;
  sql << "SELECT \"table\" FROM pragma_foreign_key_check LIMIT 1", soci::into(table, ind);
  if (sql.got_data())
    throw std::runtime_error("migration " + label(m) + " left a broken foreign key in " + table);
  tr.commit();
}

// MariaDB: step by step, each recorded as soon as it is done.
void apply_mysql(soci::session& sql, const migration& m, const std::set<std::pair<int, int>>& done) {
  const auto statements = split_statements(m.sql);
  const int total = static_cast<int>(statements.size());
  for (int step = 1; step <= total; ++step) {
    if (done.count({m.version, step})) continue;
    const std::string& stmt = statements[step - 1];
    try {
      if (is_ddl(stmt)) {
        sql << stmt;
        record_step(sql, m.version, step);
      } else {
        soci::transaction tr(sql);
        sql << stmt;
        record_step(sql, m.version, step);
        tr.commit();
      }
    } catch (const std::exception& e) {
      throw std::runtime_error("migration " + label(m) + " failed at step " + std::to_string(step) + " of " +
                               std::to_string(total) + " (" + first_line(stmt) + "): " + e.what() +
                               ". The steps before it are recorded; fix the cause and start again (or run "
                               "mediation-admin migrate): the migration resumes at this step");
    }
    log::debug("migration step applied", {{"version", std::to_string(m.version)}, {"step", std::to_string(step)}});
  }
  soci::transaction tr(sql);
  record_migration(sql, m);
  tr.commit();
}

}  // namespace

int known_schema_version() {
  int v = 0;
  for (const auto& m : embedded_migrations()) v = std::max(v, m.version);
  return v;
}

bool table_exists(soci::session& sql, backend kind, const std::string& table) {
  long long n = 0;
  std::string name = table;
  if (kind == backend::sqlite)
    sql << "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = :t", soci::into(n), soci::use(name, "t");
  else
    sql << "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = :t",
        soci::into(n), soci::use(name, "t");
  return n > 0;
}

int schema_version(soci::session& sql, backend kind) {
  if (!table_exists(sql, kind, "schema_migrations")) return 0;
  int v = 0;
  soci::indicator ind = soci::i_null;
  sql << "SELECT MAX(version) FROM schema_migrations", soci::into(v, ind);
  return ind == soci::i_ok ? v : 0;
}

void check_schema_not_newer(soci::session& sql, backend kind) {
  const int found = schema_version(sql, kind), known = known_schema_version();
  if (found > known)
    throw refused("the database schema is at version " + std::to_string(found) +
                  ", newer than this binary knows (release " + release() + " knows schema versions up to " +
                  std::to_string(known) +
                  "): a later release has migrated it. Run that release or a later one; to go back to this "
                  "release, follow the rollback notes of CHANGELOG.md (restore the backup taken before the "
                  "upgrade). Nothing was changed");
}

migrate_result migrate(soci::session& sql, backend kind) {
  const bool sqlite = kind == backend::sqlite;
  const char* name = sqlite ? "sqlite" : "mysql";
  // Everything is read and checked before the first change.
  check_schema_not_newer(sql, kind);
  migrate_result result;
  result.before = schema_version(sql, kind);
  std::set<int> applied;
  if (table_exists(sql, kind, "schema_migrations")) {
    int v = 0;
    soci::statement st = (sql.prepare << "SELECT version FROM schema_migrations", soci::into(v));
    st.execute();
    while (st.fetch()) applied.insert(v);
  }
  std::set<std::pair<int, int>> done;
  if (!sqlite && table_exists(sql, kind, "schema_migration_steps")) {
    int v = 0, s = 0;
    soci::statement st =
        (sql.prepare << "SELECT version, step FROM schema_migration_steps", soci::into(v), soci::into(s));
    st.execute();
    while (st.fetch()) done.insert({v, s});
  }
  std::vector<const migration*> todo;
  for (const auto& m : embedded_migrations())
    if (std::string_view(m.backend) == name && !applied.count(m.version)) todo.push_back(&m);
  std::sort(todo.begin(), todo.end(), [](auto* a, auto* b) { return a->version < b->version; });
  if (!sqlite) {
    for (const migration* m : todo) {
      const auto statements = split_statements(m->sql);
      bool triggers = false;
      for (std::size_t i = 0; i < statements.size(); ++i)
        triggers = triggers || (!done.count({m->version, static_cast<int>(i + 1)}) &&
                                statements[i].rfind("CREATE TRIGGER", 0) == 0);
      if (triggers) {
        check_trigger_precondition(sql, label(*m));
        break;
      }
    }
  }

  sql << "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER NOT NULL PRIMARY KEY, "
         "name VARCHAR(200) NOT NULL, applied_at BIGINT NOT NULL)";
  if (!sqlite && !todo.empty())
    sql << "CREATE TABLE IF NOT EXISTS schema_migration_steps (version INTEGER NOT NULL, step INTEGER NOT NULL, "
           "applied_at BIGINT NOT NULL, PRIMARY KEY (version, step))";
  // The foreign-key pragma is ignored inside a transaction: switched around all the migrations.
  if (sqlite && !todo.empty()) sql << "PRAGMA foreign_keys=OFF";
  struct restore_keys {
    soci::session& sql;
    bool on;
    ~restore_keys() {
      if (on) try { sql << "PRAGMA foreign_keys=ON"; } catch (...) {}
    }
  } restore{sql, sqlite && !todo.empty()};
  for (const migration* m : todo) {
    if (sqlite)
      apply_sqlite(sql, *m);
    else
      apply_mysql(sql, *m, done);
    result.applied.push_back(m->version);
    log::info("migration applied", {{"version", std::to_string(m->version)}, {"name", m->name}});
  }
  result.after = schema_version(sql, kind);
  return result;
}

}  // namespace mediation::store
