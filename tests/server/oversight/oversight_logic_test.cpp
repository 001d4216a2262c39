// The oversight slice's verbs as plain functions, on SQLite and MariaDB, without a server.
#include "server/admin/seed.hpp"
#include "server/base/time.hpp"
#include "server/cases/case_repo.hpp"
#include "server/oversight/oversight_logic.hpp"
#include "server/store/identity_repo.hpp"
#include "tests/server/store/store_fixture.hpp"

namespace mediation::store {
namespace {

using oversight_logic = store_test;
namespace oversight = app::oversight;

TEST_P(oversight_logic, reads_are_for_those_the_rules_name) {
  app::seed_demo(*sql_);
  const auto li = actor_of(*sql_, "officer.li");
  const auto lawyer = actor_of(*sql_, "lawyer.chen");
  const auto admin = actor_of(*sql_, "admin");
  protocol::case_create_request req{"拖欠工资", "labour_wages", "visit", "十二名工人", {{"petitioner", "张三"}}};
  auto c = in_tx(*sql_, 1000, [&](write_context& ctx) {
    auto made = insert_case(ctx, li.v.org_id, li.v.user_id, req);
    audit(ctx, li.v.user_id, "case.create", made.id, "test", "10.0.0.7:5000");
    return made;
  });

  // The case's own office reads its attachments (none yet) and supervision documents (none yet).
  protocol::attachment_list_request al;
  al.case_id = c.id;
  EXPECT_TRUE(oversight::attachment_list(*sql_, li, al)["attachments"].empty());
  protocol::supervision_list_request sl;
  sl.case_id = c.id;
  EXPECT_TRUE(oversight::supervision_list(*sql_, li, sl)["supervisions"].empty());
  // An uninvited lawyer reads neither, nor the audit trail, nor statistics.
  EXPECT_EQ(error_of([&] { oversight::attachment_list(*sql_, lawyer, al); }), protocol::errc::forbidden);
  EXPECT_EQ(error_of([&] { oversight::supervision_list(*sql_, lawyer, sl); }), protocol::errc::forbidden);
  protocol::audit_list_request au;
  au.case_id = c.id;
  EXPECT_EQ(error_of([&] { oversight::audit_list(*sql_, lawyer, au); }), protocol::errc::forbidden);
  protocol::stats_summary_request ss;
  EXPECT_EQ(error_of([&] { oversight::stats_summary(*sql_, lawyer, ss); }), protocol::errc::forbidden);

  // The administrator reads the case's audit trail; a missing case is not_found.
  auto entries = oversight::audit_list(*sql_, admin, au)["entries"];
  ASSERT_FALSE(entries.empty());
  EXPECT_EQ(entries[0]["action"], "case.create");
  au.case_id = 999999;
  EXPECT_EQ(error_of([&] { oversight::audit_list(*sql_, admin, au); }), protocol::errc::not_found);

  // Statistics: the officer's own organisation; a range that ends before it starts is refused.
  auto stats = oversight::stats_summary(*sql_, li, ss);
  EXPECT_EQ(stats["org"]["id"], protocol::id_to_wire(li.v.org_id));
  ss.from = "2026-12-31";
  ss.to = "2026-01-01";
  EXPECT_EQ(error_of([&] { oversight::stats_summary(*sql_, li, ss); }), protocol::errc::bad_request);
  ss.from = "yesterday";
  EXPECT_EQ(error_of([&] { oversight::stats_summary(*sql_, li, ss); }), protocol::errc::bad_request);
}

TEST_P(oversight_logic, supervision_is_issued_from_above_and_answered_once) {
  app::seed_demo(*sql_);
  test_env te;
  const auto env = te.env();
  const auto sun = actor_of(*sql_, "officer.sun");        // the street office, which owns and handles the case
  const auto li = actor_of(*sql_, "officer.li");          // the city bureau above it
  const auto zhang = actor_of(*sql_, "committee.zhang");  // the labour committee, beside it
  const long long now = *parse_deadline("2030-01-10T00:00:00Z");
  protocol::case_create_request req{"拖欠工资", "labour_wages", "visit", "十二名工人", {{"petitioner", "张三"}}};
  auto c = in_tx(*sql_, now, [&](write_context& ctx) { return insert_case(ctx, sun.v.org_id, sun.v.user_id, req); });
  protocol::supervision_issue_request letter;
  letter.case_id = c.id;
  letter.kind = "supervision_letter";
  letter.body = "请于七日内答复";
  auto issue_as = [&](const app::actor& who) {
    return in_tx(*sql_, now, [&](write_context& ctx) { return oversight::issue(ctx, env, who, letter); });
  };

  // Neither the handling office itself nor an organisation beside it issues supervision documents;
  // a due date in the past is refused.
  EXPECT_EQ(error_of([&] { issue_as(sun); }), protocol::errc::forbidden);
  EXPECT_EQ(error_of([&] { issue_as(zhang); }), protocol::errc::forbidden);
  letter.due = "2029-12-31";
  EXPECT_EQ(error_of([&] { issue_as(li); }), protocol::errc::bad_request);
  letter.due.reset();

  // The bureau above issues it, due after the default days; the reply gets the case after the commit.
  auto issued = issue_as(li);
  const auto& doc = issued.result["supervision"];
  EXPECT_EQ(doc["kind"], "supervision_letter");
  EXPECT_EQ(doc["to_org"]["id"], protocol::id_to_wire(sun.v.org_id));
  EXPECT_TRUE(doc["answer"].is_null());
  EXPECT_EQ(issued.notify_case, c.id);
  ASSERT_TRUE(issued.read_back);
  issued.read_back(*sql_, issued);
  EXPECT_EQ(issued.result["case"]["id"], protocol::id_to_wire(c.id));
  protocol::supervision_list_request sl;
  sl.case_id = c.id;
  EXPECT_EQ(oversight::supervision_list(*sql_, sun, sl)["supervisions"].size(), 1u);

  // The handling office answers it, once; the issuer does not answer its own document.
  protocol::supervision_answer_request reply;
  reply.supervision = std::stoll(doc["id"].get<std::string>());
  reply.body = "已核实并处理";
  auto answer_as = [&](const app::actor& who) {
    return in_tx(*sql_, now + 1000, [&](write_context& ctx) { return oversight::answer(ctx, env, who, reply); });
  };
  EXPECT_EQ(error_of([&] { answer_as(li); }), protocol::errc::forbidden);
  auto answered = answer_as(sun);
  EXPECT_EQ(answered.result["supervision"]["answer"], "已核实并处理");
  EXPECT_EQ(answered.notify_case, c.id);
  EXPECT_EQ(error_of([&] { answer_as(sun); }), protocol::errc::conflict);
  reply.supervision = 999999;
  EXPECT_EQ(error_of([&] { answer_as(sun); }), protocol::errc::not_found);
}

STORE_SUITE(oversight_logic);

}  // namespace
}  // namespace mediation::store
