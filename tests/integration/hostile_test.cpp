// Hostile input at the server's doors: SQL injection through text fields, deeply nested and
// oversized JSON, invalid UTF-8, and slow-loris HTTP. Each gets a clear answer (or a cut-off),
// changes nothing it should not, and the server goes on serving everyone else.

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include <thread>

#include "tests/integration/fixture.hpp"

namespace mediation::test {
namespace {

using hostile = server_test;

// Classic injection payloads, quotes and LIKE wildcards; each must be stored and read back verbatim.
const std::vector<std::string> payloads{
    "'; DROP TABLE cases; --",
    "\" OR \"1\"=\"1",
    "x' OR '1'='1' -- ",
    "Robert'); DELETE FROM users; --",
    "\\'; UPDATE users SET role='admin' WHERE '1'='1",
    "100% _wild_ \\% card",
    "1; SELECT SLEEP(5); --",
    "张三'); DROP TABLE case_parties; --"};

TEST_P(hostile, sql_injection_through_every_text_field_is_stored_verbatim_and_changes_nothing) {
  auto li = connect_as("officer.li");
  const auto users_before = li->request({{"type", "users.list"}})["users"].size();
  for (std::size_t i = 0; i < payloads.size(); ++i) {
    const std::string& p = payloads[i];
    auto r = li->request({{"type", "case.create"},
                          {"title", p},
                          {"category", "labour_wages"},
                          {"channel", "visit"},
                          {"description", p},
                          {"location", p},
                          {"parties", json::array({{{"role", "petitioner"}, {"name", p}, {"phone", "13812345678"},
                                                    {"id_number", "370214198001017234"}, {"address", p}},
                                                   {{"role", "respondent"}, {"name", p}}})}});
    ASSERT_OK(r);
    auto got = li->request({{"type", "case.get"}, {"case", r["case"]["id"]}});
    ASSERT_OK(got);
    const json& k = got["case"];
    EXPECT_EQ(k["title"], p);
    EXPECT_EQ(k["description"], p);
    EXPECT_EQ(k["location"], p);
    EXPECT_EQ(k["parties"][0]["name"], p);
    EXPECT_EQ(k["parties"][0]["address"], p);
    EXPECT_EQ(k["parties"][0]["phone"], "13812345678");
    EXPECT_EQ(k["parties"][0]["id_number"], "370214198001017234");
    // Numbers are numbers: a payload there is refused, naming the field, and stores nothing.
    for (const char* f : {"phone", "id_number"}) {
      json party{{"role", "petitioner"}, {"name", "张三"}};
      party[f] = p.substr(0, 40);
      auto refused = li->request({{"type", "case.create"}, {"title", "t"}, {"category", "land"}, {"channel", "visit"},
                                  {"parties", json::array({{{"role", "respondent"}, {"name", "李四"}}, party})}});
      EXPECT_ERROR(refused, "bad_request");
      EXPECT_EQ(refused["field"], std::string("parties[1].") + f) << refused.dump();
    }
    ASSERT_OK(li->request({{"type", "subscribe"}, {"thread", k["thread"]}}));
    ASSERT_OK(li->request({{"type", "post"}, {"thread", k["thread"]}, {"cmid", p.substr(0, 60)}, {"body", p}}));
    auto h = li->request({{"type", "history"}, {"thread", k["thread"]}});
    EXPECT_EQ(h["events"].back()["data"]["body"], p);
    EXPECT_EQ(h["events"].back()["data"]["cmid"], p.substr(0, 60));
  }
  // The tables are all there, no one was promoted, nothing else was touched.
  EXPECT_EQ(li->request({{"type", "users.list"}})["users"].size(), users_before);
  EXPECT_EQ(connect_as("mediator.wang")->request({{"type", "case.list"}})["cases"].size(), 0u);
  // Wildcards in a search are text, not patterns: "%" finds only the case whose text has a "%".
  auto found = li->request({{"type", "case.list"}, {"q", "100%"}});
  ASSERT_OK(found);
  ASSERT_EQ(found["cases"].size(), 1u) << found.dump();
  EXPECT_EQ(found["cases"][0]["title"], "100% _wild_ \\% card");
  auto none = li->request({{"type", "case.list"}, {"q", "' OR '1'='1"}});
  ASSERT_OK(none);
  EXPECT_LT(none["cases"].size(), payloads.size()) << "a quote in a search matched everything";
  // Through the login form: a refusal, not an error, and no lock-out of the real account.
  for (const auto& p : payloads) {
    auto r = http_request(port(), "POST", "/api/login", json{{"username", p}, {"password", p}}.dump());
    EXPECT_EQ(r.status, 401) << p << " " << r.body;
  }
  EXPECT_NO_THROW(login(port(), "officer.li"));
}

TEST_P(hostile, deeply_nested_and_oversized_json_gets_clear_errors_and_the_connection_lives) {
  auto li = connect_as("officer.li");
  // 200,000 levels of nesting inside a frame under the size limit.
  const std::string deep = R"({"rid":"d1","type":"orgs.list","x":)" + std::string(200000, '[') + std::string(200000, ']') + "}";
  auto r = li->request(json::parse(R"({"type":"orgs.list"})"));  // the connection works before
  ASSERT_OK(r);
  li->send_text(deep);
  // Parsed without recursion (the unknown field is ignored) and answered like any other frame.
  std::optional<json> reply;
  for (int i = 0; i < 20 && !(reply && reply->value("rid", "") == "d1"); ++i) reply = li->next_frame(10s);
  ASSERT_TRUE(reply && reply->value("rid", "") == "d1") << "no answer to the deeply nested frame";
  EXPECT_EQ((*reply)["type"], "ok") << reply->dump().substr(0, 300);
  // The same nesting as an HTTP body: 400, not a crash.
  auto body = http_request(port(), "POST", "/api/login", std::string(60000, '['));
  EXPECT_EQ(body.status, 400);
  // A field over its limit names the field; the case is not created.
  auto big = li->request({{"type", "case.create"}, {"title", std::string(100000, 'x')}, {"category", "labour_wages"},
                          {"channel", "visit"},
                          {"parties", json::array({{{"role", "petitioner"}, {"name", "张三"}},
                                                   {{"role", "respondent"}, {"name", "某公司"}}})}});
  EXPECT_ERROR(big, "bad_request");  // too_large is for message bodies; other fields name their limit
  EXPECT_NE(big.value("message", "").find("title"), std::string::npos) << big.dump();
  // Many keys, huge numbers and odd types are refused as bad requests.
  EXPECT_ERROR(li->request({{"type", "case.get"}, {"case", 1e300}}), "bad_request");
  EXPECT_ERROR(li->request({{"type", "case.get"}, {"case", -1}}), "bad_request");
  EXPECT_ERROR(li->request({{"type", "history"}, {"thread", json::array({1, 2})}}), "bad_request");
  json wide = {{"type", "orgs.list"}};
  for (int i = 0; i < 20000; ++i) wide["k" + std::to_string(i)] = i;
  EXPECT_OK(li->request(wide));  // unknown keys are ignored, whatever their number
  EXPECT_TRUE(li->is_open());
  EXPECT_OK(li->request({{"type", "orgs.list"}}));
}

TEST_P(hostile, invalid_utf8_and_broken_escapes_are_refused_and_store_nothing) {
  auto li = connect_as("officer.li");
  json kase = create_case(*li);
  ASSERT_OK(li->request({{"type", "subscribe"}, {"thread", kase["thread"]}}));
  // A lone surrogate escape is not a character.
  li->send_text(R"({"rid":"s1","type":"post","thread":)" + kase["thread"].dump() + R"(,"cmid":"s1","body":"\ud800"})");
  auto reply = li->next_of("error");
  ASSERT_TRUE(reply);
  EXPECT_EQ((*reply)["code"], "bad_request");
  // Invalid UTF-8 in an HTTP body (the WebSocket layer closes with 1007, tested in session.*).
  auto r = http_request(port(), "POST", "/api/login", std::string("{\"username\":\"\xff\xfe\",\"password\":\"x\"}"));
  EXPECT_EQ(r.status, 400) << r.body;
  auto h = li->request({{"type", "history"}, {"thread", kase["thread"]}});
  for (const auto& e : h["events"]) EXPECT_NE(e["kind"], "message");
  EXPECT_TRUE(li->is_open());
}

class slow_loris : public server_test {
 protected:
  std::vector<std::string> extra_args() const override { return {"--http-timeout", "2"}; }
};

TEST_P(slow_loris, clients_that_send_a_request_slowly_are_cut_off_and_others_are_served_meanwhile) {
  namespace asio = boost::asio;
  asio::io_context ioc;
  // Fifty connections that each send half a header and then a byte a second.
  std::vector<std::unique_ptr<asio::ip::tcp::socket>> slow;
  for (int i = 0; i < 50; ++i) {
    auto s = std::make_unique<asio::ip::tcp::socket>(ioc);
    s->connect({asio::ip::make_address("127.0.0.1"), port()});
    asio::write(*s, asio::buffer(std::string("GET /healthz HTTP/1.1\r\nHost: x\r\n")));
    slow.push_back(std::move(s));
  }
  const auto start = std::chrono::steady_clock::now();
  // Meanwhile everyone else is served at once.
  for (int i = 0; i < 5; ++i) EXPECT_EQ(http_request(port(), "GET", "/healthz").status, 200);
  auto li = connect_as("officer.li");
  EXPECT_OK(li->request({{"type", "orgs.list"}}));
  // Trickle one byte a second; the server cuts each off after its timeout (2 s here).
  int cut = 0;
  for (int second = 0; second < 8 && cut < 50; ++second) {
    cut = 0;
    for (auto& s : slow) {
      boost::system::error_code ec;
      asio::write(*s, asio::buffer(std::string("X")), ec);
      if (ec) {
        ++cut;
        continue;
      }
      // A closed peer shows as EOF on a non-blocking read.
      s->non_blocking(true);
      char b;
      s->read_some(asio::buffer(&b, 1), ec);
      if (ec == asio::error::eof || ec == asio::error::connection_reset) ++cut;
    }
    if (cut < 50) std::this_thread::sleep_for(1s);
  }
  EXPECT_EQ(cut, 50) << "slow clients were not cut off";
  EXPECT_LT(std::chrono::steady_clock::now() - start, 8s);
  EXPECT_EQ(http_request(port(), "GET", "/healthz").status, 200);
}

BACKEND_SUITE(hostile);
BACKEND_SUITE(slow_loris);

}  // namespace
}  // namespace mediation::test
