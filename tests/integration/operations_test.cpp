// What an operator meets at start-up and upgrade (issue #17), with the real binaries on both
// databases: the data key belongs to its database (another key refused, a missing key never made
// again once data is sealed, a database from before fingerprints checked by decrypting one of its
// values), an older binary refuses a newer schema, --version, `mediation-admin migrate` reporting
// the true version; and on a private MariaDB with the binary log on, the trigger precondition
// refused before any change, then the migration completing once it is set.
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <thread>

#include <openssl/sha.h>

#include "tests/integration/fixture.hpp"
#include "tests/integration/private_mariadb.hpp"
#include "tests/support/mariadb_instance.hpp"

namespace mediation::test {
namespace {

// The SHA-256 of the key bytes a key file holds (64 hex digits), as hex: computed here with
// OpenSSL, apart from the server's libsodium.
std::string fingerprint_of_file(const std::string& path) {
  std::string hex;
  std::ifstream(path) >> hex;
  unsigned char bytes[32], digest[SHA256_DIGEST_LENGTH];
  for (int i = 0; i < 32; ++i) bytes[i] = static_cast<unsigned char>(std::stoi(hex.substr(2 * i, 2), nullptr, 16));
  SHA256(bytes, sizeof bytes, digest);
  char out[65];
  for (int i = 0; i < 32; ++i) std::snprintf(out + 2 * i, 3, "%02x", digest[i]);
  return out;
}

// Runs a program to its end (at most 30 s) and returns its exit status and output (both streams).
admin_result run_to_exit(const std::string& binary, const std::vector<std::string>& args) {
  std::string cmd = "timeout 30 '" + binary + "'";
  for (const auto& a : args) cmd += " '" + a + "'";
  cmd += " 2>&1 </dev/null";
  admin_result r;
  FILE* p = ::popen(cmd.c_str(), "r");
  if (!p) return r;
  char buf[4096];
  while (std::size_t n = std::fread(buf, 1, sizeof buf, p)) r.output.append(buf, n);
  const int status = ::pclose(p);
  r.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

// The newest migration in sql/mysql (the schema version this build knows).
int newest_migration() {
  int newest = 0;
  for (const auto& f : std::filesystem::directory_iterator(std::string(MEDIATION_SOURCE_DIR) + "/sql/mysql"))
    newest = std::max(newest, std::stoi(f.path().filename().string().substr(0, 3)));
  return newest;
}

class operations : public server_test {
 protected:
  std::vector<std::string> extra_args() const override { return {"--data-key-file", key_path()}; }
  std::string key_path() const { return db_->dir() + "/data.key"; }
  // The server on the test's database with `key_file`, expected to stop before listening.
  admin_result start_refused(const std::string& key_file) {
    return run_to_exit(server_binary(), {"--listen", "127.0.0.1:0", "--db", db_->url(), "--data-key-file", key_file});
  }
  // A case whose petitioner's phone and ID number are stored sealed.
  void case_with_sealed_numbers() {
    auto c = connect_as("officer.li");
    auto r = c->request({{"type", "case.create"},
                         {"title", "欠薪纠纷"},
                         {"category", "labour_wages"},
                         {"channel", "visit"},
                         {"parties", json::array({{{"role", "petitioner"},
                                                   {"name", "张三"},
                                                   {"phone", "13812345678"},
                                                   {"id_number", "370214198001017234"}}})}});
    ASSERT_OK(r);
    auto stored = sql_strings("SELECT phone FROM case_parties");
    ASSERT_EQ(stored.size(), 1u);
    ASSERT_EQ(stored[0].rfind("pd1:", 0), 0u) << stored[0];
  }
  std::vector<std::string> recorded() {
    return sql_strings("SELECT value FROM settings WHERE name = 'data_key_fingerprint'");
  }
  // The database as a release before 0.2.0 left it: schema version 7, no settings table.
  // Schema 7, as release 0.1.0 left it (the rollback SQL of CHANGELOG.md for 0.2.0).
  void as_before_fingerprints() {
    // Schema 10, as release 0.2.0 left it (the rollback SQL of CHANGELOG.md for 0.3.0).
    for (std::string table : {"case_orgs", "case_invites", "case_leaders"})
      for (std::string change : {"insert", "update", "delete"}) sql_exec("DROP TRIGGER IF EXISTS " + table + "_access_" + change);
    sql_exec("DROP TRIGGER IF EXISTS cases_access_update");
    sql_exec("DROP TRIGGER IF EXISTS orgs_access_update");
    sql_exec("ALTER TABLE threads DROP COLUMN access_version");
    sql_exec("DELETE FROM schema_migrations WHERE version = 11");
    if (db_->backend() == "mysql") sql_exec("DELETE FROM schema_migration_steps WHERE version = 11");
    sql_exec("DROP TABLE agreement_version_seals");
    sql_exec("ALTER TABLE users DROP COLUMN deleted_at");
    sql_exec("DROP TABLE settings");
    sql_exec("DELETE FROM schema_migrations WHERE version IN (8, 9, 10)");
    if (db_->backend() == "mysql") sql_exec("DELETE FROM schema_migration_steps WHERE version IN (8, 9, 10)");
  }
};

TEST_P(operations, the_first_start_records_the_fingerprint_of_the_key_it_made) {
  ASSERT_TRUE(std::filesystem::exists(key_path()));
  EXPECT_EQ(recorded(), std::vector<std::string>{fingerprint_of_file(key_path())});
  EXPECT_NE(server_->log().find("data key fingerprint recorded"), std::string::npos);
}

TEST_P(operations, a_key_of_another_database_is_refused_at_start_naming_the_file_and_both_fingerprints) {
  case_with_sealed_numbers();
  server_.reset();
  const std::string expected = fingerprint_of_file(key_path());
  const std::string other = test_file("other.key", std::string(64, '1') + "\n", 0600);
  const std::string found = fingerprint_of_file(other);
  auto r = start_refused(other);
  EXPECT_EQ(r.status, 3) << r.output;
  EXPECT_EQ(r.output.find("listening on"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find(other), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("records the data key fingerprint " + expected), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("the file's fingerprint is " + found), std::string::npos) << r.output;
  EXPECT_NE(r.output.find(R"("level":"error","msg":"refused")"), std::string::npos) << r.output;  // the JSON log line
  // The admin tool refuses to decrypt with it too.
  auto exported = run_admin({"export-case", "--case", sql_strings("SELECT id FROM cases")[0], "--out",
                             db_->dir() + "/export", "--data-key-file", other});
  EXPECT_EQ(exported.status, 3) << exported.output;
  EXPECT_NE(exported.output.find(expected), std::string::npos) << exported.output;
  EXPECT_FALSE(std::filesystem::exists(db_->dir() + "/export/case.json"));
  // With its own key it starts, and reads what it sealed.
  start_server();
  auto c = connect_as("officer.li");
  auto got = c->request({{"type", "case.get"}, {"case", sql_strings("SELECT id FROM cases")[0]}});
  ASSERT_OK(got);
  EXPECT_EQ(got["case"]["parties"][0]["phone"], "13812345678");
}

TEST_P(operations, a_missing_key_is_not_made_again_when_the_database_holds_sealed_data) {
  case_with_sealed_numbers();
  server_.reset();
  const std::string fresh = db_->dir() + "/fresh.key";
  auto r = start_refused(fresh);
  EXPECT_EQ(r.status, 3) << r.output;
  EXPECT_NE(r.output.find("the data key file '" + fresh + "' does not exist"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("Restore the key file"), std::string::npos) << r.output;
  EXPECT_FALSE(std::filesystem::exists(fresh));
  // Likewise for a database from before fingerprints: its sealed values alone stop the start.
  as_before_fingerprints();
  r = start_refused(fresh);
  EXPECT_EQ(r.status, 3) << r.output;
  EXPECT_NE(r.output.find("already holds personal data sealed with a data key (case_parties row"), std::string::npos)
      << r.output;
  EXPECT_FALSE(std::filesystem::exists(fresh));
  EXPECT_EQ(sql_strings("SELECT MAX(version) FROM schema_migrations"), std::vector<std::string>{"7"});
}

TEST_P(operations, a_database_from_before_fingerprints_records_one_only_for_the_key_that_opens_it) {
  case_with_sealed_numbers();
  server_.reset();
  as_before_fingerprints();
  const std::string other = test_file("other.key", std::string(64, 'a') + "\n", 0600);
  auto r = start_refused(other);
  EXPECT_EQ(r.status, 3) << r.output;
  EXPECT_NE(r.output.find("does not open the personal data already in this database (case_parties row"),
            std::string::npos)
      << r.output;
  // Nothing changed: not even the migration that makes the settings table.
  EXPECT_EQ(sql_strings("SELECT MAX(version) FROM schema_migrations"), std::vector<std::string>{"7"});
  // The right key opens a sealed value: migrated, and its fingerprint recorded.
  start_server();
  EXPECT_EQ(recorded(), std::vector<std::string>{fingerprint_of_file(key_path())});
  EXPECT_EQ(sql_strings("SELECT MAX(version) FROM schema_migrations"),
            std::vector<std::string>{std::to_string(newest_migration())});
}

TEST_P(operations, an_older_binary_refuses_a_newer_schema_with_both_versions) {
  server_.reset();
  const int known = newest_migration();
  sql_exec("INSERT INTO schema_migrations (version, name, applied_at) VALUES (99, 'from_a_later_release', 0)");
  auto r = start_refused(key_path());
  EXPECT_EQ(r.status, 3) << r.output;
  EXPECT_NE(r.output.find("the database schema is at version 99"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("knows schema versions up to " + std::to_string(known)), std::string::npos) << r.output;
  for (const std::string command : {"migrate", "list-cases"}) {
    auto a = run_admin({command});
    EXPECT_EQ(a.status, 3) << a.output;
    EXPECT_NE(a.output.find("the database schema is at version 99"), std::string::npos) << a.output;
  }
  sql_exec("DELETE FROM schema_migrations WHERE version = 99");
  start_server();
}

TEST_P(operations, migrate_reports_the_true_schema_version) {
  const std::string known = std::to_string(newest_migration());
  auto applied_from = [](int first) {  // "applied 8 9 ... <newest>"
    std::string out = "applied";
    for (int v = first; v <= newest_migration(); ++v) out += " " + std::to_string(v);
    return out;
  };
  auto up_to_date = run_admin({"migrate"});
  ASSERT_EQ(up_to_date.status, 0) << up_to_date.output;
  EXPECT_NE(up_to_date.output.find("schema version " + known + " (up to date"), std::string::npos) << up_to_date.output;
  server_.reset();
  as_before_fingerprints();
  auto older = run_admin({"migrate"});
  ASSERT_EQ(older.status, 0) << older.output;
  EXPECT_NE(older.output.find("schema version " + known + " (was 7; " + applied_from(8) + ")\n"), std::string::npos) << older.output;
  // A new database: every migration.
  test_db fresh(GetParam());
  auto all = run_to_exit(admin_binary(), {"--db", fresh.url(), "migrate"});
  ASSERT_EQ(all.status, 0) << all.output;
  EXPECT_NE(all.output.find("schema version " + known + " (was 0; " + applied_from(1) + ")\n"), std::string::npos) << all.output;
}

TEST_P(operations, both_programs_print_their_release_and_the_schema_version_they_know) {
  for (const auto& [binary, name] : {std::pair{server_binary(), std::string("mediation-server")},
                                     std::pair{admin_binary(), std::string("mediation-admin")}}) {
    auto r = run_to_exit(binary, {"--version"});
    EXPECT_EQ(r.status, 0) << r.output;
    EXPECT_TRUE(std::regex_match(r.output, std::regex(name + R"( \d+\.\d+\.\d+ \(schema version )" +
                                                      std::to_string(newest_migration()) + "\\)\n")))
        << r.output;
  }
}

TEST_P(operations, rotate_key_reseals_every_number_stops_the_running_server_and_resumes_after_a_failure) {
  const json party{{"role", "petitioner"}, {"name", "张三"}, {"phone", "13812345678"}, {"id_number", "370214198001017234"}};
  auto wang = connect_as("mediator.wang");
  auto made = wang->request({{"type", "case.create"}, {"title", "密钥轮换"}, {"category", "labour_wages"},
                             {"channel", "visit"}, {"parties", {party, {{"role", "respondent"}, {"name", "某公司"}}}}});
  ASSERT_OK(made);
  const json kase = made["case"];
  json content = {{"parties", {party, {{"role", "respondent"}, {"name", "某公司"}}}},
                  {"facts", "拖欠工资。"},
                  {"disputes", {"数额"}},
                  {"responsibilities", {{{"party", 1}, {"text", "未按时支付"}}}},
                  {"terms", {{{"text", "支付工资人民币一万元"}, {"way", "银行转账"}, {"place", "申请人账户"}, {"deadline", "2027-01-31"}}}},
                  {"mediators", {"王秀英"}},
                  {"organisation", "荷花社区人民调解委员会"}};
  auto draft = wang->request({{"type", "agreement.draft"}, {"case", kase["id"]}, {"content", content}});
  ASSERT_OK(draft);
  const json agreement = draft["agreement"]["id"];
  const auto stored_before = sql_strings("SELECT phone FROM case_parties WHERE phone <> '' ORDER BY id");
  const auto version_before = sql_strings("SELECT content FROM agreement_versions");
  const auto petitioner_before = sql_strings("SELECT petitioner_key FROM cases WHERE petitioner_key IS NOT NULL");
  ASSERT_EQ(petitioner_before.size(), 1u);

  // The rotation begins while the server runs: the server stops by itself, before it seals one more number.
  const std::string new_key = db_->dir() + "/new.key";
  auto rotated = run_admin({"rotate-key", "--data-key-file", key_path(), "--new-key-file", new_key, "--wait-seconds", "3"});
  ASSERT_EQ(rotated.status, 0) << rotated.output;
  EXPECT_NE(rotated.output.find("1 agreement versions"), std::string::npos) << rotated.output;
  EXPECT_EQ(std::filesystem::status(new_key).permissions(),
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  for (auto until = std::chrono::steady_clock::now() + 10s; server_->running() && std::chrono::steady_clock::now() < until;)
    std::this_thread::sleep_for(100ms);
  EXPECT_FALSE(server_->running()) << "the server kept running with a key that is no longer the database's";
  EXPECT_NE(server_->log().find("stopping: the data key changed"), std::string::npos);
  EXPECT_EQ(recorded(), std::vector<std::string>{fingerprint_of_file(new_key)});
  // Every number sealed anew (never in the clear); the insert-only versions and their chain untouched.
  const auto stored_after = sql_strings("SELECT phone FROM case_parties WHERE phone <> '' ORDER BY id");
  ASSERT_EQ(stored_after.size(), stored_before.size());
  for (std::size_t i = 0; i < stored_after.size(); ++i) {
    EXPECT_NE(stored_after[i], stored_before[i]);
    EXPECT_EQ(stored_after[i].rfind("pd1:", 0), 0u);
  }
  EXPECT_EQ(sql_strings("SELECT content FROM agreement_versions"), version_before);
  EXPECT_EQ(sql_strings("SELECT COUNT(*) FROM agreement_version_seals WHERE numbers LIKE '%13812345678%'"),
            std::vector<std::string>{"0"});
  EXPECT_NE(sql_strings("SELECT petitioner_key FROM cases WHERE petitioner_key IS NOT NULL"), petitioner_before);

  // The old key is refused; the new one reads everything, the chain verifies, repeat petitions are still found.
  auto old = start_refused(key_path());
  EXPECT_EQ(old.status, 3) << old.output;
  server_ = std::make_unique<server_process>(db_->url(), std::vector<std::string>{"--seed-demo-accounts", "--data-key-file", new_key},
                                             db_->dir() + "/after-rotation.log");
  tokens_.clear();
  wang = connect_as("mediator.wang");
  auto got = wang->request({{"type", "case.get"}, {"case", kase["id"]}});
  ASSERT_OK(got);
  EXPECT_EQ(got["case"]["parties"][0]["phone"], "13812345678");
  EXPECT_EQ(got["case"]["parties"][0]["id_number"], "370214198001017234");
  auto a = wang->request({{"type", "agreement.get"}, {"agreement", agreement}, {"full", true}});
  ASSERT_OK(a);
  EXPECT_NE(a.dump().find("13812345678"), std::string::npos) << a.dump();
  // The re-sealed numbers are masked as before for a reader who may not see them in full (a supervisor).
  auto supervised = connect_as("leader.zhao")->request({{"type", "agreement.get"}, {"agreement", agreement}});
  ASSERT_OK(supervised);
  EXPECT_EQ(supervised.dump().find("13812345678"), std::string::npos) << supervised.dump();
  EXPECT_EQ(supervised.dump().find("370214198001017234"), std::string::npos) << supervised.dump();
  EXPECT_NE(supervised.dump().find("5678\""), std::string::npos) << supervised.dump();  // opened, then masked
  auto verified = wang->request({{"type", "agreement.verify"}, {"agreement", agreement}});
  ASSERT_OK(verified);
  EXPECT_EQ(verified["ok"], true) << verified.dump();
  auto again = wang->request({{"type", "case.create"}, {"title", "再次反映"}, {"category", "labour_wages"},
                              {"channel", "visit"}, {"parties", {party}}});
  ASSERT_OK(again);
  EXPECT_EQ(sql_strings("SELECT petitioner_key FROM cases WHERE id = " + again["case"]["id"].get<std::string>()),
            std::vector<std::string>{sql_strings("SELECT petitioner_key FROM cases WHERE id = " + kase["id"].get<std::string>())});
  auto checked = run_admin({"verify", "--data-key-file", new_key, "--attachments-dir", db_->dir() + "/files"});
  EXPECT_EQ(checked.status, 0) << checked.output;
  // Numbers changed or copied into the re-sealed table behind the server's back are found by verify.
  const std::string resealed = sql_strings("SELECT numbers FROM agreement_version_seals")[0];
  sql_exec("UPDATE agreement_version_seals SET numbers = '[{},{}]'");
  auto altered = run_admin({"verify", "--data-key-file", new_key, "--attachments-dir", db_->dir() + "/files"});
  EXPECT_EQ(altered.status, 1) << altered.output;
  EXPECT_NE(altered.output.find("belong to another version or were altered"), std::string::npos) << altered.output;
  sql_exec("UPDATE agreement_version_seals SET numbers = '" + resealed + "'");

  // A second rotation that meets a number under neither key (a row put back from an old copy) stops,
  // naming the row, with that batch unchanged; servers are refused meanwhile; fixed, it resumes and ends.
  server_.reset();
  const std::string current = sql_strings("SELECT phone FROM case_parties WHERE phone <> '' ORDER BY id LIMIT 1")[0];
  sql_exec("UPDATE case_parties SET phone = '" + stored_before[0] + "' WHERE phone = '" + current + "'");
  const std::string third_key = db_->dir() + "/third.key";
  auto failed = run_admin({"rotate-key", "--data-key-file", new_key, "--new-key-file", third_key, "--wait-seconds", "0"});
  EXPECT_EQ(failed.status, 1) << failed.output;
  EXPECT_NE(failed.output.find("sealed under neither key"), std::string::npos) << failed.output;
  EXPECT_EQ(recorded(), std::vector<std::string>{fingerprint_of_file(new_key)});
  auto refused = start_refused(new_key);
  EXPECT_EQ(refused.status, 3) << refused.output;
  EXPECT_NE(refused.output.find("a rotation of the data key is in progress"), std::string::npos) << refused.output;
  EXPECT_EQ(run_admin({"backup", "--out", db_->dir() + "/b", "--key-out", db_->dir() + "/b.key", "--data-key-file", new_key,
                       "--attachments-dir", db_->dir() + "/files"}).status, 3);
  // Resuming with a new key file that is not the rotation's is refused naming the fingerprint it needs.
  const std::string stray = test_file("stray.key", std::string(64, 'b') + "\n", 0600);
  auto wrong_new = run_admin({"rotate-key", "--data-key-file", new_key, "--new-key-file", stray});
  EXPECT_EQ(wrong_new.status, 3) << wrong_new.output;
  EXPECT_NE(wrong_new.output.find("--new-key-file must be the new key, of fingerprint " + fingerprint_of_file(third_key)),
            std::string::npos) << wrong_new.output;
  // A value under neither key: not abandoned (it may be under the new key, whose file is then needed).
  EXPECT_EQ(run_admin({"rotate-key", "--data-key-file", new_key, "--abandon"}).status, 3);
  sql_exec("UPDATE case_parties SET phone = '" + current + "' WHERE phone = '" + stored_before[0] + "'");
  auto resumed = run_admin({"rotate-key", "--data-key-file", new_key, "--new-key-file", third_key});
  ASSERT_EQ(resumed.status, 0) << resumed.output;
  EXPECT_NE(resumed.output.find("resuming"), std::string::npos) << resumed.output;
  EXPECT_EQ(recorded(), std::vector<std::string>{fingerprint_of_file(third_key)});
  checked = run_admin({"verify", "--data-key-file", third_key, "--attachments-dir", db_->dir() + "/files"});
  EXPECT_EQ(checked.status, 0) << checked.output;
  EXPECT_NE(checked.output.find("1 of 1 hash chains verified"), std::string::npos) << checked.output;
  // A rotation stopped during its wait with its new key file lost (recorded by hand here): nothing is sealed
  // under that key, so it may be abandoned with the current key, and the servers start again.
  const std::string lost = "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff";
  sql_exec("INSERT INTO settings (name, value, updated_at) VALUES ('data_key_rotation', '" + fingerprint_of_file(third_key) +
           " -> " + lost + "', 0)");
  EXPECT_EQ(start_refused(third_key).status, 3);
  auto abandoned = run_admin({"rotate-key", "--data-key-file", third_key, "--abandon"});
  ASSERT_EQ(abandoned.status, 0) << abandoned.output;
  EXPECT_NE(abandoned.output.find("was abandoned"), std::string::npos) << abandoned.output;
  EXPECT_EQ(recorded(), std::vector<std::string>{fingerprint_of_file(third_key)});
  EXPECT_EQ(sql_strings("SELECT COUNT(*) FROM settings WHERE name = 'data_key_rotation'"), std::vector<std::string>{"0"});
  // An abandon while a rotation waits wins: the waiting run then stops and changes nothing.
  const std::string fourth_key = db_->dir() + "/fourth.key";
  admin_result waiting;
  std::thread rotation([&] {
    waiting = run_admin({"rotate-key", "--data-key-file", third_key, "--new-key-file", fourth_key, "--wait-seconds", "3"});
  });
  for (auto until = std::chrono::steady_clock::now() + 5s;
       sql_strings("SELECT COUNT(*) FROM settings WHERE name = 'data_key_rotation'") != std::vector<std::string>{"1"} &&
       std::chrono::steady_clock::now() < until;)
    std::this_thread::sleep_for(50ms);
  auto gave_up = run_admin({"rotate-key", "--data-key-file", third_key, "--abandon"});
  rotation.join();
  EXPECT_EQ(gave_up.status, 0) << gave_up.output;
  EXPECT_EQ(waiting.status, 3) << waiting.output;
  EXPECT_NE(waiting.output.find("was abandoned"), std::string::npos) << waiting.output;
  EXPECT_EQ(recorded(), std::vector<std::string>{fingerprint_of_file(third_key)});
  checked = run_admin({"verify", "--data-key-file", third_key, "--attachments-dir", db_->dir() + "/files"});
  EXPECT_EQ(checked.status, 0) << checked.output;
  // Run again: nothing to do.
  auto done = run_admin({"rotate-key", "--data-key-file", new_key, "--new-key-file", third_key});
  EXPECT_EQ(done.status, 0) << done.output;
  EXPECT_NE(done.output.find("nothing to do"), std::string::npos) << done.output;
}

BACKEND_SUITE(operations);

// A production-like MariaDB: binary log on, log_bin_trust_function_creators off, the server's user
// without SUPER. The migration that creates triggers is refused before any change, with what to
// set; once set, the same start completes.
class binary_log : public private_mariadb_test {
 protected:
  binary_log() : private_mariadb_test("mediation-binlog", "MARIADB_INSTANCE_BINLOG=1") {}
};

TEST_F(binary_log, the_trigger_precondition_is_refused_before_any_change_and_the_start_completes_once_set) {
  ASSERT_EQ(mariadb_root(port_, "SELECT @@global.log_bin, @@global.log_bin_trust_function_creators"), "1\t0");
  const std::string key = dir_ + "/data.key";
  auto refused = run_to_exit(server_binary(), {"--listen", "127.0.0.1:0", "--db", url(), "--data-key-file", key});
  EXPECT_EQ(refused.status, 3) << refused.output;
  EXPECT_NE(refused.output.find("SET GLOBAL log_bin_trust_function_creators=1"), std::string::npos) << refused.output;
  EXPECT_NE(refused.output.find("log_bin_trust_function_creators = 1 under [mysqld] in my.cnf"), std::string::npos)
      << refused.output;
  EXPECT_EQ(mariadb_root(port_, "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'fault'"), "0");
  auto admin = run_to_exit(admin_binary(), {"--db", url(), "migrate"});
  EXPECT_EQ(admin.status, 3) << admin.output;
  EXPECT_NE(admin.output.find("SET GLOBAL log_bin_trust_function_creators=1"), std::string::npos) << admin.output;
  EXPECT_EQ(mariadb_root(port_, "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'fault'"), "0");
  // What the message says to do, and the same start completes.
  mariadb_root(port_, "SET GLOBAL log_bin_trust_function_creators=1");
  server_ = std::make_unique<server_process>(url(), std::vector<std::string>{"--seed-demo-accounts", "--data-key-file", key},
                                             dir_ + "/server.log");
  EXPECT_EQ(mariadb_root(port_, "SELECT MAX(version) FROM fault.schema_migrations"), std::to_string(newest_migration()));
  // Nine keep the audit trail and agreements unchanged (002, 003), eleven move threads' access versions (011).
  EXPECT_EQ(mariadb_root(port_, "SELECT COUNT(*) FROM information_schema.triggers WHERE trigger_schema = 'fault'"), "20");
  EXPECT_NO_THROW(login(server_->port(), "officer.li"));
}

}  // namespace
}  // namespace mediation::test
