#pragma once
// A private MariaDB server for tests that stop, restart or reconfigure it (tests/support/mariadb-instance:
// its own data folder under a temporary folder and a free port of 127.0.0.1, database `fault`,
// user med/med without SUPER). The suite's shared MariaDB stays untouched.

#include <string>

namespace mediation::test {

// Runs `mariadb-instance COMMAND DIR` with `env` ("NAME=value ..." or "") before it; returns its
// standard output, trimmed (the port, for start). Throws naming DIR/instance.log when it fails.
std::string mariadb_instance(const std::string& command, const std::string& dir, const std::string& env = "");

// Runs `sql` as root on the instance at `port` with the mariadb client; returns its output (tab
// separated, no column names). Throws when the client fails.
std::string mariadb_root(const std::string& port, const std::string& sql);

}  // namespace mediation::test
