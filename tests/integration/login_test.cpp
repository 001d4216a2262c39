// Log-in names and lock-outs (issue #13, point 7), on both databases: every spelling of a
// username (case, width, surrounding white space) is the one normalised name, looked up exactly
// and throttled as one; a lock-out holds for the address that earned it, not for the person
// everywhere; calendar feeds stop for disabled users and expire.
#include <chrono>
#include <cstdio>

#include "tests/integration/fixture.hpp"

namespace mediation::test {
namespace {

using login_names = server_test;

http_result try_login(unsigned short port, const std::string& username, const std::string& password,
                      const std::string& from = "") {
  std::vector<std::pair<std::string, std::string>> headers;
  if (!from.empty()) headers.emplace_back("X-Forwarded-For", from);
  return http_request(port, "POST", "/api/login", json{{"username", username}, {"password", password}}.dump(), "",
                      headers);
}

TEST_P(login_names, every_spelling_of_a_name_is_the_one_account) {
  const std::string zhao = user_id("leader.zhao");
  for (const char* spelling : {"leader.zhao", "Leader.zhao", "leader.zhao ", "LEADER.ZHAO", " Leader.Zhao\t",
                               "\uFF4C\uFF45\uFF41\uFF44\uFF45\uFF52.\uFF5A\uFF48\uFF41\uFF4F",  // full width
                               "\u3000leader.zhao"}) {
    auto r = try_login(port(), spelling, "mediate");
    ASSERT_EQ(r.status, 200) << spelling << ": " << r.body;
    EXPECT_EQ(r.json_body()["user"]["id"], zhao) << spelling;
    EXPECT_EQ(r.json_body()["user"]["username"], "leader.zhao") << spelling;
  }
  // Only the ends are trimmed, and an invisible character makes another (unknown) name.
  EXPECT_EQ(try_login(port(), "leader. zhao", "mediate").status, 401);
  EXPECT_EQ(try_login(port(), "leader.zhao\u200B", "mediate").status, 401);
  EXPECT_EQ(try_login(port(), "   ", "mediate").status, 400);
  EXPECT_EQ(try_login(port(), "leader.zhao", "Mediate").status, 401);  // passwords are not folded
  // The stored login key is the normalised name, compared byte for byte on both databases.
  EXPECT_EQ(sql_strings("SELECT username_key FROM users WHERE id = " + zhao), std::vector<std::string>{"leader.zhao"});
  EXPECT_TRUE(sql_strings("SELECT id FROM users WHERE username_key = 'Leader.zhao'").empty());
  EXPECT_TRUE(sql_strings("SELECT id FROM users WHERE username_key = 'leader.zhao '").empty());
}

TEST_P(login_names, calendar_feeds_stop_for_disabled_users_and_expire) {
  auto wang = connect_as("mediator.wang");
  auto feed = wang->request({{"type", "calendar.feed"}});
  ASSERT_OK(feed);
  // The answer says when the URL expires: a year from now by default.
  ASSERT_TRUE(feed["expires_at"].is_string()) << feed.dump();
  const std::string expires = feed["expires_at"];
  auto day_of = [](std::chrono::system_clock::time_point t) {
    std::chrono::year_month_day d{std::chrono::floor<std::chrono::days>(t)};
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(d.year()), static_cast<unsigned>(d.month()),
                  static_cast<unsigned>(d.day()));
    return std::string(buf);
  };
  const auto in_a_year = std::chrono::system_clock::now() + std::chrono::days(365);
  EXPECT_TRUE(expires.substr(0, 10) == day_of(in_a_year) || expires.substr(0, 10) == day_of(in_a_year - std::chrono::minutes(5)))
      << expires;
  const std::string wang_id = user_id("mediator.wang");
  ASSERT_EQ(http_request(port(), "GET", feed["url"]).status, 200);
  // Disabled: the feed stops at once (and comes back if the account is enabled again).
  sql_exec("UPDATE users SET disabled = 1 WHERE id = " + wang_id);
  EXPECT_EQ(http_request(port(), "GET", feed["url"]).status, 404);
  sql_exec("UPDATE users SET disabled = 0 WHERE id = " + wang_id);
  ASSERT_EQ(http_request(port(), "GET", feed["url"]).status, 200);
  // Expired: the same answer as an unknown feed.
  sql_exec("UPDATE calendar_feeds SET expires_at = 1000 WHERE user_id = " + wang_id + " AND revoked_at IS NULL");
  EXPECT_EQ(http_request(port(), "GET", feed["url"]).status, 404);
  // A new feed works again (and expires again).
  auto renewed = wang->request({{"type", "calendar.feed"}});
  ASSERT_OK(renewed);
  EXPECT_EQ(http_request(port(), "GET", renewed["url"]).status, 200);
  EXPECT_EQ(http_request(port(), "GET", feed["url"]).status, 404);
}

TEST_P(login_names, guest_accounts_are_created_with_their_login_key) {
  auto li = connect_as("officer.li");
  json kase = create_case(*li, "访客账号");
  auto m = li->request({{"type", "meeting.schedule"}, {"case", kase["id"]}, {"title", "联合调解会"}, {"start", in_minutes(60)},
                        {"end", in_minutes(90)}, {"participants", {{{"user", user_id("leader.zhao")}}}}});
  ASSERT_OK(m);
  auto inv = li->request({{"type", "meeting.invite_guest"}, {"meeting", m["meeting"]["id"]}, {"name", "陈律师"},
                          {"side", "petitioner"}});
  ASSERT_OK(inv);
  auto names = sql_strings("SELECT username FROM users WHERE role = 'guest'");
  ASSERT_EQ(names.size(), 1u);
  EXPECT_EQ(names[0].rfind("guest-", 0), 0u) << names[0];
  EXPECT_EQ(sql_strings("SELECT username_key FROM users WHERE role = 'guest'"), names);
  // A guest never logs in with a password, under any spelling of its name.
  EXPECT_EQ(try_login(port(), names[0], "").status, 400);
  EXPECT_EQ(try_login(port(), names[0], "anything").status, 401);
}

BACKEND_SUITE(login_names);

// The server sits behind a proxy at 127.0.0.1, so a test can log in "from" several addresses.
class login_lockout_by_address : public server_test {
 protected:
  std::vector<std::string> extra_args() const override {
    return {"--login-max-failures", "3", "--login-lockout", "60", "--trusted-proxy", "127.0.0.1"};
  }
};

// The attack of issue #13: on MariaDB `Leader.zhao` or `leader.zhao ` logged in as leader.zhao
// and escaped her lock-out; and an attacker's failures locked her out from everywhere.
TEST_P(login_lockout_by_address, no_spelling_escapes_the_lock_out_and_it_holds_only_where_it_was_earned) {
  const std::string attacker = "203.0.113.7", office = "10.0.0.5";
  for (const char* spelling : {"Leader.zhao", "leader.zhao ", "\uFF2C\uFF25\uFF21\uFF24\uFF25\uFF32.zhao"})
    EXPECT_EQ(try_login(port(), spelling, "guess", attacker).status, 401) << spelling;
  // Locked for every spelling from the attacker's address, the right password included...
  for (const char* spelling : {"leader.zhao", "Leader.zhao", "leader.zhao ", "LEADER.ZHAO"}) {
    auto r = try_login(port(), spelling, "mediate", attacker);
    EXPECT_EQ(r.status, 429) << spelling << ": " << r.body;
    EXPECT_EQ(r.json_body()["error"]["code"], "rate_limited");
  }
  // ...while she signs in from her own office, and a colleague from the attacker's address.
  EXPECT_EQ(try_login(port(), "leader.zhao", "mediate", office).status, 200);
  EXPECT_EQ(try_login(port(), "mediator.wang", "mediate", attacker).status, 200);
  // Her success elsewhere does not lift the attacker's lock-out.
  EXPECT_EQ(try_login(port(), "leader.zhao", "mediate", attacker).status, 429);
  // The per-address cap stays: four times the limit from one address, whatever the names, locks
  // that address for everyone, and no other.
  const std::string sprayer = "198.51.100.9";
  for (int i = 0; i < 12; ++i)
    EXPECT_EQ(try_login(port(), "nobody." + std::to_string(i), "guess", sprayer).status, 401) << i;
  EXPECT_EQ(try_login(port(), "officer.li", "mediate", sprayer).status, 429);
  EXPECT_EQ(try_login(port(), "officer.li", "mediate", office).status, 200);
  // Without the proxy's header the request is the proxy's own address, another place again.
  EXPECT_EQ(try_login(port(), "leader.zhao", "mediate").status, 200);
}

BACKEND_SUITE(login_lockout_by_address);

}  // namespace
}  // namespace mediation::test
