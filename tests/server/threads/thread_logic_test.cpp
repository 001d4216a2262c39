// The threads slice's verbs as plain functions, on SQLite and MariaDB, without a server.
#include "server/admin/seed.hpp"
#include "server/cases/case_repo.hpp"
#include "server/core/verb_support.hpp"
#include "server/store/identity_repo.hpp"
#include "server/threads/thread_logic.hpp"
#include "tests/server/store/store_fixture.hpp"

namespace mediation::store {
namespace {

using thread_logic = store_test;
namespace threads = app::threads;

TEST_P(thread_logic, post_history_read_and_who_may_not) {
  app::seed_demo(*sql_);
  const auto li = actor_of(*sql_, "officer.li");
  protocol::case_create_request req{"拖欠工资", "labour_wages", "visit", "十二名工人", {{"petitioner", "张三"}}};
  auto c = in_tx(*sql_, 1000, [&](write_context& ctx) { return insert_case(ctx, li.v.org_id, li.v.user_id, req); });

  protocol::post_request post;
  post.thread = c.thread;
  post.cmid = "m-1";
  post.body = "请双方明天上午到场";
  auto first = in_tx(*sql_, 2000, [&](write_context& ctx) { return threads::post(ctx, li, post); });
  const long long seq = first.result["seq"].get<long long>();
  EXPECT_GT(seq, 0);
  EXPECT_FALSE(first.result.contains("duplicate"));
  // A retry with the same cmid is stored once.
  auto again = in_tx(*sql_, 3000, [&](write_context& ctx) { return threads::post(ctx, li, post); });
  EXPECT_EQ(again.result["seq"], seq);
  EXPECT_EQ(again.result["duplicate"], true);

  protocol::history_request h;
  h.thread = c.thread;
  auto hist = threads::history(*sql_, li, h);
  ASSERT_FALSE(hist["events"].empty());
  int messages = 0;
  for (const auto& e : hist["events"]) messages += e["kind"] == "message";
  EXPECT_EQ(messages, 1);

  protocol::read_request rd;
  rd.thread = c.thread;
  rd.seq = seq + 1;
  EXPECT_EQ(error_of([&] { in_tx(*sql_, 4000, [&](write_context& ctx) { return threads::read(ctx, li, rd); }); }),
            protocol::errc::bad_request);
  rd.seq = seq;
  auto marked = in_tx(*sql_, 4000, [&](write_context& ctx) { return threads::read(ctx, li, rd); });
  EXPECT_EQ(marked.result["seq"], seq);
  EXPECT_TRUE(static_cast<bool>(marked.after_commit));
  protocol::read_list_request rl;
  rl.thread = c.thread;
  auto reads = threads::read_list(*sql_, li, rl);
  ASSERT_EQ(reads["reads"].size(), 1u);
  EXPECT_EQ(reads["reads"][0]["seq"], seq);

  // Neither a lawyer nor a committee the case was not handed to may read or write its thread, and a
  // refused post stores nothing.
  for (const char* outsider : {"lawyer.chen", "committee.liu"}) {
    const auto o = actor_of(*sql_, outsider);
    protocol::post_request p2 = post;
    p2.cmid = std::string("x-") + outsider;
    EXPECT_EQ(error_of([&] { in_tx(*sql_, 5000, [&](write_context& ctx) { return threads::post(ctx, o, p2); }); }),
              protocol::errc::forbidden) << outsider;
    EXPECT_EQ(error_of([&] { threads::history(*sql_, o, h); }), protocol::errc::forbidden) << outsider;
    EXPECT_EQ(error_of([&] { threads::read_list(*sql_, o, rl); }), protocol::errc::forbidden) << outsider;
  }
  EXPECT_EQ(threads::history(*sql_, li, h)["events"].size(), hist["events"].size());
  // A thread that does not exist.
  h.thread = 999999;
  EXPECT_EQ(error_of([&] { threads::history(*sql_, li, h); }), protocol::errc::not_found);
}

STORE_SUITE(thread_logic);

}  // namespace
}  // namespace mediation::store
