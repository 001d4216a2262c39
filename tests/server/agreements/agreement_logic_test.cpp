// The agreements slice's verbs as plain functions, on SQLite and MariaDB, without a server.
#include "server/admin/seed.hpp"
#include "server/agreements/agreement.hpp"
#include "server/agreements/agreement_logic.hpp"
#include "server/base/time.hpp"
#include "server/cases/case_repo.hpp"
#include "tests/server/store/store_fixture.hpp"

namespace mediation::store {
namespace {

using agreement_logic = store_test;
namespace agreements = app::agreements;
using nlohmann::json;

const std::string drawn =
    "data:image/png;base64,"
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";

json content(const std::string& amount = "30000") {
  return {{"parties",
           {{{"role", "petitioner"}, {"name", "张三"}, {"id_number", "370214198001017234"}, {"phone", "13812345678"}},
            {{"role", "respondent"}, {"name", "某建筑公司"}}}},
          {"facts", "申请人在被申请人处务工，被拖欠工资三个月。"},
          {"disputes", {"拖欠工资数额"}},
          {"responsibilities", {{{"party", 1}, {"text", "未按时支付工资"}}}},
          {"terms",
           {{{"text", "被申请人支付工资人民币" + amount + "元"}, {"way", "银行转账"}, {"place", "申请人账户"},
             {"deadline", "2026-12-31"}}}},
          {"mediators", {"王秀英"}},
          {"organisation", "荷花社区人民调解委员会"}};
}

// A wage-arrears case registered by `who`'s organisation, for an agreement to be drafted on.
created_case wage_case(soci::session& sql, const app::actor& who) {
  protocol::case_create_request req{"拖欠工资", "labour_wages", "visit", "十二名工人", {{"petitioner", "张三"}}};
  return in_tx(sql, now_millis(), [&](write_context& ctx) { return insert_case(ctx, who.v.org_id, who.v.user_id, req); });
}

TEST_P(agreement_logic, drafts_signatures_and_the_seal_follow_the_rules) {
  app::seed_demo(*sql_);
  const test_env te;
  const app::verb_env env = te.env();
  const auto wang = actor_of(*sql_, "mediator.wang");
  auto c = wage_case(*sql_, wang);

  // A draft: nothing of the agreement is in the result until it is read back after the commit.
  protocol::agreement_draft_request d;
  d.case_id = c.id;
  d.content = content();
  auto drafted = in_tx(*sql_, now_millis(), [&](write_context& ctx) { return agreements::draft(ctx, env, wang, d); });
  EXPECT_EQ(drafted.notify_case, c.id);
  EXPECT_FALSE(drafted.result.contains("agreement"));
  ASSERT_TRUE(static_cast<bool>(drafted.read_back));
  drafted.read_back(*sql_, drafted);
  const json a = drafted.result["agreement"];
  EXPECT_EQ(a["number"], c.number + "-协议1");
  EXPECT_EQ(a["status"], "draft");
  EXPECT_EQ(a["current"]["version"], 1);
  // The mediator sees the parties' numbers, so the reply is audited.
  EXPECT_EQ(a["current"]["content"]["parties"][0]["phone"], "13812345678");
  EXPECT_TRUE(static_cast<bool>(drafted.after_commit));
  const long long id = std::stoll(a["id"].get<std::string>());

  // A new version of the draft.
  d.agreement = id;
  d.content = content("32000");
  auto second = in_tx(*sql_, now_millis(), [&](write_context& ctx) { return agreements::draft(ctx, env, wang, d); });
  second.read_back(*sql_, second);
  EXPECT_EQ(second.result["agreement"]["number"], a["number"]);
  EXPECT_EQ(second.result["agreement"]["current"]["version"], 2);
  // Content that does not validate is refused before anything is read.
  d.content.erase("parties");
  EXPECT_EQ(error_of([&] { in_tx(*sql_, now_millis(), [&](write_context& ctx) {
              return agreements::draft(ctx, env, wang, d);
            }); }),
            protocol::errc::bad_request);

  // The reads: the agreement, the case's list, one version, a diff, the chain.
  protocol::agreement_get_request g;
  g.agreement = id;
  auto got = agreements::get(*sql_, env, wang, g);
  EXPECT_EQ(got.result["agreement"]["current"]["version"], 2);
  EXPECT_TRUE(static_cast<bool>(got.after_commit));
  protocol::agreement_list_request l;
  l.case_id = c.id;
  EXPECT_EQ(agreements::list(*sql_, env, wang, l).result["agreements"].size(), 1u);
  protocol::agreement_version_request v;
  v.agreement = id;
  v.version = 1;
  EXPECT_EQ(agreements::version(*sql_, env, wang, v).result["version"], 1);
  v.version = 3;
  EXPECT_EQ(error_of([&] { agreements::version(*sql_, env, wang, v); }), protocol::errc::not_found);
  protocol::agreement_diff_request df;
  df.agreement = id;
  df.from = 1;
  df.to = 2;
  EXPECT_FALSE(agreements::diff(*sql_, env, wang, df).result["changes"].empty());
  protocol::agreement_verify_request vf;
  vf.agreement = id;
  EXPECT_EQ(agreements::verify(*sql_, wang, vf)["ok"], true);
  EXPECT_TRUE(agreements::templates({}).at("templates").contains("labour_wages"));

  // Another organisation neither reads nor drafts; an agreement that does not exist is not found.
  for (const char* outsider : {"committee.liu", "lawyer.chen"}) {
    const auto o = actor_of(*sql_, outsider);
    EXPECT_EQ(error_of([&] { agreements::get(*sql_, env, o, g); }), protocol::errc::forbidden) << outsider;
    EXPECT_EQ(error_of([&] { agreements::list(*sql_, env, o, l); }), protocol::errc::forbidden) << outsider;
    EXPECT_EQ(error_of([&] { agreements::verify(*sql_, o, vf); }), protocol::errc::forbidden) << outsider;
    protocol::agreement_draft_request other;
    other.case_id = c.id;
    other.content = content();
    EXPECT_EQ(error_of([&] { in_tx(*sql_, now_millis(), [&](write_context& ctx) {
                return agreements::draft(ctx, env, o, other);
              }); }),
              protocol::errc::forbidden) << outsider;
  }
  EXPECT_EQ(agreements::list(*sql_, env, wang, l).result["agreements"].size(), 1u);
  g.agreement = 999999;
  EXPECT_EQ(error_of([&] { agreements::get(*sql_, env, wang, g); }), protocol::errc::not_found);
  g.agreement = id;

  // A party's signature needs the on-screen confirmation and a drawn image.
  protocol::agreement_sign_request s;
  s.agreement = id;
  s.version = 2;
  s.role = "party";
  s.party = 0;
  s.signature = drawn;
  auto sign = [&](const protocol::agreement_sign_request& r) {
    return in_tx(*sql_, now_millis(), [&](write_context& ctx) { return agreements::sign(ctx, env, wang, r); });
  };
  EXPECT_EQ(error_of([&] { sign(s); }), protocol::errc::bad_request);
  s.confirmed = true;
  s.signature = "not an image";
  EXPECT_EQ(error_of([&] { sign(s); }), protocol::errc::bad_request);
  s.signature = drawn;
  // An earlier version is not signed.
  s.version = 1;
  EXPECT_EQ(error_of([&] { sign(s); }), protocol::errc::conflict);
  s.version = 2;

  // The seal comes after every signature.
  protocol::agreement_seal_request seal;
  seal.agreement = id;
  seal.version = 2;
  auto apply_seal = [&] {
    return in_tx(*sql_, now_millis(), [&](write_context& ctx) { return agreements::seal(ctx, env, wang, seal); });
  };
  EXPECT_EQ(error_of([&] { apply_seal(); }), protocol::errc::conflict);
  // Terms are performed only once the agreement is in force.
  protocol::agreement_perform_request p;
  p.agreement = id;
  EXPECT_EQ(error_of([&] { in_tx(*sql_, now_millis(), [&](write_context& ctx) {
              return agreements::perform(ctx, env, wang, p);
            }); }),
            protocol::errc::conflict);

  for (long long party : {0, 1}) {
    s.party = party;
    EXPECT_EQ(sign(s).notify_case, c.id);
  }
  EXPECT_EQ(error_of([&] { sign(s); }), protocol::errc::conflict);  // already signed
  // A signing link for a party who has signed is refused.
  protocol::agreement_sign_link_request link;
  link.agreement = id;
  link.version = 2;
  link.party = 0;
  EXPECT_EQ(error_of([&] { in_tx(*sql_, now_millis(), [&](write_context& ctx) {
              return agreements::sign_link(ctx, env, wang, link);
            }); }),
            protocol::errc::conflict);
  protocol::agreement_sign_request m;
  m.agreement = id;
  m.version = 2;
  m.role = "mediator";
  sign(m);

  auto sealed = apply_seal();
  sealed.read_back(*sql_, sealed);
  EXPECT_EQ(sealed.result["agreement"]["status"], "in_force");
  EXPECT_EQ(sealed.result["agreement"]["in_force_version"], 2);
  EXPECT_EQ(sealed.notify_case, c.id);
  EXPECT_EQ(agreements::verify(*sql_, wang, vf)["ok"], true);

  // In force: a term is performed once; judicial confirmation needs a valid date.
  auto performed = in_tx(*sql_, now_millis(), [&](write_context& ctx) {
    return agreements::perform(ctx, env, wang, p);
  });
  performed.read_back(*sql_, performed);
  EXPECT_EQ(performed.result["agreement"]["terms"][0]["status"], "performed");
  protocol::agreement_confirmation_request conf;
  conf.agreement = id;
  conf.action = "apply";
  conf.court = "城南区人民法院";
  conf.date = "not a date";
  auto confirm = [&] {
    return in_tx(*sql_, now_millis(),
                 [&](write_context& ctx) { return agreements::confirmation(ctx, env, wang, conf); });
  };
  EXPECT_EQ(error_of([&] { confirm(); }), protocol::errc::bad_request);
  conf.date.reset();
  auto applied = confirm();
  applied.read_back(*sql_, applied);
  EXPECT_EQ(applied.result["agreement"]["confirmation"]["court"], "城南区人民法院");
  EXPECT_EQ(error_of([&] { confirm(); }), protocol::errc::conflict);  // already recorded
  // An agreement in force never changes.
  d.content = content();
  EXPECT_EQ(error_of([&] { in_tx(*sql_, now_millis(), [&](write_context& ctx) {
              return agreements::draft(ctx, env, wang, d);
            }); }),
            protocol::errc::conflict);
}

// A template's blanks may stay in a draft, never in what is signed or sealed; a term with nothing to
// perform by a date (waiving further claims) needs no deadline and is not tracked for performance.
TEST_P(agreement_logic, blanks_are_filled_before_anyone_signs_and_a_term_may_have_no_date) {
  app::seed_demo(*sql_);
  const test_env te;
  const app::verb_env env = te.env();
  const auto wang = actor_of(*sql_, "mediator.wang");
  auto c = wage_case(*sql_, wang);
  auto tx = [&](auto fn) { return in_tx(*sql_, now_millis(), fn); };
  protocol::agreement_draft_request d;
  d.case_id = c.id;
  d.content = content("＿＿");
  d.content["terms"].push_back({{"text", "申请人收到款项后不再就本纠纷主张其他权利"}, {"way", "书面确认"},
                                {"place", "调解委员会"}, {"deadline", ""}});
  auto drafted = tx([&](write_context& ctx) { return agreements::draft(ctx, env, wang, d); });
  drafted.read_back(*sql_, drafted);
  const long long id = std::stoll(drafted.result["agreement"]["id"].get<std::string>());
  EXPECT_EQ(app::agreement::first_blank(d.content).value_or(""), "terms[0].text");
  protocol::agreement_sign_request s;
  s.agreement = id;
  s.version = 1;
  s.role = "party";
  s.party = 0;
  s.confirmed = true;
  s.signature = drawn;
  EXPECT_EQ(error_of([&] { tx([&](write_context& ctx) { return agreements::sign(ctx, env, wang, s); }); }),
            protocol::errc::conflict);
  protocol::agreement_sign_link_request link;
  link.agreement = id;
  link.version = 1;
  link.party = 1;
  EXPECT_EQ(error_of([&] { tx([&](write_context& ctx) { return agreements::sign_link(ctx, env, wang, link); }); }),
            protocol::errc::conflict);
  protocol::agreement_seal_request seal;
  seal.agreement = id;
  seal.version = 1;
  EXPECT_EQ(error_of([&] { tx([&](write_context& ctx) { return agreements::seal(ctx, env, wang, seal); }); }),
            protocol::errc::conflict);
  // ASCII blanks count too.
  EXPECT_TRUE(app::agreement::first_blank(json{{"facts", "申请人系__小区业主"}}).has_value());
  EXPECT_FALSE(app::agreement::first_blank(content()).has_value());

  // Filled in a new version: signed, sealed, and only the dated term is tracked.
  d.agreement = id;
  d.content["terms"][0]["text"] = "被申请人支付工资人民币30000元";
  tx([&](write_context& ctx) { return agreements::draft(ctx, env, wang, d); });
  s.version = 2;
  for (long long party : {0, 1}) {
    s.party = party;
    tx([&](write_context& ctx) { return agreements::sign(ctx, env, wang, s); });
  }
  protocol::agreement_sign_request m;
  m.agreement = id;
  m.version = 2;
  m.role = "mediator";
  tx([&](write_context& ctx) { return agreements::sign(ctx, env, wang, m); });
  seal.version = 2;
  auto sealed = tx([&](write_context& ctx) { return agreements::seal(ctx, env, wang, seal); });
  sealed.read_back(*sql_, sealed);
  EXPECT_EQ(sealed.result["agreement"]["status"], "in_force");
  ASSERT_EQ(sealed.result["agreement"]["terms"].size(), 1u);
  EXPECT_EQ(sealed.result["agreement"]["terms"][0]["text"], "被申请人支付工资人民币30000元");
  EXPECT_EQ(sealed.result["agreement"]["current"]["content"]["terms"][1]["deadline"], "");
}

STORE_SUITE(agreement_logic);

}  // namespace
}  // namespace mediation::store
