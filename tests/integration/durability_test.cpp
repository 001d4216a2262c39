// Nothing acknowledged is lost: kill -9 under pipelined write load, and a clean SIGTERM.
#include "tests/integration/fixture.hpp"

namespace mediation::test {
namespace {

using durability = server_test;

// Every event of a thread, paging backwards with history.
std::vector<json> all_events(ws_client& c, const json& thread) {
  std::vector<json> out;
  std::optional<long long> before;
  for (;;) {
    json req{{"type", "history"}, {"thread", thread}, {"limit", 200}};
    if (before) req["before"] = *before;
    auto r = c.request(req);
    if (r.value("type", "") != "ok") throw std::runtime_error(r.dump());
    auto& ev = r["events"];
    if (ev.empty()) break;
    out.insert(out.begin(), ev.begin(), ev.end());
    before = ev[0]["seq"].get<long long>();
    if (*before <= 1) break;
  }
  return out;
}

// Checks that the thread holds seq 1..n exactly once and each acknowledged cmid at its seq.
void expect_acks_kept(const std::vector<json>& events, const std::map<std::string, long long>& acked) {
  std::map<std::string, long long> stored;
  for (std::size_t i = 0; i < events.size(); ++i) {
    ASSERT_EQ(events[i]["seq"], static_cast<long long>(i + 1)) << "gap or duplicate in stored seqs";
    if (events[i]["kind"] == "message") {
      std::string cmid = events[i]["data"]["cmid"];
      ASSERT_FALSE(stored.count(cmid)) << "cmid stored twice: " << cmid;
      stored[cmid] = events[i]["seq"];
    }
  }
  for (const auto& [cmid, seq] : acked) {
    auto it = stored.find(cmid);
    ASSERT_NE(it, stored.end()) << "acknowledged message lost: " << cmid;
    EXPECT_EQ(it->second, seq) << cmid;
  }
}

// Sends `n` pipelined posts and collects acknowledgements until `stop_after` arrived, then
// calls `interrupt`, then keeps every acknowledgement that still arrives until the socket ends.
std::map<std::string, long long> post_and_interrupt(ws_client& c, const json& thread, int n, std::size_t stop_after,
                                                    const std::function<void()>& interrupt) {
  std::map<std::string, std::string> by_rid;
  for (int i = 0; i < n; ++i) {
    std::string cmid = "d" + std::to_string(i);
    by_rid["p" + std::to_string(i)] = cmid;
    c.send({{"type", "post"}, {"rid", "p" + std::to_string(i)}, {"thread", thread}, {"cmid", cmid},
            {"body", "持久化测试 " + std::to_string(i)}});
  }
  std::map<std::string, long long> acked;
  bool interrupted = false;
  for (;;) {
    auto f = c.next_frame(std::chrono::seconds(interrupted ? 5 : 30));
    if (!f) break;
    if ((*f)["type"] == "ok" && f->contains("seq")) acked[by_rid.at((*f)["rid"])] = (*f)["seq"];
    if (!interrupted && acked.size() >= stop_after) {
      interrupt();
      interrupted = true;
    }
  }
  if (!interrupted) interrupt();
  return acked;
}

TEST_P(durability, kill_9_under_write_load_loses_no_acknowledged_message) {
  json kase;
  std::map<std::string, long long> acked;
  {
    auto li = connect_as("officer.li");
    kase = create_case(*li);
    acked = post_and_interrupt(*li, kase["thread"], 4000, 300, [&] { server_->kill9(); });
  }
  ASSERT_GE(acked.size(), 300u);
  start_server();  // same database
  auto li = connect_as("officer.li");  // the token survived the crash too
  auto events = all_events(*li, kase["thread"]);
  expect_acks_kept(events, acked);
  // The thread goes on from where it was.
  auto next = li->request({{"type", "post"}, {"thread", kase["thread"]}, {"cmid", "after-crash"}, {"body", "继续"}});
  ASSERT_OK(next);
  EXPECT_EQ(next["seq"], static_cast<long long>(events.size() + 1));
}

TEST_P(durability, sigterm_finishes_in_flight_writes_and_exits_0) {
  json kase;
  std::map<std::string, long long> acked;
  int status = -1;
  {
    auto li = connect_as("officer.li");
    kase = create_case(*li);
    acked = post_and_interrupt(*li, kase["thread"], 1500, 100, [&] { status = server_->terminate(); });
  }
  EXPECT_EQ(status, 0);
  start_server();
  auto li = connect_as("officer.li");
  expect_acks_kept(all_events(*li, kase["thread"]), acked);
}

BACKEND_SUITE(durability);

}  // namespace
}  // namespace mediation::test
