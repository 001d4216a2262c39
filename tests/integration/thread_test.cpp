// subscribe, unsubscribe, post, history, typing, read, read.list: order, idempotency, resume.
#include "tests/integration/fixture.hpp"

namespace mediation::test {
namespace {

using threads = server_test;

json post(ws_client& c, const json& thread, const std::string& cmid, const std::string& body) {
  return c.request({{"type", "post"}, {"thread", thread}, {"cmid", cmid}, {"body", body}});
}

TEST_P(threads, a_post_reaches_every_subscriber_once_committed) {
  auto li = connect_as("officer.li");
  auto leader = connect_as("leader.zhao");
  json kase = create_case(*li);
  auto s1 = li->request({{"type", "subscribe"}, {"thread", kase["thread"]}});
  ASSERT_OK(s1);
  EXPECT_EQ(s1["thread"], kase["thread"]);
  EXPECT_EQ(s1["head"], 1);
  ASSERT_OK(leader->request({{"type", "subscribe"}, {"thread", kase["thread"]}}));
  auto ack = post(*leader, kase["thread"], "c-1", "请尽快约谈双方当事人。");
  ASSERT_OK(ack);
  EXPECT_EQ(ack["seq"], 2);
  EXPECT_EQ(ack["thread"], kase["thread"]);
  for (auto* c : {li.get(), leader.get()}) {
    auto e = c->next_event();
    ASSERT_TRUE(e);
    EXPECT_EQ((*e)["type"], "event");
    EXPECT_EQ((*e)["thread"], kase["thread"]);
    EXPECT_EQ((*e)["seq"], 2);
    EXPECT_EQ((*e)["kind"], "message");
    EXPECT_EQ((*e)["data"]["body"], "请尽快约谈双方当事人。");
    EXPECT_EQ((*e)["data"]["cmid"], "c-1");
    EXPECT_EQ((*e)["author"]["id"], user_id("leader.zhao"));
    EXPECT_EQ((*e)["author"]["name"], "赵国强");
    EXPECT_FALSE(c->next_event(std::chrono::milliseconds(100)));  // exactly once
  }
}

TEST_P(threads, a_repeated_cmid_stores_and_pushes_nothing_new) {
  auto li = connect_as("officer.li");
  auto leader = connect_as("leader.zhao");
  json kase = create_case(*li);
  ASSERT_OK(leader->request({{"type", "subscribe"}, {"thread", kase["thread"]}}));
  auto first = post(*li, kase["thread"], "same", "第一次");
  auto again = post(*li, kase["thread"], "same", "重发");
  ASSERT_OK(first);
  ASSERT_OK(again);
  EXPECT_EQ(again["seq"], first["seq"]);
  EXPECT_EQ(again["duplicate"], true);
  auto e = leader->next_event();
  ASSERT_TRUE(e);
  EXPECT_EQ((*e)["data"]["body"], "第一次");
  EXPECT_FALSE(leader->next_event(std::chrono::milliseconds(300)));
  // Another user may use the same cmid: it is the client's id, per user.
  auto other = post(*leader, kase["thread"], "same", "领导批示");
  EXPECT_EQ(other["seq"], first["seq"].get<int>() + 1);
  auto h = li->request({{"type", "history"}, {"thread", kase["thread"]}});
  EXPECT_EQ(h["events"].size(), 3u);
}

TEST_P(threads, history_pages_backwards_in_increasing_seq) {
  auto li = connect_as("officer.li");
  json kase = create_case(*li);
  for (int i = 0; i < 120; ++i) li->send({{"type", "post"}, {"rid", "p" + std::to_string(i)}, {"thread", kase["thread"]},
                                          {"cmid", "h" + std::to_string(i)}, {"body", std::to_string(i)}});
  ASSERT_OK(post(*li, kase["thread"], "last", "end"));  // 122 events: created + 120 + last
  auto h = li->request({{"type", "history"}, {"thread", kase["thread"]}});
  ASSERT_OK(h);
  ASSERT_EQ(h["events"].size(), 50u);
  EXPECT_EQ(h["events"][0]["seq"], 73);
  EXPECT_EQ(h["events"][49]["seq"], 122);
  auto older = li->request({{"type", "history"}, {"thread", kase["thread"]}, {"before", 73}, {"limit", 200}});
  ASSERT_EQ(older["events"].size(), 72u);
  EXPECT_EQ(older["events"][0]["seq"], 1);
  EXPECT_EQ(older["events"][71]["seq"], 72);
  auto few = li->request({{"type", "history"}, {"thread", kase["thread"]}, {"before", 3}, {"limit", 10}});
  ASSERT_EQ(few["events"].size(), 2u);
  EXPECT_EQ(few["events"][0]["kind"], "created");
  auto none = li->request({{"type", "history"}, {"thread", kase["thread"]}, {"before", 1}});
  EXPECT_EQ(none["events"].size(), 0u);
}

TEST_P(threads, two_subscribers_see_1000_pipelined_posts_in_order_without_gaps) {
  auto li = connect_as("officer.li");
  auto a = connect_as("leader.zhao");
  auto b = connect_as("officer.li");
  json kase = create_case(*li);
  ASSERT_OK(a->request({{"type", "subscribe"}, {"thread", kase["thread"]}}));
  ASSERT_OK(b->request({{"type", "subscribe"}, {"thread", kase["thread"]}}));
  const int n = 1000;
  for (int i = 0; i < n; ++i)
    li->send({{"type", "post"}, {"rid", "p" + std::to_string(i)}, {"thread", kase["thread"]},
              {"cmid", "pipe-" + std::to_string(i)}, {"body", "消息 " + std::to_string(i)}});
  // Every post is acknowledged with its own seq.
  std::set<long long> acked;
  while (acked.size() < static_cast<std::size_t>(n)) {
    auto f = li->next_frame(std::chrono::seconds(30));
    ASSERT_TRUE(f) << "acks stopped at " << acked.size();
    ASSERT_EQ((*f)["type"], "ok") << f->dump();
    acked.insert((*f)["seq"].get<long long>());
  }
  EXPECT_EQ(*acked.begin(), 2);
  EXPECT_EQ(*acked.rbegin(), n + 1);
  for (auto* c : {a.get(), b.get()}) {
    for (int i = 0; i < n; ++i) {
      auto e = c->next_event(std::chrono::seconds(30));
      ASSERT_TRUE(e) << "stopped after " << i;
      ASSERT_EQ((*e)["seq"], i + 2);
      ASSERT_EQ((*e)["data"]["cmid"], "pipe-" + std::to_string(i));
    }
    EXPECT_FALSE(c->next_event(std::chrono::milliseconds(200)));
  }
}

TEST_P(threads, resume_with_since_after_a_drop_yields_each_event_exactly_once) {
  auto li = connect_as("officer.li");
  json kase = create_case(*li);
  long long last_seen = 0;
  {
    auto viewer = connect_as("leader.zhao");
    ASSERT_OK(viewer->request({{"type", "subscribe"}, {"thread", kase["thread"]}, {"since", 0}}));
    for (int i = 0; i < 10; ++i) ASSERT_OK(post(*li, kase["thread"], "a" + std::to_string(i), "before"));
    for (int i = 0; i < 11; ++i) {
      auto e = viewer->next_event();
      ASSERT_TRUE(e);
      ASSERT_EQ((*e)["seq"], last_seen + 1);
      last_seen = (*e)["seq"];
    }
  }  // connection dropped
  for (int i = 0; i < 25; ++i) ASSERT_OK(post(*li, kase["thread"], "b" + std::to_string(i), "while away"));
  auto viewer = connect_as("leader.zhao");
  // Posts keep coming while the subscription replays.
  for (int i = 0; i < 5; ++i)
    li->send({{"type", "post"}, {"rid", "c" + std::to_string(i)}, {"thread", kase["thread"]},
              {"cmid", "c" + std::to_string(i)}, {"body", "during resume"}});
  auto s = viewer->request({{"type", "subscribe"}, {"thread", kase["thread"]}, {"since", last_seen}});
  ASSERT_OK(s);
  EXPECT_GE(s["head"].get<long long>(), 36);
  for (long long expected = last_seen + 1; expected <= 41; ++expected) {
    auto e = viewer->next_event(std::chrono::seconds(10));
    ASSERT_TRUE(e) << "missing seq " << expected;
    ASSERT_EQ((*e)["seq"], expected);
  }
  EXPECT_FALSE(viewer->next_event(std::chrono::milliseconds(300)));
  // Then live.
  ASSERT_OK(post(*li, kase["thread"], "live", "live again"));
  auto e = viewer->next_event();
  ASSERT_TRUE(e);
  EXPECT_EQ((*e)["seq"], 42);
}

TEST_P(threads, resume_replays_more_than_one_page) {
  auto li = connect_as("officer.li");
  json kase = create_case(*li);
  for (int i = 0; i < 1200; ++i)
    li->send({{"type", "post"}, {"rid", "p" + std::to_string(i)}, {"thread", kase["thread"]},
              {"cmid", "m" + std::to_string(i)}, {"body", "x"}});
  ASSERT_OK(post(*li, kase["thread"], "end", "end"));
  auto viewer = connect_as("leader.zhao");
  ASSERT_OK(viewer->request({{"type", "subscribe"}, {"thread", kase["thread"]}, {"since", 0}}));
  for (long long expected = 1; expected <= 1202; ++expected) {
    auto e = viewer->next_event(std::chrono::seconds(10));
    ASSERT_TRUE(e) << "missing seq " << expected;
    ASSERT_EQ((*e)["seq"], expected);
  }
  EXPECT_FALSE(viewer->next_event(std::chrono::milliseconds(200)));
}

TEST_P(threads, unsubscribe_stops_the_pushes) {
  auto li = connect_as("officer.li");
  auto viewer = connect_as("leader.zhao");
  json kase = create_case(*li);
  ASSERT_OK(viewer->request({{"type", "subscribe"}, {"thread", kase["thread"]}}));
  ASSERT_OK(viewer->request({{"type", "unsubscribe"}, {"thread", kase["thread"]}}));
  EXPECT_ERROR(viewer->request({{"type", "unsubscribe"}, {"thread", kase["thread"]}}), "not_found");
  ASSERT_OK(post(*li, kase["thread"], "x", "y"));
  EXPECT_FALSE(viewer->next_event(std::chrono::milliseconds(300)));
}

TEST_P(threads, typing_reaches_the_others_without_seq) {
  auto li = connect_as("officer.li");
  auto viewer = connect_as("leader.zhao");
  json kase = create_case(*li);
  EXPECT_ERROR(li->request({{"type", "typing"}, {"thread", kase["thread"]}}), "forbidden");  // not subscribed
  ASSERT_OK(li->request({{"type", "subscribe"}, {"thread", kase["thread"]}}));
  ASSERT_OK(viewer->request({{"type", "subscribe"}, {"thread", kase["thread"]}}));
  ASSERT_OK(li->request({{"type", "typing"}, {"thread", kase["thread"]}}));
  auto e = viewer->next_event();
  ASSERT_TRUE(e);
  EXPECT_EQ((*e)["kind"], "typing");
  EXPECT_FALSE(e->contains("seq"));
  EXPECT_EQ((*e)["author"]["name"], "李明");
  EXPECT_FALSE(li->next_event(std::chrono::milliseconds(200)));  // not echoed to the typist
  // Typing is not stored.
  EXPECT_EQ(li->request({{"type", "history"}, {"thread", kase["thread"]}})["events"].size(), 1u);
}

TEST_P(threads, read_markers_are_stored_shared_and_never_move_back) {
  auto li = connect_as("officer.li");
  auto viewer = connect_as("leader.zhao");
  json kase = create_case(*li);
  for (int i = 0; i < 3; ++i) ASSERT_OK(post(*li, kase["thread"], "r" + std::to_string(i), "msg"));
  ASSERT_OK(li->request({{"type", "subscribe"}, {"thread", kase["thread"]}}));
  auto r = viewer->request({{"type", "read"}, {"thread", kase["thread"]}, {"seq", 3}});
  ASSERT_OK(r);
  EXPECT_EQ(r["seq"], 3);
  auto e = li->next_event();
  ASSERT_TRUE(e);
  EXPECT_EQ((*e)["kind"], "read");
  EXPECT_EQ((*e)["data"]["seq"], 3);
  EXPECT_EQ((*e)["author"]["id"], user_id("leader.zhao"));
  EXPECT_FALSE(e->contains("seq"));
  auto back = viewer->request({{"type", "read"}, {"thread", kase["thread"]}, {"seq", 2}});
  EXPECT_EQ(back["seq"], 3);
  EXPECT_ERROR(viewer->request({{"type", "read"}, {"thread", kase["thread"]}, {"seq", 99}}), "bad_request");
  ASSERT_OK(li->request({{"type", "read"}, {"thread", kase["thread"]}, {"seq", 4}}));
  auto list = li->request({{"type", "read.list"}, {"thread", kase["thread"]}});
  ASSERT_OK(list);
  ASSERT_EQ(list["reads"].size(), 2u);
  std::map<std::string, long long> by_user;
  for (const auto& m : list["reads"]) by_user[m["user"]["name"]] = m["seq"];
  EXPECT_EQ(by_user["赵国强"], 3);
  EXPECT_EQ(by_user["李明"], 4);
}

BACKEND_SUITE(threads);

}  // namespace
}  // namespace mediation::test
