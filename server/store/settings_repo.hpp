#pragma once
// Facts about the database itself (the settings table, migration 008), and where the data key has
// been used: the values it sealed. Functions of one leased session; not thread-safe beyond it.

#include <optional>
#include <string>

#include "server/store/database.hpp"

namespace mediation::store {

// The setting `name`, or nothing when it is absent or the settings table does not exist yet (a
// schema older than version 8).
std::optional<std::string> read_setting(soci::session& sql, backend kind, const std::string& name);

// Stores `name` = `value` unless `name` is present already, and returns the value stored
// afterwards (another process's, when it got there first). Throws on database errors.
std::string record_setting_once(soci::session& sql, backend kind, const std::string& name, const std::string& value,
                                long long now);

// One value sealed under the data key ("pd1:..."), to check that a key opens the data.
struct sealed_sample {
  std::string where;   // e.g. "case_parties row 12", for messages
  std::string value;   // the stored value; for an agreement version, its whole JSON content
  bool agreement = false;
};

// The first sealed value found in a party's numbers, a meeting participant's phone or an agreement
// version, or nothing when the database holds none (new, or made before sealing). Tables that do
// not exist yet are skipped.
std::optional<sealed_sample> find_sealed_value(soci::session& sql, backend kind);

}  // namespace mediation::store
