// Limits and failure paths: oversized frames, slow consumers, rate limits, internal errors.
#include <soci/soci.h>
#include <soci/mysql/soci-mysql.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <regex>
#include <thread>

#include "tests/integration/fixture.hpp"

namespace mediation::test {
namespace {

using limits = server_test;

TEST_P(limits, a_2_mib_frame_is_refused_with_1009_and_stores_nothing) {
  auto li = connect_as("officer.li");
  json kase = create_case(*li);
  auto big = connect_as("officer.li");
  json frame{{"type", "post"}, {"rid", "big"}, {"thread", kase["thread"]}, {"cmid", "big"},
             {"body", std::string(2 * 1024 * 1024, 'x')}};
  // The server stops at the limit and closes while the client is still writing the rest; the close
  // lingers (the rest is read and discarded until the client's close), so the write completes
  // and the client receives the 1009 rather than a reset.
  EXPECT_NO_THROW(big->send(frame));
  auto code = big->wait_closed();
  ASSERT_TRUE(code);
  EXPECT_EQ(*code, 1009);
  auto h = li->request({{"type", "history"}, {"thread", kase["thread"]}});
  EXPECT_EQ(h["events"].size(), 1u);
  // A frame just under the limit is a protocol-level error, not a close.
  auto ok = connect_as("officer.li");
  EXPECT_ERROR(ok->request({{"type", "post"}, {"thread", kase["thread"]}, {"cmid", "m"},
                            {"body", std::string(900 * 1024, 'y')}}),
               "too_large");
  EXPECT_TRUE(ok->is_open());
}

class slow_consumer : public server_test {
 protected:
  std::vector<std::string> extra_args() const override {
    // Bursts to a healthy reader stay far under the queue bound (at most 50 writes of 8 KiB per
    // commit); a reader that stops overflows it once the kernel's socket buffers are full.
    return {"--queue-frames", "1000", "--queue-bytes", "2097152", "--write-batch", "50"};
  }
};

TEST_P(slow_consumer, a_client_that_stops_reading_is_closed_while_others_keep_receiving) {
  auto li = connect_as("officer.li");
  json kase = create_case(*li);
  auto healthy = connect_as("leader.zhao");
  // A client with a tiny receive buffer, which will stop reading.
  auto slow = std::make_unique<ws_client>(port(), 4096);
  ASSERT_OK(slow->request({{"type", "auth"}, {"token", token_for("leader.zhao")}}));
  ASSERT_OK(slow->request({{"type", "subscribe"}, {"thread", kase["thread"]}}));
  ASSERT_OK(healthy->request({{"type", "subscribe"}, {"thread", kase["thread"]}}));
  // The slow client reads nothing from here on. 2500 posts of 8 KiB (20 MiB): far more than
  // its socket buffers and its outbound queue hold.
  const int n = 2500;
  const std::string body(8 * 1024, 'z');
  // In rounds of 100 pipelined posts, so that the healthy reader (this single thread) reads
  // between rounds, as a live client would; the stopped reader only accumulates.
  const int round = 100;
  for (int start = 0; start < n; start += round) {
    for (int i = start; i < start + round; ++i)
      li->send({{"type", "post"}, {"rid", "p" + std::to_string(i)}, {"thread", kase["thread"]},
                {"cmid", "s" + std::to_string(i)}, {"body", body}});
    for (int i = start; i < start + round; ++i) {
      auto e = healthy->next_event(std::chrono::seconds(30));
      ASSERT_TRUE(e) << "healthy subscriber stalled at " << i;
      ASSERT_EQ((*e)["seq"], i + 2);
    }
  }
  auto code = slow->wait_closed(std::chrono::seconds(15));
  ASSERT_TRUE(code.has_value()) << "the slow consumer was not disconnected";
  EXPECT_TRUE(*code == 1008 || *code == 1006) << *code;
  // It resumes with since and gets everything.
  auto again = connect_as("leader.zhao");
  ASSERT_OK(again->request({{"type", "subscribe"}, {"thread", kase["thread"]}, {"since", 1}}));
  for (int i = 0; i < n; ++i) {
    auto e = again->next_event(std::chrono::seconds(30));
    ASSERT_TRUE(e);
    ASSERT_EQ((*e)["seq"], i + 2);
  }
}

class user_rate_limit : public server_test {
 protected:
  std::vector<std::string> extra_args() const override {
    return {"--rate-limit", "1000", "--rate-burst", "1000", "--user-rate-limit", "1", "--user-rate-burst", "10"};
  }
};

TEST_P(user_rate_limit, more_connections_buy_a_user_no_more_requests) {
  std::vector<std::unique_ptr<ws_client>> li;
  for (int i = 0; i < 3; ++i) li.push_back(connect_as("officer.li"));  // auth is counted per connection only
  int ok = 0, limited = 0;
  for (int i = 0; i < 30; ++i) {
    auto r = li[i % 3]->request({{"type", "orgs.list"}});
    if (r.value("code", "") == "rate_limited") ++limited;
    if (r.value("type", "") == "ok") ++ok;
  }
  EXPECT_EQ(ok + limited, 30);
  EXPECT_LE(ok, 10 + 2);  // the burst, and a second or two of refill at most
  EXPECT_GE(limited, 15);
  // Another user is not affected, and the limited connections stay open.
  auto wang = connect_as("mediator.wang");
  EXPECT_OK(wang->request({{"type", "orgs.list"}}));
  for (auto& c : li) EXPECT_TRUE(c->is_open());
}

BACKEND_SUITE(user_rate_limit);

class rate_limit : public server_test {
 protected:
  std::vector<std::string> extra_args() const override { return {"--rate-limit", "1", "--rate-burst", "5"}; }
};

TEST_P(rate_limit, a_connection_over_its_rate_gets_rate_limited_and_stays_open) {
  auto c = connect_as("officer.li");  // auth used one token
  // A burst of 5 and 1 more per second: of 30 requests sent within a few seconds, most are refused.
  int limited = 0, ok = 0;
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 30; ++i) {
    auto r = c->request({{"type", "orgs.list"}});
    if (r.value("code", "") == "rate_limited") ++limited;
    if (r.value("type", "") == "ok") ++ok;
  }
  auto seconds = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(limited + ok, 30);
  EXPECT_LE(ok, 4 + seconds + 1);
  EXPECT_GE(limited, 1);
  // Malformed frames count against the rate as well: a flood of them is answered rate_limited.
  int limited_garbage = 0;
  for (int i = 0; i < 10; ++i) {
    c->send_text("not json");
    auto f = c->next_frame();
    ASSERT_TRUE(f);
    if ((*f)["code"] == "rate_limited") ++limited_garbage;
  }
  EXPECT_GE(limited_garbage, 7);  // at most a token or two refill while ten frames go by
  EXPECT_TRUE(c->is_open());
}

TEST_P(limits, a_database_failure_is_an_internal_error_and_changes_nothing_else) {
  auto li = connect_as("officer.li");
  json kase = create_case(*li);
  ASSERT_OK(li->request({{"type", "post"}, {"thread", kase["thread"]}, {"cmid", "1"}, {"body", "ok"}}));
  {
    // Break one table behind the server's back.
    if (GetParam() == "sqlite") soci::register_factory_sqlite3(); else soci::register_factory_mysql();
    soci::session sql(db_->url());
    sql << "DROP TABLE read_markers";
  }
  EXPECT_ERROR(li->request({{"type", "read"}, {"rid", "broken-read"}, {"thread", kase["thread"]}, {"seq", 2}}), "internal");
  // The operator finds the failure by the request: its log line, written on the writer's thread,
  // names the connection and the frame's rid.
  const std::string log = server_->log();
  auto failure = log.find("\"msg\":\"write job failed\"");
  ASSERT_NE(failure, std::string::npos) << log;
  auto line_start = log.rfind('\n', failure) + 1;
  const std::string line = log.substr(line_start, log.find('\n', failure) - line_start);
  // "<the connection's id: its upgrade request's, 16 hex digits>/<rid>"
  EXPECT_TRUE(std::regex_search(line, std::regex("\"request_id\":\"[0-9a-f]{16}/broken-read\""))) << line;
  // Everything else still works, and what was stored is intact.
  ASSERT_OK(li->request({{"type", "post"}, {"thread", kase["thread"]}, {"cmid", "2"}, {"body", "still ok"}}));
  auto h = li->request({{"type", "history"}, {"thread", kase["thread"]}});
  ASSERT_EQ(h["events"].size(), 3u);
  EXPECT_EQ(h["events"][2]["seq"], 3);
}

TEST_P(limits, healthz_answers_503_when_the_database_does_not) {
  EXPECT_EQ(http_request(port(), "GET", "/healthz").status, 200);
  {
    if (GetParam() == "sqlite") soci::register_factory_sqlite3(); else soci::register_factory_mysql();
    soci::session sql(db_->url());
    sql << "DROP TABLE schema_migrations";
  }
  auto r = http_request(port(), "GET", "/healthz");
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(r.json_body()["status"], "unavailable");
}

class per_address : public server_test {
 protected:
  std::vector<std::string> extra_args() const override { return {"--max-connections-per-address", "3"}; }
};

TEST_P(per_address, websockets_from_one_address_are_bounded) {
  std::vector<std::unique_ptr<ws_client>> open;
  for (int i = 0; i < 3; ++i) open.push_back(connect_as("officer.li"));
  EXPECT_ANY_THROW(ws_client extra(port()));  // the upgrade is refused with 429
  auto m = http_request(port(), "GET", "/metrics");
  EXPECT_NE(m.body.find("mediation_connections_refused_total 1"), std::string::npos);
  open.pop_back();  // one leaves; a new one fits again
  bool connected = false;
  for (int attempt = 0; attempt < 50 && !connected; ++attempt) {
    try {
      ws_client again(port());
      connected = true;
    } catch (const std::exception&) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));  // the server notices the close
    }
  }
  EXPECT_TRUE(connected);
  // HTTP itself is not limited.
  EXPECT_EQ(http_request(port(), "GET", "/healthz").status, 200);
}

class behind_proxy : public server_test {
 protected:
  std::vector<std::string> extra_args() const override {
    return {"--trusted-proxy", "127.0.0.1", "--max-connections-per-address", "1"};
  }
};

TEST_P(behind_proxy, limits_follow_the_address_a_trusted_proxy_reports) {
  ws_client a(port(), std::nullopt, std::string("203.0.113.1"));
  EXPECT_ANY_THROW(ws_client same(port(), std::nullopt, std::string("203.0.113.1")));
  // Another client behind the same proxy has its own allowance; a forged entry before the
  // proxy's own does not help.
  ws_client b(port(), std::nullopt, std::string("203.0.113.2"));
  EXPECT_ANY_THROW(ws_client forged(port(), std::nullopt, std::string("198.51.100.5, 203.0.113.2")));
  EXPECT_TRUE(a.is_open());
  EXPECT_TRUE(b.is_open());
}

class idle_timeout : public server_test {
 protected:
  std::vector<std::string> extra_args() const override { return {"--idle-timeout", "2"}; }
};

TEST_P(idle_timeout, a_silent_client_that_answers_no_ping_is_closed) {
  auto quiet = connect_as("officer.li");
  auto busy = connect_as("leader.zhao");
  // `quiet` reads nothing, so it answers no ping; `busy` keeps reading (and so answers pings).
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(3500);
  while (std::chrono::steady_clock::now() < deadline) busy->next_event(std::chrono::milliseconds(200));
  EXPECT_TRUE(busy->is_open());
  EXPECT_OK(busy->request({{"type", "orgs.list"}}));
  EXPECT_TRUE(quiet->wait_closed(std::chrono::seconds(5)).has_value());
}

class few_subscriptions : public server_test {
 protected:
  std::vector<std::string> extra_args() const override { return {"--max-subscriptions", "2"}; }
};

TEST_P(few_subscriptions, subscriptions_per_connection_are_bounded) {
  auto li = connect_as("officer.li");
  json a = create_case(*li), b = create_case(*li), c = create_case(*li);
  ASSERT_OK(li->request({{"type", "subscribe"}, {"thread", a["thread"]}}));
  ASSERT_OK(li->request({{"type", "subscribe"}, {"thread", b["thread"]}}));
  EXPECT_ERROR(li->request({{"type", "subscribe"}, {"thread", c["thread"]}}), "rate_limited");
  ASSERT_OK(li->request({{"type", "subscribe"}, {"thread", a["thread"]}}));  // again: no new slot
  ASSERT_OK(li->request({{"type", "unsubscribe"}, {"thread", b["thread"]}}));
  EXPECT_OK(li->request({{"type", "subscribe"}, {"thread", c["thread"]}}));
}

BACKEND_SUITE(limits);
BACKEND_SUITE(slow_consumer);
BACKEND_SUITE(rate_limit);
BACKEND_SUITE(few_subscriptions);
BACKEND_SUITE(idle_timeout);
BACKEND_SUITE(per_address);
BACKEND_SUITE(behind_proxy);

}  // namespace
}  // namespace mediation::test
