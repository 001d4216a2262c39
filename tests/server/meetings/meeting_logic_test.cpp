// The meetings slice's verbs as plain functions, on SQLite and MariaDB, without a server.
#include "server/admin/seed.hpp"
#include "server/base/time.hpp"
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

// A meeting of the city bureau's case, on 15 January 2030 from 09:00 to 10:00 in Shanghai.
protocol::meeting_schedule_request meeting_of(long long case_id) {
  protocol::meeting_schedule_request r;
  r.case_id = case_id;
  r.title = "调解会";
  r.start = "2030-01-15T09:00:00+08:00";
  r.end = "2030-01-15T10:00:00+08:00";
  return r;
}

TEST_P(meeting_logic, schedule_checks_times_and_organisations_and_answers_with_the_meeting) {
  app::seed_demo(*sql_);
  test_env te;
  const auto env = te.env();
  const auto li = actor_of(*sql_, "officer.li");
  const auto zhang = actor_of(*sql_, "committee.zhang");  // the labour committee: another organisation
  const long long now = *parse_deadline("2030-01-10T00:00:00Z");
  protocol::case_create_request req{"拖欠工资", "labour_wages", "visit", "十二名工人", {{"petitioner", "张三"}}};
  auto c = in_tx(*sql_, now, [&](write_context& ctx) { return insert_case(ctx, li.v.org_id, li.v.user_id, req); });
  auto schedule = [&](const app::actor& who, const protocol::meeting_schedule_request& r) {
    return in_tx(*sql_, now, [&](write_context& ctx) { return meetings::schedule(ctx, env, who, r); });
  };

  // A meeting that ends before it starts, or that is over already, is refused before anything is stored.
  auto backwards = meeting_of(c.id);
  backwards.end = "2030-01-15T08:00:00+08:00";
  EXPECT_EQ(error_of([&] { schedule(li, backwards); }), protocol::errc::bad_request);
  auto past = meeting_of(c.id);
  past.start = "2029-12-01T09:00:00+08:00";
  past.end = "2029-12-01T10:00:00+08:00";
  EXPECT_EQ(error_of([&] { schedule(li, past); }), protocol::errc::bad_request);
  auto bad_tz = meeting_of(c.id);
  bad_tz.tz = "Mars/Olympus";
  EXPECT_EQ(error_of([&] { schedule(li, bad_tz); }), protocol::errc::bad_request);
  // A case worker of another organisation may not see the case, let alone schedule on it.
  EXPECT_EQ(error_of([&] { schedule(zhang, meeting_of(c.id)); }), protocol::errc::forbidden);
  protocol::meeting_list_request of_case;
  of_case.case_id = c.id;
  EXPECT_TRUE(meetings::list(*sql_, li, of_case)["meetings"].empty());

  // The case's own office schedules it: the result has the conflicts now and the meeting after the
  // commit (read_back), and the case's people hear of it.
  auto out = schedule(li, meeting_of(c.id));
  EXPECT_TRUE(out.result["conflicts"].is_array());
  EXPECT_FALSE(out.result.contains("meeting"));
  EXPECT_EQ(out.notify_case, c.id);
  ASSERT_TRUE(out.read_back);
  out.read_back(*sql_, out);
  const auto& m = out.result["meeting"];
  EXPECT_EQ(m["case"], protocol::id_to_wire(c.id));
  EXPECT_EQ(m["title"], "调解会");
  EXPECT_EQ(m["status"], "scheduled");
  EXPECT_EQ(m["start"], format_rfc3339(*parse_deadline("2030-01-15T09:00:00+08:00")));
  auto listed = meetings::list(*sql_, li, of_case)["meetings"];
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0]["id"], m["id"]);
}

TEST_P(meeting_logic, a_meeting_is_cancelled_once) {
  app::seed_demo(*sql_);
  test_env te;
  const auto env = te.env();
  const auto li = actor_of(*sql_, "officer.li");
  const auto zhang = actor_of(*sql_, "committee.zhang");
  const long long now = *parse_deadline("2030-01-10T00:00:00Z");
  protocol::case_create_request req{"拖欠工资", "labour_wages", "visit", "十二名工人", {{"petitioner", "张三"}}};
  auto c = in_tx(*sql_, now, [&](write_context& ctx) { return insert_case(ctx, li.v.org_id, li.v.user_id, req); });
  auto scheduled = in_tx(*sql_, now, [&](write_context& ctx) {
    return meetings::schedule(ctx, env, li, meeting_of(c.id));
  });
  scheduled.read_back(*sql_, scheduled);
  protocol::meeting_cancel_request cancel;
  cancel.meeting = std::stoll(scheduled.result["meeting"]["id"].get<std::string>());
  cancel.reason = "当事人出差";
  auto cancel_as = [&](const app::actor& who) {
    return in_tx(*sql_, now, [&](write_context& ctx) { return meetings::cancel(ctx, who, cancel); });
  };

  // Someone who may not see the case does not learn of the meeting; the organiser cancels it once.
  EXPECT_EQ(error_of([&] { cancel_as(zhang); }), protocol::errc::forbidden);
  auto out = cancel_as(li);
  EXPECT_EQ(out.notify_case, c.id);
  out.read_back(*sql_, out);
  EXPECT_EQ(out.result["meeting"]["status"], "cancelled");
  EXPECT_EQ(error_of([&] { cancel_as(li); }), protocol::errc::conflict);
  // Nor is a cancelled meeting moved.
  protocol::meeting_reschedule_request move;
  move.meeting = cancel.meeting;
  move.start = "2030-01-16T09:00:00+08:00";
  move.end = "2030-01-16T10:00:00+08:00";
  EXPECT_EQ(error_of([&] {
              in_tx(*sql_, now, [&](write_context& ctx) { return meetings::reschedule(ctx, li, move); });
            }),
            protocol::errc::conflict);
}

STORE_SUITE(meeting_logic);

}  // namespace
}  // namespace mediation::store
