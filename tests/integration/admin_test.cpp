// mediation-admin against the database of a running server, on both databases: organisations and
// users, password resets and revoked sessions, the exported case file (卷宗), bad usage.
#include <sys/wait.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>

#include "tests/integration/fixture.hpp"

namespace mediation::test {
namespace {

class admin : public server_test {
 protected:
  std::vector<std::string> extra_args() const override { return {"--attachments-dir", db_->dir() + "/files"}; }

  admin_result run(const std::vector<std::string>& args, const std::string& input = "") { return run_admin(args, input); }
};

TEST_P(admin, creates_organisations_and_users_and_manages_their_sessions) {
  auto city = org_id(*connect_as("admin"), "City petition bureau");
  auto org = run({"create-org", "--name", "城北街道信访办", "--name-en", "Chengbei street office", "--short", "城北街道",
                  "--kind", "petition_office", "--level", "street", "--parent", city});
  ASSERT_EQ(org.status, 0) << org.output;
  const std::string org_id_text = org.output.substr(0, org.output.find('\n'));
  auto user = run({"create-user", "--org", org_id_text, "--username", "officer.zhou", "--name", "周敏", "--role",
                   "petition_officer"},
                  "first-password");
  ASSERT_EQ(user.status, 0) << user.output;
  // The new officer signs in and works; the city bureau above supervises the new street office.
  const std::string token = login(port(), "officer.zhou", "first-password");
  ws_client zhou(port());
  auto me = zhou.request({{"type", "auth"}, {"token", token}});
  ASSERT_OK(me);
  EXPECT_EQ(me["user"]["org"]["parent"], city);
  json kase = create_case(zhou, "城北欠薪");
  EXPECT_OK(connect_as("officer.li")->request({{"type", "case.get"}, {"case", kase["id"]}}));
  // Revoking sessions ends the token; a reset changes the password.
  auto revoked = run({"revoke-sessions", "--username", "officer.zhou"});
  ASSERT_EQ(revoked.status, 0) << revoked.output;
  EXPECT_NE(revoked.output.find("1 session(s) ended"), std::string::npos) << revoked.output;
  ws_client again(port());
  EXPECT_ERROR(again.request({{"type", "auth"}, {"token", token}}), "unauthenticated");
  ASSERT_EQ(run({"reset-password", "--username", "officer.zhou"}, "second-password").status, 0);
  EXPECT_EQ(http_request(port(), "POST", "/api/login", R"({"username":"officer.zhou","password":"first-password"})").status, 401);
  EXPECT_NO_THROW(login(port(), "officer.zhou", "second-password"));
  // Bad usage changes nothing.
  EXPECT_EQ(run({"create-user", "--org", org_id_text, "--username", "x", "--name", "y", "--role", "wizard"}, "longenough").status, 2);
  EXPECT_EQ(run({"create-user", "--org", org_id_text, "--username", "officer.zhou", "--name", "y", "--role", "mediator"},
                "longenough").status, 1);
  EXPECT_EQ(run({"reset-password", "--username", "officer.zhou"}, "short").status, 2);
  EXPECT_EQ(run({"create-org", "--name", "x", "--short", "x", "--kind", "spaceship", "--level", "street"}).status, 2);
  EXPECT_EQ(run({"frobnicate"}).status, 2);
  EXPECT_EQ(run({"create-user", "--org", org_id_text, "--username", "system", "--name", "y", "--role", "mediator"},
                "longenough").status, 2);
  EXPECT_EQ(run({"revoke-sessions", "--username", "nobody"}).status, 1);
  EXPECT_NO_THROW(login(port(), "officer.zhou", "second-password"));
  // Every change is in the audit trail.
  auto audit = connect_as("admin")->request({{"type", "audit.list"}, {"limit", 200}});
  int admin_rows = 0;
  for (const auto& e : audit["entries"]) admin_rows += e["remote"] == "mediation-admin";
  EXPECT_GE(admin_rows, 4);
}

TEST_P(admin, stores_usernames_normalised_and_refuses_a_name_that_folds_to_a_taken_one) {
  auto city = org_id(*connect_as("admin"), "City petition bureau");
  auto user = run({"create-user", "--org", city, "--username", " Officer.Zhou", "--name", "周敏", "--role",
                   "petition_officer"},
                  "first-password");
  ASSERT_EQ(user.status, 0) << user.output;
  const std::string id = user.output.substr(0, user.output.find('\n'));
  EXPECT_EQ(sql_strings("SELECT username FROM users WHERE id = " + id), std::vector<std::string>{"officer.zhou"});
  // Every spelling logs in as the one account; no spelling makes a second one.
  auto r = http_request(port(), "POST", "/api/login", json{{"username", "OFFICER.ZHOU"}, {"password", "first-password"}}.dump());
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json_body()["user"]["username"], "officer.zhou");
  for (const char* taken : {"officer.zhou", "OFFICER.zhou", "\uFF4F\uFF46\uFF46\uFF49\uFF43\uFF45\uFF52.zhou", "Leader.Zhao"}) {
    auto again = run({"create-user", "--org", city, "--username", taken, "--name", "y", "--role", "mediator"}, "longenough");
    EXPECT_EQ(again.status, 1) << taken << ": " << again.output;
    EXPECT_NE(again.output.find("taken"), std::string::npos) << again.output;
  }
  // Reserved and invisible names are refused in any spelling.
  for (const char* bad : {"SYSTEM", "Guest-1234", "a\u200Bb", "two words"})
    EXPECT_EQ(run({"create-user", "--org", city, "--username", bad, "--name", "y", "--role", "mediator"}, "longenough").status, 2)
        << bad;
  // The other commands find the account by any spelling too.
  auto reset = run({"reset-password", "--username", "Officer.ZHOU"}, "second-password");
  ASSERT_EQ(reset.status, 0) << reset.output;
  EXPECT_NO_THROW(login(port(), "officer.zhou", "second-password"));
  EXPECT_EQ(sql_strings("SELECT COUNT(*) FROM users WHERE username_key = 'officer.zhou'"), std::vector<std::string>{"1"});
  // migrate recomputes every key; keys already right are left alone.
  auto migrate = run({"migrate"});
  ASSERT_EQ(migrate.status, 0) << migrate.output;
  EXPECT_EQ(migrate.output.find("normalised"), std::string::npos) << migrate.output;
  sql_exec("UPDATE users SET username_key = NULL WHERE id = " + id);
  EXPECT_EQ(http_request(port(), "POST", "/api/login", R"({"username":"officer.zhou","password":"second-password"})").status, 401);
  migrate = run({"migrate"});
  ASSERT_EQ(migrate.status, 0) << migrate.output;
  EXPECT_NE(migrate.output.find("1 login name(s) normalised"), std::string::npos) << migrate.output;
  EXPECT_NO_THROW(login(port(), "officer.zhou", "second-password"));
}

// Issue #13: on SQLite the tool failed with "database is locked" beside a busy server. Here a
// client posts without pause while every writing command runs, repeatedly; every command and
// every post must succeed.
TEST_P(admin, works_beside_a_server_under_write_load) {
  auto city = org_id(*connect_as("admin"), "City petition bureau");
  auto li = connect_as("officer.li");
  json kase = create_case(*li, "并发写入");
  std::atomic<bool> stop{false};
  std::atomic<int> posts{0}, failed_posts{0};
  std::string first_failure;
  std::thread writer([&] {
    for (int i = 0; !stop.load(); ++i) {
      auto r = li->request({{"type", "post"}, {"thread", kase["thread"]}, {"cmid", "load" + std::to_string(i)}, {"body", "x"}});
      if (r.value("type", "") == "ok") {
        ++posts;
      } else if (failed_posts++ == 0) {
        first_failure = r.dump();
      }
    }
  });
  // Wait until the load is on.
  for (int i = 0; i < 200 && posts.load() < 20; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  std::vector<std::string> failures;
  auto expect_ok = [&](const admin_result& r, const std::string& what) {
    if (r.status != 0) failures.push_back(what + ": " + r.output);
  };
  for (int round = 0; round < 6; ++round) {
    const std::string n = std::to_string(round);
    auto org = run({"create-org", "--name", "负载测试" + n, "--short", "负载" + n, "--kind", "mediation_room", "--level",
                    "community", "--parent", city});
    expect_ok(org, "create-org " + n);
    const std::string org_text = org.output.substr(0, org.output.find('\n'));
    expect_ok(run({"create-user", "--org", org_text, "--username", "load.user" + n, "--name", "负载", "--role", "mediator"},
                  "a-password-" + n),
              "create-user " + n);
    expect_ok(run({"reset-password", "--username", "load.user" + n}, "another-password"), "reset-password " + n);
    expect_ok(run({"revoke-sessions", "--username", "officer.sun"}), "revoke-sessions " + n);
    expect_ok(run({"list-cases", "--limit", "5"}), "list-cases " + n);
  }
  const int before_stop = posts.load();
  stop = true;
  writer.join();
  EXPECT_TRUE(failures.empty()) << failures.size() << " command(s) failed; first: " << failures.front();
  EXPECT_EQ(failed_posts.load(), 0) << first_failure;
  EXPECT_GE(before_stop, 50) << "the server was not under load";
  EXPECT_NO_THROW(login(port(), "load.user5", "another-password"));
}

TEST_P(admin, exports_a_complete_case_file) {
  auto li = connect_as("officer.li");
  json kase = create_case(*li, "卷宗导出");
  ASSERT_OK(li->request({{"type", "post"}, {"thread", kase["thread"]}, {"cmid", "m1"}, {"body", "调解记录第一段"}}));
  const std::string path = "/api/cases/" + kase["id"].get<std::string>() + "/attachments";
  auto up = http_request(port(), "POST", path, "笔录内容", "Bearer " + token_for("officer.li"),
                         {{"Content-Type", "text/plain"}, {"X-File-Name", "%E7%AC%94%E5%BD%95.txt"}});
  ASSERT_EQ(up.status, 201) << up.body;
  const std::string out = db_->dir() + "/export";
  auto r = run({"export-case", "--case", kase["id"], "--out", out, "--attachments-dir", db_->dir() + "/files"});
  ASSERT_EQ(r.status, 0) << r.output;
  for (const char* f : {"case.json", "events.json", "agreements.json", "meetings.json", "audit.json", "attachments.json"})
    EXPECT_TRUE(std::filesystem::exists(out + "/" + f)) << f;
  std::ifstream ev(out + "/events.json");
  json events = json::parse(ev);
  ASSERT_GE(events.size(), 3u);  // created, the message, the attachment
  EXPECT_EQ(events[1]["data"]["body"], "调解记录第一段");
  std::ifstream cs(out + "/case.json");
  EXPECT_EQ(json::parse(cs)["number"], kase["number"]);
  std::ifstream at(out + "/attachments.json");
  json files = json::parse(at);
  ASSERT_EQ(files.size(), 1u);
  std::ifstream copy(out + "/" + files[0]["file"].get<std::string>());
  std::string bytes((std::istreambuf_iterator<char>(copy)), std::istreambuf_iterator<char>());
  EXPECT_EQ(bytes, "笔录内容");
  EXPECT_EQ(run({"export-case", "--case", "999999", "--out", out}).status, 1);
}

BACKEND_SUITE(admin);

}  // namespace
}  // namespace mediation::test
