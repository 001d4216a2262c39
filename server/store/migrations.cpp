#include "server/store/migrations.hpp"

#include <algorithm>
#include <set>
#include <stdexcept>

#include <soci/soci.h>

#include "server/base/log.hpp"
#include "server/base/time.hpp"

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

int migrate(soci::session& sql, backend kind) {
  const char* name = kind == backend::sqlite ? "sqlite" : "mysql";
  sql << "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER NOT NULL PRIMARY KEY, "
         "name VARCHAR(200) NOT NULL, applied_at BIGINT NOT NULL)";
  std::set<int> applied;
  {
    int v = 0;
    soci::statement st = (sql.prepare << "SELECT version FROM schema_migrations", soci::into(v));
    st.execute();
    while (st.fetch()) applied.insert(v);
  }
  std::vector<const migration*> todo;
  for (const auto& m : embedded_migrations())
    if (std::string_view(m.backend) == name && !applied.count(m.version)) todo.push_back(&m);
  std::sort(todo.begin(), todo.end(), [](auto* a, auto* b) { return a->version < b->version; });
  // SQLite rebuilds a table to change a constraint (drop, copy, rename); with foreign keys
  // enforced, dropping the old table would fail. They are switched off around the migrations (this
  // pragma is ignored inside a transaction) and every key is checked before they are on again.
  const bool sqlite = kind == backend::sqlite;
  if (sqlite && !todo.empty()) sql << "PRAGMA foreign_keys=OFF";
  struct restore_keys {
    soci::session& sql;
    bool on;
    ~restore_keys() {
      if (on) try { sql << "PRAGMA foreign_keys=ON"; } catch (...) {}
    }
  } restore{sql, sqlite && !todo.empty()};
  for (const migration* m : todo) {
    // MySQL commits DDL implicitly; SQLite runs the whole migration atomically.
    soci::transaction tr(sql);
    for (const auto& stmt : split_statements(m->sql)) sql << stmt;
    int version = m->version;
    std::string mname = m->name;
    long long at = now_millis();
    sql << "INSERT INTO schema_migrations (version, name, applied_at) VALUES (:v, :n, :a)",
        soci::use(version, "v"), soci::use(mname, "n"), soci::use(at, "a");
    if (sqlite) {
      std::string table;
      soci::indicator ind = soci::i_null;
      sql << "SELECT \"table\" FROM pragma_foreign_key_check LIMIT 1", soci::into(table, ind);
      if (sql.got_data())
        throw std::runtime_error("migration " + std::to_string(version) + " left a broken foreign key in " + table);
    }
    tr.commit();
    log::info("migration applied", {{"version", std::to_string(version)}, {"name", mname}});
  }
  return static_cast<int>(todo.size());
}

}  // namespace mediation::store
