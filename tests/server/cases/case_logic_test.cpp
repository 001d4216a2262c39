// The cases slice's verbs as plain functions, on SQLite and MariaDB, without a server: intake with
// its sealed numbers, the reply read back after the commit, the hand-over's decisions, and who may do
// what.
#include <soci/soci.h>

#include "server/admin/seed.hpp"
#include "server/base/time.hpp"
#include "server/cases/case_logic.hpp"
#include "tests/server/store/store_fixture.hpp"

namespace mediation::store {
namespace {

using case_logic = store_test;
namespace cases = app::cases;

protocol::case_create_request wages_case() {
  protocol::case_create_request r{"拖欠工资", "labour_wages", "visit", "十二名工人三个月未领到工资", {}};
  protocol::party p;
  p.role = "petitioner";
  p.name = "张三";
  p.phone = "13812345678";
  p.id_number = "370214198001017234";
  r.parties.push_back(p);
  r.location = "城南街道";
  return r;
}

TEST_P(case_logic, intake_seals_numbers_and_answers_with_the_case_after_the_commit) {
  app::seed_demo(*sql_);
  test_env te;
  const auto env = te.env();
  const auto sun = actor_of(*sql_, "officer.sun");  // the street office
  const auto lawyer = actor_of(*sql_, "lawyer.chen");
  const long long now = *parse_deadline("2030-01-10T00:00:00Z");
  auto create = [&](const app::actor& who) {
    return in_tx(*sql_, now, [&](write_context& ctx) { return cases::create(ctx, env, who, wages_case()); });
  };
  // A lawyer does not register cases; nothing is stored.
  auto count = [&] {
    long long n = 0;
    *sql_ << "SELECT COUNT(*) FROM cases", soci::into(n);
    return n;
  };
  const long long before = count();
  EXPECT_EQ(error_of([&] { create(lawyer); }), protocol::errc::forbidden);

  auto out = create(sun);
  EXPECT_FALSE(out.result.contains("case"));  // read back after the commit
  ASSERT_TRUE(out.read_back);
  out.read_back(*sql_, out);
  const auto& k = out.result["case"];
  EXPECT_EQ(out.notify_case, std::stoll(k["id"].get<std::string>()));
  EXPECT_EQ(k["title"], "拖欠工资");
  EXPECT_EQ(k["status"], "registered");
  // The creator's office may act on the case: it reads the numbers, and that read is audited.
  EXPECT_EQ(k["parties"][0]["id_number"], "370214198001017234");
  EXPECT_TRUE(out.after_commit) << "reading unmasked numbers writes an audit row";
  // The database holds them sealed only.
  std::string stored;
  *sql_ << "SELECT id_number FROM case_parties WHERE case_id = :c", soci::use(out.notify_case), soci::into(stored);
  EXPECT_TRUE(app::personal_data::is_sealed(stored));
  EXPECT_EQ(te.personal.open(stored), "370214198001017234");

  // case.get: the same case; another office's worker is refused.
  protocol::case_get_request get;
  get.case_id = out.notify_case;
  EXPECT_EQ(cases::get(*sql_, env, sun, get).result["case"]["number"], k["number"]);
  EXPECT_EQ(error_of([&] { cases::get(*sql_, env, actor_of(*sql_, "committee.liu"), get); }),
            protocol::errc::forbidden);
  EXPECT_EQ(count(), before + 1);
}

TEST_P(case_logic, a_handover_is_decided_once_by_the_receiver) {
  app::seed_demo(*sql_);
  test_env te;
  const auto env = te.env();
  const auto sun = actor_of(*sql_, "officer.sun");
  const auto zhang = actor_of(*sql_, "committee.zhang");  // the labour committee
  const auto liu = actor_of(*sql_, "committee.liu");      // the property committee
  const long long now = *parse_deadline("2030-01-10T00:00:00Z");
  auto tx = [&](auto fn) { return in_tx(*sql_, now, fn); };
  auto created = tx([&](write_context& ctx) { return cases::create(ctx, env, sun, wages_case()); });
  const long long id = created.notify_case;

  protocol::case_handoff_request to_own;
  to_own.case_id = id;
  to_own.to_org = sun.v.org_id;
  to_own.note = "请办理";
  EXPECT_EQ(error_of([&] { tx([&](write_context& ctx) { return cases::handoff(ctx, env, sun, to_own); }); }),
            protocol::errc::conflict);
  auto bad_due = to_own;
  bad_due.to_org = zhang.v.org_id;
  bad_due.due = "next week";
  EXPECT_EQ(error_of([&] { tx([&](write_context& ctx) { return cases::handoff(ctx, env, sun, bad_due); }); }),
            protocol::errc::bad_request);
  auto past_due = bad_due;
  past_due.due = "2029-12-31";  // before the test's "now" (2030-01-10)
  EXPECT_EQ(error_of([&] { tx([&](write_context& ctx) { return cases::handoff(ctx, env, sun, past_due); }); }),
            protocol::errc::bad_request);
  auto to_labour = to_own;
  to_labour.to_org = zhang.v.org_id;
  tx([&](write_context& ctx) { return cases::handoff(ctx, env, sun, to_labour); });
  EXPECT_EQ(error_of([&] { tx([&](write_context& ctx) { return cases::handoff(ctx, env, sun, to_labour); }); }),
            protocol::errc::conflict);

  // Only the receiver decides, once; the property committee knows nothing of the case.
  protocol::case_accept_request accept;
  accept.case_id = id;
  EXPECT_EQ(error_of([&] { tx([&](write_context& ctx) { return cases::accept(ctx, env, liu, accept); }); }),
            protocol::errc::forbidden);
  auto accepted = tx([&](write_context& ctx) { return cases::accept(ctx, env, zhang, accept); });
  accepted.read_back(*sql_, accepted);
  EXPECT_EQ(accepted.result["case"]["status"], "in_progress");
  EXPECT_EQ(error_of([&] { tx([&](write_context& ctx) { return cases::accept(ctx, env, zhang, accept); }); }),
            protocol::errc::conflict);
  protocol::case_decline_request decline;
  decline.case_id = id;
  decline.reason = "不属于本会受理范围";
  EXPECT_EQ(error_of([&] { tx([&](write_context& ctx) { return cases::decline(ctx, env, zhang, decline); }); }),
            protocol::errc::conflict);
}

TEST_P(case_logic, the_workflow_checks_roles_and_states) {
  app::seed_demo(*sql_);
  test_env te;
  const auto env = te.env();
  const auto sun = actor_of(*sql_, "officer.sun");
  const auto zhao = actor_of(*sql_, "leader.zhao");  // a leader of the city bureau above
  const long long now = *parse_deadline("2030-01-10T00:00:00Z");
  auto tx = [&](auto fn) { return in_tx(*sql_, now, fn); };
  const long long id = tx([&](write_context& ctx) { return cases::create(ctx, env, sun, wages_case()); }).notify_case;

  // The acceptance clock runs from intake: it pauses once and resumes once.
  protocol::case_pause_request pause;
  pause.case_id = id;
  pause.reason = "等待当事人补充材料";
  tx([&](write_context& ctx) { return cases::pause(ctx, env, sun, pause); });
  EXPECT_EQ(error_of([&] { tx([&](write_context& ctx) { return cases::pause(ctx, env, sun, pause); }); }),
            protocol::errc::conflict);
  protocol::case_resume_request resume;
  resume.case_id = id;
  tx([&](write_context& ctx) { return cases::resume(ctx, env, sun, resume); });
  EXPECT_EQ(error_of([&] { tx([&](write_context& ctx) { return cases::resume(ctx, env, sun, resume); }); }),
            protocol::errc::conflict);

  // Only a leader takes a case (包案), once.
  protocol::case_own_request own;
  own.case_id = id;
  EXPECT_EQ(error_of([&] { tx([&](write_context& ctx) { return cases::own(ctx, env, sun, own); }); }),
            protocol::errc::forbidden);
  tx([&](write_context& ctx) { return cases::own(ctx, env, zhao, own); });
  EXPECT_EQ(error_of([&] { tx([&](write_context& ctx) { return cases::own(ctx, env, zhao, own); }); }),
            protocol::errc::conflict);

  // Closed once; an evaluation link only for a closed case, with its token in this reply only.
  protocol::case_evaluation_link_request link;
  link.case_id = id;
  EXPECT_EQ(error_of([&] { tx([&](write_context& ctx) { return cases::evaluation_link(ctx, env, sun, link); }); }),
            protocol::errc::conflict);
  protocol::case_close_request close;
  close.case_id = id;
  close.outcome = "mediated";
  close.note = "双方达成一致";
  // Nobody has accepted it yet: it was never mediated.
  EXPECT_EQ(error_of([&] { tx([&](write_context& ctx) { return cases::close(ctx, env, sun, close); }); }),
            protocol::errc::conflict);
  protocol::case_triage_request triage;
  triage.case_id = id;
  triage.decision = "accept";
  tx([&](write_context& ctx) { return cases::triage(ctx, env, sun, triage); });
  tx([&](write_context& ctx) { return cases::close(ctx, env, sun, close); });
  EXPECT_EQ(error_of([&] { tx([&](write_context& ctx) { return cases::close(ctx, env, sun, close); }); }),
            protocol::errc::conflict);
  auto linked = tx([&](write_context& ctx) { return cases::evaluation_link(ctx, env, sun, link); });
  EXPECT_EQ(linked.result["token"].get<std::string>().size(), 43u);
  EXPECT_EQ(linked.result["url"], "/evaluate.html#" + linked.result["token"].get<std::string>());
}

STORE_SUITE(case_logic);

}  // namespace
}  // namespace mediation::store
