// Mediation agreements end to end on both databases: drafting and versions, signing rules, the
// seal and taking effect, immutability and tamper detection, printing, signing links,
// performance and judicial confirmation, supersession.
#include <fstream>
#include <thread>

#include "server/base/time.hpp"
#include "tests/integration/fixture.hpp"

namespace mediation::test {
namespace {

using namespace std::chrono_literals;

const std::string drawn = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";

class agreements : public server_test {
 protected:
  std::vector<std::string> extra_args() const override {
    return {"--workflow", test_file("workflow.json", R"({"scan_interval_ms": 150})")};
  }
  static json content(const std::string& amount = "30000", const std::string& deadline = "2026-12-31") {
    return {{"parties",
             {{{"role", "petitioner"}, {"name", "张三"}, {"id_number", "370214198001017234"}, {"phone", "13812345678"}},
              {{"role", "respondent"}, {"name", "某建筑公司"}}}},
            {"facts", "申请人在被申请人处务工，被拖欠工资三个月。"},
            {"disputes", {"拖欠工资数额"}},
            {"responsibilities", {{{"party", 1}, {"text", "未按时支付工资"}}}},
            {"terms",
             {{{"text", "被申请人支付工资人民币" + amount + "元"}, {"way", "银行转账"}, {"place", "申请人账户"},
               {"deadline", deadline}}}},
            {"mediators", {"王秀英"}},
            {"organisation", "荷花社区人民调解委员会"}};
  }
  std::optional<json> event_of(ws_client& c, const std::string& kind, std::chrono::milliseconds timeout = 5s) {
    auto until = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < until) {
      auto e = c.next_event(std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now()));
      if (!e) return std::nullopt;
      if ((*e)["kind"] == kind) return e;
    }
    return std::nullopt;
  }
  // A case in the community room with an agreement signed by everyone but not yet sealed.
  json signed_draft(ws_client& wang, json& kase) {
    kase = create_case(wang, "拖欠工资调解");
    auto d = wang.request({{"type", "agreement.draft"}, {"case", kase["id"]}, {"content", content()}});
    EXPECT_EQ(d.value("type", ""), "ok") << d.dump();
    const json id = d["agreement"]["id"];
    for (int p : {0, 1})
      EXPECT_EQ(wang.request({{"type", "agreement.sign"}, {"agreement", id}, {"version", 1}, {"role", "party"},
                              {"party", p}, {"signature", drawn}, {"confirmed", true}}).value("type", ""), "ok");
    EXPECT_EQ(wang.request({{"type", "agreement.sign"}, {"agreement", id}, {"version", 1}, {"role", "mediator"}})
                  .value("type", ""), "ok");
    return id;
  }
};

TEST_P(agreements, id_and_phone_numbers_are_encrypted_at_rest_and_every_unmasked_read_is_audited) {
  auto wang = connect_as("mediator.wang");
  json kase = wang->request({{"type", "case.create"}, {"title", "个人信息加密"}, {"category", "labour_wages"},
                             {"channel", "visit"},
                             {"parties", json::array({{{"role", "petitioner"}, {"name", "张三"}, {"phone", "13812345678"},
                                                       {"id_number", "370214198001017234"}},
                                                      {{"role", "respondent"}, {"name", "某建筑公司"}}})}})["case"];
  const std::string id = kase["id"];
  // What the database holds: sealed values, no digits of either number.
  for (const auto& v : sql_strings("SELECT phone FROM case_parties WHERE case_id = " + id + " AND position = 0") ) {
    EXPECT_EQ(v.rfind("pd1:", 0), 0u) << v;
    EXPECT_EQ(v.find("5678"), std::string::npos);
  }
  for (const auto& v : sql_strings("SELECT id_number FROM case_parties WHERE case_id = " + id + " AND position = 0")) {
    EXPECT_EQ(v.rfind("pd1:", 0), 0u) << v;
    EXPECT_EQ(v.find("19800101"), std::string::npos);
  }
  auto reads = [&] {
    return sql_strings("SELECT detail FROM audit WHERE action = 'personal_data.read' AND case_id = " + id);
  };
  auto wait_reads = [&](std::size_t n) {
    for (int i = 0; i < 100 && reads().size() < n; ++i) std::this_thread::sleep_for(20ms);
    return reads().size();
  };
  const std::size_t after_create = wait_reads(1);  // the reply to case.create showed them to their author
  EXPECT_EQ(after_create, 1u);
  // The handling mediator reads them in full, and the read is audited with who and how.
  auto got = wang->request({{"type", "case.get"}, {"case", id}});
  EXPECT_EQ(got["case"]["parties"][0]["phone"], "13812345678");
  EXPECT_EQ(got["case"]["parties"][0]["id_number"], "370214198001017234");
  EXPECT_EQ(wait_reads(after_create + 1), after_create + 1);
  EXPECT_EQ(reads().back(), "case.get");
  EXPECT_EQ(sql_strings("SELECT user_id FROM audit WHERE action = 'personal_data.read' AND case_id = " + id).back(),
            user_id("mediator.wang"));
  // Lists never carry them; a supervisor sees them masked; neither is a read to audit.
  auto list = wang->request({{"type", "case.list"}});
  for (const auto& c : list["cases"])
    if (c["id"] == id) EXPECT_EQ(c["parties"][0]["phone"], "138****5678");
  auto sup = connect_as("officer.sun")->request({{"type", "case.get"}, {"case", id}});
  EXPECT_EQ(sup["case"]["parties"][0]["id_number"], "3702**********7234");
  std::this_thread::sleep_for(200ms);
  EXPECT_EQ(reads().size(), after_create + 1);
  // An agreement's stored versions, chain and hash hold them sealed; verification still holds.
  auto d = wang->request({{"type", "agreement.draft"}, {"case", id}, {"content", content()}});
  ASSERT_OK(d);
  const std::string aid = d["agreement"]["id"];
  for (const auto& text : sql_strings("SELECT content FROM agreement_versions WHERE agreement_id = " + aid)) {
    EXPECT_EQ(text.find(content()["parties"][0]["id_number"].get<std::string>()), std::string::npos) << text;
    EXPECT_NE(text.find("pd1:"), std::string::npos);
  }
  for (const auto& text : sql_strings("SELECT payload FROM agreement_chain WHERE agreement_id = " + aid))
    EXPECT_EQ(text.find(content()["parties"][0]["id_number"].get<std::string>()), std::string::npos) << text;
  auto a = wang->request({{"type", "agreement.get"}, {"agreement", aid}});
  EXPECT_EQ(a["agreement"]["current"]["content"]["parties"][0]["id_number"], content()["parties"][0]["id_number"]);
  EXPECT_TRUE(wang->request({{"type", "agreement.verify"}, {"agreement", aid}})["ok"].get<bool>());
  EXPECT_GE(wait_reads(after_create + 3), after_create + 3);  // the draft's reply and agreement.get
}

TEST_P(agreements, drafts_are_versioned_with_a_diff_and_signing_follows_the_rules) {
  auto wang = connect_as("mediator.wang");
  json kase = create_case(*wang, "劳资纠纷");
  ASSERT_OK(wang->request({{"type", "subscribe"}, {"thread", kase["thread"]}}));
  auto tpl = wang->request({{"type", "agreement.templates"}, {"category", "labour_wages"}});
  ASSERT_OK(tpl);
  EXPECT_FALSE(tpl["templates"]["labour_wages"]["terms"].empty());
  json bad = content();
  bad["terms"][0]["deadline"] = "soon";
  auto refused = wang->request({{"type", "agreement.draft"}, {"case", kase["id"]}, {"content", bad}});
  EXPECT_ERROR(refused, "bad_request");
  EXPECT_NE(refused["message"].get<std::string>().find("terms[0].deadline"), std::string::npos);

  auto v1 = wang->request({{"type", "agreement.draft"}, {"case", kase["id"]}, {"content", content()}});
  ASSERT_OK(v1);
  const json id = v1["agreement"]["id"];
  EXPECT_EQ(v1["agreement"]["status"], "draft");
  EXPECT_EQ(v1["agreement"]["current"]["version"], 1);
  auto e = event_of(*wang, "agreement_drafted");
  ASSERT_TRUE(e);
  EXPECT_EQ((*e)["data"]["version"], 1);
  auto v2 = wang->request({{"type", "agreement.draft"}, {"case", kase["id"]}, {"agreement", id},
                           {"content", content("32000", "2027-01-15")}});
  ASSERT_OK(v2);
  EXPECT_EQ(v2["agreement"]["versions"].size(), 2u);
  auto diff = wang->request({{"type", "agreement.diff"}, {"agreement", id}, {"from", 1}, {"to", 2}});
  ASSERT_OK(diff);
  ASSERT_EQ(diff["changes"].size(), 2u);
  EXPECT_EQ(diff["changes"][0]["path"], "terms[0].deadline");
  EXPECT_EQ(diff["changes"][0]["to"], "2027-01-15");
  EXPECT_EQ(diff["changes"][1]["path"], "terms[0].text");
  auto old = wang->request({{"type", "agreement.version"}, {"agreement", id}, {"version", 1}});
  EXPECT_EQ(old["content"]["terms"][0]["deadline"], "2026-12-31");

  // Signing: the old version is refused; the on-screen confirmation and a drawn signature are required.
  json sign{{"type", "agreement.sign"}, {"agreement", id}, {"version", 1}, {"role", "party"}, {"party", 0},
            {"signature", drawn}, {"confirmed", true}};
  EXPECT_ERROR(wang->request(sign), "conflict");
  sign["version"] = 2;
  sign["confirmed"] = false;
  EXPECT_ERROR(wang->request(sign), "bad_request");
  sign["confirmed"] = true;
  sign["signature"] = "data:image/gif;base64,R0lG";
  EXPECT_ERROR(wang->request(sign), "bad_request");
  sign["signature"] = drawn;
  sign["party"] = 7;
  EXPECT_ERROR(wang->request(sign), "bad_request");
  sign["party"] = 0;
  ASSERT_OK(wang->request(sign));
  EXPECT_ERROR(wang->request(sign), "conflict");  // twice
  // Unauthorised signers: an invited lawyer, a committee that does not handle the case, an officer as mediator.
  auto li = connect_as("officer.li");
  ASSERT_OK(wang->request({{"type", "case.invite"}, {"case", kase["id"]}, {"user", user_id("lawyer.chen")}, {"capacity", "professional"}}));
  auto lawyer = connect_as("lawyer.chen");
  sign["party"] = 1;
  EXPECT_ERROR(lawyer->request(sign), "forbidden");
  EXPECT_ERROR(connect_as("committee.zhang")->request(sign), "forbidden");
  EXPECT_ERROR(connect_as("officer.sun")->request({{"type", "agreement.sign"}, {"agreement", id}, {"version", 2},
                                                   {"role", "mediator"}}),
               "forbidden");
  // The seal before all signatures is refused; then everyone signs and the seal puts it in force.
  EXPECT_ERROR(wang->request({{"type", "agreement.seal"}, {"agreement", id}, {"version", 2}}), "conflict");
  ASSERT_OK(wang->request(sign));
  ASSERT_OK(wang->request({{"type", "agreement.sign"}, {"agreement", id}, {"version", 2}, {"role", "mediator"}}));
  auto sealed = wang->request({{"type", "agreement.seal"}, {"agreement", id}, {"version", 2}});
  ASSERT_OK(sealed);
  const json& a = sealed["agreement"];
  EXPECT_EQ(a["status"], "in_force");
  EXPECT_EQ(a["in_force_version"], 2);
  EXPECT_TRUE(a["confirmation"]["open"]);
  ASSERT_EQ(a["terms"].size(), 1u);
  EXPECT_EQ(a["terms"][0]["status"], "pending");
  EXPECT_EQ(a["terms"][0]["due"], "2027-01-15T15:59:59.999Z");
  ASSERT_TRUE(event_of(*wang, "agreement_in_force"));
  // In force: no new version, no more signatures.
  EXPECT_ERROR(wang->request({{"type", "agreement.draft"}, {"case", kase["id"]}, {"agreement", id}, {"content", content()}}),
               "conflict");
  EXPECT_ERROR(wang->request({{"type", "agreement.seal"}, {"agreement", id}, {"version", 2}}), "conflict");
  // The lawyer sees it with personal data masked.
  auto seen = lawyer->request({{"type", "agreement.get"}, {"agreement", id}});
  ASSERT_OK(seen);
  EXPECT_EQ(seen["agreement"]["current"]["content"]["parties"][0]["id_number"], "3702**********7234");
  // The city bureau above the room supervises: it reads the agreement, masked; a committee elsewhere does not.
  EXPECT_EQ(li->request({{"type", "agreement.get"}, {"agreement", id}})["agreement"]["personal_data"], "masked");
  EXPECT_ERROR(connect_as("committee.liu")->request({{"type", "agreement.get"}, {"agreement", id}}), "forbidden");
}

TEST_P(agreements, a_seal_needs_the_right_and_the_chain_shows_tampering) {
  auto wang = connect_as("mediator.wang");
  json kase;
  json id = signed_draft(*wang, kase);
  // officer.sun supervises the room but holds no seal and does not handle the case.
  EXPECT_ERROR(connect_as("officer.sun")->request({{"type", "agreement.seal"}, {"agreement", id}, {"version", 1}}),
               "forbidden");
  ASSERT_OK(wang->request({{"type", "agreement.seal"}, {"agreement", id}, {"version", 1}}));
  auto ok = wang->request({{"type", "agreement.verify"}, {"agreement", id}});
  ASSERT_OK(ok);
  EXPECT_TRUE(ok["ok"]);
  EXPECT_EQ(ok["entries"], 5);  // version, two parties, mediator, seal
  // The database refuses to change a version or a signature.
  EXPECT_NE(sql_error("UPDATE agreement_versions SET content = '{}'").find("immutable"), std::string::npos);
  EXPECT_NE(sql_error("DELETE FROM agreement_signatures").find("immutable"), std::string::npos);
  EXPECT_NE(sql_error("DELETE FROM agreements").find("never deleted"), std::string::npos);
  // Someone with the power to drop the trigger changes the amount behind the server's back.
  sql_exec("DROP TRIGGER agreement_versions_no_update");
  sql_exec("UPDATE agreement_versions SET content = REPLACE(content, '30000', '3000') WHERE agreement_id = " +
           id.get<std::string>());
  auto broken = wang->request({{"type", "agreement.verify"}, {"agreement", id}});
  ASSERT_OK(broken);
  EXPECT_FALSE(broken["ok"]);
  EXPECT_EQ(broken["first_break"]["position"], 1);
  EXPECT_EQ(broken["first_break"]["kind"], "version");
  // A signature row forged in: not in the chain.
  sql_exec("DROP TRIGGER agreement_signatures_no_update");
  sql_exec("UPDATE agreement_signatures SET signer_name = '李四' WHERE role = 'mediator'");
  broken = wang->request({{"type", "agreement.verify"}, {"agreement", id}});
  EXPECT_EQ(broken["first_break"]["position"], 1);  // still the first break
}

TEST_P(agreements, the_printable_page_carries_the_text_signatures_and_hash) {
  auto wang = connect_as("mediator.wang");
  json kase;
  json id = signed_draft(*wang, kase);
  auto sealed = wang->request({{"type", "agreement.seal"}, {"agreement", id}, {"version", 1}});
  ASSERT_OK(sealed);
  const std::string path = "/api/agreements/" + id.get<std::string>() + "/print";
  auto page = http_request(port(), "GET", path, "", "Bearer " + token_for("mediator.wang"));
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_EQ(page.content_type, "text/html; charset=utf-8");
  for (const char* text : {"人民调解协议书", "张三", "某建筑公司", "申请人在被申请人处务工", "被申请人支付工资人民币30000元",
                           "履行期限：2026-12-31", "王秀英", "调解专用章", "370214198001017234", "@page"})
    EXPECT_NE(page.body.find(text), std::string::npos) << text;
  EXPECT_NE(page.body.find(sealed["agreement"]["hash"].get<std::string>()), std::string::npos);
  EXPECT_NE(page.body.find("data:image/png;base64,"), std::string::npos);
  // 生效日期 is the calendar date in the network's zone (Asia/Shanghai by default), not the UTC date.
  const millis in_force = *parse_deadline(sealed["agreement"]["in_force_at"].get<std::string>());
  EXPECT_NE(page.body.find("生效日期：" + format_date_zh(in_force, 480)), std::string::npos) << page.body;
  EXPECT_EQ(http_request(port(), "GET", path).status, 401);
  EXPECT_EQ(http_request(port(), "GET", path, "", "Bearer " + token_for("committee.liu")).status, 403);
  EXPECT_EQ(http_request(port(), "GET", path, "", "Bearer " + token_for("officer.sun")).status, 403);  // masked only
}

TEST_P(agreements, a_party_signs_through_a_one_time_link) {
  auto wang = connect_as("mediator.wang");
  json kase = create_case(*wang, "邻里纠纷");
  auto d = wang->request({{"type", "agreement.draft"}, {"case", kase["id"]}, {"content", content()}});
  const json id = d["agreement"]["id"];
  auto link = wang->request({{"type", "agreement.sign_link"}, {"agreement", id}, {"version", 1}, {"party", 1}});
  ASSERT_OK(link);
  const std::string token = link["token"];
  auto page = http_request(port(), "GET", "/api/sign/" + token);
  ASSERT_EQ(page.status, 200) << page.body;
  json p = page.json_body();
  EXPECT_EQ(p["party"]["name"], "某建筑公司");
  EXPECT_EQ(p["agreement"]["content"]["parties"][0]["id_number"], "3702**********7234");  // the other party masked
  EXPECT_EQ(http_request(port(), "POST", "/api/sign/" + token, json{{"signature", drawn}}.dump()).status, 400);
  auto signed_ = http_request(port(), "POST", "/api/sign/" + token, json{{"signature", drawn}, {"confirmed", true}}.dump());
  ASSERT_EQ(signed_.status, 200) << signed_.body;
  EXPECT_EQ(http_request(port(), "POST", "/api/sign/" + token, json{{"signature", drawn}, {"confirmed", true}}.dump()).status,
            410);
  auto a = wang->request({{"type", "agreement.get"}, {"agreement", id}});
  ASSERT_EQ(a["agreement"]["signatures"].size(), 1u);
  EXPECT_EQ(a["agreement"]["signatures"][0]["method"], "link");
  EXPECT_EQ(a["agreement"]["signatures"][0]["name"], "某建筑公司");
  // A link for a version that is no longer current cannot be used.
  auto link2 = wang->request({{"type", "agreement.sign_link"}, {"agreement", id}, {"version", 1}, {"party", 0}});
  ASSERT_OK(link2);
  ASSERT_OK(wang->request({{"type", "agreement.draft"}, {"case", kase["id"]}, {"agreement", id}, {"content", content("1")}}));
  EXPECT_EQ(http_request(port(), "POST", "/api/sign/" + link2["token"].get<std::string>(),
                         json{{"signature", drawn}, {"confirmed", true}}.dump()).status,
            409);
  EXPECT_EQ(http_request(port(), "GET", "/api/sign/unknown").status, 404);
}

TEST_P(agreements, performance_and_judicial_confirmation_are_followed) {
  auto wang = connect_as("mediator.wang");
  json kase;
  json id = signed_draft(*wang, kase);
  ASSERT_OK(wang->request({{"type", "subscribe"}, {"thread", kase["thread"]}}));
  ASSERT_OK(wang->request({{"type", "agreement.seal"}, {"agreement", id}, {"version", 1}}));
  // The term's deadline passes: the scheduler marks it overdue in the thread.
  sql_exec("UPDATE agreement_terms SET due_at = 1000 WHERE agreement_id = " + id.get<std::string>());
  auto overdue = event_of(*wang, "term_overdue");
  ASSERT_TRUE(overdue);
  EXPECT_EQ((*overdue)["data"]["term"], 0);
  EXPECT_EQ((*overdue)["author"]["name"], "系统");
  auto performed = wang->request({{"type", "agreement.perform"}, {"agreement", id}, {"term", 0}, {"note", "已转账"}});
  ASSERT_OK(performed);
  EXPECT_EQ(performed["agreement"]["terms"][0]["status"], "performed");
  EXPECT_ERROR(wang->request({{"type", "agreement.perform"}, {"agreement", id}, {"term", 0}}), "conflict");
  EXPECT_ERROR(wang->request({{"type", "agreement.perform"}, {"agreement", id}, {"term", 3}}), "not_found");
  // Judicial confirmation: decided only after an application; the window's reminder fires once.
  EXPECT_ERROR(wang->request({{"type", "agreement.confirmation"}, {"agreement", id}, {"action", "decide"},
                              {"decision", "confirmed"}}),
               "conflict");
  sql_exec("UPDATE agreements SET confirmation_due_at = confirmation_due_at - 25 * 86400000 WHERE id = " +
           id.get<std::string>());
  auto reminder = event_of(*wang, "confirmation_reminder");
  ASSERT_TRUE(reminder);
  EXPECT_FALSE(event_of(*wang, "confirmation_reminder", 600ms));
  ASSERT_OK(wang->request({{"type", "agreement.confirmation"}, {"agreement", id}, {"action", "apply"},
                           {"court", "城阳区人民法院"}}));
  auto decided = wang->request({{"type", "agreement.confirmation"}, {"agreement", id}, {"action", "decide"},
                                {"decision", "confirmed"}, {"date", "2026-12-01"}});
  ASSERT_OK(decided);
  EXPECT_EQ(decided["agreement"]["confirmation"]["decision"], "confirmed");
  EXPECT_EQ(decided["agreement"]["confirmation"]["court"], "城阳区人民法院");
}

TEST_P(agreements, a_correction_supersedes_the_agreement_in_force_and_both_stay) {
  auto wang = connect_as("mediator.wang");
  json kase;
  json first = signed_draft(*wang, kase);
  ASSERT_OK(wang->request({{"type", "agreement.seal"}, {"agreement", first}, {"version", 1}}));
  auto fix = wang->request({{"type", "agreement.draft"}, {"case", kase["id"]}, {"supersedes", first},
                            {"content", content("31000")}});
  ASSERT_OK(fix);
  const json second = fix["agreement"]["id"];
  EXPECT_EQ(fix["agreement"]["supersedes"], first);
  for (int p : {0, 1})
    ASSERT_OK(wang->request({{"type", "agreement.sign"}, {"agreement", second}, {"version", 1}, {"role", "party"},
                             {"party", p}, {"signature", drawn}, {"confirmed", true}}));
  ASSERT_OK(wang->request({{"type", "agreement.sign"}, {"agreement", second}, {"version", 1}, {"role", "mediator"}}));
  ASSERT_OK(wang->request({{"type", "agreement.seal"}, {"agreement", second}, {"version", 1}}));
  auto list = wang->request({{"type", "agreement.list"}, {"case", kase["id"]}});
  ASSERT_EQ(list["agreements"].size(), 2u);
  EXPECT_EQ(list["agreements"][0]["status"], "superseded");
  EXPECT_EQ(list["agreements"][0]["superseded_by"], second);
  EXPECT_EQ(list["agreements"][1]["status"], "in_force");
  EXPECT_TRUE(wang->request({{"type", "agreement.verify"}, {"agreement", first}})["ok"]);
  EXPECT_TRUE(wang->request({{"type", "agreement.verify"}, {"agreement", second}})["ok"]);
}

BACKEND_SUITE(agreements);

}  // namespace
}  // namespace mediation::test
