// HTTP endpoints, login and logout, auth on a socket, malformed frames, orgs.list, users.list.
#include <sstream>

#include <thread>

#include "tests/integration/fixture.hpp"

namespace mediation::test {
namespace {

using session = server_test;

TEST_P(session, healthz_answers_ok_while_the_database_answers) {
  auto r = http_request(port(), "GET", "/healthz");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.json_body(), json({{"status", "ok"}}));
}

// The value of one series in a Prometheus text answer, or -1.
double metric(const std::string& text, const std::string& series) {
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line))
    if (line.rfind(series + " ", 0) == 0) return std::stod(line.substr(series.size() + 1));
  return -1;
}

TEST_P(session, readyz_and_metrics_report_the_live_server) {
  auto ready = http_request(port(), "GET", "/readyz");
  EXPECT_EQ(ready.status, 200);
  EXPECT_EQ(ready.json_body()["status"], "ready");
  auto li = connect_as("officer.li");
  auto outsider = connect_as("committee.liu");
  json kase = create_case(*li);
  for (int i = 0; i < 5; ++i)
    ASSERT_OK(li->request({{"type", "post"}, {"thread", kase["thread"]}, {"cmid", "m" + std::to_string(i)}, {"body", "x"}}));
  ASSERT_OK(li->request({{"type", "subscribe"}, {"thread", kase["thread"]}}));
  EXPECT_ERROR(outsider->request({{"type", "history"}, {"thread", kase["thread"]}}), "forbidden");
  // Frames are counted when their write completes, which may be just after the client read them.
  auto m = http_request(port(), "GET", "/metrics");
  for (int i = 0; i < 40 && m.status == 200 && metric(m.body, "mediation_frames_out_total") < 10; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    m = http_request(port(), "GET", "/metrics");
  }
  ASSERT_EQ(m.status, 200);
  const std::string& t = m.body;
  EXPECT_NE(t.find("# TYPE mediation_commit_seconds histogram"), std::string::npos);
  EXPECT_GE(metric(t, "mediation_connections_open"), 2);
  EXPECT_GE(metric(t, "mediation_frames_in_total"), 10);
  EXPECT_GE(metric(t, "mediation_frames_out_total"), 10);
  // Every write carries at least one frame: no more writes than frames (no ping or close was sent).
  EXPECT_GE(metric(t, "mediation_ws_writes_total"), 1);
  EXPECT_LE(metric(t, "mediation_ws_writes_total"), metric(t, "mediation_frames_out_total"));
  EXPECT_GE(metric(t, "mediation_write_jobs_total"), 6);  // the case and five posts, at least
  EXPECT_GE(metric(t, "mediation_commit_seconds_count"), 1);
  EXPECT_EQ(metric(t, "mediation_commit_seconds_count"), metric(t, "mediation_commit_seconds_bucket{le=\"+Inf\"}"));
  EXPECT_GE(metric(t, "mediation_errors_total{code=\"forbidden\"}"), 1);
  EXPECT_EQ(metric(t, "mediation_errors_total{code=\"internal\"}"), 0);
  EXPECT_GE(metric(t, "mediation_subscriptions"), 1);
  EXPECT_EQ(http_request(port(), "POST", "/metrics").status, 405);
}

TEST_P(session, login_returns_a_token_and_the_user_with_org) {
  auto r = http_request(port(), "POST", "/api/login", R"({"username":"officer.li","password":"mediate"})");
  ASSERT_EQ(r.status, 200) << r.body;
  auto j = r.json_body();
  std::string token = j["token"];
  EXPECT_GE(token.size(), 40u);  // 256 random bits, base64url
  const auto& u = j["user"];
  EXPECT_EQ(u["username"], "officer.li");
  EXPECT_EQ(u["name"], "李明");
  EXPECT_EQ(u["role"], "petition_officer");
  EXPECT_TRUE(u["id"].is_string());
  EXPECT_EQ(u["org"]["name_en"], "City petition bureau");
  EXPECT_EQ(u["org"]["kind"], "petition_office");
  EXPECT_EQ(u["org"]["level"], "city");
  EXPECT_TRUE(u["org"].contains("id"));
  EXPECT_TRUE(u["org"].contains("name"));
  // Two logins give two different tokens.
  EXPECT_NE(login(port(), "officer.li"), token);
}

TEST_P(session, login_refuses_wrong_credentials_and_bad_bodies) {
  auto wrong = http_request(port(), "POST", "/api/login", R"({"username":"officer.li","password":"nope"})");
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(wrong.json_body()["error"]["code"], "unauthenticated");
  auto nobody = http_request(port(), "POST", "/api/login", R"({"username":"no.such","password":"mediate"})");
  EXPECT_EQ(nobody.status, 401);
  EXPECT_EQ(nobody.json_body()["error"]["code"], "unauthenticated");
  auto garbage = http_request(port(), "POST", "/api/login", "{not json");
  EXPECT_EQ(garbage.status, 400);
  EXPECT_EQ(garbage.json_body()["error"]["code"], "bad_request");
  auto typed = http_request(port(), "POST", "/api/login", R"({"username":5,"password":"mediate"})");
  EXPECT_EQ(typed.status, 400);
  auto get = http_request(port(), "GET", "/api/login");
  EXPECT_EQ(get.status, 405);
  auto huge = http_request(port(), "POST", "/api/login", std::string(200 * 1024, 'x'));
  EXPECT_EQ(huge.status, 413);
}

TEST_P(session, every_http_answer_names_its_request_id_and_the_log_line_carries_it) {
  auto wrong = http_request(port(), "POST", "/api/login", R"({"username":"officer.li","password":"nope"})");
  ASSERT_EQ(wrong.request_id.size(), 16u);
  EXPECT_EQ(wrong.request_id.find_first_not_of("0123456789abcdef"), std::string::npos) << wrong.request_id;
  auto again = http_request(port(), "GET", "/healthz");
  EXPECT_NE(again.request_id, wrong.request_id);
  // Both the refusal and the access line of the request carry its id.
  const std::string log = server_->log();
  const std::string tag = "\"request_id\":\"" + wrong.request_id + "\"";
  auto refused = log.find("\"msg\":\"login refused\"");
  ASSERT_NE(refused, std::string::npos) << log;
  EXPECT_NE(log.substr(log.rfind('\n', refused), log.find('\n', refused) - log.rfind('\n', refused)).find(tag),
            std::string::npos);
  EXPECT_NE(log.find("\"msg\":\"http\"," + tag + ",\"method\":\"POST\",\"target\":\"/api/login\",\"status\":\"401\""),
            std::string::npos) << log;
  // An id sent by a client that is not a trusted proxy is not taken over.
  auto forged = http_request(port(), "GET", "/healthz", "", "", {{"X-Request-Id", "chosen-by-client"}});
  EXPECT_NE(forged.request_id, "chosen-by-client");
}

class login_lockout : public server_test {
 protected:
  std::vector<std::string> extra_args() const override { return {"--login-max-failures", "3", "--login-lockout", "60"}; }
};

TEST_P(login_lockout, repeated_failures_lock_the_account_not_the_office) {
  for (int i = 0; i < 3; ++i)
    EXPECT_EQ(http_request(port(), "POST", "/api/login", R"({"username":"officer.li","password":"guess"})").status, 401);
  // Now even the right password is refused for a while...
  auto locked = http_request(port(), "POST", "/api/login", R"({"username":"officer.li","password":"mediate"})");
  EXPECT_EQ(locked.status, 429);
  EXPECT_EQ(locked.json_body()["error"]["code"], "rate_limited");
  // ...while a colleague at the same address signs in.
  EXPECT_EQ(http_request(port(), "POST", "/api/login", R"({"username":"mediator.wang","password":"mediate"})").status, 200);
}

BACKEND_SUITE(login_lockout);

TEST_P(session, logout_revokes_the_token_and_ends_its_connections) {
  std::string token = login(port(), "mediator.wang");
  ws_client signed_in(port());
  EXPECT_OK(signed_in.request({{"type", "auth"}, {"token", token}}));
  auto other = connect_as("mediator.wang");  // another login of the same person stays
  auto out = http_request(port(), "POST", "/api/logout", "", "Bearer " + token);
  EXPECT_EQ(out.status, 200) << out.body;
  EXPECT_EQ(signed_in.wait_closed(), 1008);
  EXPECT_OK(other->request({{"type", "orgs.list"}}));
  ws_client c(port());
  EXPECT_ERROR(c.request({{"type", "auth"}, {"token", token}}), "unauthenticated");
  auto again = http_request(port(), "POST", "/api/logout", "", "Bearer " + token);
  EXPECT_EQ(again.status, 401);
  auto none = http_request(port(), "POST", "/api/logout", "");
  EXPECT_EQ(none.status, 400);
}

TEST_P(session, the_first_request_must_be_auth) {
  ws_client c(port());
  EXPECT_ERROR(c.request({{"type", "orgs.list"}}), "unauthenticated");
  EXPECT_ERROR(c.request({{"type", "auth"}, {"token", "not-a-token"}}), "unauthenticated");
  auto ok = c.request({{"type", "auth"}, {"token", token_for("officer.li")}});
  ASSERT_OK(ok);
  EXPECT_EQ(ok["user"]["username"], "officer.li");
  EXPECT_EQ(ok["user"]["org"]["kind"], "petition_office");
  EXPECT_ERROR(c.request({{"type", "auth"}, {"token", token_for("officer.li")}}), "conflict");
  EXPECT_OK(c.request({{"type", "orgs.list"}}));
}

TEST_P(session, malformed_frames_get_errors_and_the_connection_stays_open) {
  auto c = connect_as("officer.li");
  c->send_text("this is not json");
  auto f = c->next_frame();
  ASSERT_TRUE(f);
  EXPECT_EQ((*f)["type"], "error");
  EXPECT_EQ((*f)["code"], "bad_request");
  EXPECT_TRUE((*f)["rid"].is_null());

  c->send_text(R"([1,2,3])");
  f = c->next_frame();
  ASSERT_TRUE(f);
  EXPECT_EQ((*f)["code"], "bad_request");

  EXPECT_ERROR(c->request({{"rid", "x1"}}), "bad_request");                       // no type
  EXPECT_ERROR(c->request({{"type", 7}}), "bad_request");                          // ill-typed type
  EXPECT_ERROR(c->request({{"type", "case.fly"}}), "unknown_type");                // no such verb
  EXPECT_ERROR(c->request({{"type", "post"}, {"cmid", "a"}, {"body", "x"}}), "bad_request");  // no thread
  EXPECT_ERROR(c->request({{"type", "post"}, {"thread", true}, {"cmid", "a"}, {"body", "x"}}), "bad_request");
  EXPECT_ERROR(c->request({{"type", "history"}, {"thread", "1"}, {"limit", 201}}), "bad_request");
  EXPECT_ERROR(c->request({{"type", "post"}, {"thread", "1"}, {"cmid", std::string(65, 'c')}, {"body", "x"}}),
               "bad_request");
  EXPECT_ERROR(c->request({{"type", "post"}, {"thread", "1"}, {"cmid", "c"}, {"body", std::string(10001, 'x')}}),
               "too_large");
  // A lone surrogate escape is not valid Unicode text.
  c->send_text(R"({"type":"post","rid":"u1","thread":"1","cmid":"c","body":"\ud800"})");
  f = c->next_frame();
  ASSERT_TRUE(f);
  EXPECT_EQ((*f)["code"], "bad_request");
  // Still open and working.
  EXPECT_OK(c->request({{"type", "orgs.list"}}));
}

TEST_P(session, invalid_utf8_in_a_text_frame_closes_with_1007) {
  // RFC 6455 section 8.1: a text frame must be UTF-8; the WebSocket layer fails the connection.
  auto c = connect_as("officer.li");
  c->send_text("{\"type\":\"orgs.list\",\"rid\":\"\xff\xfe\"}");
  EXPECT_EQ(c->wait_closed(), 1007);
}

TEST_P(session, binary_frames_are_refused_with_1003) {
  auto c = connect_as("officer.li");
  c->send_binary("\x01\x02");
  EXPECT_EQ(c->wait_closed(), 1003);
}

TEST_P(session, orgs_list_returns_the_demo_network) {
  auto c = connect_as("mediator.wang");
  auto r = c->request({{"type", "orgs.list"}});
  ASSERT_OK(r);
  ASSERT_EQ(r["orgs"].size(), 6u);
  std::map<std::string, json> by_name;
  for (const auto& o : r["orgs"]) by_name[o["name_en"]] = o;
  EXPECT_EQ(by_name["City petition bureau"]["kind"], "petition_office");
  EXPECT_EQ(by_name["City petition bureau"]["level"], "city");
  EXPECT_TRUE(by_name["City petition bureau"]["parent"].is_null());
  EXPECT_EQ(by_name["Chengnan street office"]["level"], "street");
  EXPECT_EQ(by_name["Chengnan street office"]["parent"], by_name["City petition bureau"]["id"]);
  EXPECT_EQ(by_name["Hehua community mediation room"]["kind"], "mediation_room");
  EXPECT_EQ(by_name["Hehua community mediation room"]["level"], "community");
  EXPECT_EQ(by_name["Labour dispute mediation committee"]["kind"], "mediation_committee");
  EXPECT_EQ(by_name["Property management mediation committee"]["level"], "county");
  EXPECT_EQ(by_name["Zhengyi law firm"]["kind"], "law_firm");
  EXPECT_EQ(by_name["Hehua community mediation room"]["name"], "荷花社区人民调解室");
}

TEST_P(session, users_list_is_for_staff_only) {
  auto officer = connect_as("officer.li");
  auto r = officer->request({{"type", "users.list"}});
  ASSERT_OK(r);
  EXPECT_EQ(r["users"].size(), 8u);
  auto lawyer = connect_as("lawyer.chen");
  EXPECT_ERROR(lawyer->request({{"type", "users.list"}}), "forbidden");
}

TEST_P(session, static_client_is_served_at_root) {
  auto r = http_request(port(), "GET", "/");
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("<html"), std::string::npos);
  EXPECT_EQ(http_request(port(), "GET", "/no-such-file.js").status, 404);
  EXPECT_EQ(http_request(port(), "GET", "/../CMakeLists.txt").status, 400);
}

BACKEND_SUITE(session);

}  // namespace
}  // namespace mediation::test
