// The oversight slice's reads as plain functions, on SQLite and MariaDB, without a server.
#include "server/admin/seed.hpp"
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

STORE_SUITE(oversight_logic);

}  // namespace
}  // namespace mediation::store
