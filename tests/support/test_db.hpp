#pragma once
// A fresh, empty database per test on either backend: a SQLite file in a temporary folder, or a
// new MariaDB database (mt_*) on the throwaway server that scripts/test starts, dropped at the end.
// MEDIATION_TEST_MYSQL holds "host=... port=... user=... password=..."; when it is absent the
// MariaDB variants skip, unless MEDIATION_REQUIRE_MYSQL=1 (as in scripts/test), where they fail.

#include <string>

namespace mediation::test {

class test_db {
 public:
  // `backend`: "sqlite" or "mysql".
  explicit test_db(const std::string& backend);
  ~test_db();
  test_db(const test_db&) = delete;
  test_db& operator=(const test_db&) = delete;

  // False when the MariaDB variant has no server to run on (the test should skip).
  bool available() const { return available_; }
  std::string skip_reason() const { return reason_; }
  const std::string& url() const { return url_; }
  const std::string& dir() const { return dir_; }  // a private temporary folder (logs, files)
  const std::string& backend() const { return backend_; }

 private:
  std::string backend_, url_, dir_, mysql_db_, reason_;
  bool available_ = true;
};

// The backends to parameterise storage and integration tests over.
inline const std::string backends[] = {"sqlite", "mysql"};

}  // namespace mediation::test
