#pragma once
// The data key belongs to its database. The database records the fingerprint of the key that seals
// its personal data (setting "data_key_fingerprint", personal_data::fingerprint()); a key file of
// another fingerprint is refused, and no key is ever made for a database that already holds sealed
// values or a recorded fingerprint (the operator restores the key file instead). A database from
// before release 0.2.0 (sealed values, no fingerprint) gets the fingerprint recorded only when the
// key opens one of its sealed values.
//
// Two steps around the migrations, so that a refusal changes nothing:
//   auto plan = app::check_data_key(sql, kind, path, true);  // reads only; throws data_key_refused
//   store::migrate(sql, kind);
//   auto key = app::settle_data_key(sql, kind, std::move(plan), true);  // makes the key file if
//                                                    // planned, records the fingerprint if missing
// Run once at start on one session; not thread-safe.

#include <optional>
#include <string>

#include "server/core/personal_data.hpp"
#include "server/store/database.hpp"
#include "server/store/migrations.hpp"

namespace mediation::app {

// The key file does not fit the database. `expected` is the recorded fingerprint ("" when none is
// recorded), `found` the file's ("" when there is no file).
struct data_key_refused : store::refused {
  data_key_refused(const std::string& message, std::string file, std::string expected, std::string found);
  std::string file, expected, found;
};

// Settings of the data key: its fingerprint, and while `mediation-admin rotate-key` runs, the rotation
// ("<old fingerprint> -> <new fingerprint>"). Servers refuse to start during a rotation and stop when
// one begins or when the recorded fingerprint is no longer their key's (core/session_watch).
inline constexpr const char* fingerprint_setting = "data_key_fingerprint";
inline constexpr const char* rotation_setting = "data_key_rotation";
std::optional<std::string> data_key_rotation(soci::session& sql, store::backend kind);
std::optional<std::string> recorded_fingerprint(soci::session& sql, store::backend kind);

struct data_key_plan {
  std::string path;
  std::optional<personal_data> key;  // read from the file; empty when a new key file is to be made
  bool record = false;               // the database records no fingerprint yet
};

// Reads the key file at `path` (when it exists) and the database's recorded fingerprint and sealed
// values, and decides. Throws data_key_refused when the key does not fit, when the file is missing
// and the database holds sealed data or a fingerprint, or (with !may_create) whenever it is
// missing; std::runtime_error when the file is unreadable, malformed or readable by others.
data_key_plan check_data_key(soci::session& sql, store::backend kind, const std::string& path, bool may_create);

// Carries out the plan: makes the key file when planned (mode 0600), and with `record` records its
// fingerprint when none is (the settings table must exist: after the migrations). Returns the key.
// Throws data_key_refused when another process recorded a different key meanwhile.
personal_data settle_data_key(soci::session& sql, store::backend kind, data_key_plan plan, bool record);

}  // namespace mediation::app
