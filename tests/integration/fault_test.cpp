// Faults of the world around the server: MariaDB crashing and coming back under load, and
// SQLite's file becoming unwritable. Nothing acknowledged may be lost or stored twice; requests
// fail fast with a clear error meanwhile; service resumes by itself.

#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "tests/integration/private_mariadb.hpp"
#include "tests/support/mariadb_instance.hpp"
#include "tests/support/server_process.hpp"
#include "tests/support/ws_client.hpp"

namespace mediation::test {
namespace {

using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

std::string instance(const std::string& command, const std::string& dir) { return mariadb_instance(command, dir); }

class mariadb_restart : public private_mariadb_test {
 protected:
  mariadb_restart() : private_mariadb_test("mediation-fault") {}
};

TEST_F(mariadb_restart, acknowledged_posts_survive_a_crash_of_the_database_and_service_resumes_by_itself) {
  server_ = std::make_unique<server_process>(url(), std::vector<std::string>{"--seed-demo-accounts"}, dir_ + "/server.log");
  const unsigned short port = server_->port();
  const std::string token = login(port, "officer.li");
  ws_client setup(port);
  ASSERT_EQ(setup.request({{"type", "auth"}, {"token", token}}).value("type", ""), "ok");
  auto created = setup.request({{"type", "case.create"}, {"title", "数据库重启期间的案件"}, {"category", "labour_wages"},
                                {"channel", "visit"}});
  ASSERT_EQ(created.value("type", ""), "ok") << created.dump();
  const json thread = created["case"]["thread"];

  // Three posters, each with its own connection and its own cmids, post until told to stop
  // (bounded: at most 2,000 posts each, and 60 s).
  std::mutex m;
  std::map<std::string, long long> acked;  // cmid -> seq
  std::set<std::string> failed;            // error replies (or no reply) while the database was away
  std::map<std::string, std::string> error_texts;
  std::atomic<bool> stop{false};
  std::atomic<long long> slowest_error_ms{0};
  auto poster = [&](int who) {
    ws_client c(port);
    if (c.request({{"type", "auth"}, {"token", token}}).value("type", "") != "ok") return;
    const auto until = clock_type::now() + 60s;
    for (int i = 0; i < 2000 && !stop && clock_type::now() < until; ++i) {
      const std::string cmid = "p" + std::to_string(who) + "-" + std::to_string(i);
      const auto start = clock_type::now();
      json r;
      try {
        r = c.request({{"type", "post"}, {"thread", thread}, {"cmid", cmid}, {"body", "消息 " + cmid}}, 15s);
      } catch (const std::exception&) {
        r = json{{"type", "error"}, {"code", "timeout"}};
      }
      const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(clock_type::now() - start).count();
      std::lock_guard lock(m);
      if (r.value("type", "") == "ok") {
        acked[cmid] = r["seq"].get<long long>();
      } else {
        failed.insert(cmid);
        error_texts[r.value("code", "?")] = r.value("message", "");
        slowest_error_ms = std::max<long long>(slowest_error_ms, ms);
      }
      if (r.value("type", "") != "ok") std::this_thread::sleep_for(50ms);
    }
  };
  std::vector<std::thread> posters;
  for (int i = 0; i < 3; ++i) posters.emplace_back(poster, i);
  auto acked_count = [&] {
    std::lock_guard lock(m);
    return acked.size();
  };
  for (int i = 0; i < 200 && acked_count() < 150; ++i) std::this_thread::sleep_for(20ms);
  const std::size_t before_crash = acked_count();
  ASSERT_GE(before_crash, 150u);

  instance("kill", dir_);  // kill -9: no clean shutdown
  // While it is down, requests fail fast with a clear error, and health says so.
  std::this_thread::sleep_for(1500ms);
  auto health = http_request(port, "GET", "/healthz");
  EXPECT_EQ(health.status, 503) << health.body;
  {
    const auto start = clock_type::now();
    auto r = setup.request({{"type", "post"}, {"thread", thread}, {"cmid", "while-down"}, {"body", "x"}}, 15s);
    EXPECT_EQ(r.value("type", ""), "error") << r.dump();
    // The error codes are the fixed set of the protocol: "internal", with a message that says why.
    EXPECT_EQ(r.value("code", ""), "internal") << r.dump();
    EXPECT_NE(r.value("message", "").find("database"), std::string::npos) << r.dump();
    EXPECT_LT(clock_type::now() - start, 5s) << "a request waited instead of failing fast";
    std::lock_guard lock(m);
    failed.insert("while-down");
  }
  // Reads on the database workers fail the same way, and the open socket outlives the outage (its
  // session cannot be checked while the database is away; that is no reason to close it). Each
  // worker has tried to reconnect by now: a read on a session whose reconnect failed once crashed.
  for (int i = 0; i < 6; ++i) {
    auto r = setup.request({{"type", "history"}, {"thread", thread}}, 15s);
    EXPECT_EQ(r.value("code", ""), "internal") << r.dump();
  }
  std::this_thread::sleep_for(2500ms);
  EXPECT_TRUE(setup.is_open());
  EXPECT_TRUE(server_->running());

  instance("again", dir_);
  // Service resumes by itself: posts are acknowledged again within seconds.
  const auto restarted = clock_type::now();
  std::size_t after = acked_count();
  while (acked_count() < after + 100 && clock_type::now() - restarted < 30s) std::this_thread::sleep_for(50ms);
  const auto resumed_in = clock_type::now() - restarted;
  stop = true;
  for (auto& t : posters) t.join();
  ASSERT_GE(acked_count(), after + 100) << "posting did not resume within 30 s of the database's return";
  EXPECT_LT(resumed_in, 15s);
  EXPECT_FALSE(failed.empty()) << "the crash went unnoticed: the test did not test anything";
  EXPECT_LT(slowest_error_ms.load(), 10000) << "an error took too long to come";
  for (const auto& [code, text] : error_texts) std::cerr << "error while down: " << code << ": " << text << "\n";

  // A client retries what failed with the same cmid (the protocol's promise: at most once).
  ws_client check(port);
  ASSERT_EQ(check.request({{"type", "auth"}, {"token", token}}).value("type", ""), "ok");
  for (const auto& cmid : failed) {
    auto r = check.request({{"type", "post"}, {"thread", thread}, {"cmid", cmid}, {"body", "消息 " + cmid}});
    ASSERT_EQ(r.value("type", ""), "ok") << r.dump();
    acked[cmid] = r["seq"].get<long long>();
  }
  // Every acknowledged message is stored exactly once, at the seq its acknowledgement named.
  std::map<std::string, int> stored;
  std::map<std::string, long long> stored_seq;
  // Paging backwards from the newest event with `before`.
  std::optional<long long> before;
  for (int page = 0; page < 500; ++page) {
    json q{{"type", "history"}, {"thread", thread}, {"limit", 200}};
    if (before) q["before"] = *before;
    auto h = check.request(q);
    ASSERT_EQ(h.value("type", ""), "ok") << h.dump();
    if (h["events"].empty()) break;
    before = h["events"][0]["seq"].get<long long>();
    for (const auto& e : h["events"]) {
      if (e["kind"] != "message") continue;
      const std::string cmid = e["data"]["cmid"];
      ++stored[cmid];
      stored_seq[cmid] = e["seq"].get<long long>();
    }
    if (*before <= 1) break;
  }
  for (const auto& [cmid, seq] : acked) {
    ASSERT_EQ(stored[cmid], 1) << cmid << " is stored " << stored[cmid] << " times";
    EXPECT_EQ(stored_seq[cmid], seq) << cmid;
  }
  EXPECT_EQ(stored.size(), acked.size()) << "a message nobody acknowledged was stored";
  EXPECT_EQ(http_request(port, "GET", "/healthz").status, 200);
  std::cerr << "acknowledged " << acked.size() << " posts (" << before_crash << " before the crash), " << failed.size()
            << " failed while the database was away and were retried; resumed "
            << std::chrono::duration_cast<std::chrono::milliseconds>(resumed_in).count() << " ms after its return\n";
}

// SQLite on a small file system of its own (tmpfs: needs root, as scripts/test runs; skipped otherwise).
class sqlite_faults : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/mediation-full.XXXXXX";
    ASSERT_TRUE(::mkdtemp(tmpl));
    dir_ = tmpl;
    std::filesystem::create_directories(dir_ + "/fs");
  }
  void TearDown() override {
    if (HasFailure() && server_) std::cerr << "---- server log ----\n" << server_->log().substr(0, 20000) << "\n";
    server_.reset();
    if (mounted_) std::system(("umount " + dir_ + "/fs").c_str());
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  // Mounts a tmpfs of `size` at dir_/fs with `options`; false when this machine does not allow it.
  bool mount_fs(const std::string& options) {
    mounted_ = std::system(("mount -t tmpfs -o " + options + " tmpfs " + dir_ + "/fs 2>/dev/null").c_str()) == 0;
    return mounted_;
  }
  bool require_mount(const std::string& options) {
    if (mount_fs(options)) return true;
    if (::geteuid() == 0) ADD_FAILURE() << "root could not mount a tmpfs";
    return false;
  }

  std::string dir_;
  bool mounted_ = false;
  std::unique_ptr<server_process> server_;
};

TEST_F(sqlite_faults, a_full_disk_fails_writes_with_a_clear_error_and_the_server_recovers_when_space_returns) {
  if (!require_mount("size=8m")) GTEST_SKIP() << "mounting a tmpfs needs root";
  const std::string fs = dir_ + "/fs";
  server_ = std::make_unique<server_process>("sqlite3://db=" + fs + "/mediation.db", std::vector<std::string>{"--seed-demo-accounts"},
                                             dir_ + "/server.log");
  const unsigned short port = server_->port();
  ws_client c(port);
  ASSERT_EQ(c.request({{"type", "auth"}, {"token", login(port, "officer.li")}}).value("type", ""), "ok");
  auto created = c.request({{"type", "case.create"}, {"title", "磁盘已满时的案件"}, {"category", "labour_wages"},
                            {"channel", "visit"}});
  ASSERT_EQ(created.value("type", ""), "ok") << created.dump();
  const json thread = created["case"]["thread"];
  ASSERT_EQ(c.request({{"type", "post"}, {"thread", thread}, {"cmid", "before"}, {"body", "磁盘满之前"}}).value("type", ""), "ok");

  // Fill the file system to the last byte.
  ASSERT_NE(std::system(("dd if=/dev/zero of=" + fs + "/filler bs=64k >/dev/null 2>&1").c_str()), -1);
  const std::string big(3000, 'x');
  json refused = json::object();
  std::string refused_cmid;
  std::set<std::string> acked{"before"};
  for (int i = 0; i < 400 && refused.value("type", "") != "error"; ++i) {
    refused_cmid = "full-" + std::to_string(i);
    refused = c.request({{"type", "post"}, {"thread", thread}, {"cmid", refused_cmid}, {"body", big}});
    if (refused.value("type", "") == "ok") acked.insert(refused_cmid);
  }
  ASSERT_EQ(refused.value("type", ""), "error") << "the disk never filled";
  EXPECT_EQ(refused.value("code", ""), "internal");
  EXPECT_NE(refused.value("message", "").find("nothing was stored"), std::string::npos) << refused.dump();
  EXPECT_TRUE(server_->running());
  EXPECT_NE(server_->log().find("full"), std::string::npos) << "the log does not say the disk is full";
  // Reads still work while the disk is full.
  EXPECT_EQ(c.request({{"type", "history"}, {"thread", thread}}).value("type", ""), "ok");

  // Space comes back: writes work again without a restart, and nothing refused was stored.
  std::filesystem::remove(fs + "/filler");
  json again = json::object();
  for (int i = 0; i < 40 && again.value("type", "") != "ok"; ++i) {
    again = c.request({{"type", "post"}, {"thread", thread}, {"cmid", "after"}, {"body", "空间恢复后"}});
    if (again.value("type", "") != "ok") std::this_thread::sleep_for(100ms);
  }
  ASSERT_EQ(again.value("type", ""), "ok") << again.dump();
  acked.insert("after");
  auto h = c.request({{"type", "history"}, {"thread", thread}, {"limit", 200}});
  std::multiset<std::string> cmids;
  for (const auto& e : h["events"])
    if (e["kind"] == "message") cmids.insert(e["data"]["cmid"].get<std::string>());
  for (const auto& cmid : acked) EXPECT_EQ(cmids.count(cmid), 1u) << cmid;
  EXPECT_EQ(cmids.count(refused_cmid), 0u) << "the refused post was stored";
  EXPECT_EQ(cmids.size(), acked.size());
  EXPECT_EQ(http_request(port, "GET", "/healthz").status, 200);
}

TEST_F(sqlite_faults, a_database_the_server_may_not_write_stops_the_start_with_a_clear_message) {
  if (!require_mount("size=1m,ro")) GTEST_SKIP() << "mounting a tmpfs needs root";
  try {
    server_process s("sqlite3://db=" + dir_ + "/fs/mediation.db", {"--seed-demo-accounts"}, dir_ + "/server.log");
    FAIL() << "the server started on a read-only file system";
  } catch (const std::exception& e) {
    // Refused before the database is opened: the folder's check (start_paths) writes a probe file.
    const std::string what = e.what();
    EXPECT_NE(what.find("cannot write the database folder '" + dir_ + "/fs' (--db): Read-only file system"),
              std::string::npos) << what;
    EXPECT_EQ(what.find("Segmentation"), std::string::npos) << what;
  }
}

}  // namespace
}  // namespace mediation::test
