// case.create, case.get, case.list, case.handoff, case.accept, case.decline, case.invite and
// who may see a case.
#include <regex>

#include "tests/integration/fixture.hpp"

namespace mediation::test {
namespace {

using cases = server_test;

TEST_P(cases, create_returns_the_case_with_its_thread_and_a_created_event) {
  auto c = connect_as("officer.li");
  json kase = create_case(*c, "物业费纠纷 (property fee dispute)");
  EXPECT_TRUE(kase["id"].is_string());
  EXPECT_TRUE(kase["thread"].is_string());
  EXPECT_EQ(kase["status"], "registered");
  EXPECT_EQ(kase["title"], "物业费纠纷 (property fee dispute)");
  EXPECT_EQ(kase["category"], "labour_wages");
  EXPECT_EQ(kase["channel"], "visit");
  EXPECT_EQ(kase["org"]["name_en"], "City petition bureau");
  EXPECT_EQ(kase["parties"].size(), 2u);
  EXPECT_EQ(kase["parties"][0]["name"], "张三");
  std::string number = kase["number"];
  EXPECT_TRUE(std::regex_match(number, std::regex(".+-20[0-9]{2}-000001"))) << number;
  json second = create_case(*c);
  EXPECT_NE(second["number"], kase["number"]);
  EXPECT_NE(second["thread"], kase["thread"]);

  auto h = c->request({{"type", "history"}, {"thread", kase["thread"]}});
  ASSERT_OK(h);
  ASSERT_EQ(h["events"].size(), 1u);
  const auto& e = h["events"][0];
  EXPECT_EQ(e["seq"], 1);
  EXPECT_EQ(e["kind"], "created");
  EXPECT_EQ(e["thread"], kase["thread"]);
  EXPECT_EQ(e["author"]["name"], "李明");
  EXPECT_EQ(e["data"]["case"]["number"], number);
  std::string at = e["at"];
  EXPECT_TRUE(std::regex_match(at, std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z)"))) << at;
}

TEST_P(cases, create_validates_its_fields) {
  auto c = connect_as("officer.li");
  json base{{"type", "case.create"}, {"title", "t"}, {"category", "land"}, {"channel", "online"},
            {"description", ""}, {"parties", json::array()}};
  EXPECT_OK(c->request(base));
  auto bad = base;
  bad["channel"] = "fax";
  EXPECT_ERROR(c->request(bad), "bad_request");
  bad = base;
  bad["title"] = "   ";
  EXPECT_ERROR(c->request(bad), "bad_request");
  bad = base;
  bad.erase("title");
  EXPECT_ERROR(c->request(bad), "bad_request");
  bad = base;
  bad["category"] = "Land Dispute!";
  EXPECT_ERROR(c->request(bad), "bad_request");
  bad = base;
  bad["parties"] = json::array({{{"role", "petitioner"}}});
  EXPECT_ERROR(c->request(bad), "bad_request");
  bad = base;
  bad["title"] = std::string(201 * 3, 'x');
  EXPECT_ERROR(c->request(bad), "bad_request");
  // A lawyer cannot register cases.
  auto lawyer = connect_as("lawyer.chen");
  EXPECT_ERROR(lawyer->request(base), "forbidden");
}

TEST_P(cases, handoff_lets_the_receiver_see_accept_and_the_sender_keep_visibility) {
  auto li = connect_as("officer.li");
  auto zhang = connect_as("committee.zhang");
  json kase = create_case(*li);
  const std::string labour = org_id(*li, "Labour dispute mediation committee");

  // Before the hand-over the committee sees nothing.
  EXPECT_ERROR(zhang->request({{"type", "case.get"}, {"case", kase["id"]}}), "forbidden");
  auto listed = zhang->request({{"type", "case.list"}});
  EXPECT_EQ(listed["cases"].size(), 0u);

  auto h = li->request({{"type", "case.handoff"}, {"case", kase["id"]}, {"to_org", labour},
                        {"note", "请劳动调委会调处"}, {"due", "2099-12-31"}});
  ASSERT_OK(h);
  EXPECT_EQ(h["case"]["status"], "handed_over");
  ASSERT_EQ(h["case"]["handlers"].size(), 1u);
  EXPECT_EQ(h["case"]["handlers"][0]["status"], "pending");
  EXPECT_EQ(h["case"]["handlers"][0]["due"], "2099-12-31T15:59:59.999Z");

  // The receiver sees it, in its list too, and accepts.
  auto got = zhang->request({{"type", "case.get"}, {"case", kase["id"]}});
  ASSERT_OK(got);
  listed = zhang->request({{"type", "case.list"}});
  ASSERT_EQ(listed["cases"].size(), 1u);
  EXPECT_EQ(listed["cases"][0]["id"], kase["id"]);
  EXPECT_OK(zhang->request({{"type", "subscribe"}, {"thread", kase["thread"]}, {"since", 0}}));
  auto a = zhang->request({{"type", "case.accept"}, {"case", kase["id"]}});
  ASSERT_OK(a);
  EXPECT_EQ(a["case"]["status"], "in_progress");
  EXPECT_EQ(a["case"]["first_handler"]["name_en"], "Labour dispute mediation committee");
  EXPECT_ERROR(zhang->request({{"type", "case.accept"}, {"case", kase["id"]}}), "conflict");

  // The thread tells the story: created, handed_over, accepted.
  std::vector<std::string> kinds;
  for (int i = 0; i < 3; ++i) {
    auto e = zhang->next_event();
    ASSERT_TRUE(e);
    EXPECT_EQ((*e)["seq"], i + 1);
    kinds.push_back((*e)["kind"]);
    if ((*e)["kind"] == "handed_over") {
      EXPECT_EQ((*e)["data"]["to_org"]["id"], labour);
      EXPECT_EQ((*e)["data"]["note"], "请劳动调委会调处");
    }
  }
  EXPECT_EQ(kinds, (std::vector<std::string>{"created", "handed_over", "accepted"}));
  // The sender still sees and posts.
  EXPECT_OK(li->request({{"type", "post"}, {"thread", kase["thread"]}, {"cmid", "m1"}, {"body", "收到"}}));
  // The accepting committee may hand on; the pending one could not.
  EXPECT_OK(zhang->request({{"type", "case.handoff"}, {"case", kase["id"]},
                            {"to_org", org_id(*li, "Property management mediation committee")}, {"note", ""}}));
}

TEST_P(cases, decline_needs_a_reason_and_removes_visibility) {
  auto li = connect_as("officer.li");
  auto liu = connect_as("committee.liu");
  json kase = create_case(*li);
  const std::string property = org_id(*li, "Property management mediation committee");
  ASSERT_OK(li->request({{"type", "case.handoff"}, {"case", kase["id"]}, {"to_org", property}, {"note", "物业"}}));
  ASSERT_OK(liu->request({{"type", "subscribe"}, {"thread", kase["thread"]}}));
  EXPECT_ERROR(liu->request({{"type", "case.decline"}, {"case", kase["id"]}}), "bad_request");
  EXPECT_ERROR(liu->request({{"type", "case.decline"}, {"case", kase["id"]}, {"reason", " "}}), "bad_request");
  auto d = liu->request({{"type", "case.decline"}, {"case", kase["id"]}, {"reason", "不属于物业纠纷"}});
  ASSERT_OK(d);
  EXPECT_EQ(d["case"]["status"], "registered");
  EXPECT_EQ(d["case"]["handlers"][0]["status"], "declined");
  EXPECT_EQ(d["case"]["handlers"][0]["reason"], "不属于物业纠纷");
  // The subscription ends before the next frame of the thread: the decline itself is committed when
  // the committee may no longer read the thread, so it gets `unsubscribed` instead of the event.
  auto u = liu->next_event();
  ASSERT_TRUE(u);
  EXPECT_EQ((*u)["kind"], "unsubscribed");
  EXPECT_EQ((*u)["data"]["reason"], "access_revoked");
  EXPECT_EQ((*u)["author"]["id"], user_id("committee.liu"));
  EXPECT_FALSE(u->contains("seq"));
  ASSERT_OK(li->request({{"type", "post"}, {"thread", kase["thread"]}, {"cmid", "after"}, {"body", "内部讨论"}}));
  EXPECT_FALSE(liu->next_event(std::chrono::milliseconds(500)));
  EXPECT_ERROR(liu->request({{"type", "case.get"}, {"case", kase["id"]}}), "forbidden");
  EXPECT_ERROR(liu->request({{"type", "history"}, {"thread", kase["thread"]}}), "forbidden");
  // It may be handed over again after a decline.
  EXPECT_OK(li->request({{"type", "case.handoff"}, {"case", kase["id"]}, {"to_org", property}, {"note", "再议"}}));
}

TEST_P(cases, handoff_refuses_what_makes_no_sense) {
  auto li = connect_as("officer.li");
  auto wang = connect_as("mediator.wang");
  json kase = create_case(*li);
  const std::string labour = org_id(*li, "Labour dispute mediation committee");
  const std::string own = org_id(*li, "City petition bureau");
  EXPECT_ERROR(li->request({{"type", "case.handoff"}, {"case", kase["id"]}, {"to_org", own}}), "conflict");
  EXPECT_ERROR(li->request({{"type", "case.handoff"}, {"case", kase["id"]}, {"to_org", "999999"}}), "not_found");
  EXPECT_ERROR(li->request({{"type", "case.handoff"}, {"case", "999999"}, {"to_org", labour}}), "not_found");
  EXPECT_ERROR(li->request({{"type", "case.handoff"}, {"case", kase["id"]}, {"to_org", labour}, {"due", "next week"}}),
               "bad_request");
  EXPECT_ERROR(wang->request({{"type", "case.handoff"}, {"case", kase["id"]}, {"to_org", labour}}), "forbidden");
  ASSERT_OK(li->request({{"type", "case.handoff"}, {"case", kase["id"]}, {"to_org", labour}}));
  EXPECT_ERROR(li->request({{"type", "case.handoff"}, {"case", kase["id"]}, {"to_org", labour}}), "conflict");
  // The pending receiver may not hand on before accepting; the owner cannot accept for it.
  auto zhang = connect_as("committee.zhang");
  EXPECT_ERROR(zhang->request({{"type", "case.handoff"}, {"case", kase["id"]},
                               {"to_org", org_id(*li, "Chengnan street office")}}),
               "forbidden");
  EXPECT_ERROR(li->request({{"type", "case.accept"}, {"case", kase["id"]}}), "conflict");
}

TEST_P(cases, non_members_and_uninvited_lawyers_are_refused_and_receive_nothing) {
  auto li = connect_as("officer.li");
  json kase = create_case(*li);
  const json thread = kase["thread"];
  auto outsider = connect_as("committee.liu");
  auto lawyer = connect_as("lawyer.chen");
  auto admin = connect_as("admin");
  for (auto* c : {outsider.get(), lawyer.get(), admin.get()}) {
    EXPECT_ERROR(c->request({{"type", "subscribe"}, {"thread", thread}, {"since", 0}}), "forbidden");
    EXPECT_ERROR(c->request({{"type", "post"}, {"thread", thread}, {"cmid", "x"}, {"body", "偷看"}}), "forbidden");
    EXPECT_ERROR(c->request({{"type", "history"}, {"thread", thread}}), "forbidden");
    EXPECT_ERROR(c->request({{"type", "case.get"}, {"case", kase["id"]}}), "forbidden");
    EXPECT_ERROR(c->request({{"type", "read"}, {"thread", thread}, {"seq", 1}}), "forbidden");
    EXPECT_ERROR(c->request({{"type", "read.list"}, {"thread", thread}}), "forbidden");
    EXPECT_ERROR(c->request({{"type", "typing"}, {"thread", thread}}), "forbidden");
    EXPECT_EQ(c->request({{"type", "case.list"}})["cases"].size(), 0u);
  }
  EXPECT_ERROR(outsider->request({{"type", "subscribe"}, {"thread", "987654"}}), "not_found");
  EXPECT_ERROR(outsider->request({{"type", "case.get"}, {"case", "987654"}}), "not_found");
  ASSERT_OK(li->request({{"type", "post"}, {"thread", thread}, {"cmid", "secret"}, {"body", "当事人电话 138..."}}));
  for (auto* c : {outsider.get(), lawyer.get(), admin.get()}) EXPECT_FALSE(c->next_event(std::chrono::milliseconds(300)));
  // Nothing the refused requests tried was stored.
  auto h = li->request({{"type", "history"}, {"thread", thread}});
  ASSERT_EQ(h["events"].size(), 2u);
  EXPECT_EQ(h["events"][1]["data"]["cmid"], "secret");
}

TEST_P(cases, an_invited_lawyer_sees_that_case_only) {
  auto li = connect_as("officer.li");
  json invited = create_case(*li, "劳动仲裁前调解");
  json other = create_case(*li, "另一案件");
  auto lawyer = connect_as("lawyer.chen");
  EXPECT_ERROR(lawyer->request({{"type", "case.invite"}, {"case", invited["id"]}, {"user", user_id("lawyer.chen")}, {"capacity", "professional"}}),
               "forbidden");
  auto r = li->request({{"type", "case.invite"}, {"case", invited["id"]}, {"user", user_id("lawyer.chen")}, {"capacity", "professional"}});
  ASSERT_OK(r);
  EXPECT_ERROR(li->request({{"type", "case.invite"}, {"case", invited["id"]}, {"user", user_id("lawyer.chen")}, {"capacity", "professional"}}),
               "conflict");
  EXPECT_ERROR(li->request({{"type", "case.invite"}, {"case", invited["id"]}, {"user", "424242"}, {"capacity", "professional"}}), "not_found");
  auto s = lawyer->request({{"type", "subscribe"}, {"thread", invited["thread"]}, {"since", 0}});
  ASSERT_OK(s);
  EXPECT_EQ(s["head"], 2);  // created, invited
  auto e1 = lawyer->next_event();
  auto e2 = lawyer->next_event();
  ASSERT_TRUE(e1 && e2);
  EXPECT_EQ((*e2)["kind"], "invited");
  EXPECT_EQ((*e2)["data"]["user"]["id"], user_id("lawyer.chen"));
  EXPECT_OK(lawyer->request({{"type", "post"}, {"thread", invited["thread"]}, {"cmid", "l1"}, {"body", "律师意见"}}));
  EXPECT_ERROR(lawyer->request({{"type", "history"}, {"thread", other["thread"]}}), "forbidden");
  auto listed = lawyer->request({{"type", "case.list"}});
  ASSERT_EQ(listed["cases"].size(), 1u);
  EXPECT_EQ(listed["cases"][0]["id"], invited["id"]);
  // An invited lawyer cannot hand the case over.
  EXPECT_ERROR(lawyer->request({{"type", "case.handoff"}, {"case", invited["id"]},
                                {"to_org", org_id(*li, "Labour dispute mediation committee")}}),
               "forbidden");
}

BACKEND_SUITE(cases);

}  // namespace
}  // namespace mediation::test
