// mediation-admin against the database of a running server, on both databases: organisations and
// users, password resets and revoked sessions, the exported case file (卷宗), bad usage.
#include <sys/wait.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>

#include <openssl/sha.h>
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
  for (const auto& e : audit["entries"]) {
    const std::string remote = e.value("remote", "");
    if (remote.rfind("mediation-admin ", 0) != 0) continue;
    ++admin_rows;
    // Who ran it and where: the operating-system user and host.
    EXPECT_NE(remote.find("@"), std::string::npos) << remote;
  }
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
  // The case file holds clear numbers: only its owner may read it, whatever the umask.
  EXPECT_EQ(std::filesystem::status(out).permissions(), std::filesystem::perms::owner_all);
  for (const auto& f : std::filesystem::recursive_directory_iterator(out))
    if (f.is_regular_file())
      EXPECT_EQ(f.status().permissions(), std::filesystem::perms::owner_read | std::filesystem::perms::owner_write)
          << f.path();
  EXPECT_EQ(run({"export-case", "--case", "999999", "--out", out}).status, 1);
}

// The first line of the tool's output, trimmed.
std::string first_line(const admin_result& r) { return r.output.substr(0, r.output.find('\n')); }

TEST_P(admin, carries_an_account_through_its_whole_life) {
  auto city = org_id(*connect_as("admin"), "City petition bureau");
  auto street = org_id(*connect_as("admin"), "Chengnan street office");
  auto created = run({"create-user", "--org", city, "--username", "officer.qian", "--name", "钱多", "--role",
                      "petition_officer", "--seal"},
                     "first-password");
  ASSERT_EQ(created.status, 0) << created.output;
  const std::string id = first_line(created);
  // Signs in with its own password (connect_as then reuses the token).
  auto sign_in = [&] {
    tokens_["officer.qian"] = login(port(), "officer.qian", "first-password");
    return connect_as("officer.qian");
  };
  auto qian = sign_in();
  json kase = create_case(*qian, "欠薪登记");
  ASSERT_OK(qian->request({{"type", "post"}, {"thread", kase["thread"]}, {"cmid", "q1"}, {"body", "我登记的"}}));
  ASSERT_OK(qian->request({{"type", "subscribe"}, {"thread", kase["thread"]}}));

  // Listed with its organisation, state, seal right and live session.
  auto listed = run({"list-users", "--org", city});
  ASSERT_EQ(listed.status, 0) << listed.output;
  EXPECT_NE(listed.output.find(id + "\tofficer.qian\t钱多\tpetition_officer\t" + city), std::string::npos) << listed.output;
  EXPECT_NE(listed.output.find("active\tseal\t1 session(s)"), std::string::npos) << listed.output;

  // Disabled: the open socket closes, the token and the password no longer work.
  auto disabled = run({"disable-user", "--username", "Officer.Qian"});
  ASSERT_EQ(disabled.status, 0) << disabled.output;
  EXPECT_NE(disabled.output.find("1 session(s) ended"), std::string::npos) << disabled.output;
  EXPECT_EQ(qian->wait_closed(5s), 1008);
  ws_client stale(port());
  EXPECT_ERROR(stale.request({{"type", "auth"}, {"token", token_for("officer.qian")}}), "unauthenticated");
  EXPECT_EQ(http_request(port(), "POST", "/api/login", R"({"username":"officer.qian","password":"first-password"})").status, 401);
  // Enabled: signs in again.
  ASSERT_EQ(run({"enable-user", "--user", id}).status, 0);
  auto again = sign_in();
  EXPECT_OK(again->request({{"type", "case.get"}, {"case", kase["id"]}}));

  // A new role ends the sessions; the next login carries it.
  auto role = run({"set-role", "--username", "officer.qian", "--role", "leader"});
  ASSERT_EQ(role.status, 0) << role.output;
  // The seal right went with the old role.
  EXPECT_NE(role.output.find("seal right was withdrawn"), std::string::npos) << role.output;
  EXPECT_EQ(sql_strings("SELECT can_seal FROM users WHERE id = " + id), std::vector<std::string>{"0"});
  sql_exec("UPDATE users SET can_seal = 1 WHERE id = " + id);
  EXPECT_EQ(again->wait_closed(5s), 1008);
  auto r = http_request(port(), "POST", "/api/login", R"({"username":"officer.qian","password":"first-password"})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json_body()["user"]["role"], "leader");

  // A new organisation: the old one's case is out of reach, the seal right is gone.
  auto live = sign_in();
  ASSERT_OK(live->request({{"type", "subscribe"}, {"thread", kase["thread"]}}));
  auto moved = run({"set-org", "--username", "officer.qian", "--org", street});
  ASSERT_EQ(moved.status, 0) << moved.output;
  EXPECT_NE(moved.output.find("seal right"), std::string::npos) << moved.output;
  EXPECT_EQ(live->wait_closed(5s), 1008);
  auto elsewhere = sign_in();
  EXPECT_ERROR(elsewhere->request({{"type", "case.get"}, {"case", kase["id"]}}), "forbidden");
  EXPECT_EQ(sql_strings("SELECT can_seal FROM users WHERE id = " + id), std::vector<std::string>{"0"});

  // Deleted: pseudonymised, never signs in again, its message stays under the pseudonym.
  auto deleted = run({"delete-user", "--username", "officer.qian"});
  ASSERT_EQ(deleted.status, 0) << deleted.output;
  EXPECT_EQ(elsewhere->wait_closed(5s), 1008);
  EXPECT_EQ(http_request(port(), "POST", "/api/login", R"({"username":"officer.qian","password":"first-password"})").status, 401);
  EXPECT_EQ(http_request(port(), "POST", "/api/login",
                         json{{"username", "deleted-" + id}, {"password", "first-password"}}.dump()).status, 401);
  auto li = connect_as("officer.li");
  auto history = li->request({{"type", "history"}, {"thread", kase["thread"]}});
  ASSERT_OK(history);
  bool seen = false;
  for (const auto& e : history["events"]) {
    EXPECT_EQ(e.dump().find("钱多"), std::string::npos) << e.dump();
    if (e["data"].value("body", "") == "我登记的") {
      seen = true;
      EXPECT_EQ(e["author"]["name"], "已删除用户 " + id) << e.dump();
    }
  }
  EXPECT_TRUE(seen) << history.dump();
  EXPECT_EQ(run({"list-users"}).output.find("deleted-" + id), std::string::npos);
  EXPECT_NE(run({"list-users", "--all"}).output.find("deleted-" + id + "\t已删除用户 " + id), std::string::npos);
  // The name is free again; a deleted account cannot be brought back or changed.
  EXPECT_EQ(run({"enable-user", "--user", id}).status, 1);
  EXPECT_EQ(run({"set-role", "--user", id, "--role", "mediator"}).status, 1);
  EXPECT_EQ(run({"create-user", "--org", city, "--username", "officer.qian", "--name", "钱二", "--role", "petition_officer"},
                "other-password").status, 0);
  // Refusals change nothing: guests and the system account, unknown users, bad roles.
  EXPECT_EQ(run({"disable-user", "--username", "system"}).status, 1);
  EXPECT_EQ(run({"disable-user", "--username", "nobody"}).status, 1);
  EXPECT_EQ(run({"set-role", "--username", "officer.li", "--role", "wizard"}).status, 2);
  EXPECT_EQ(run({"set-org", "--username", "officer.li", "--org", "999999"}).status, 1);
  EXPECT_EQ(run({"disable-user", "--user", "1", "--username", "officer.li"}).status, 2);
  EXPECT_OK(li->request({{"type", "case.get"}, {"case", kase["id"]}}));

  // Every command is in the audit trail with who ran it and where.
  auto audit = connect_as("admin")->request({{"type", "audit.list"}, {"limit", 200}});
  std::set<std::string> actions;
  for (const auto& e : audit["entries"])
    if (e.value("remote", "").rfind("mediation-admin ", 0) == 0 && e["remote"].get<std::string>().find('@') != std::string::npos)
      actions.insert(e["action"].get<std::string>());
  for (const char* a : {"admin.create_user", "admin.list_users", "admin.disable_user", "admin.enable_user", "admin.set_role",
                        "admin.set_org", "admin.delete_user"})
    EXPECT_TRUE(actions.count(a)) << a;
  EXPECT_EQ(sql_strings("SELECT COUNT(*) FROM audit WHERE action = 'admin.delete_user' AND detail LIKE '%钱%'"),
            std::vector<std::string>{"0"});
}

// Whether a file holds any of `needles`.
bool holds_any(const std::string& path, const std::vector<std::string>& needles) {
  std::ifstream f(path, std::ios::binary);
  std::string text((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  for (const auto& n : needles)
    if (text.find(n) != std::string::npos) return true;
  return false;
}

TEST_P(admin, backs_up_and_restores_into_a_new_database_that_verifies) {
  auto li = connect_as("officer.li");
  json kase = li->request({{"type", "case.create"}, {"title", "备份恢复"}, {"category", "labour_wages"}, {"channel", "visit"},
                           {"parties", json::array({{{"role", "petitioner"}, {"name", "张三"}, {"phone", "13812345678"},
                                                     {"id_number", "370214198001017234"}},
                                                    {{"role", "respondent"}, {"name", "某建筑公司"}}})}});
  ASSERT_OK(kase);
  kase = kase["case"];
  const std::string path = "/api/cases/" + kase["id"].get<std::string>() + "/attachments";
  auto up = http_request(port(), "POST", path, "备份里的笔录", "Bearer " + token_for("officer.li"),
                         {{"Content-Type", "text/plain"}, {"X-File-Name", "note.txt"}});
  ASSERT_EQ(up.status, 201) << up.body;
  const std::string key = "var/data.key", files = db_->dir() + "/files";
  const std::string bundle = db_->dir() + "/backup", key_out = db_->dir() + "/keys/data.key";

  // The key may not travel with the backup, also not through a link into the folder about to be made.
  EXPECT_EQ(run({"backup", "--out", bundle, "--key-out", bundle + "/data.key", "--data-key-file", key, "--attachments-dir", files}).status, 2);
  EXPECT_FALSE(std::filesystem::exists(bundle + "/data.key"));
  std::filesystem::create_directory_symlink(bundle, db_->dir() + "/into-backup");
  EXPECT_EQ(run({"backup", "--out", bundle, "--key-out", db_->dir() + "/into-backup/data.key", "--data-key-file", key,
                 "--attachments-dir", files}).status, 2);
  EXPECT_FALSE(std::filesystem::exists(bundle + "/data.key"));
  std::filesystem::remove(db_->dir() + "/into-backup");
  std::filesystem::remove_all(bundle);
  // The configuration goes in without the database password.
  const std::string config =
      test_file("config.json", R"({"threads": 2, "db": "mysql://db=m user=m password=s3cret-Pw host=127.0.0.1"})");
  auto made = run({"backup", "--out", bundle, "--key-out", key_out, "--data-key-file", key, "--attachments-dir", files,
                   "--config", config});
  ASSERT_EQ(made.status, 0) << made.output;
  EXPECT_NE(made.output.find("1 attachment files"), std::string::npos) << made.output;
  // Private: the folder 0700, every file 0600; the key apart, the numbers sealed in the dump.
  EXPECT_EQ(std::filesystem::status(bundle).permissions(), std::filesystem::perms::owner_all);
  int files_seen = 0;
  for (const auto& f : std::filesystem::recursive_directory_iterator(bundle)) {
    if (!f.is_regular_file()) continue;
    ++files_seen;
    EXPECT_EQ(f.status().permissions(), std::filesystem::perms::owner_read | std::filesystem::perms::owner_write) << f.path();
    EXPECT_FALSE(holds_any(f.path().string(), {"13812345678", "370214198001017234", "s3cret-Pw"})) << f.path();
  }
  EXPECT_GE(files_seen, 4);  // manifest, database, config, one attachment
  EXPECT_EQ(std::filesystem::status(key_out).permissions(), std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  EXPECT_FALSE(holds_any(bundle + "/manifest.json", {[&] {
    std::ifstream k(key_out);
    std::string hex;
    k >> hex;
    return hex;
  }()}));
  // A mistyped option is refused, never ignored; a wrong attachments folder leaves no backup behind.
  auto typo = run({"backup", "--out", bundle + "-typo", "--key-out", key_out + "-typo", "--data-key-file", key,
                   "--attachment-dir", files});
  EXPECT_EQ(typo.status, 2) << typo.output;
  EXPECT_NE(typo.output.find("--attachment-dir is not an option of backup"), std::string::npos) << typo.output;
  auto elsewhere = run({"backup", "--out", bundle + "-wrong", "--key-out", key_out + "-wrong", "--data-key-file", key,
                        "--attachments-dir", db_->dir()});
  EXPECT_EQ(elsewhere.status, 1) << elsewhere.output;
  EXPECT_NE(elsewhere.output.find("attachment file(s) the database names are not in"), std::string::npos) << elsewhere.output;
  EXPECT_FALSE(std::filesystem::exists(bundle + "-wrong"));
  EXPECT_EQ(run({"list-users", "--bogus", "1"}).status, 2);
  // A file damaged in the live folder stops the backup (it could never be restored) and leaves nothing.
  std::string damaged_file;
  for (const auto& f : std::filesystem::recursive_directory_iterator(files))
    if (f.is_regular_file()) damaged_file = f.path().string();
  ASSERT_FALSE(damaged_file.empty());
  std::string original;
  {
    std::ifstream in(damaged_file, std::ios::binary);
    original.assign((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  }
  std::ofstream(damaged_file, std::ios::trunc) << "garbage";
  auto bad = run({"backup", "--out", bundle + "-bad", "--key-out", key_out + "-bad", "--data-key-file", key,
                  "--attachments-dir", files});
  EXPECT_EQ(bad.status, 1) << bad.output;
  EXPECT_NE(bad.output.find("is damaged"), std::string::npos) << bad.output;
  EXPECT_FALSE(std::filesystem::exists(bundle + "-bad"));
  std::ofstream(damaged_file, std::ios::binary | std::ios::trunc) << original;
  // A second backup into the same folder is refused.
  EXPECT_EQ(run({"backup", "--out", bundle, "--key-out", key_out + "2", "--data-key-file", key, "--attachments-dir", files}).status, 2);

  // Restored into a new database, with the key kept apart; a wrong key changes nothing.
  test_db fresh(GetParam());
  const std::string restored_files = fresh.dir() + "/files";
  auto restore = [&](const std::vector<std::string>& args) { return run_admin_at(fresh.url(), args); };
  const std::string other_key = test_file("other.key", std::string(64, 'a') + "\n", 0600);
  auto wrong = restore({"restore", "--from", bundle, "--data-key-file", other_key, "--attachments-dir", restored_files});
  EXPECT_EQ(wrong.status, 3) << wrong.output;
  EXPECT_NE(wrong.output.find("is not this backup's key"), std::string::npos) << wrong.output;
  EXPECT_FALSE(std::filesystem::exists(restored_files));
  auto done = restore({"restore", "--from", bundle, "--data-key-file", key_out, "--attachments-dir", restored_files});
  ASSERT_EQ(done.status, 0) << done.output;
  EXPECT_NE(done.output.find("verified: no problem found"), std::string::npos) << done.output;
  EXPECT_NE(done.output.find("1 of 1 files present and intact"), std::string::npos) << done.output;
  EXPECT_NE(done.output.find("sealed numbers opened"), std::string::npos) << done.output;
  // Restoring over it is refused.
  EXPECT_EQ(restore({"restore", "--from", bundle, "--data-key-file", key_out, "--attachments-dir", restored_files}).status, 2);

  // A server on the restored database reads the case with its numbers and its attachment.
  server_process restored(fresh.url(), {"--data-key-file", key_out, "--attachments-dir", restored_files},
                          fresh.dir() + "/server.log");
  auto token = login(restored.port(), "officer.li");
  ws_client c(restored.port());
  ASSERT_OK(c.request({{"type", "auth"}, {"token", token}}));
  auto got = c.request({{"type", "case.get"}, {"case", kase["id"]}});
  ASSERT_OK(got);
  EXPECT_NE(got.dump().find("13812345678"), std::string::npos) << got.dump();
  auto file = http_request(restored.port(), "GET", up.json_body()["attachment"]["url"].get<std::string>(), "", "Bearer " + token);
  ASSERT_EQ(file.status, 200) << file.body;
  EXPECT_EQ(file.body, "备份里的笔录");

  // verify finds a missing file and a damaged dump is refused before anything is loaded.
  for (const auto& f : std::filesystem::recursive_directory_iterator(restored_files))
    if (f.is_regular_file()) std::filesystem::remove(f.path());
  auto missing = restore({"verify", "--data-key-file", key_out, "--attachments-dir", restored_files});
  EXPECT_EQ(missing.status, 1) << missing.output;
  EXPECT_NE(missing.output.find("is missing"), std::string::npos) << missing.output;
  const std::string dump = bundle + (GetParam() == "sqlite" ? "/database.sqlite" : "/database.sql");
  std::ofstream(dump, std::ios::app) << "-- changed";
  // With the manifest's checksum changed to match, the manifest's keyed hash gives it away.
  {
    std::ifstream m(bundle + "/manifest.json");
    json manifest = json::parse(m);
    const json original = manifest;
    std::ifstream d(dump, std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(d)), std::istreambuf_iterator<char>());
    unsigned char digest[32];
    SHA256(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), digest);
    std::string hex;
    for (unsigned char b : digest) {
      static const char* h = "0123456789abcdef";
      hex += h[b >> 4];
      hex += h[b & 15];
    }
    manifest["database"]["sha256"] = hex;
    std::ofstream(bundle + "/manifest.json") << manifest.dump(2);
    test_db forged(GetParam());
    auto refused = run_admin_at(forged.url(), {"restore", "--from", bundle, "--data-key-file", key_out, "--attachments-dir",
                                               forged.dir() + "/files"});
    EXPECT_EQ(refused.status, 1) << refused.output;
    EXPECT_NE(refused.output.find("was changed after the backup was made"), std::string::npos) << refused.output;
    std::ofstream(bundle + "/manifest.json") << original.dump(2);
  }
  test_db third(GetParam());
  auto damaged = run_admin_at(third.url(), {"restore", "--from", bundle, "--data-key-file", key_out, "--attachments-dir",
                                             third.dir() + "/files"});
  EXPECT_EQ(damaged.status, 1) << damaged.output;
  EXPECT_NE(damaged.output.find("is damaged"), std::string::npos) << damaged.output;
}

BACKEND_SUITE(admin);

}  // namespace
}  // namespace mediation::test
