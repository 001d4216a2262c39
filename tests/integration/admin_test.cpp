// mediation-admin against the database of a running server, on both databases: organisations and
// users, password resets and revoked sessions, the exported case file (卷宗), bad usage.
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "tests/integration/fixture.hpp"

namespace mediation::test {
namespace {

struct admin_result {
  int status = -1;
  std::string output;
};

class admin : public server_test {
 protected:
  std::vector<std::string> extra_args() const override { return {"--attachments-dir", db_->dir() + "/files"}; }

  // Runs mediation-admin with `args` (each single-quoted), `input` on standard input.
  admin_result run(const std::vector<std::string>& args, const std::string& input = "") {
    std::string cmd = "printf '%s\\n' '" + input + "' | '" + std::string(MEDIATION_ADMIN_BINARY) + "' --db '" + db_->url() + "'";
    for (const auto& a : args) cmd += " '" + a + "'";
    cmd += " 2>&1";
    admin_result r;
    FILE* p = popen(cmd.c_str(), "r");
    if (!p) return r;
    char buf[4096];
    while (std::size_t n = fread(buf, 1, sizeof buf, p)) r.output.append(buf, n);
    int status = pclose(p);
    r.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return r;
  }
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
