#include "server/store/database.hpp"

#include <filesystem>
#include <stdexcept>

#include <soci/soci.h>
#include <soci/mysql/soci-mysql.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include "server/base/log.hpp"

namespace mediation::store {

namespace {

void register_backends() {
  static const bool once = [] {
    soci::register_factory_sqlite3();
    soci::register_factory_mysql();
    return true;
  }();
  (void)once;
}

// The value of `db=` in a SOCI SQLite connect string, or "".
std::string sqlite_path(const std::string& url) {
  auto pos = url.find("db=");
  if (pos == std::string::npos) return {};
  auto end = url.find(' ', pos);
  return url.substr(pos + 3, end == std::string::npos ? std::string::npos : end - pos - 3);
}

}  // namespace

database::database(std::string url, std::size_t pool_size)
    : url_(std::move(url)), pool_size_(pool_size == 0 ? 1 : pool_size) {
  register_backends();
  if (url_.rfind("sqlite3://", 0) == 0) {
    kind_ = backend::sqlite;
    std::string path = sqlite_path(url_);
    if (path.empty()) throw std::runtime_error("--db: a SQLite URL needs db=PATH (sqlite3://db=var/mediation.db)");
    auto parent = std::filesystem::path(path).parent_path();
    std::error_code ec;
    if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  } else if (url_.rfind("mysql://", 0) == 0) {
    kind_ = backend::mysql;
    if (url_.find("charset=") == std::string::npos) url_ += " charset=utf8mb4";
  } else {
    throw std::runtime_error("--db: unsupported URL; use sqlite3://db=PATH or mysql://db=NAME user=... password=... host=... port=...");
  }
  pool_ = std::make_unique<soci::connection_pool>(pool_size_);
  try {
    for (std::size_t i = 0; i < pool_size_; ++i) {
      pool_->at(i).open(url_);
      configure(pool_->at(i));
    }
  } catch (const std::exception& e) {
    if (kind_ == backend::sqlite) {
      const std::string path = sqlite_path(url_);
      throw std::runtime_error("cannot open the SQLite database '" + path + "' for reading and writing: " + e.what() +
                               " (check that the file and its folder exist, are writable by this user, and the disk "
                               "is not full or mounted read-only)");
    }
    throw std::runtime_error(std::string("cannot open the database: ") + e.what());
  }
}

database::~database() = default;

void database::open(soci::session& sql) const {
  sql.open(url_);
  configure(sql);
}

void database::configure(soci::session& sql) const {
  if (kind_ == backend::sqlite) {
    // Wait for another connection's lock (another process: mediation-admin beside the server)
    // rather than fail; set first, as switching to WAL may itself wait.
    sql << "PRAGMA busy_timeout=10000";
    // WAL lets readers run beside the one writer; FULL makes every commit durable.
    sql << "PRAGMA journal_mode=WAL";
    sql << "PRAGMA synchronous=FULL";
    sql << "PRAGMA foreign_keys=ON";
    // What a savepoint would undo (the writer takes one per job), and the sorts and temporary
    // tables of every connection (readers' queries too), kept in memory, never in temporary files.
    sql << "PRAGMA temp_store=MEMORY";
  } else {
    sql << "SET NAMES utf8mb4 COLLATE utf8mb4_unicode_ci";
    sql << "SET time_zone = '+00:00'";
  }
}

void database::begin_write(soci::session& sql) const {
  // A deferred transaction that reads before it writes cannot wait for the write lock: SQLite
  // answers "database is locked" at once when another connection holds it or has committed since
  // the read (the busy timeout does not apply). Taking the lock up front waits like any other.
  if (kind_ == backend::sqlite)
    sql << "BEGIN IMMEDIATE";
  else
    sql.begin();
}

bool database::ensure_connected(soci::session& sql) const noexcept {
  if (kind_ != backend::mysql) return false;
  try {
    if (sql.is_connected()) return false;
    sql.reconnect();
    configure(sql);
    log::info("database reconnected");
  } catch (const std::exception& e) {
    log::warn("database reconnect failed", {{"error", e.what()}});
  }
  return true;
}

}  // namespace mediation::store
