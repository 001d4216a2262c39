#include "tests/support/test_db.hpp"

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <stdexcept>

#include <soci/soci.h>
#include <soci/mysql/soci-mysql.h>

namespace mediation::test {

namespace {
std::string random_suffix() {
  static std::atomic<unsigned> counter{0};
  std::random_device rd;
  return std::to_string(getpid()) + "_" + std::to_string(++counter) + "_" + std::to_string(rd() % 100000);
}
}  // namespace

test_db::test_db(const std::string& backend) : backend_(backend) {
  char tmpl[] = "/tmp/mediation-t.XXXXXX";
  if (!mkdtemp(tmpl)) throw std::runtime_error("mkdtemp failed");
  dir_ = tmpl;
  if (backend == "sqlite") {
    url_ = "sqlite3://db=" + dir_ + "/mediation.db";
    return;
  }
  const char* conn = std::getenv("MEDIATION_TEST_MYSQL");
  if (!conn || !*conn) {
    available_ = false;
    reason_ = "MEDIATION_TEST_MYSQL is not set (scripts/test sets it)";
    const char* req = std::getenv("MEDIATION_REQUIRE_MYSQL");
    if (req && std::string(req) == "1") throw std::runtime_error("MariaDB is required but " + reason_);
    return;
  }
  mysql_db_ = "mt_" + random_suffix();
  soci::register_factory_mysql();
  soci::session sql("mysql://" + std::string(conn));
  sql << "CREATE DATABASE " + mysql_db_ + " CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci";
  url_ = "mysql://db=" + mysql_db_ + " " + conn;
}

test_db::~test_db() {
  if (!mysql_db_.empty()) {
    try {
      soci::session sql("mysql://" + std::string(std::getenv("MEDIATION_TEST_MYSQL")));
      sql << "DROP DATABASE IF EXISTS " + mysql_db_;
    } catch (...) {
    }
  }
  std::error_code ec;
  if (!std::getenv("MEDIATION_KEEP_TEST_FILES")) std::filesystem::remove_all(dir_, ec);
}

}  // namespace mediation::test
