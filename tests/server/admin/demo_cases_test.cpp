// The demo network's cases (--seed-demo), made through the verbs' logic, on SQLite and MariaDB: a
// newcomer logs in to cases in every state, each visible to the people it concerns only.
#include <map>

#include <soci/soci.h>

#include "server/admin/seed.hpp"
#include "server/base/time.hpp"
#include "server/cases/case_logic.hpp"
#include "server/meetings/meeting_logic.hpp"
#include "tests/server/store/store_fixture.hpp"

namespace mediation::store {
namespace {

using demo_cases = store_test;

TEST_P(demo_cases, every_state_a_newcomer_should_see_and_only_where_they_may) {
  ASSERT_TRUE(app::seed_demo(*sql_));
  test_env te;
  const auto env = te.env();
  const millis now = now_millis();
  const int made = app::seed_demo_cases(*sql_, env, now);
  EXPECT_GE(made, 18);
  EXPECT_EQ(app::seed_demo_cases(*sql_, env, now), 0) << "only into a network without cases";

  std::map<std::string, int> by_status;
  {
    soci::rowset<soci::row> rows = (sql_->prepare << "SELECT status FROM cases");
    for (const auto& r : rows) by_status[r.get<std::string>(0)]++;
  }
  for (const char* s : {"registered", "handed_over", "in_progress", "closed"}) EXPECT_GT(by_status[s], 0) << s;
  long long groups = 0, agreements_in_force = 0, meetings = 0, messages = 0;
  *sql_ << "SELECT COUNT(*) FROM cases WHERE kind = 'group'", soci::into(groups);
  *sql_ << "SELECT COUNT(*) FROM agreements WHERE status = 'in_force'", soci::into(agreements_in_force);
  *sql_ << "SELECT COUNT(*) FROM meetings WHERE status = 'scheduled'", soci::into(meetings);
  *sql_ << "SELECT COUNT(*) FROM events WHERE kind = 'message'", soci::into(messages);
  EXPECT_EQ(groups, 1);
  EXPECT_EQ(agreements_in_force, 1);
  EXPECT_EQ(meetings, 2);
  EXPECT_GE(messages, 4);

  // Who sees what: the city bureau sees its own and the street office's cases; the property committee
  // only what was handed to it; the lawyer nothing.
  auto listed = [&](const std::string& user, protocol::case_list_request r = {}) {
    r.limit = 200;
    return app::cases::list(*sql_, env, actor_of(*sql_, user), r)["cases"].size();
  };
  EXPECT_GE(listed("officer.li"), 12u);
  EXPECT_GE(listed("officer.sun"), 8u);
  EXPECT_EQ(listed("lawyer.chen"), 0u);
  EXPECT_LE(listed("committee.liu"), 2u);
  protocol::case_list_request inbox;
  inbox.inbox = true;
  EXPECT_EQ(listed("committee.zhang", inbox), 1u) << "the wage arrears hand-over awaits the labour committee";
  protocol::case_list_request late;
  late.overdue = true;
  EXPECT_GE(listed("officer.li", late), 1u);

  // The sessions are next week, on the calendars of those who organise them.
  protocol::meeting_list_request week;
  week.from = format_rfc3339(now);
  week.to = format_rfc3339(now + 14 * 86400000LL);
  EXPECT_EQ(app::meetings::list(*sql_, actor_of(*sql_, "mediator.wang"), week)["meetings"].size(), 1u);
  EXPECT_EQ(app::meetings::list(*sql_, actor_of(*sql_, "committee.zhang"), week)["meetings"].size(), 1u);
}

STORE_SUITE(demo_cases);

}  // namespace
}  // namespace mediation::store
