#pragma once
// What the commands of mediation-admin share: their options, usage errors, one transaction per
// change, and who ran the command (the operating-system user and host written into every audit row).

#include <algorithm>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <soci/soci.h>

#include "server/base/time.hpp"
#include "server/store/database.hpp"
#include "server/store/event_repo.hpp"

namespace mediation::app::admin {

// Bad usage: exit status 2, nothing changed.
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

long long to_id(const std::string& what, const std::string& v);
void one_of(const std::string& what, const std::string& v, const std::vector<std::string>& list);

extern const std::vector<std::string> roles_known;

// "mediation-admin root@host" (and "(sudo by alice)" when run through sudo): the remote of every audit
// row the tool writes, so that the trail says who ran the command and where.
const std::string& operator_remote();

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

// One audit row for a command that changed nothing (a list, a backup), in its own transaction.
void audit_command(const store::database& db, soci::session& sql, const std::string& action,
                   std::optional<long long> case_id, const std::string& detail);

// The normalised form of --username (app::normalise_username), or a usage error.
std::string username_option(const options& o);
std::optional<long long> user_by_name(soci::session& sql, const std::string& username_key);

// Creates `path` for the tool's own output readable by its owner only (mode 0600), whatever the umask.
void write_private_file(const std::string& path, const std::string& content);

}  // namespace mediation::app::admin
