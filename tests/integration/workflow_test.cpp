// The case workflow end to end across organisations: intake and masking, triage, hand-over and
// return, deadlines and pauses, automatic escalation (also across a restart), leader ownership,
// supervision, similar-case groups, closure and evaluation, lists and search, statistics, audit
// and attachments.
#include <fstream>
#include <thread>


#include "tests/integration/fixture.hpp"

namespace mediation::test {
namespace {

using namespace std::chrono_literals;

class workflow : public server_test {
 protected:
  std::vector<std::string> extra_args() const override {
    return {"--workflow", test_file("workflow.json", R"({"scan_interval_ms": 150, "holidays": ["2027-01-01"]})"),
            "--attachments-dir", db_->dir() + "/files", "--max-attachment", "65536"};
  }


  json intake(ws_client& c, const std::string& title, const std::string& petitioner_id = "370214198001017234",
              const std::string& category = "labour_wages", const std::string& respondent = "某建筑公司") {
    auto r = c.request({{"type", "case.create"},
                        {"title", title},
                        {"category", category},
                        {"channel", "visit"},
                        {"description", "申请人反映被拖欠工资三个月"},
                        {"location", "城阳区荷花社区"},
                        {"urgency", "urgent"},
                        {"parties",
                         {{{"role", "petitioner"}, {"name", "张三"}, {"phone", "13812345678"},
                           {"id_number", petitioner_id}, {"address", "荷花路1号"}},
                          {{"role", "respondent"}, {"name", respondent}}}}});
    EXPECT_EQ(r.value("type", ""), "ok") << r.dump();
    return r["case"];
  }

  // Waits for the next push of `type` ("event" on a subscribed connection, "notice" otherwise) and `kind`.
  std::optional<json> push_of(ws_client& c, const std::string& type, const std::string& kind,
                              std::chrono::milliseconds timeout) {
    auto until = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < until) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now());
      auto e = c.next_of(type, left);
      if (!e) return std::nullopt;
      if ((*e)["kind"] == kind) return e;
    }
    return std::nullopt;
  }
  std::optional<json> event_of(ws_client& c, const std::string& kind, std::chrono::milliseconds timeout = 5s) {
    return push_of(c, "event", kind, timeout);
  }
  std::optional<json> notice_of(ws_client& c, const std::string& kind, std::chrono::milliseconds timeout = 5s) {
    return push_of(c, "notice", kind, timeout);
  }
  json get(ws_client& c, const json& id) {
    auto r = c.request({{"type", "case.get"}, {"case", id}});
    EXPECT_EQ(r.value("type", ""), "ok") << r.dump();
    return r["case"];
  }
  // Waits until the case satisfies `pred` (the scheduler works in the background).
  json wait_case(ws_client& c, const json& id, const std::function<bool(const json&)>& pred) {
    json k;
    for (int i = 0; i < 100; ++i) {
      k = get(c, id);
      if (pred(k)) return k;
      std::this_thread::sleep_for(100ms);
    }
    ADD_FAILURE() << "the case never reached the expected state: " << k.dump();
    return k;
  }
};

TEST_P(workflow, intake_records_the_full_case_and_masks_personal_data_for_others) {
  auto li = connect_as("officer.li");
  json k = intake(*li, "拖欠工资纠纷");
  EXPECT_EQ(k["location"], "城阳区荷花社区");
  EXPECT_EQ(k["urgency"], "urgent");
  EXPECT_EQ(k["kind"], "case");
  EXPECT_EQ(k["level"], "city");
  EXPECT_EQ(k["stage"], "first");
  EXPECT_EQ(k["clock"]["name"], "acceptance");
  EXPECT_EQ(k["clock"]["days"], 15);
  EXPECT_TRUE(k["due"].is_string());
  EXPECT_EQ(k["personal_data"], "full");
  EXPECT_EQ(k["parties"][0]["id_number"], "370214198001017234");
  EXPECT_EQ(k["parties"][0]["phone"], "13812345678");
  EXPECT_EQ(k["parties"][0]["address"], "荷花路1号");
  EXPECT_EQ(k["handling_org"]["name_en"], "City petition bureau");
  // A pending receiver and an invited lawyer see the numbers masked; the accepting committee in full.
  ASSERT_OK(li->request({{"type", "case.handoff"}, {"case", k["id"]},
                         {"to_org", org_id(*li, "Labour dispute mediation committee")}}));
  ASSERT_OK(li->request({{"type", "case.invite"}, {"case", k["id"]}, {"user", user_id("lawyer.chen")}, {"capacity", "professional"}}));
  auto zhang = connect_as("committee.zhang");
  auto lawyer = connect_as("lawyer.chen");
  for (auto* c : {zhang.get(), lawyer.get()}) {
    json seen = get(*c, k["id"]);
    EXPECT_EQ(seen["personal_data"], "masked");
    EXPECT_EQ(seen["parties"][0]["id_number"], "3702**********7234");
    EXPECT_EQ(seen["parties"][0]["phone"], "138****5678");
  }
  ASSERT_OK(zhang->request({{"type", "case.accept"}, {"case", k["id"]}}));
  EXPECT_EQ(get(*zhang, k["id"])["parties"][0]["id_number"], "370214198001017234");
  EXPECT_EQ(get(*lawyer, k["id"])["parties"][0]["id_number"], "3702**********7234");
  // Bad input changes nothing.
  auto bad = li->request({{"type", "case.create"}, {"title", "t"}, {"category", "land"}, {"channel", "visit"},
                          {"urgency", "whenever"}});
  EXPECT_ERROR(bad, "bad_request");
  EXPECT_ERROR(li->request({{"type", "case.create"}, {"title", "t"}, {"category", "land"}, {"channel", "visit"},
                            {"parties", {{{"role", "petitioner"}, {"name", "x"}, {"phone", std::string(41, '1')}}}}}),
               "bad_request");
  EXPECT_EQ(li->request({{"type", "case.list"}})["cases"].size(), 1u);
}

TEST_P(workflow, triage_accepts_diverts_or_merges_a_repeat) {
  auto li = connect_as("officer.li");
  json first = intake(*li, "第一次来访");
  auto t = li->request({{"type", "case.triage"}, {"case", first["id"]}, {"decision", "accept"}});
  ASSERT_OK(t);
  EXPECT_EQ(t["case"]["status"], "accepted");
  EXPECT_EQ(t["case"]["clock"]["name"], "handling");
  EXPECT_EQ(t["case"]["clock"]["days"], 60);
  EXPECT_ERROR(li->request({{"type", "case.triage"}, {"case", first["id"]}, {"decision", "accept"}}), "conflict");

  json diverted = intake(*li, "应走诉讼程序的纠纷", "110101199001010015");
  EXPECT_ERROR(li->request({{"type", "case.triage"}, {"case", diverted["id"]}, {"decision", "divert"},
                            {"reason", "属于民事诉讼"}}),
               "bad_request");  // a route is required
  auto d = li->request({{"type", "case.triage"}, {"case", diverted["id"]}, {"decision", "divert"},
                        {"reason", "属于民事诉讼"}, {"route", "向人民法院起诉"}});
  ASSERT_OK(d);
  EXPECT_EQ(d["case"]["status"], "closed");
  EXPECT_EQ(d["case"]["outcome"], "diverted");
  EXPECT_EQ(d["case"]["route"], "向人民法院起诉");

  // The same petitioner again: recognised as a repeat and merged into the first case.
  json again = intake(*li, "再次来访");
  EXPECT_EQ(again["repeat_of"], first["id"]);
  ASSERT_OK(li->request({{"type", "subscribe"}, {"thread", first["thread"]}}));
  EXPECT_ERROR(li->request({{"type", "case.triage"}, {"case", again["id"]}, {"decision", "merge"}, {"reason", "重复"},
                            {"into", diverted["id"]}}),
               "conflict");  // another petitioner
  auto m = li->request({{"type", "case.triage"}, {"case", again["id"]}, {"decision", "merge"},
                        {"reason", "同一事项重复信访"}, {"into", first["id"]}});
  ASSERT_OK(m);
  EXPECT_EQ(m["case"]["outcome"], "merged");
  EXPECT_EQ(m["case"]["merged_into"], first["id"]);
  auto e = event_of(*li, "repeat_merged");
  ASSERT_TRUE(e);
  EXPECT_EQ((*e)["data"]["case"]["id"], again["id"]);
  // A mediator of another organisation cannot triage it.
  EXPECT_ERROR(connect_as("mediator.wang")->request({{"type", "case.triage"}, {"case", first["id"]},
                                                     {"decision", "accept"}}),
               "forbidden");
}

TEST_P(workflow, a_committee_gets_its_own_clock_and_can_return_the_case) {
  auto li = connect_as("officer.li");
  auto zhang = connect_as("committee.zhang");
  json k = intake(*li, "农民工工资");
  const std::string labour = org_id(*li, "Labour dispute mediation committee");
  auto h = li->request({{"type", "case.handoff"}, {"case", k["id"]}, {"to_org", labour}, {"note", "请调处"}});
  ASSERT_OK(h);
  EXPECT_TRUE(h["case"]["handlers"][0]["due"].is_string());  // the committee's 15-day policy
  // It is in the committee's hand-over inbox, and the committee hears of it without being subscribed.
  auto inbox = zhang->request({{"type", "case.list"}, {"inbox", true}});
  ASSERT_EQ(inbox["cases"].size(), 1u);
  EXPECT_EQ(inbox["cases"][0]["id"], k["id"]);
  EXPECT_TRUE(li->request({{"type", "case.list"}, {"inbox", true}})["cases"].empty());
  auto n = notice_of(*zhang, "handed_over");
  ASSERT_TRUE(n);
  EXPECT_EQ((*n)["case"], k["id"]);
  auto a = zhang->request({{"type", "case.accept"}, {"case", k["id"]}});
  ASSERT_OK(a);
  EXPECT_EQ(a["case"]["handling_org"]["id"], labour);
  EXPECT_EQ(a["case"]["level"], "county");
  EXPECT_EQ(a["case"]["clock"]["name"], "handling");
  EXPECT_EQ(a["case"]["clock"]["days"], 15);
  EXPECT_EQ(a["case"]["first_handler"]["id"], labour);
  EXPECT_ERROR(zhang->request({{"type", "case.return"}, {"case", k["id"]}}), "bad_request");
  auto r = zhang->request({{"type", "case.return"}, {"case", k["id"]}, {"reason", "不属于劳动争议"}});
  ASSERT_OK(r);
  EXPECT_EQ(r["case"]["handling_org"]["name_en"], "City petition bureau");
  EXPECT_EQ(r["case"]["handlers"][0]["status"], "returned");
  EXPECT_ERROR(zhang->request({{"type", "case.get"}, {"case", k["id"]}}), "forbidden");
  EXPECT_ERROR(zhang->request({{"type", "case.return"}, {"case", k["id"]}, {"reason", "again"}}), "forbidden");
  auto history = li->request({{"type", "history"}, {"thread", k["thread"]}});
  EXPECT_EQ(history["events"].back()["kind"], "returned");
  EXPECT_EQ(history["events"].back()["data"]["reason"], "不属于劳动争议");
}

TEST_P(workflow, pauses_and_a_leaders_extension_move_the_deadline) {
  auto li = connect_as("officer.li");
  auto zhao = connect_as("leader.zhao");
  json k = intake(*li, "医疗纠纷", "", "medical");
  ASSERT_OK(li->request({{"type", "case.triage"}, {"case", k["id"]}, {"decision", "accept"}}));
  // As if accepted yesterday: today counts, so a pause today moves the deadline by a day.
  sql_exec("UPDATE cases SET clock_start = clock_start - 86400000, due_at = due_at - 86400000 WHERE id = " +
           k["id"].get<std::string>());
  std::string due = get(*li, k["id"])["due"];
  auto p = li->request({{"type", "case.pause"}, {"case", k["id"]}, {"reason", "等待医疗事故鉴定"}});
  ASSERT_OK(p);
  EXPECT_TRUE(p["case"]["paused"]);
  EXPECT_TRUE(p["case"]["due"].is_null());
  EXPECT_ERROR(li->request({{"type", "case.pause"}, {"case", k["id"]}, {"reason", "again"}}), "conflict");
  auto r = li->request({{"type", "case.resume"}, {"case", k["id"]}});
  ASSERT_OK(r);
  EXPECT_FALSE(r["case"]["paused"]);
  EXPECT_GT(r["case"]["due"].get<std::string>(), due);  // today no longer counts
  EXPECT_ERROR(li->request({{"type", "case.resume"}, {"case", k["id"]}}), "conflict");
  // Extension: by a leader, once, 30 days.
  EXPECT_ERROR(li->request({{"type", "case.extend"}, {"case", k["id"]}, {"reason", "复杂"}}), "forbidden");
  auto e = zhao->request({{"type", "case.extend"}, {"case", k["id"]}, {"reason", "案情复杂，批准延期"}});
  ASSERT_OK(e);
  EXPECT_EQ(e["case"]["clock"]["extended_days"], 30);
  EXPECT_ERROR(zhao->request({{"type", "case.extend"}, {"case", k["id"]}, {"reason", "再延"}}), "conflict");
}

TEST_P(workflow, an_overdue_case_escalates_once_and_both_levels_see_it_live) {
  auto wang = connect_as("mediator.wang");
  auto sun = connect_as("officer.sun");
  json k = intake(*wang, "邻里漏水纠纷", "", "family_neighbour");
  ASSERT_OK(wang->request({{"type", "case.triage"}, {"case", k["id"]}, {"decision", "accept"}}));
  // The street office above the room supervises it (masked); a committee elsewhere sees nothing.
  EXPECT_EQ(get(*sun, k["id"])["personal_data"], "masked");
  EXPECT_ERROR(connect_as("committee.liu")->request({{"type", "case.get"}, {"case", k["id"]}}), "forbidden");
  ASSERT_OK(wang->request({{"type", "subscribe"}, {"thread", k["thread"]}}));
  sql_exec("UPDATE cases SET due_at = 1000 WHERE id = " + k["id"].get<std::string>());
  auto e = event_of(*wang, "escalated");
  ASSERT_TRUE(e) << "the scheduler did not escalate the overdue case";
  EXPECT_EQ((*e)["data"]["rule"], "overdue");
  EXPECT_EQ((*e)["data"]["from_level"], "community");
  EXPECT_EQ((*e)["data"]["to_level"], "street");
  EXPECT_EQ((*e)["data"]["to_org"]["name_en"], "Chengnan street office");
  EXPECT_EQ((*e)["author"]["name"], "系统");
  EXPECT_TRUE((*e)["data"]["fired_at"].is_string());
  auto n = notice_of(*sun, "escalated");
  ASSERT_TRUE(n) << "the upper level was not told";
  json seen = get(*sun, k["id"]);
  EXPECT_EQ(seen["handling_org"]["name_en"], "Chengnan street office");
  EXPECT_EQ(seen["level"], "street");
  EXPECT_EQ(seen["escalations"], 1);
  EXPECT_FALSE(seen["overdue"]);
  // Once: no second escalation for the same deadline.
  EXPECT_FALSE(event_of(*wang, "escalated", 800ms));
  // The lower level still sees and talks in the case.
  EXPECT_OK(wang->request({{"type", "post"}, {"thread", k["thread"]}, {"cmid", "w1"}, {"body", "已移交街道"}}));
  // Manual escalation from the street to the city.
  auto m = sun->request({{"type", "case.escalate"}, {"case", k["id"]}, {"reason", "涉及多个部门"}});
  ASSERT_OK(m);
  EXPECT_EQ(m["case"]["level"], "city");
  EXPECT_ERROR(connect_as("officer.li")->request({{"type", "case.escalate"}, {"case", k["id"]}, {"reason", "x"}}),
               "conflict");  // nothing above the city
}

// The number in /metrics after the scheduler's next scan (-1: not there).
long long metric_value(unsigned short port, const std::string& name) {
  auto body = http_request(port, "GET", "/metrics").body;
  auto at = body.find("\n" + name + " ");
  return at == std::string::npos ? -1 : std::stoll(body.substr(at + name.size() + 2));
}

TEST_P(workflow, metrics_count_the_overdue_cases) {
  auto li = connect_as("officer.li");
  json k = intake(*li, "城市级逾期案件", "", "family_neighbour");
  ASSERT_OK(li->request({{"type", "case.triage"}, {"case", k["id"]}, {"decision", "accept"}}));
  auto wait_for = [&](long long want) {
    for (int i = 0; i < 100 && metric_value(port(), "mediation_cases_overdue") != want; ++i)
      std::this_thread::sleep_for(50ms);
    return metric_value(port(), "mediation_cases_overdue");
  };
  EXPECT_EQ(wait_for(0), 0);
  // At the city there is no level to escalate to: the case stays overdue and is counted.
  sql_exec("UPDATE cases SET due_at = 1000 WHERE id = " + k["id"].get<std::string>());
  EXPECT_EQ(wait_for(1), 1);
  EXPECT_GT(metric_value(port(), "mediation_scheduler_last_scan_timestamp_seconds"), 1700000000);
  ASSERT_OK(li->request({{"type", "case.close"}, {"case", k["id"]}, {"outcome", "mediated"}, {"note", "已调解"}}));
  EXPECT_EQ(wait_for(0), 0);
}

TEST_P(workflow, an_escalation_due_while_the_server_was_down_fires_once_after_restart) {
  json k;
  {
    auto wang = connect_as("mediator.wang");
    k = intake(*wang, "停机期间超期", "", "land");
    ASSERT_OK(wang->request({{"type", "case.triage"}, {"case", k["id"]}, {"decision", "accept"}}));
  }
  ASSERT_EQ(server_->terminate(), 0);
  sql_exec("UPDATE cases SET due_at = 1000 WHERE id = " + k["id"].get<std::string>());
  start_server();
  tokens_.clear();
  auto wang = connect_as("mediator.wang");
  json after = wait_case(*wang, k["id"], [](const json& c) { return c["escalations"] == 1; });
  EXPECT_EQ(after["level"], "street");
  std::this_thread::sleep_for(800ms);
  auto h = wang->request({{"type", "history"}, {"thread", k["thread"]}});
  int escalated = 0;
  for (const auto& e : h["events"]) escalated += e["kind"] == "escalated";
  EXPECT_EQ(escalated, 1);
  EXPECT_EQ(get(*wang, k["id"])["escalations"], 1);
}

TEST_P(workflow, a_hand_over_goes_to_an_organisation_that_handles_cases) {
  auto li = connect_as("officer.li");
  json k = intake(*li, "交办到律所", "", "land");
  auto orgs = li->request({{"type", "orgs.list"}});
  std::string firm;
  for (const auto& o : orgs["orgs"])
    if (o["kind"] == "law_firm") firm = o["id"];
  ASSERT_FALSE(firm.empty());
  auto refused = li->request({{"type", "case.handoff"}, {"case", k["id"]}, {"to_org", firm}, {"note", "请律所处理"}});
  EXPECT_EQ(refused["code"], "bad_request");
  EXPECT_EQ(refused["field"], "to_org");
  EXPECT_TRUE(get(*li, k["id"])["handlers"].empty()) << "refused, and nothing changed";
}

TEST_P(workflow, closure_evaluation_and_the_review_path) {
  auto wang = connect_as("mediator.wang");
  json k = intake(*wang, "物业费争议", "", "property_management");
  EXPECT_ERROR(wang->request({{"type", "case.evaluate"}, {"case", k["id"]}, {"evaluation", "satisfied"}}), "conflict");
  EXPECT_ERROR(wang->request({{"type", "case.close"}, {"case", k["id"]}, {"outcome", "finished"}, {"note", "x"}}),
               "bad_request");
  // A closing note is required; and a case nobody has accepted was never mediated.
  auto noteless = wang->request({{"type", "case.close"}, {"case", k["id"]}, {"outcome", "withdrawn"}});
  EXPECT_EQ(noteless["code"], "bad_request");
  EXPECT_EQ(noteless["field"], "note");
  EXPECT_EQ(wang->request({{"type", "case.close"}, {"case", k["id"]}, {"outcome", "withdrawn"}, {"note", "  "}})["field"],
            "note");
  EXPECT_ERROR(wang->request({{"type", "case.close"}, {"case", k["id"]}, {"outcome", "mediated"}, {"note", "双方和解"}}),
               "conflict");
  EXPECT_EQ(get(*wang, k["id"])["status"], "registered");  // refused, and nothing changed
  ASSERT_OK(wang->request({{"type", "case.triage"}, {"case", k["id"]}, {"decision", "accept"}}));
  auto c = wang->request({{"type", "case.close"}, {"case", k["id"]}, {"outcome", "mediated"}, {"note", "双方和解"}});
  ASSERT_OK(c);
  EXPECT_EQ(c["case"]["status"], "closed");
  EXPECT_TRUE(c["case"]["review_until"].is_string());
  EXPECT_ERROR(wang->request({{"type", "case.close"}, {"case", k["id"]}, {"outcome", "mediated"}, {"note", "再次"}}),
               "conflict");
  // Unsatisfied: the scheduler escalates it into review at the level above.
  ASSERT_OK(wang->request({{"type", "case.evaluate"}, {"case", k["id"]}, {"evaluation", "unsatisfied"},
                           {"comment", "赔偿不到位"}}));
  EXPECT_ERROR(wang->request({{"type", "case.evaluate"}, {"case", k["id"]}, {"evaluation", "satisfied"}}), "conflict");
  json reviewed = wait_case(*wang, k["id"], [](const json& x) { return x["stage"] == "review"; });
  EXPECT_EQ(reviewed["status"], "in_progress");
  EXPECT_EQ(reviewed["level"], "street");
  EXPECT_EQ(reviewed["clock"]["name"], "review");
  EXPECT_EQ(reviewed["clock"]["days"], 30);
  EXPECT_TRUE(reviewed["closed_at"].is_null());

  // The street office closes the review; the petitioner answers through a one-time link.
  auto sun = connect_as("officer.sun");
  ASSERT_OK(sun->request({{"type", "case.close"}, {"case", k["id"]}, {"outcome", "agreement"}, {"note", "复查后达成协议"}}));
  auto link = sun->request({{"type", "case.evaluation_link"}, {"case", k["id"]}});
  ASSERT_OK(link);
  const std::string token = link["token"];
  EXPECT_EQ(link["url"], "/evaluate.html#" + token);
  auto page = http_request(port(), "GET", "/api/evaluation/" + token);
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_EQ(page.json_body()["case"]["number"], k["number"]);
  EXPECT_FALSE(page.body.find("370214") != std::string::npos);  // no personal data
  EXPECT_EQ(http_request(port(), "POST", "/api/evaluation/" + token, R"({"evaluation":"great"})").status, 400);
  auto done = http_request(port(), "POST", "/api/evaluation/" + token,
                           R"({"evaluation":"basically_satisfied","comment":"还行"})");
  ASSERT_EQ(done.status, 200) << done.body;
  EXPECT_EQ(http_request(port(), "POST", "/api/evaluation/" + token, R"({"evaluation":"satisfied"})").status, 410);
  EXPECT_EQ(http_request(port(), "GET", "/api/evaluation/nonsense").status, 404);
  json evaluated = get(*sun, k["id"]);
  EXPECT_EQ(evaluated["evaluation"]["value"], "basically_satisfied");
  EXPECT_EQ(evaluated["stage"], "review");
}

TEST_P(workflow, a_repeat_petition_escalates_and_supervision_overdue_too) {
  auto wang = connect_as("mediator.wang");
  json first = intake(*wang, "第一次反映", "37021419700101002X", "land");
  json repeat = intake(*wang, "又来反映", "37021419700101002X", "land");
  EXPECT_EQ(repeat["repeat_of"], first["id"]);
  json escalated = wait_case(*wang, repeat["id"], [](const json& c) { return c["escalations"] == 1; });
  EXPECT_EQ(escalated["level"], "street");
  EXPECT_EQ(get(*wang, first["id"])["escalations"], 0);
  auto h = wang->request({{"type", "history"}, {"thread", repeat["thread"]}});
  EXPECT_EQ(h["events"].back()["data"]["rule"], "repeat");

  // Supervision: the city bureau supervises the first case; the handling room answers or it escalates.
  auto li = connect_as("officer.li");
  auto lawyer = connect_as("lawyer.chen");
  EXPECT_ERROR(lawyer->request({{"type", "supervision.issue"}, {"case", first["id"]}, {"kind", "supervision_letter"},
                                {"body", "x"}}),
               "forbidden");
  EXPECT_ERROR(li->request({{"type", "supervision.issue"}, {"case", first["id"]}, {"kind", "love_letter"},
                            {"body", "x"}}),
               "bad_request");
  auto s1 = li->request({{"type", "supervision.issue"}, {"case", first["id"]}, {"kind", "risk_reminder"},
                         {"body", "请注意群体性风险"}});
  ASSERT_OK(s1);
  EXPECT_EQ(s1["supervision"]["to_org"]["name_en"], "Hehua community mediation room");
  EXPECT_ERROR(li->request({{"type", "supervision.answer"}, {"supervision", s1["supervision"]["id"]}, {"body", "x"}}),
               "forbidden");
  auto ans = wang->request({{"type", "supervision.answer"}, {"supervision", s1["supervision"]["id"]},
                            {"body", "已安排专人稳控"}});
  ASSERT_OK(ans);
  EXPECT_EQ(ans["supervision"]["answer"], "已安排专人稳控");
  EXPECT_ERROR(wang->request({{"type", "supervision.answer"}, {"supervision", s1["supervision"]["id"]}, {"body", "y"}}),
               "conflict");
  auto s2 = li->request({{"type", "supervision.issue"}, {"case", first["id"]}, {"kind", "supervision_letter"},
                         {"body", "限期办结"}, {"due", "2099-01-01"}});
  ASSERT_OK(s2);
  sql_exec("UPDATE supervisions SET due_at = 1000 WHERE id = " + s2["supervision"]["id"].get<std::string>());
  json after = wait_case(*wang, first["id"], [](const json& c) { return c["escalations"] == 1; });
  EXPECT_EQ(after["level"], "street");
  EXPECT_ERROR(lawyer->request({{"type", "supervision.list"}, {"case", first["id"]}}), "forbidden");
  auto list = li->request({{"type", "supervision.list"}, {"case", first["id"]}});
  ASSERT_EQ(list["supervisions"].size(), 2u);
  EXPECT_TRUE(list["supervisions"][1]["escalated_at"].is_string());
  EXPECT_TRUE(list["supervisions"][0]["answered_at"].is_string());
}

TEST_P(workflow, a_leader_owns_a_case_below_and_hears_of_every_change) {
  auto wang = connect_as("mediator.wang");
  auto zhao = connect_as("leader.zhao");
  json k = intake(*wang, "重点信访事项", "", "demolition");
  // As a leader of an organisation above, the leader sees it; a mediator elsewhere does not.
  EXPECT_OK(zhao->request({{"type", "case.get"}, {"case", k["id"]}}));
  EXPECT_ERROR(connect_as("committee.liu")->request({{"type", "case.get"}, {"case", k["id"]}}), "forbidden");
  EXPECT_ERROR(wang->request({{"type", "case.own"}, {"case", k["id"]}}), "forbidden");
  auto own = zhao->request({{"type", "case.own"}, {"case", k["id"]}});
  ASSERT_OK(own);
  EXPECT_EQ(own["case"]["leaders"][0]["name"], "赵国强");
  EXPECT_ERROR(zhao->request({{"type", "case.own"}, {"case", k["id"]}}), "conflict");
  ASSERT_OK(wang->request({{"type", "case.triage"}, {"case", k["id"]}, {"decision", "accept"}}));
  auto n = notice_of(*zhao, "triaged");
  ASSERT_TRUE(n);
  EXPECT_EQ((*n)["case"], k["id"]);
  auto listed = zhao->request({{"type", "case.list"}, {"leader_owned", true}});
  ASSERT_EQ(listed["cases"].size(), 1u);
  EXPECT_EQ(listed["cases"][0]["id"], k["id"]);
  // Supervisors see personal data masked.
  EXPECT_EQ(get(*zhao, k["id"])["personal_data"], "masked");
}

TEST_P(workflow, similar_cases_are_grouped_and_resolved_together) {
  auto li = connect_as("officer.li");
  json a = intake(*li, "购房者甲 办证难", "110101199001010111", "housing_certificate", "某房地产开发公司");
  json b = intake(*li, "购房者乙 办证难", "11010119900101012X", "housing_certificate", "某房地产开发公司");
  json c = intake(*li, "购房者丙 办证难", "110101199001010138", "housing_certificate", "某房地产开发公司");
  json other = intake(*li, "无关案件", "110101199001010146", "land", "某房地产开发公司");
  auto s = li->request({{"type", "group.suggest"}, {"case", a["id"]}});
  ASSERT_OK(s);
  std::set<std::string> suggested;
  for (const auto& x : s["cases"]) suggested.insert(x["id"]);
  EXPECT_EQ(suggested, (std::set<std::string>{b["id"], c["id"]}));
  auto g = li->request({{"type", "group.create"}, {"title", "某开发商逾期办证类案"}, {"cases", {a["id"], b["id"]}}});
  ASSERT_OK(g);
  json group = g["case"];
  EXPECT_EQ(group["kind"], "group");
  EXPECT_NE(group["thread"], a["thread"]);
  EXPECT_ERROR(li->request({{"type", "group.create"}, {"title", "x"}, {"cases", {a["id"]}}}), "conflict");
  ASSERT_OK(li->request({{"type", "group.add"}, {"group", group["id"]}, {"case", c["id"]}}));
  EXPECT_EQ(get(*li, c["id"])["group"], group["id"]);
  auto gh = li->request({{"type", "history"}, {"thread", group["thread"]}});
  EXPECT_EQ(gh["events"].size(), 4u);  // created and three members
  // Nobody has accepted the members yet: the group cannot close them as resolved by agreement.
  EXPECT_ERROR(li->request({{"type", "group.resolve"}, {"group", group["id"]}, {"outcome", "agreement"},
                            {"note", "开发商统一补办产权证"}}),
               "conflict");
  EXPECT_EQ(get(*li, a["id"])["status"], "registered");
  for (const auto& id : {a["id"], b["id"], c["id"]})
    ASSERT_OK(li->request({{"type", "case.triage"}, {"case", id}, {"decision", "accept"}}));
  auto r = li->request({{"type", "group.resolve"}, {"group", group["id"]}, {"outcome", "agreement"},
                        {"note", "开发商统一补办产权证"}});
  ASSERT_OK(r);
  EXPECT_EQ(r["closed"].size(), 3u);
  EXPECT_EQ(r["case"]["status"], "closed");
  for (const auto& id : {a["id"], b["id"], c["id"]}) {
    json k = get(*li, id);
    EXPECT_EQ(k["status"], "closed");
    EXPECT_EQ(k["outcome"], "agreement");
  }
  EXPECT_EQ(get(*li, other["id"])["status"], "registered");
  // Groups are not counted as cases in the statistics.
  auto st = li->request({{"type", "stats.summary"}});
  EXPECT_EQ(st["totals"]["received"], 4);
}

TEST_P(workflow, lists_filter_page_and_search_chinese_text) {
  auto li = connect_as("officer.li");
  json fee = intake(*li, "荷花小区物业费纠纷", "110101199001010218", "property_management");
  json wage = intake(*li, "建筑工地拖欠工资", "110101199001010226", "labour_wages");
  json land = intake(*li, "土地承包合同纠纷", "110101199001010234", "land");
  ASSERT_OK(li->request({{"type", "post"}, {"thread", land["thread"]}, {"cmid", "s1"}, {"body", "村委会同意重新丈量"}}));
  auto ids = [](const json& r) {
    std::vector<std::string> out;
    for (const auto& c : r["cases"]) out.push_back(c["id"]);
    return out;
  };
  EXPECT_EQ(ids(li->request({{"type", "case.list"}, {"q", "物业费"}})), std::vector<std::string>{fee["id"]});
  EXPECT_EQ(ids(li->request({{"type", "case.list"}, {"q", "工地"}})), std::vector<std::string>{wage["id"]});
  EXPECT_EQ(ids(li->request({{"type", "case.list"}, {"q", "拖欠工资"}})).size(), 3u);  // in every description
  EXPECT_TRUE(ids(li->request({{"type", "case.list"}, {"q", "医疗"}})).empty());
  // Messages are indexed in the background.
  std::vector<std::string> found;
  for (int i = 0; i < 50 && found.empty(); ++i) {
    found = ids(li->request({{"type", "case.list"}, {"q", "重新丈量"}}));
    if (found.empty()) std::this_thread::sleep_for(100ms);
  }
  EXPECT_EQ(found, std::vector<std::string>{land["id"]});
  // Many messages at once: the indexer reaches the last of them.
  for (int i = 0; i < 450; ++i)
    ASSERT_OK(li->request({{"type", "post"}, {"thread", wage["thread"]}, {"cmid", "many" + std::to_string(i)},
                           {"body", i == 449 ? "最后一条提到仲裁委员会" : "第" + std::to_string(i) + "条进展"}}));
  found.clear();
  for (int i = 0; i < 100 && found.empty(); ++i) {
    found = ids(li->request({{"type", "case.list"}, {"q", "仲裁委员会"}}));
    if (found.empty()) std::this_thread::sleep_for(100ms);
  }
  EXPECT_EQ(found, std::vector<std::string>{wage["id"]});
  EXPECT_EQ(ids(li->request({{"type", "case.list"}, {"category", "labour_wages"}})), std::vector<std::string>{wage["id"]});
  ASSERT_OK(li->request({{"type", "case.triage"}, {"case", fee["id"]}, {"decision", "accept"}}));
  EXPECT_EQ(ids(li->request({{"type", "case.list"}, {"status", "accepted"}})), std::vector<std::string>{fee["id"]});
  EXPECT_EQ(ids(li->request({{"type", "case.list"}, {"mine", true}})).size(), 3u);
  EXPECT_EQ(ids(li->request({{"type", "case.list"}, {"due_within_days", 20}})).size(), 2u);  // acceptance clocks
  sql_exec("UPDATE cases SET overdue_handled_due = 1000, due_at = 1000 WHERE id = " + wage["id"].get<std::string>());
  auto overdue = li->request({{"type", "case.list"}, {"overdue", true}});
  EXPECT_EQ(ids(overdue), std::vector<std::string>{wage["id"]});
  EXPECT_TRUE(overdue["cases"][0]["overdue"]);
  // Paging: newest first, two then one.
  auto page1 = li->request({{"type", "case.list"}, {"limit", 2}});
  EXPECT_EQ(ids(page1), (std::vector<std::string>{land["id"], wage["id"]}));
  ASSERT_TRUE(page1["next"].is_string());
  auto page2 = li->request({{"type", "case.list"}, {"limit", 2}, {"before", page1["next"]}});
  EXPECT_EQ(ids(page2), std::vector<std::string>{fee["id"]});
  EXPECT_TRUE(page2["next"].is_null());
  EXPECT_ERROR(li->request({{"type", "case.list"}, {"overdue", "yes"}}), "bad_request");
  EXPECT_ERROR(li->request({{"type", "case.list"}, {"limit", 0}}), "bad_request");
  EXPECT_ERROR(li->request({{"type", "case.list"}, {"q", "，。"}}), "bad_request");
  // Search never reveals cases the user may not see.
  EXPECT_TRUE(ids(connect_as("committee.liu")->request({{"type", "case.list"}, {"q", "物业费"}})).empty());
}

TEST_P(workflow, statistics_cover_an_organisation_and_those_below_it) {
  auto wang = connect_as("mediator.wang");
  auto li = connect_as("officer.li");
  json a = intake(*wang, "社区调解成功", "110101199001010314", "family_neighbour");
  json b = intake(*wang, "社区调解失败", "110101199001010322", "family_neighbour");
  json c = intake(*li, "市局受理", "110101199001010330", "land");
  ASSERT_OK(wang->request({{"type", "case.triage"}, {"case", a["id"]}, {"decision", "accept"}}));
  ASSERT_OK(wang->request({{"type", "case.close"}, {"case", a["id"]}, {"outcome", "mediated"}, {"note", "调解成功"}}));
  ASSERT_OK(wang->request({{"type", "case.evaluate"}, {"case", a["id"]}, {"evaluation", "satisfied"}}));
  ASSERT_OK(wang->request({{"type", "case.close"}, {"case", b["id"]}, {"outcome", "withdrawn"}, {"note", "申请人撤回"}}));
  auto city = li->request({{"type", "stats.summary"}});
  ASSERT_OK(city);
  EXPECT_EQ(city["totals"]["received"], 3);
  EXPECT_EQ(city["totals"]["resolved"], 1);
  EXPECT_EQ(city["totals"]["closed"], 2);
  EXPECT_DOUBLE_EQ(city["totals"]["satisfaction_rate"].get<double>(), 1.0);
  EXPECT_DOUBLE_EQ(city["totals"]["grassroots_share"].get<double>(), 1.0);
  EXPECT_EQ(city["by_category"]["family_neighbour"]["received"], 2);
  EXPECT_EQ(city["by_level"]["community"]["closed"], 2);
  auto room = wang->request({{"type", "stats.summary"}});
  EXPECT_EQ(room["totals"]["received"], 2);
  EXPECT_ERROR(wang->request({{"type", "stats.summary"}, {"org", org_id(*li, "City petition bureau")}}), "forbidden");
  EXPECT_ERROR(li->request({{"type", "stats.summary"}, {"from", "yesterday"}}), "bad_request");
  auto empty = li->request({{"type", "stats.summary"}, {"from", "2020-01-01"}, {"to", "2020-12-31"}});
  EXPECT_EQ(empty["totals"]["received"], 0);
  EXPECT_TRUE(empty["totals"]["resolution_rate"].is_null());
  EXPECT_OK(connect_as("admin")->request({{"type", "stats.summary"}, {"org", org_id(*li, "Hehua community mediation room")}}));
  EXPECT_ERROR(connect_as("lawyer.chen")->request({{"type", "stats.summary"}}), "forbidden");
}

TEST_P(workflow, the_audit_trail_is_read_by_supervisors_and_never_changes) {
  auto wang = connect_as("mediator.wang");
  json k = intake(*wang, "审计测试");
  ASSERT_OK(wang->request({{"type", "case.triage"}, {"case", k["id"]}, {"decision", "accept"}}));
  auto li = connect_as("officer.li");
  auto a = li->request({{"type", "audit.list"}, {"case", k["id"]}});
  ASSERT_OK(a);
  // Changes, and (interleaved) the reads of unmasked personal data that the replies to them were.
  json changes = json::array();
  bool reads_logged = false;
  for (const auto& e : a["entries"]) {
    if (e["action"] == "personal_data.read") reads_logged = true;
    else changes.push_back(e);
  }
  EXPECT_TRUE(reads_logged);
  ASSERT_GE(changes.size(), 2u);
  EXPECT_EQ(changes[0]["action"], "case.triage");  // newest first
  EXPECT_EQ(changes.back()["action"], "case.create");
  EXPECT_EQ(changes.back()["user"]["name"], "王秀英");
  EXPECT_TRUE(changes[0]["remote"].get<std::string>().rfind("127.0.0.1", 0) == 0);
  EXPECT_ERROR(wang->request({{"type", "audit.list"}, {"case", k["id"]}}), "forbidden");
  EXPECT_ERROR(connect_as("committee.liu")->request({{"type", "audit.list"}}), "forbidden");
  auto all = connect_as("admin")->request({{"type", "audit.list"}, {"limit", 2}});
  ASSERT_OK(all);
  EXPECT_EQ(all["entries"].size(), 2u);
  EXPECT_TRUE(all["next"].is_string());
  auto sun = connect_as("officer.sun");
  auto street = sun->request({{"type", "audit.list"}});  // the street office and the room below it
  bool room_seen = false;
  for (const auto& e : street["entries"]) room_seen |= e["action"] == "case.create";
  EXPECT_TRUE(room_seen);
  EXPECT_ERROR(sun->request({{"type", "audit.list"}, {"org", org_id(*li, "City petition bureau")}}), "forbidden");
  // The database itself refuses to change or delete audit rows.
  EXPECT_NE(sql_error("UPDATE audit SET detail = 'forged'").find("immutable"), std::string::npos);
  EXPECT_NE(sql_error("DELETE FROM audit").find("immutable"), std::string::npos);
  EXPECT_EQ(li->request({{"type", "audit.list"}, {"case", k["id"]}})["entries"].size(), a["entries"].size());
}

TEST_P(workflow, attachments_are_uploaded_listed_and_downloaded_by_those_who_see_the_case) {
  auto li = connect_as("officer.li");
  json k = intake(*li, "附件测试");
  ASSERT_OK(li->request({{"type", "subscribe"}, {"thread", k["thread"]}}));
  const std::string token = "Bearer " + token_for("officer.li");
  const std::string pdf = "%PDF-1.4\n% 调解材料\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n";
  const std::string path = "/api/cases/" + k["id"].get<std::string>() + "/attachments";
  const std::vector<std::pair<std::string, std::string>> pdf_headers{
      {"Content-Type", "application/pdf"}, {"X-File-Name", "%E8%B0%83%E8%A7%A3%E7%AC%94%E5%BD%95.pdf"}};
  auto up = http_request(port(), "POST", path, pdf, token, pdf_headers);
  ASSERT_EQ(up.status, 201) << up.body;
  json att = up.json_body()["attachment"];
  EXPECT_EQ(att["name"], "调解笔录.pdf");
  EXPECT_EQ(att["size"], pdf.size());
  auto e = event_of(*li, "attachment");
  ASSERT_TRUE(e);
  EXPECT_EQ((*e)["data"]["id"], att["id"]);
  auto list = li->request({{"type", "attachment.list"}, {"case", k["id"]}});
  ASSERT_EQ(list["attachments"].size(), 1u);
  auto down = http_request(port(), "GET", "/api/attachments/" + att["id"].get<std::string>(), "", token);
  ASSERT_EQ(down.status, 200);
  EXPECT_EQ(down.body, pdf);
  EXPECT_EQ(down.content_type, "application/pdf");
  EXPECT_NE(down.disposition.find("UTF-8''"), std::string::npos);
  // Refusals change nothing.
  EXPECT_EQ(http_request(port(), "POST", path, pdf, "", pdf_headers).status, 401);
  EXPECT_EQ(http_request(port(), "POST", path, "MZ\x90", token,
                         {{"Content-Type", "application/pdf"}, {"X-File-Name", "x.pdf"}}).status, 415);
  EXPECT_EQ(http_request(port(), "POST", path, "x", token,
                         {{"Content-Type", "application/x-msdownload"}, {"X-File-Name", "x.exe"}}).status, 415);
  EXPECT_EQ(http_request(port(), "POST", path, pdf, token,
                         {{"Content-Type", "application/pdf"}, {"X-File-Name", "..%2Fetc%2Fpasswd"}}).status, 400);
  EXPECT_EQ(http_request(port(), "POST", path, "%PDF-" + std::string(70000, 'x'), token, pdf_headers).status, 413);
  const std::string outsider = "Bearer " + token_for("committee.liu");
  EXPECT_EQ(http_request(port(), "POST", path, pdf, outsider, pdf_headers).status, 403);
  EXPECT_EQ(http_request(port(), "GET", "/api/attachments/" + att["id"].get<std::string>(), "", outsider).status, 403);
  EXPECT_EQ(http_request(port(), "POST", "/api/cases/999999/attachments", pdf, token, pdf_headers).status, 404);
  // Each route answers only its methods.
  EXPECT_EQ(http_request(port(), "GET", path, "", token).status, 405);
  EXPECT_EQ(http_request(port(), "POST", "/api/attachments/" + att["id"].get<std::string>(), "", token).status, 405);
  EXPECT_EQ(http_request(port(), "PUT", "/api/evaluation/x").status, 405);
  EXPECT_EQ(http_request(port(), "DELETE", "/api/sign/x").status, 405);
  EXPECT_EQ(li->request({{"type", "attachment.list"}, {"case", k["id"]}})["attachments"].size(), 1u);
}

BACKEND_SUITE(workflow);

}  // namespace
}  // namespace mediation::test
