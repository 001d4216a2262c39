#include "server/store/settings_repo.hpp"

#include <soci/soci.h>

#include "server/store/migrations.hpp"

namespace mediation::store {

std::optional<std::string> read_setting(soci::session& sql, backend kind, const std::string& name) {
  if (!table_exists(sql, kind, "settings")) return std::nullopt;
  std::string key = name, value;
  soci::indicator ind = soci::i_null;
  sql << "SELECT value FROM settings WHERE name = :n", soci::into(value, ind), soci::use(key, "n");
  if (!sql.got_data() || ind != soci::i_ok) return std::nullopt;
  return value;
}

std::string record_setting_once(soci::session& sql, backend kind, const std::string& name, const std::string& value,
                                long long now) {
  std::string key = name, v = value;
  // A racing process may insert first: its value stands, and the caller compares.
  if (kind == backend::sqlite)
    sql << "INSERT OR IGNORE INTO settings (name, value, updated_at) VALUES (:n, :v, :a)", soci::use(key, "n"),
        soci::use(v, "v"), soci::use(now, "a");
  else
    sql << "INSERT IGNORE INTO settings (name, value, updated_at) VALUES (:n, :v, :a)", soci::use(key, "n"),
        soci::use(v, "v"), soci::use(now, "a");
  return read_setting(sql, kind, name).value_or("");
}

std::optional<sealed_sample> find_sealed_value(soci::session& sql, backend kind) {
  long long id = 0;
  std::string value;
  if (table_exists(sql, kind, "case_parties")) {
    std::string id_number, phone;
    soci::indicator i1 = soci::i_null, i2 = soci::i_null;
    sql << "SELECT id, id_number, phone FROM case_parties WHERE id_number LIKE 'pd1:%' OR phone LIKE 'pd1:%' "
           "ORDER BY id LIMIT 1",
        soci::into(id), soci::into(id_number, i1), soci::into(phone, i2);
    if (sql.got_data())
      return sealed_sample{"case_parties row " + std::to_string(id),
                           i1 == soci::i_ok && id_number.rfind("pd1:", 0) == 0 ? id_number : phone, false};
  }
  if (table_exists(sql, kind, "meeting_participants")) {
    sql << "SELECT id, phone FROM meeting_participants WHERE phone LIKE 'pd1:%' ORDER BY id LIMIT 1", soci::into(id),
        soci::into(value);
    if (sql.got_data()) return sealed_sample{"meeting_participants row " + std::to_string(id), value, false};
  }
  if (table_exists(sql, kind, "agreement_versions")) {
    sql << "SELECT id, content FROM agreement_versions WHERE content LIKE '%\"pd1:%' ORDER BY id LIMIT 1",
        soci::into(id), soci::into(value);
    if (sql.got_data()) return sealed_sample{"agreement_versions row " + std::to_string(id), value, true};
  }
  return std::nullopt;
}

}  // namespace mediation::store
