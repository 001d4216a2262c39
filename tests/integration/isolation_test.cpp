// The isolation matrix (issue #13), on both databases: for each relation to a case and each read verb,
// HTTP route and push kind, allowed or refused, as one table, checked against a live server while a
// scripted case lifecycle runs with a socket of every relation connected. docs/security.md has the
// same table in words.
#include <map>
#include <set>
#include <thread>

#include "tests/integration/fixture.hpp"

namespace mediation::test {
namespace {

using namespace std::chrono_literals;

// What a relation may do. case_view: "full", "party" or "" (refused).
struct expected {
  const char* relation;
  bool internal;    // subscribe/history of the internal thread, and its pushes
  bool parties;     // subscribe/history of the parties' thread, and its pushes
  const char* case_view;
  bool agreements;  // agreement.list
  bool audit;       // audit.list of the case
  bool attachment;  // GET /api/attachments/{id}
  bool ics;         // GET /api/meetings/{id}.ics of the case's meeting
  bool notice;      // a notice of a case change made by the handler
};

// owner: the street office that registered the case; handler: the labour committee (accepted);
// pending: the property committee (hand-over awaiting its decision); declined: the community room;
// other: a committee the case never concerned; supervisor: the city bureau's officer; leader: the city
// leader who owns the case (包案); professional: a judge invited as a professional; representative:
// a lawyer invited on the petitioner's side; guest: a guest of this case's meeting; other_guest: a
// guest of another case's meeting.
const expected matrix[] = {
    // relation          internal parties view    agreem. audit  attach ics    notice
    {"owner",            true,    true,   "full",  true,   true,  true,  true,  true},
    {"handler",          true,    true,   "full",  true,   false, true,  true,  false},  // made the change
    {"pending",          true,    true,   "full",  true,   false, true,  true,  true},
    {"declined",         false,   false,  "",      false,  false, false, false, false},
    {"other",            false,   false,  "",      false,  false, false, false, false},
    {"supervisor",       true,    true,   "full",  true,   true,  true,  true,  false},
    {"leader",           true,    true,   "full",  true,   true,  true,  true,  true},
    {"administrator",    false,   false,  "",      false,  true,  false, false, false},
    {"professional",     true,    true,   "full",  true,   false, true,  true,  true},
    {"representative",   false,   true,   "party", false,  false, false, false, false},
    {"guest",            false,   true,   "party", false,  false, false, true,  false},
    {"other_guest",      false,   false,  "",      false,  false, false, false, false},
};

class isolation : public server_test {
 protected:
  // mediation-admin, which must succeed; its output without the trailing newline.
  std::string admin_tool(const std::vector<std::string>& args) {
    auto r = run_admin(args, "a-long-password-1");
    if (r.status != 0) throw std::runtime_error("mediation-admin failed: " + r.output);
    while (!r.output.empty() && (r.output.back() == '\n' || r.output.back() == ' ')) r.output.pop_back();
    return r.output;
  }
  static std::string guest_token(ws_client& organiser, const json& meeting, const std::string& name, const std::string& side) {
    auto inv = organiser.request({{"type", "meeting.invite_guest"}, {"meeting", meeting["id"]}, {"name", name}, {"side", side}});
    if (inv.value("type", "") != "ok") throw std::runtime_error("invite_guest failed: " + inv.dump());
    return inv["token"];
  }
};

TEST_P(isolation, every_relation_receives_and_reads_exactly_what_the_table_allows) {
  auto sun = connect_as("officer.sun");
  auto li = connect_as("officer.li");
  // Two accounts of organisations the demo network lacks, made with the admin tool while the server runs.
  const std::string city = org_id(*li, "City petition bureau");
  const std::string traffic = admin_tool({"create-org", "--name", "交通事故调解委员会", "--name-en", "Traffic committee",
                                          "--short", "交通调委会", "--kind", "mediation_committee", "--level", "county",
                                          "--parent", city});
  const std::string court = admin_tool({"create-org", "--name", "市中级人民法院", "--name-en", "City court", "--short",
                                        "市中院", "--kind", "court", "--level", "city"});
  admin_tool({"create-user", "--org", traffic, "--username", "committee.zhou", "--name", "周", "--role", "committee_mediator"});
  admin_tool({"create-user", "--org", court, "--username", "judge.qian", "--name", "钱法官", "--role", "judicial"});

  // ---- the case and every relation to it ----
  auto created = sun->request({{"type", "case.create"}, {"title", "隔离矩阵"}, {"category", "labour_wages"},
                               {"channel", "visit"}, {"description", "欠薪"},
                               {"parties", {{{"role", "petitioner"}, {"name", "张三"}, {"id_number", "370214198001017234"},
                                             {"phone", "13812345678"}},
                                            {{"role", "respondent"}, {"name", "某公司"}}}}});
  ASSERT_OK(created);
  const json kase = created["case"];
  json other_case = create_case(*sun, "另一案件");
  auto zhang = connect_as("committee.zhang");
  auto liu = connect_as("committee.liu");
  auto wang = connect_as("mediator.wang");
  auto handoff = [&](const std::string& name_en) {
    ASSERT_OK(sun->request({{"type", "case.handoff"}, {"case", kase["id"]}, {"to_org", org_id(*sun, name_en)}, {"note", "交办"}}));
  };
  handoff("Labour dispute mediation committee");
  ASSERT_OK(zhang->request({{"type", "case.accept"}, {"case", kase["id"]}}));
  handoff("Property management mediation committee");
  handoff("Hehua community mediation room");
  ASSERT_OK(wang->request({{"type", "case.decline"}, {"case", kase["id"]}, {"reason", "不属于社区"}}));
  auto zhao = connect_as("leader.zhao");
  ASSERT_OK(zhao->request({{"type", "case.own"}, {"case", kase["id"]}}));
  const std::string qian_id = [&] {
    const json users = li->request({{"type", "users.list"}});  // held: the loop below reads into it
    for (const auto& u : users["users"])
      if (u["username"] == "judge.qian") return u["id"].get<std::string>();
    return std::string();
  }();
  ASSERT_FALSE(qian_id.empty());
  ASSERT_OK(sun->request({{"type", "case.invite"}, {"case", kase["id"]}, {"user", qian_id}, {"capacity", "professional"}}));
  ASSERT_OK(sun->request({{"type", "case.invite"}, {"case", kase["id"]}, {"user", user_id("lawyer.chen")},
                          {"capacity", "representative"}, {"side", "petitioner"}}));
  auto meeting = sun->request({{"type", "meeting.schedule"}, {"case", kase["id"]}, {"title", "调解会"}, {"start", in_minutes(5)},
                               {"end", in_minutes(65)}, {"participants", {{{"user", user_id("committee.zhang")}}}}});
  ASSERT_OK(meeting);
  auto other_meeting = sun->request({{"type", "meeting.schedule"}, {"case", other_case["id"]}, {"title", "另一会"},
                                     {"start", in_minutes(5)}, {"end", in_minutes(65)},
                                     {"participants", {{{"user", user_id("officer.sun")}}}}});
  ASSERT_OK(other_meeting);
  const std::string guest_tok = guest_token(*sun, meeting["meeting"], "申请人张三", "petitioner");
  const std::string expiring_tok = guest_token(*sun, meeting["meeting"], "被申请人代理人", "respondent");
  const std::string other_guest_tok = guest_token(*sun, other_meeting["meeting"], "他案当事人", "petitioner");
  ASSERT_OK(sun->request({{"type", "agreement.draft"}, {"case", kase["id"]},
                          {"content", {{"parties", {{{"role", "petitioner"}, {"name", "张三"}}, {{"role", "respondent"}, {"name", "某公司"}}}},
                                       {"facts", "欠薪"}, {"disputes", {"数额"}},
                                       {"terms", {{{"text", "支付三万元"}, {"way", "转账"}, {"place", "账户"}, {"deadline", "2026-12-31"}}}},
                                       {"mediators", {"孙"}}, {"organisation", "城南街道"}}}}));
  const std::string bearer = "Bearer " + token_for("officer.sun");
  auto up = http_request(port(), "POST", "/api/cases/" + kase["id"].get<std::string>() + "/attachments", "材料\n", bearer,
                         {{"Content-Type", "text/plain"}, {"X-File-Name", "a.txt"}});
  ASSERT_EQ(up.status, 201) << up.body;
  const std::string attachment = "/api/attachments/" + up.json_body()["attachment"]["id"].get<std::string>();
  const std::string ics = "/api/meetings/" + meeting["meeting"]["id"].get<std::string>() + ".ics";

  // ---- a socket of every relation (and one more each, unsubscribed, for notices) ----
  struct party_socket {
    std::unique_ptr<ws_client> subscriber, listener;
    std::string bearer;
  };
  std::map<std::string, party_socket> s;
  // Two connections signed in with one token: one subscribes, the other only listens for notices.
  auto add_token = [&](const std::string& relation, const std::string& token) {
    auto make = [&] {
      auto c = std::make_unique<ws_client>(port());
      c->request({{"type", "auth"}, {"token", token}});
      return c;
    };
    s[relation] = {make(), make(), "Bearer " + token};
  };
  auto add = [&](const std::string& relation, const std::string& username, const std::string& password = "mediate") {
    add_token(relation, login(port(), username, password));
  };
  auto add_guest = [&](const std::string& relation, const std::string& invitation) {
    auto r = http_request(port(), "POST", "/api/guest-login", json{{"token", invitation}}.dump());
    ASSERT_EQ(r.status, 200) << r.body;
    add_token(relation, r.json_body()["token"]);
  };
  add("owner", "officer.sun");
  add("handler", "committee.zhang");
  add("pending", "committee.liu");
  add("declined", "mediator.wang");
  add("other", "committee.zhou", "a-long-password-1");
  add("supervisor", "officer.li");
  add("leader", "leader.zhao");
  add("administrator", "admin");
  add("professional", "judge.qian", "a-long-password-1");
  add("representative", "lawyer.chen");
  add_guest("guest", guest_tok);
  add_guest("other_guest", other_guest_tok);
  add_guest("expired_guest", expiring_tok);

  // ---- reads and routes, as the table says ----
  const json internal = kase["thread"], parties = kase["parties_thread"];
  for (const auto& e : matrix) {
    SCOPED_TRACE(e.relation);
    auto& c = *s.at(e.relation).subscriber;
    auto check = [&](bool allowed, const json& frame, const char* what) {
      if (allowed)
        EXPECT_EQ(frame.value("type", ""), "ok") << what << ": " << frame.dump();
      else
        EXPECT_EQ(frame.value("type", ""), "error") << what << ": " << frame.dump();
    };
    check(e.internal, c.request({{"type", "subscribe"}, {"thread", internal}}), "subscribe internal");
    check(e.parties, c.request({{"type", "subscribe"}, {"thread", parties}}), "subscribe parties");
    check(e.internal, c.request({{"type", "history"}, {"thread", internal}}), "history internal");
    check(e.parties, c.request({{"type", "history"}, {"thread", parties}}), "history parties");
    auto got = c.request({{"type", "case.get"}, {"case", kase["id"]}});
    if (std::string(e.case_view).empty()) {
      EXPECT_EQ(got.value("type", ""), "error") << got.dump();
    } else {
      ASSERT_EQ(got.value("type", ""), "ok") << got.dump();
      EXPECT_EQ(got["case"].value("view", "full"), e.case_view);
    }
    check(e.agreements, c.request({{"type", "agreement.list"}, {"case", kase["id"]}}), "agreement.list");
    check(e.audit, c.request({{"type", "audit.list"}, {"case", kase["id"]}}), "audit.list");
    const auto& bearer_of = s.at(e.relation).bearer;
    EXPECT_EQ(http_request(port(), "GET", attachment, "", bearer_of).status == 200, e.attachment) << "attachment";
    EXPECT_EQ(http_request(port(), "GET", ics, "", bearer_of).status == 200, e.ics) << "ics";
    // Every list is filtered when it is called.
    bool listed = false;
    const json cases = c.request({{"type", "case.list"}});
    for (const auto& k : cases["cases"]) listed |= k["id"] == kase["id"];
    EXPECT_EQ(listed, !std::string(e.case_view).empty()) << "case.list";
  }

  // ---- the expired guest: its socket closes, its token no longer works ----
  sql_exec("UPDATE guest_invitations SET valid_until = 1000 WHERE guest_user_id IN (SELECT id FROM users WHERE name = '被申请人代理人')");
  EXPECT_EQ(s.at("expired_guest").subscriber->wait_closed(5s), 1008);
  EXPECT_EQ(http_request(port(), "GET", ics, "", s.at("expired_guest").bearer).status, 401);

  // ---- pushes: staff talk in both threads, type, and change the case ----
  for (auto& [relation, sock] : s)
    if (relation != "expired_guest") {
      while (sock.subscriber->next_frame(50ms)) {
      }
      while (sock.listener->next_notice(50ms)) {
      }
    }
  ASSERT_OK(sun->request({{"type", "subscribe"}, {"thread", parties}}));
  ASSERT_OK(sun->request({{"type", "post"}, {"thread", internal}, {"cmid", "i1"}, {"body", "内部：调解底线"}}));
  ASSERT_OK(sun->request({{"type", "post"}, {"thread", parties}, {"cmid", "p1"}, {"body", "请带材料"}}));
  ASSERT_OK(sun->request({{"type", "typing"}, {"thread", parties}}));
  ASSERT_OK(zhang->request({{"type", "case.pause"}, {"case", kase["id"]}, {"reason", "等待鉴定"}}));
  std::this_thread::sleep_for(800ms);
  for (const auto& e : matrix) {
    SCOPED_TRACE(e.relation);
    auto& sock = s.at(e.relation);
    std::set<std::string> seen;  // "<thread>:<kind>"
    while (auto f = sock.subscriber->next_frame(200ms))
      if (f->value("type", "") == "event") seen.insert(f->value("thread", "") + ":" + f->value("kind", ""));
    const std::string in = internal.get<std::string>() + ":", pa = parties.get<std::string>() + ":";
    EXPECT_EQ(seen.count(in + "message") == 1, e.internal) << "internal message";
    EXPECT_EQ(seen.count(in + "paused") == 1, e.internal) << "internal workflow event";
    EXPECT_EQ(seen.count(pa + "message") == 1, e.parties) << "parties' message";
    EXPECT_EQ(seen.count(pa + "typing") == 1, e.parties) << "parties' typing";
    for (const auto& x : seen)
      EXPECT_TRUE((x.rfind(in, 0) == 0 && e.internal) || (x.rfind(pa, 0) == 0 && e.parties)) << "received " << x;
    bool noticed = false;
    while (auto n = sock.listener->next_notice(200ms)) {
      EXPECT_EQ((*n)["case"], kase["id"]) << n->dump();
      noticed |= (*n)["kind"] == "paused";
    }
    EXPECT_EQ(noticed, e.notice) << "notice of the pause";
  }
}

BACKEND_SUITE(isolation);

}  // namespace
}  // namespace mediation::test
