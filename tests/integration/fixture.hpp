#pragma once
// The integration fixture: a fresh database (SQLite or MariaDB, by test parameter) and the real
// server binary started on it with the demo network, on 127.0.0.1 port 0.

#include <map>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/support/server_process.hpp"
#include "tests/support/test_db.hpp"
#include "tests/support/ws_client.hpp"

namespace mediation::test {

// An RFC 3339 UTC time (whole seconds) `m` minutes from now.
std::string in_minutes(int m);

// What mediation-admin printed and its exit status.
struct admin_result {
  int status = -1;
  std::string output;
};

// Runs mediation-admin on the database `url` with `args`, `input` on standard input; standard error
// is kept with standard output.
admin_result run_admin_at(const std::string& url, const std::vector<std::string>& args, const std::string& input = "");

class server_test : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override;
  void TearDown() override;
  // Extra flags for the server this test starts (default: none beyond --seed-demo-accounts).
  virtual std::vector<std::string> extra_args() const { return {}; }

  // (Re)starts the server on the same database.
  void start_server();
  unsigned short port() const { return server_->port(); }
  // A connection logged in and authenticated as `username` (a demo account).
  std::unique_ptr<ws_client> connect_as(const std::string& username);
  // A guest connected and authenticated through an invitation link's token (meeting.invite_guest).
  std::unique_ptr<ws_client> connect_guest(const std::string& invitation_token);
  std::string token_for(const std::string& username);
  // Creates a case as `c`'s user and returns the case object.
  json create_case(ws_client& c, const std::string& title = "拖欠工资纠纷");
  // Runs mediation-admin on the test's database with `args`, `input` on standard input.
  admin_result run_admin(const std::vector<std::string>& args, const std::string& input = "") const;
  // Writes `text` to a file `name` in the test's folder (with `mode`) and returns its path.
  std::string test_file(const std::string& name, const std::string& text, unsigned mode = 0644) const;
  // An org id by its English name.
  std::string org_id(ws_client& c, const std::string& name_en);
  std::string user_id(const std::string& username);
  // Runs SQL on the test's database behind the server's back (how a test moves a deadline into
  // the past or tampers with a row); waits for the server's locks. Throws on failure.
  void sql_exec(const std::string& statement);
  // The first column of every row a query returns, as text (how a test looks at what is stored).
  std::vector<std::string> sql_strings(const std::string& query);
  // The same, returning the database's error message ("" when the statement succeeded).
  std::string sql_error(const std::string& statement);

  std::unique_ptr<test_db> db_;
  std::unique_ptr<server_process> server_;
  std::map<std::string, std::string> tokens_;
  std::map<std::string, std::string> user_ids_;
};

// "ok" replies carry the fields; a helper to print the whole frame on failure.
#define EXPECT_OK(frame) EXPECT_EQ((frame).value("type", ""), "ok") << (frame).dump()
#define ASSERT_OK(frame) ASSERT_EQ((frame).value("type", ""), "ok") << (frame).dump()
#define EXPECT_ERROR(frame, code_text)                          \
  do {                                                          \
    const auto& f_ = (frame);                                   \
    EXPECT_EQ(f_.value("type", ""), "error") << f_.dump();      \
    EXPECT_EQ(f_.value("code", ""), code_text) << f_.dump();    \
  } while (0)

#define BACKEND_SUITE(name) \
  INSTANTIATE_TEST_SUITE_P(backends, name, ::testing::ValuesIn(mediation::test::backends))

}  // namespace mediation::test
