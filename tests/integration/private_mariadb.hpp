#pragma once
// A test with a MariaDB of its own (tests/support/mariadb_instance.hpp), for tests that crash,
// restart or reconfigure the database: started in a fresh folder under /tmp, stopped and removed
// after the test (kept when it failed, with the server's log printed). Skipped outside scripts/test.

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "tests/support/mariadb_instance.hpp"
#include "tests/support/server_process.hpp"

namespace mediation::test {

class private_mariadb_test : public ::testing::Test {
 protected:
  // `prefix`: the folder's name under /tmp; `env`: settings for the instance script
  // ("MARIADB_INSTANCE_BINLOG=1"), or "".
  explicit private_mariadb_test(std::string prefix, std::string env = "")
      : prefix_(std::move(prefix)), env_(std::move(env)) {}

  void SetUp() override {
    if (!std::getenv("MEDIATION_TEST_MYSQL")) {
      if (const char* r = std::getenv("MEDIATION_REQUIRE_MYSQL"); r && std::string(r) == "1")
        FAIL() << "MariaDB is required (scripts/test runs this test)";
      GTEST_SKIP() << "MariaDB tests run under scripts/test";
    }
    std::string tmpl = "/tmp/" + prefix_ + ".XXXXXX";
    ASSERT_TRUE(::mkdtemp(tmpl.data()));
    dir_ = tmpl;
    ::chmod(dir_.c_str(), 0755);  // mariadbd runs as the mysql user
    port_ = mariadb_instance("start", dir_, env_);
  }

  void TearDown() override {
    if (HasFailure() && server_) std::cerr << "---- server log ----\n" << server_->log().substr(0, 20000) << "\n";
    server_.reset();
    if (dir_.empty()) return;
    try {
      mariadb_instance("stop", dir_);
    } catch (...) {
    }
    std::error_code ec;
    if (!HasFailure()) std::filesystem::remove_all(dir_, ec);
  }

  std::string url() const { return "mysql://db=fault user=med password=med host=127.0.0.1 port=" + port_; }

  std::string dir_, port_;
  std::unique_ptr<server_process> server_;

 private:
  std::string prefix_, env_;
};

}  // namespace mediation::test
