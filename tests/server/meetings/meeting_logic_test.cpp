// The meetings slice's reads as plain functions, on SQLite and MariaDB, without a server.
#include "server/admin/seed.hpp"
#include "server/cases/case_repo.hpp"
#include "server/meetings/meeting_logic.hpp"
#include "tests/server/store/store_fixture.hpp"

namespace mediation::store {
namespace {

using meeting_logic = store_test;
namespace meetings = app::meetings;

TEST_P(meeting_logic, calendars_are_bounded_and_cases_must_be_known) {
  app::seed_demo(*sql_);
  const auto li = actor_of(*sql_, "officer.li");
  const auto lawyer = actor_of(*sql_, "lawyer.chen");
  protocol::case_create_request req{"拖欠工资", "labour_wages", "visit", "十二名工人", {{"petitioner", "张三"}}};
  auto c = in_tx(*sql_, 1000, [&](write_context& ctx) { return insert_case(ctx, li.v.org_id, li.v.user_id, req); });

  protocol::meeting_list_request all;
  auto mine = meetings::list(*sql_, li, all);
  EXPECT_TRUE(mine["meetings"].empty());
  EXPECT_TRUE(mine["from"].is_string());
  protocol::meeting_list_request of_case;
  of_case.case_id = c.id;
  EXPECT_TRUE(meetings::list(*sql_, li, of_case)["meetings"].empty());
  // The case's meetings are not a lawyer's to list; ranges are checked.
  EXPECT_EQ(error_of([&] { meetings::list(*sql_, lawyer, of_case); }), protocol::errc::forbidden);
  protocol::meeting_list_request backwards;
  backwards.from = "2026-12-31";
  backwards.to = "2026-12-01";
  EXPECT_EQ(error_of([&] { meetings::list(*sql_, li, backwards); }), protocol::errc::bad_request);
  protocol::meeting_list_request too_long;
  too_long.from = "2026-01-01";
  too_long.to = "2028-01-01";
  EXPECT_EQ(error_of([&] { meetings::list(*sql_, li, too_long); }), protocol::errc::bad_request);
  protocol::meeting_get_request get;
  get.meeting = 424242;
  EXPECT_EQ(error_of([&] { meetings::get(*sql_, li, get); }), protocol::errc::not_found);
}

STORE_SUITE(meeting_logic);

}  // namespace
}  // namespace mediation::store
