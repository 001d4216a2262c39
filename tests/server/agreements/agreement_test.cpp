// The agreement's structure, diff and hash chain as pure functions.
#include <gtest/gtest.h>

#include "protocol/errors.hpp"
#include "server/agreements/agreement.hpp"

namespace mediation::app::agreement {
namespace {

json sample() {
  return json::parse(R"({
    "parties": [{"role": "petitioner", "name": "张三", "id_number": "370214198001017234", "phone": "13812345678"},
                {"role": "respondent", "name": "某建筑公司", "address": "城阳区正阳路1号"}],
    "facts": "申请人在被申请人处务工，被拖欠工资三个月。",
    "disputes": ["拖欠工资数额"],
    "responsibilities": [{"party": 1, "text": "被申请人未按时支付工资"}],
    "terms": [{"text": "被申请人支付工资人民币30000元", "way": "银行转账", "place": "申请人账户", "deadline": "2026-12-31"}],
    "mediators": ["王秀英"],
    "organisation": "荷花社区人民调解委员会",
    "ignored": "not part of the agreement"})");
}

std::string error_of(const json& content) {
  try {
    validate(content);
  } catch (const protocol::error& e) {
    EXPECT_EQ(e.code(), protocol::errc::bad_request);
    return e.what();
  }
  return "";
}

TEST(agreement, a_complete_agreement_validates_and_is_normalised) {
  json v = validate(sample());
  EXPECT_FALSE(v.contains("ignored"));
  EXPECT_EQ(v["parties"][0]["id_number"], "370214198001017234");
  EXPECT_EQ(v["terms"][0]["deadline"], "2026-12-31");
  EXPECT_EQ(v["responsibilities"][0]["party"], 1);
  EXPECT_EQ(validate(v), v);  // idempotent
}

TEST(agreement, every_field_is_checked_by_name) {
  struct change {
    const char* pointer;
    json value;
    const char* expect;
  };
  const change changes[] = {
      {"/parties", json::array(), "parties"},
      {"/parties/0/role", "friend", "parties[0].role"},
      {"/parties/1/role", "petitioner", "respondent"},
      {"/parties/0/name", " ", "parties[0].name"},
      {"/parties/0/phone", std::string(41, '1'), "parties[0].phone"},
      {"/facts", "", "facts"},
      {"/facts", 42, "facts"},
      {"/disputes", json::array(), "disputes"},
      {"/disputes/0", "", "disputes[0]"},
      {"/responsibilities/0/party", 5, "responsibilities[0].party"},
      {"/responsibilities/0/text", "", "responsibilities[0].text"},
      {"/terms", json::array(), "terms"},
      {"/terms/0/text", "", "terms[0].text"},
      {"/terms/0/way", "", "terms[0].way"},
      {"/terms/0/place", nullptr, "terms[0].place"},
      {"/terms/0/deadline", "2026-02-30", "terms[0].deadline"},
      {"/terms/0/deadline", "next month", "terms[0].deadline"},
      {"/mediators", json::array(), "mediators"},
      {"/mediators/0", "", "mediators[0]"},
      {"/organisation", "", "organisation"},
  };
  for (const auto& c : changes) {
    json bad = sample();
    bad[json::json_pointer(c.pointer)] = c.value;
    std::string err = error_of(bad);
    EXPECT_NE(err.find(c.expect), std::string::npos) << c.pointer << ": " << err;
  }
  json missing = sample();
  missing.erase("facts");
  EXPECT_NE(error_of(missing).find("facts"), std::string::npos);
  EXPECT_NE(error_of(json::array()), "");
  json long_facts = sample();
  long_facts["facts"] = std::string(20001 * 3, 'x');
  EXPECT_NE(error_of(long_facts).find("longer"), std::string::npos);
}

TEST(agreement, templates_prefill_the_structure_per_category) {
  for (const char* cat : {"labour_wages", "family_neighbour", "property_management", "traffic", "medical"}) {
    auto t = template_for(cat);
    ASSERT_TRUE(t) << cat;
    EXPECT_EQ((*t)["parties"].size(), 2u);
    EXPECT_FALSE((*t)["terms"].empty());
    EXPECT_FALSE((*t)["disputes"].empty());
  }
  EXPECT_FALSE(template_for("land"));
  EXPECT_EQ(template_categories().size(), 5u);
}

TEST(agreement, the_diff_names_each_changed_field) {
  json a = validate(sample());
  json b = a;
  b["terms"][0]["deadline"] = "2027-01-15";
  b["terms"].push_back({{"text", "申请人撤回信访"}, {"way", "书面"}, {"place", "街道"}, {"deadline", "2027-01-20"}});
  b["facts"] = "新的事实";
  json d = diff(a, b);
  ASSERT_EQ(d.size(), 3u);
  EXPECT_EQ(d[0]["path"], "facts");
  EXPECT_EQ(d[1]["path"], "terms[0].deadline");
  EXPECT_EQ(d[1]["from"], "2026-12-31");
  EXPECT_EQ(d[1]["to"], "2027-01-15");
  EXPECT_EQ(d[2]["path"], "terms[1]");
  EXPECT_TRUE(d[2]["from"].is_null());
  EXPECT_TRUE(diff(a, a).empty());
}

TEST(agreement, the_chain_verifies_and_reports_the_first_break) {
  std::vector<chain_entry> chain;
  std::string prev = genesis;
  for (const char* kind : {"version", "signature", "signature", "seal"}) {
    std::string payload = canonical({{"kind", kind}, {"n", chain.size()}, {"名字", "张三"}});
    chain.push_back({kind, payload, prev, link_hash(prev, kind, payload), payload});
    prev = chain.back().hash;
  }
  EXPECT_TRUE(verify(chain).ok);
  EXPECT_EQ(canonical(json::parse(R"({"b":1,"a":{"d":2,"c":"中"}})")), R"({"a":{"c":"中","d":2},"b":1})");

  auto tampered = chain;
  tampered[2].source = canonical({{"kind", "signature"}, {"n", 2}, {"名字", "李四"}});  // the row changed
  auto v = verify(tampered);
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.first_break, 2);

  tampered = chain;
  tampered[1].payload = tampered[1].source = "{}";  // row and link rewritten together: the hash shows it
  v = verify(tampered);
  EXPECT_EQ(v.first_break, 1);
  EXPECT_NE(v.reason.find("hash"), std::string::npos);

  tampered = chain;
  tampered.erase(tampered.begin() + 1);  // a link removed
  EXPECT_EQ(verify(tampered).first_break, 1);

  tampered = chain;
  tampered[3].source = "";  // the seal's row is gone
  EXPECT_EQ(verify(tampered).first_break, 3);
}

}  // namespace
}  // namespace mediation::app::agreement
