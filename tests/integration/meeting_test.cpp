// Joint sessions end to end on both databases: scheduling with conflict warnings and free slots,
// answers (with counter-proposals), reschedule and cancel, iCalendar files and feeds, reminders
// (also across a restart), guests scoped to one meeting, the live room's caucus and signaling.
#include <fstream>
#include <thread>


#include "tests/integration/fixture.hpp"

namespace mediation::test {
namespace {

using namespace std::chrono_literals;

class meetings : public server_test {
 protected:
  std::vector<std::string> extra_args() const override {
    return {"--workflow", test_file("workflow.json", R"({"scan_interval_ms": 150})"), "--ice-server",
            "stun:stun.example.cn:3478"};
  }
  json schedule(ws_client& c, const json& kase, int start_in, int minutes, json participants, json extra = json::object()) {
    json req{{"type", "meeting.schedule"}, {"case", kase["id"]}, {"title", "联合调解会"}, {"purpose", "欠薪协商"},
             {"start", in_minutes(start_in)}, {"end", in_minutes(start_in + minutes)}, {"place", "城南街道综治中心"},
             {"remote", true}, {"participants", participants}};
    for (auto it = extra.begin(); it != extra.end(); ++it) req[it.key()] = it.value();
    auto r = c.request(req);
    EXPECT_EQ(r.value("type", ""), "ok") << r.dump();
    return r;
  }
  std::optional<json> kind_of(ws_client& c, const std::string& type, const std::string& kind,
                              std::chrono::milliseconds timeout = 5s) {
    auto until = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < until) {
      auto e = c.next_of(type, std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now()));
      if (!e) return std::nullopt;
      if ((*e)["kind"] == kind) return e;
    }
    return std::nullopt;
  }
};

TEST_P(meetings, scheduling_warns_of_double_bookings_and_collects_answers) {
  auto li = connect_as("officer.li");
  auto zhang = connect_as("committee.zhang");
  auto wang = connect_as("mediator.wang");
  json kase = create_case(*li, "三方会商");
  ASSERT_OK(li->request({{"type", "subscribe"}, {"thread", kase["thread"]}}));
  const std::string z = user_id("committee.zhang"), w = user_id("mediator.wang");
  // A participant from outside the acting organisations has no side by default.
  EXPECT_ERROR(li->request({{"type", "meeting.schedule"}, {"case", kase["id"]}, {"title", "t"}, {"start", in_minutes(60)},
                            {"end", in_minutes(90)}, {"participants", {{{"user", z}}}}}),
               "bad_request");
  EXPECT_ERROR(li->request({{"type", "meeting.schedule"}, {"case", kase["id"]}, {"title", "t"}, {"start", in_minutes(60)},
                            {"end", in_minutes(90)}, {"participants", {{{"name", "张三"}, {"side", "neutral"}}}}}),
               "bad_request");
  auto first = schedule(*li, kase, 60, 60, {{{"user", z}, {"side", "neutral"}}, {{"user", w}, {"side", "neutral"}},
                                            {{"name", "张三"}, {"phone", "13812345678"}, {"side", "petitioner"}}});
  const json m1 = first["meeting"];
  EXPECT_EQ(m1["status"], "scheduled");
  EXPECT_EQ(m1["participants"].size(), 4u);  // the organiser, two users, one external person
  EXPECT_EQ(m1["local_start"].get<std::string>().substr(19), "+08:00");
  EXPECT_TRUE(first["conflicts"].empty());
  // The committee, not otherwise involved, was invited to the case and hears of the meeting.
  EXPECT_OK(zhang->request({{"type", "case.get"}, {"case", kase["id"]}}));
  auto n = kind_of(*zhang, "notice", "meeting_scheduled");
  ASSERT_TRUE(n) << "the invited committee was not told of the meeting";
  EXPECT_EQ((*n)["data"]["meeting"]["id"], m1["id"]);
  // A second meeting overlapping the first (with the 15-minute buffer) warns, naming who and when.
  auto second = schedule(*li, kase, 130, 30, {{{"user", z}}});
  ASSERT_GE(second["conflicts"].size(), 1u);
  bool zhang_warned = false;
  for (const auto& c : second["conflicts"]) zhang_warned |= c["participant"]["id"] == z && c["meeting"]["id"] == m1["id"];
  EXPECT_TRUE(zhang_warned) << second["conflicts"].dump();
  // Answers: a required participant declines (flagged), another proposes another time (COUNTER).
  auto d = zhang->request({{"type", "meeting.respond"}, {"meeting", m1["id"]}, {"answer", "declined"}, {"comment", "另有庭审"}});
  ASSERT_OK(d);
  EXPECT_TRUE(d["meeting"]["required_declined"]);
  auto e = li->next_event(5s);
  while (e && (*e)["kind"] != "meeting_answered") e = li->next_event(5s);
  ASSERT_TRUE(e) << "the organiser did not see the answer live";
  EXPECT_TRUE((*e)["data"]["required_declined"]);
  ASSERT_OK(wang->request({{"type", "meeting.respond"}, {"meeting", m1["id"]}, {"answer", "tentative"},
                           {"propose_start", in_minutes(180)}, {"propose_end", in_minutes(240)}}));
  auto got = li->request({{"type", "meeting.get"}, {"meeting", m1["id"]}});
  bool proposed = false;
  for (const auto& p : got["meeting"]["participants"]) proposed |= p.contains("proposed") && p["answer"] == "tentative";
  EXPECT_TRUE(proposed);
  EXPECT_ERROR(connect_as("committee.liu")->request({{"type", "meeting.respond"}, {"meeting", m1["id"]}, {"answer", "accepted"}}),
               "forbidden");
  EXPECT_ERROR(zhang->request({{"type", "meeting.respond"}, {"meeting", m1["id"]}, {"answer", "maybe"}}), "bad_request");
  // A declined meeting leaves the person's calendar; the other one stays.
  auto cal = zhang->request({{"type", "meeting.list"}});
  ASSERT_EQ(cal["meetings"].size(), 1u);
  EXPECT_EQ(cal["meetings"][0]["id"], second["meeting"]["id"]);
  // Reschedule: a new sequence and everyone answers again; cancel.
  auto moved = li->request({{"type", "meeting.reschedule"}, {"meeting", m1["id"]}, {"start", in_minutes(300)},
                            {"end", in_minutes(360)}});
  ASSERT_OK(moved);
  EXPECT_EQ(moved["meeting"]["sequence"], 1);
  for (const auto& p : moved["meeting"]["participants"])
    if (p["user"] != user_id("officer.li")) EXPECT_EQ(p["answer"], "needs_action");
  EXPECT_ERROR(wang->request({{"type", "meeting.cancel"}, {"meeting", m1["id"]}, {"reason", "x"}}), "forbidden");
  auto cancelled = li->request({{"type", "meeting.cancel"}, {"meeting", m1["id"]}, {"reason", "当事人无法到场"}});
  EXPECT_EQ(cancelled["meeting"]["status"], "cancelled");
  EXPECT_ERROR(li->request({{"type", "meeting.schedule"}, {"case", kase["id"]}, {"title", "t"}, {"start", in_minutes(60)},
                            {"end", in_minutes(30)}, {"participants", {{{"user", w}}}}}),
               "bad_request");
  EXPECT_ERROR(li->request({{"type", "meeting.schedule"}, {"case", kase["id"]}, {"title", "t"}, {"start", in_minutes(60)},
                            {"end", in_minutes(90)}, {"tz", "Mars/Base"}, {"participants", {{{"user", w}}}}}),
               "bad_request");
  // Free slots for both, avoiding the second meeting.
  auto slots = li->request({{"type", "meeting.suggest"}, {"participants", {z, w}}, {"duration_minutes", 60}});
  ASSERT_OK(slots);
  ASSERT_FALSE(slots["slots"].empty());
  EXPECT_EQ(slots["slots"][0]["local_start"].get<std::string>().substr(19), "+08:00");
}

TEST_P(meetings, ics_files_and_a_revocable_feed) {
  auto li = connect_as("officer.li");
  json kase = create_case(*li, "日历导出");
  auto r = schedule(*li, kase, 60, 90, {{{"user", user_id("mediator.wang")}, {"side", "neutral"}}});
  const std::string id = r["meeting"]["id"];
  auto ics = http_request(port(), "GET", "/api/meetings/" + id + ".ics", "", "Bearer " + token_for("officer.li"));
  ASSERT_EQ(ics.status, 200) << ics.body;
  EXPECT_EQ(ics.content_type, "text/calendar; charset=utf-8");
  for (const char* part : {"METHOD:REQUEST", "BEGIN:VTIMEZONE", "TZID:Asia/Shanghai", "UID:meeting-" , "SEQUENCE:0",
                           "ATTENDEE;CN=\"王秀英\"", "PARTSTAT=NEEDS-ACTION", "BEGIN:VALARM", "TRIGGER:-PT15M"})
    EXPECT_NE(ics.body.find(part), std::string::npos) << part;
  EXPECT_EQ(http_request(port(), "GET", "/api/meetings/" + id + ".ics", "", "Bearer " + token_for("committee.liu")).status, 403);
  EXPECT_EQ(http_request(port(), "GET", "/api/meetings/" + id + ".ics").status, 401);
  auto wang = connect_as("mediator.wang");
  auto feed = wang->request({{"type", "calendar.feed"}});
  ASSERT_OK(feed);
  auto body = http_request(port(), "GET", feed["url"]);
  ASSERT_EQ(body.status, 200);
  EXPECT_NE(body.body.find("METHOD:PUBLISH"), std::string::npos);
  EXPECT_NE(body.body.find("UID:meeting-" + id + "@mediation.network"), std::string::npos);
  ASSERT_OK(wang->request({{"type", "calendar.feed"}, {"revoke", true}}));
  EXPECT_EQ(http_request(port(), "GET", feed["url"]).status, 404);
}

TEST_P(meetings, reminders_fire_once_also_after_a_restart) {
  json kase, m;
  {
    auto li = connect_as("officer.li");
    kase = create_case(*li, "提醒");
    ASSERT_OK(li->request({{"type", "subscribe"}, {"thread", kase["thread"]}}));
    // 15 minutes before a meeting 10 minutes away: due at once.
    m = schedule(*li, kase, 10, 30, {{{"user", user_id("leader.zhao")}}}, {{"reminders", {15, 5}}})["meeting"];
    auto e = kind_of(*li, "event", "meeting_reminder");
    ASSERT_TRUE(e);
    EXPECT_EQ((*e)["data"]["minutes_before"], 15);
    EXPECT_FALSE(kind_of(*li, "event", "meeting_reminder", 700ms));
  }
  // The server is down when the 5-minute reminder comes due; it fires once after the restart.
  ASSERT_EQ(server_->terminate(), 0);
  sql_exec("UPDATE meetings SET starts_at = starts_at - 360000, ends_at = ends_at - 360000 WHERE id = " +
           m["id"].get<std::string>());
  start_server();
  tokens_.clear();
  auto li = connect_as("officer.li");
  std::this_thread::sleep_for(1200ms);
  auto h = li->request({{"type", "history"}, {"thread", kase["thread"]}});
  int fives = 0, fifteens = 0;
  for (const auto& e : h["events"])
    if (e["kind"] == "meeting_reminder") (e["data"]["minutes_before"] == 5 ? fives : fifteens) += 1;
  EXPECT_EQ(fives, 1);
  EXPECT_EQ(fifteens, 1);
}

TEST_P(meetings, a_guest_sees_that_case_and_meeting_only_until_revoked_or_expired) {
  auto li = connect_as("officer.li");
  json kase = create_case(*li, "律师远程参加");
  json other = create_case(*li, "无关案件");
  auto m = schedule(*li, kase, 10, 60, {{{"user", user_id("mediator.wang")}, {"side", "neutral"}}})["meeting"];
  auto m2 = schedule(*li, kase, 120, 60, {{{"user", user_id("mediator.wang")}, {"side", "neutral"}}})["meeting"];
  auto inv = li->request({{"type", "meeting.invite_guest"}, {"meeting", m["id"]}, {"name", "陈律师"}, {"side", "petitioner"}});
  ASSERT_OK(inv);
  const std::string token = inv["token"];
  EXPECT_EQ(inv["url"], "/#guest=" + token);
  // Guest accounts are not in the staff directory.
  const json staff = li->request({{"type", "users.list"}});  // held: a range-for over a temporary's member dangles
  for (const auto& u : staff["users"]) EXPECT_NE(u["id"], inv["guest"]["id"]);
  auto g = connect_guest(token);
  auto list = g->request({{"type", "case.list"}});
  ASSERT_EQ(list["cases"].size(), 1u);
  EXPECT_EQ(list["cases"][0]["id"], kase["id"]);
  // A guest is on a party's side: a summary of the case and the parties' thread, never the staff's.
  EXPECT_EQ(list["cases"][0]["view"], "party");
  auto summary = g->request({{"type", "case.get"}, {"case", kase["id"]}});
  ASSERT_OK(summary);
  EXPECT_TRUE(summary["case"]["thread"].is_null());
  EXPECT_FALSE(summary["case"].contains("parties"));
  EXPECT_FALSE(summary["case"].contains("description"));
  EXPECT_EQ(summary["case"]["parties_thread"], kase["parties_thread"]);
  EXPECT_ERROR(g->request({{"type", "subscribe"}, {"thread", kase["thread"]}}), "forbidden");
  EXPECT_ERROR(g->request({{"type", "history"}, {"thread", kase["thread"]}}), "forbidden");
  EXPECT_ERROR(g->request({{"type", "post"}, {"thread", kase["thread"]}, {"cmid", "g0"}, {"body", "x"}}), "forbidden");
  EXPECT_ERROR(g->request({{"type", "agreement.list"}, {"case", kase["id"]}}), "forbidden");
  EXPECT_ERROR(g->request({{"type", "audit.list"}, {"case", kase["id"]}}), "forbidden");
  EXPECT_OK(g->request({{"type", "subscribe"}, {"thread", kase["parties_thread"]}}));
  EXPECT_OK(g->request({{"type", "meeting.get"}, {"meeting", m["id"]}}));
  EXPECT_ERROR(g->request({{"type", "meeting.get"}, {"meeting", m2["id"]}}), "forbidden");
  auto cal = g->request({{"type", "meeting.list"}, {"case", kase["id"]}});
  ASSERT_EQ(cal["meetings"].size(), 1u);
  EXPECT_ERROR(g->request({{"type", "case.get"}, {"case", other["id"]}}), "forbidden");
  EXPECT_ERROR(g->request({{"type", "history"}, {"thread", other["thread"]}}), "forbidden");
  EXPECT_ERROR(g->request({{"type", "orgs.list"}}), "forbidden");
  EXPECT_ERROR(g->request({{"type", "users.list"}}), "forbidden");
  EXPECT_ERROR(g->request({{"type", "stats.summary"}}), "forbidden");
  EXPECT_ERROR(g->request({{"type", "calendar.feed"}}), "forbidden");
  EXPECT_TRUE(g->request({{"type", "case.list"}, {"q", "无关"}})["cases"].empty());
  EXPECT_ERROR(g->request({{"type", "meeting.schedule"}, {"case", kase["id"]}, {"title", "t"}, {"start", in_minutes(60)},
                           {"end", in_minutes(90)}, {"participants", {{{"name", "x"}}}}}),
               "forbidden");
  EXPECT_OK(g->request({{"type", "post"}, {"thread", kase["parties_thread"]}, {"cmid", "g1"}, {"body", "律师已上线"}}));
  // Revoked: the socket closes and the link no longer logs in.
  const std::string guest_id = inv["guest"]["id"];
  ASSERT_OK(li->request({{"type", "meeting.revoke_guest"}, {"meeting", m["id"]}, {"user", guest_id}}));
  EXPECT_TRUE(g->wait_closed(5s));
  EXPECT_EQ(http_request(port(), "POST", "/api/guest-login", json{{"token", token}}.dump()).status, 401);
  // Another invitation, then the clock runs out.
  EXPECT_ERROR(li->request({{"type", "meeting.invite_guest"}, {"meeting", m["id"]}, {"name", "当事人代理人"}}),
               "bad_request");  // a guest is on a party's side, never neutral by default
  auto inv2 = li->request({{"type", "meeting.invite_guest"}, {"meeting", m["id"]}, {"name", "当事人代理人"},
                           {"side", "respondent"}});
  const std::string token2 = inv2["token"];
  auto r = http_request(port(), "POST", "/api/guest-login", json{{"token", token2}}.dump());
  ASSERT_EQ(r.status, 200);
  const std::string session = r.json_body()["token"];
  sql_exec("UPDATE guest_invitations SET valid_until = 1000 WHERE guest_user_id = " + inv2["guest"]["id"].get<std::string>());
  sql_exec("UPDATE auth_sessions SET expires_at = 1000 WHERE guest_invitation_id IS NOT NULL");
  EXPECT_EQ(http_request(port(), "POST", "/api/guest-login", json{{"token", token2}}.dump()).status, 401);
  ws_client late(port());
  EXPECT_ERROR(late.request({{"type", "auth"}, {"token", session}}), "unauthenticated");
  // Not yet open: a meeting next week.
  auto m3 = schedule(*li, kase, 7 * 24 * 60, 60, {{{"user", user_id("mediator.wang")}, {"side", "neutral"}}})["meeting"];
  auto inv3 = li->request({{"type", "meeting.invite_guest"}, {"meeting", m3["id"]}, {"name", "证人"}, {"side", "petitioner"}});
  EXPECT_EQ(http_request(port(), "POST", "/api/guest-login", json{{"token", inv3["token"]}}.dump()).status, 403);
}

TEST_P(meetings, a_participant_who_loses_the_case_leaves_its_room_and_hears_no_more) {
  auto li = connect_as("officer.li");
  auto subscribed = connect_as("committee.liu");  // also reads the case's thread: leaves when that ends
  auto in_room_only = connect_as("committee.liu");  // only in the room: the session watch takes it out
  json kase = create_case(*li, "物业费纠纷");
  const std::string property = org_id(*li, "Property management mediation committee");
  ASSERT_OK(li->request({{"type", "case.handoff"}, {"case", kase["id"]}, {"to_org", property}, {"note", "物业"}}));
  auto m = schedule(*li, kase, 5, 60, {{{"user", user_id("committee.liu")}, {"side", "neutral"}}})["meeting"];
  ASSERT_OK(li->request({{"type", "meeting.join"}, {"meeting", m["id"]}}));
  ASSERT_OK(subscribed->request({{"type", "subscribe"}, {"thread", kase["thread"]}}));
  ASSERT_OK(subscribed->request({{"type", "meeting.join"}, {"meeting", m["id"]}}));
  ASSERT_OK(in_room_only->request({{"type", "meeting.join"}, {"meeting", m["id"]}}));
  ASSERT_OK(li->request({{"type", "meeting.say"}, {"meeting", m["id"]}, {"body", "开始"}}));
  ASSERT_TRUE(kind_of(*subscribed, "room", "message"));
  ASSERT_TRUE(kind_of(*in_room_only, "room", "message"));
  // The committee declines the hand-over: it may no longer see the case, so neither of its sockets may
  // stay in the room.
  auto decliner = connect_as("committee.liu");
  ASSERT_OK(decliner->request({{"type", "case.decline"}, {"case", kase["id"]}, {"reason", "不属于本会受理范围"}}));
  // Events committed before the decline (the scheduler's reminder of this meeting) may come first.
  auto gone = subscribed->next_event();
  while (gone && (*gone)["kind"] != "unsubscribed" && (*gone)["kind"] == "meeting_reminder") gone = subscribed->next_event();
  ASSERT_TRUE(gone);
  EXPECT_EQ((*gone)["kind"], "unsubscribed");
  auto removed = kind_of(*in_room_only, "room", "removed", 6s);
  ASSERT_TRUE(removed) << "the session watch left a participant without the case in the room";
  EXPECT_EQ((*removed)["reason"], "access_revoked");
  ASSERT_OK(li->request({{"type", "meeting.say"}, {"meeting", m["id"]}, {"body", "对方底线是两万元"}}));
  EXPECT_FALSE(kind_of(*subscribed, "room", "message", 700ms)) << "a socket that lost the case heard the room";
  EXPECT_FALSE(kind_of(*in_room_only, "room", "message", 300ms)) << "a socket that lost the case heard the room";
  EXPECT_ERROR(subscribed->request({{"type", "meeting.say"}, {"meeting", m["id"]}, {"body", "还在吗"}}), "forbidden");
}

TEST_P(meetings, caucus_messages_and_signals_never_reach_the_other_side) {
  auto li = connect_as("officer.li");
  json kase = create_case(*li, "背对背调解");
  auto m = schedule(*li, kase, 5, 60, {{{"user", user_id("mediator.wang")}, {"side", "neutral"}}})["meeting"];
  auto ia = li->request({{"type", "meeting.invite_guest"}, {"meeting", m["id"]}, {"name", "申请人甲"}, {"side", "petitioner"}});
  auto ib = li->request({{"type", "meeting.invite_guest"}, {"meeting", m["id"]}, {"name", "被申请人乙"}, {"side", "respondent"}});
  auto a = connect_guest(ia["token"]);
  auto b = connect_guest(ib["token"]);
  const std::string a_id = ia["guest"]["id"], b_id = ib["guest"]["id"];
  auto join = li->request({{"type", "meeting.join"}, {"meeting", m["id"]}});
  ASSERT_OK(join);
  EXPECT_EQ(join["ice_servers"][0]["urls"], "stun:stun.example.cn:3478");
  ASSERT_OK(a->request({{"type", "meeting.join"}, {"meeting", m["id"]}}));
  ASSERT_OK(b->request({{"type", "meeting.join"}, {"meeting", m["id"]}}));
  // Presence: everyone sees who has joined.
  std::optional<json> presence;
  while (auto p = kind_of(*li, "room", "presence", 1s)) presence = p;
  ASSERT_TRUE(presence);
  EXPECT_EQ((*presence)["joined"].size(), 3u);
  // Joint session: signaling flows between joined participants; not from or to someone outside.
  ASSERT_OK(a->request({{"type", "meeting.signal"}, {"meeting", m["id"]}, {"to", b_id},
                        {"signal", {{"kind", "offer"}, {"sdp", "v=0"}}}}));
  auto s = b->next_of("signal", 5s);
  ASSERT_TRUE(s);
  EXPECT_EQ((*s)["from"]["id"], a_id);
  EXPECT_EQ((*s)["signal"]["sdp"], "v=0");
  auto wang = connect_as("mediator.wang");  // may see the case, has not joined
  EXPECT_ERROR(wang->request({{"type", "meeting.signal"}, {"meeting", m["id"]}, {"to", b_id}, {"signal", {{"kind", "offer"}}}}),
               "forbidden");
  EXPECT_ERROR(a->request({{"type", "meeting.signal"}, {"meeting", m["id"]}, {"to", user_id("mediator.wang")},
                           {"signal", {{"kind", "offer"}}}}),
               "conflict");
  EXPECT_ERROR(a->request({{"type", "meeting.signal"}, {"meeting", m["id"]}, {"to", b_id}, {"signal", {{"kind", "virus"}}}}),
               "bad_request");
  // Only the mediator switches; in caucus with the petitioner, the respondent hears nothing.
  EXPECT_ERROR(a->request({{"type", "meeting.caucus"}, {"meeting", m["id"]}, {"mode", "petitioner"}}), "forbidden");
  // Only the meeting's participants enter its room: a colleague who may see the case may not.
  auto zhao = connect_as("leader.zhao");
  EXPECT_ERROR(zhao->request({{"type", "meeting.join"}, {"meeting", m["id"]}}), "forbidden");
  while (kind_of(*b, "room", "presence", 300ms)) {
  }
  ASSERT_OK(li->request({{"type", "meeting.caucus"}, {"meeting", m["id"]}, {"mode", "petitioner"}}));
  ASSERT_TRUE(kind_of(*b, "room", "caucus"));
  // In caucus the respondent sees only its own side present; the petitioner and the mediator see all.
  auto b_presence = kind_of(*b, "room", "presence");
  ASSERT_TRUE(b_presence);
  ASSERT_EQ((*b_presence)["joined"].size(), 1u) << b_presence->dump();
  EXPECT_EQ((*b_presence)["joined"][0]["id"], b_id);
  ASSERT_OK(a->request({{"type", "meeting.say"}, {"meeting", m["id"]}, {"body", "我方底线是三万元"}}));
  ASSERT_OK(li->request({{"type", "meeting.say"}, {"meeting", m["id"]}, {"body", "明白，我去和对方谈"}}));
  auto heard = kind_of(*li, "room", "message");
  ASSERT_TRUE(heard);
  EXPECT_EQ((*heard)["body"], "我方底线是三万元");
  EXPECT_ERROR(b->request({{"type", "meeting.say"}, {"meeting", m["id"]}, {"body", "我也要说"}}), "forbidden");
  EXPECT_ERROR(a->request({{"type", "meeting.signal"}, {"meeting", m["id"]}, {"to", b_id}, {"signal", {{"kind", "offer"}}}}),
               "conflict");
  EXPECT_FALSE(kind_of(*b, "room", "message", 700ms)) << "the respondent received a caucus message";
  EXPECT_FALSE(b->next_of("signal", 200ms));
  // Back to the joint session: everyone hears again.
  ASSERT_OK(li->request({{"type", "meeting.caucus"}, {"meeting", m["id"]}, {"mode", "joint"}}));
  ASSERT_OK(b->request({{"type", "meeting.say"}, {"meeting", m["id"]}, {"body", "我们同意"}}));
  // The petitioner has its own caucus messages queued first, then the respondent's.
  std::optional<json> joint;
  while ((joint = kind_of(*a, "room", "message")) && (*joint)["body"] != "我们同意") {
  }
  ASSERT_TRUE(joint) << "the petitioner did not hear the joint session";
  // Leaving ends the relay.
  ASSERT_OK(b->request({{"type", "meeting.leave"}, {"meeting", m["id"]}}));
  EXPECT_ERROR(a->request({{"type", "meeting.signal"}, {"meeting", m["id"]}, {"to", b_id}, {"signal", {{"kind", "hangup"}}}}),
               "conflict");
}

BACKEND_SUITE(meetings);

}  // namespace
}  // namespace mediation::test
