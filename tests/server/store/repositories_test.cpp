// The same repository tests on SQLite and on MariaDB.
#include <regex>

#include "server/admin/seed.hpp"
#include "server/cases/case_repo.hpp"
#include "server/cases/workflow_repo.hpp"
#include "server/store/event_repo.hpp"
#include "server/store/identity_repo.hpp"
#include "tests/server/store/store_fixture.hpp"

namespace mediation::store {
namespace {

using repositories = store_test;

TEST_P(repositories, migrations_are_recorded_and_idempotent) {
  auto again = migrate(*sql_, db_->kind());
  EXPECT_TRUE(again.applied.empty());
  EXPECT_EQ(again.after, known_schema_version());
  long long n = 0;
  *sql_ << "SELECT COUNT(*) FROM schema_migrations", soci::into(n);
  EXPECT_GE(n, 1);
}

TEST_P(repositories, demo_seed_loads_once_with_chinese_names) {
  EXPECT_TRUE(app::seed_demo(*sql_));
  EXPECT_FALSE(app::seed_demo(*sql_));
  auto orgs = list_orgs(*sql_);
  ASSERT_EQ(orgs.size(), 6u);
  EXPECT_EQ(orgs[0].name, "市信访局");
  EXPECT_EQ(orgs[0].level, "city");
  EXPECT_FALSE(orgs[0].parent);
  EXPECT_EQ(orgs[1].parent, orgs[0].id);
  auto login = find_login(*sql_, "mediator.wang");
  ASSERT_TRUE(login);
  auto user = find_user(*sql_, login->user_id);
  ASSERT_TRUE(user);
  EXPECT_EQ(user->name, "王秀英");
  EXPECT_EQ(user->org.name_en, "Hehua community mediation room");
  EXPECT_EQ(list_users(*sql_, std::nullopt).size(), 8u);
  EXPECT_EQ(list_users(*sql_, orgs[0].id).size(), 3u);
  EXPECT_FALSE(find_login(*sql_, "nobody"));
}

TEST_P(repositories, auth_sessions_expire_and_revoke) {
  app::seed_demo(*sql_);
  long long uid = find_login(*sql_, "officer.li")->user_id;
  in_tx(*sql_, 1000, [&](write_context& ctx) {
    insert_auth_session(ctx, uid, std::string(64, 'a'), 5000, "127.0.0.1:1");
    insert_auth_session(ctx, uid, std::string(64, 'b'), 5000, "127.0.0.1:1");
    return 0;
  });
  EXPECT_EQ(auth_session_user(*sql_, std::string(64, 'a'), 4999), uid);
  EXPECT_FALSE(auth_session_user(*sql_, std::string(64, 'a'), 5000));  // expired
  EXPECT_FALSE(auth_session_user(*sql_, std::string(64, 'c'), 1000));  // unknown
  EXPECT_TRUE(in_tx(*sql_, 2000, [&](write_context& ctx) { return revoke_auth_session(ctx, std::string(64, 'b')); }));
  EXPECT_FALSE(in_tx(*sql_, 2000, [&](write_context& ctx) { return revoke_auth_session(ctx, std::string(64, 'b')); }));
  EXPECT_FALSE(auth_session_user(*sql_, std::string(64, 'b'), 3000));
}

TEST_P(repositories, cases_get_numbers_parties_threads_and_access_facts) {
  app::seed_demo(*sql_);
  auto li = *find_user(*sql_, find_login(*sql_, "officer.li")->user_id);
  protocol::case_create_request req{"拖欠工资", "labour_wages", "visit", "十二名工人", {{"petitioner", "张三"}, {"respondent", "某公司"}}};
  auto first = in_tx(*sql_, 1795866871123LL, [&](write_context& ctx) { return insert_case(ctx, li.org.id, li.id, req); });
  auto second = in_tx(*sql_, 1795866871123LL, [&](write_context& ctx) { return insert_case(ctx, li.org.id, li.id, req); });
  EXPECT_EQ(first.number, "市信访局-2026-000001");
  EXPECT_EQ(second.number, "市信访局-2026-000002");
  auto v = find_case(*sql_, first.id);
  ASSERT_TRUE(v);
  EXPECT_EQ(v->title, "拖欠工资");
  EXPECT_EQ(v->thread, first.thread);
  EXPECT_EQ(v->status, "registered");
  ASSERT_EQ(v->parties.size(), 2u);
  EXPECT_EQ(v->parties[1].name, "某公司");
  EXPECT_EQ(v->created_by.name, "李明");
  EXPECT_EQ(v->created_at, "2026-11-28T11:54:31.123Z");

  long long labour = list_orgs(*sql_)[3].id;
  long long lawyer = find_login(*sql_, "lawyer.chen")->user_id;
  in_tx(*sql_, 2, [&](write_context& ctx) {
    insert_handoff(ctx, first.id, labour, li.org.id, "请处理", 99, li.id);
    insert_invite(ctx, first.id, lawyer, li.id);
    return 0;
  });
  auto a = access_by_thread(*sql_, first.thread);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->case_id, first.id);
  EXPECT_EQ(a->owner_org, li.org.id);
  ASSERT_EQ(a->handlers.size(), 1u);
  EXPECT_EQ(a->handlers[0].org, labour);
  EXPECT_EQ(a->handlers[0].status, "pending");
  EXPECT_EQ(a->invited, std::vector<long long>{lawyer});
  EXPECT_FALSE(access_by_thread(*sql_, 987654));
  EXPECT_FALSE(access_by_case(*sql_, 987654));
  auto pending = find_handoff(*sql_, first.id, labour, "pending");
  ASSERT_TRUE(pending);
  in_tx(*sql_, 3, [&](write_context& ctx) {
    decide_handoff(ctx, *pending, "accepted", std::nullopt, li.id);
    set_first_handler(ctx, first.id, labour);
    set_first_handler(ctx, first.id, li.org.id);  // the first one stays
    return 0;
  });
  v = find_case(*sql_, first.id);
  ASSERT_TRUE(v->first_handler);
  EXPECT_EQ(v->first_handler->id, labour);
  EXPECT_EQ(v->handlers[0].status, "accepted");
  EXPECT_EQ(v->handlers[0].due, "1970-01-01T00:00:00.099Z");
  // Candidates: the owner's staff see both, the lawyer the invited one.
  case_filter f;
  EXPECT_EQ(list_case_ids(*sql_, f, case_scope{li.id, li.org.id, {}}).size(), 2u);
  EXPECT_EQ(list_case_ids(*sql_, f, case_scope{lawyer, std::nullopt, {}}), std::vector<long long>{first.id});
  EXPECT_EQ(list_case_ids(*sql_, f, case_scope{0, labour, {}}), std::vector<long long>{first.id});
  // Supervisors find the cases of the organisations below them.
  EXPECT_EQ(list_case_ids(*sql_, f, case_scope{0, std::nullopt, {labour}}), std::vector<long long>{first.id});
}

TEST_P(repositories, events_get_consecutive_seqs_per_thread_and_page_both_ways) {
  app::seed_demo(*sql_);
  auto li = *find_user(*sql_, find_login(*sql_, "officer.li")->user_id);
  protocol::case_create_request req{"t", "other", "online", "", {}};
  auto c1 = in_tx(*sql_, 1, [&](write_context& ctx) { return insert_case(ctx, li.org.id, li.id, req); });
  auto c2 = in_tx(*sql_, 1, [&](write_context& ctx) { return insert_case(ctx, li.org.id, li.id, req); });
  author by{li.id, li.name};
  std::vector<long long> seqs;
  in_tx(*sql_, 5, [&](write_context& ctx) {
    for (int i = 0; i < 30; ++i)
      seqs.push_back(append_event(ctx, c1.thread, "message", by, R"({"body":"消息"})", "m" + std::to_string(i)));
    append_event(ctx, c2.thread, "message", by, "{}", "m0");
    EXPECT_EQ(ctx.events.size(), 31u);
    return 0;
  });
  for (int i = 0; i < 30; ++i) EXPECT_EQ(seqs[i], i + 1);
  EXPECT_EQ(thread_head(*sql_, c1.thread), 30);
  EXPECT_EQ(thread_head(*sql_, c2.thread), 1);
  EXPECT_EQ(find_cmid(*sql_, c1.thread, li.id, "m7"), 8);
  EXPECT_FALSE(find_cmid(*sql_, c1.thread, li.id, "M7"));  // cmids are case-sensitive
  EXPECT_FALSE(find_cmid(*sql_, c1.thread, li.id + 1, "m7"));
  auto after = events_after(*sql_, c1.thread, 25, 100);
  ASSERT_EQ(after.size(), 5u);
  EXPECT_EQ(after[0].seq, 26);
  EXPECT_EQ(after[0].author_name, "李明");
  EXPECT_EQ(after[0].data, R"({"body":"消息"})");
  EXPECT_EQ(after[0].cmid, "m25");
  EXPECT_EQ(after[0].at, 5);
  auto before = events_before(*sql_, c1.thread, 11, 4);
  ASSERT_EQ(before.size(), 4u);
  EXPECT_EQ(before[0].seq, 7);
  EXPECT_EQ(before[3].seq, 10);
  auto newest = events_before(*sql_, c1.thread, std::nullopt, 3);
  ASSERT_EQ(newest.size(), 3u);
  EXPECT_EQ(newest[2].seq, 30);
  // The same cmid twice by the same author in a thread is refused by the schema.
  EXPECT_ANY_THROW(in_tx(*sql_, 6, [&](write_context& ctx) {
    return append_event(ctx, c1.thread, "message", by, "{}", std::string("m3"));
  }));
}

TEST_P(repositories, read_markers_only_move_forward) {
  app::seed_demo(*sql_);
  auto li = *find_user(*sql_, find_login(*sql_, "officer.li")->user_id);
  protocol::case_create_request req{"t", "other", "online", "", {}};
  auto c = in_tx(*sql_, 1, [&](write_context& ctx) { return insert_case(ctx, li.org.id, li.id, req); });
  EXPECT_EQ(in_tx(*sql_, 1, [&](write_context& ctx) { return set_read_marker(ctx, c.thread, li.id, 5); }), 5);
  EXPECT_EQ(in_tx(*sql_, 2, [&](write_context& ctx) { return set_read_marker(ctx, c.thread, li.id, 3); }), 5);
  EXPECT_EQ(in_tx(*sql_, 3, [&](write_context& ctx) { return set_read_marker(ctx, c.thread, li.id, 9); }), 9);
  auto m = read_markers(*sql_, c.thread);
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0].seq, 9);
  EXPECT_EQ(m[0].at, 3);
  EXPECT_EQ(m[0].user_name, "李明");
}

TEST_P(repositories, chinese_and_emoji_text_round_trips) {
  app::seed_demo(*sql_);
  auto li = *find_user(*sql_, find_login(*sql_, "officer.li")->user_id);
  const std::string title = "征迁补偿纠纷 📄 “引号” 𠀀";
  protocol::case_create_request req{title, "demolition", "letter", "描述", {{"petitioner", "欧阳娜娜"}}};
  auto c = in_tx(*sql_, 1, [&](write_context& ctx) { return insert_case(ctx, li.org.id, li.id, req); });
  auto v = find_case(*sql_, c.id);
  EXPECT_EQ(v->title, title);
  EXPECT_EQ(v->parties[0].name, "欧阳娜娜");
}

STORE_SUITE(repositories);

}  // namespace
}  // namespace mediation::store
