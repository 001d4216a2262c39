// Confidentiality by construction (issue #13), on both databases: each attack that once worked is
// tried again here as the outsider would, connected and listening: notices by membership, the
// staff's notes read by a party, a caucus overheard, sockets that outlive their session, oracles in
// repeat detection, conflicts, lists and the audit trail, personal data read without a trace.
#include <ctime>
#include <set>
#include <thread>


#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "tests/integration/fixture.hpp"

namespace mediation::test {
namespace {

using namespace std::chrono_literals;

class confidentiality : public server_test {
 protected:
  std::vector<std::string> extra_args() const override {
    return {"--session-check", "300", "--ice-server", "turn:turn.example.cn:3478",
            "--turn-secret-file", test_file("turn-secret", "shared-with-coturn-only\n", 0600), "--turn-ttl", "3600",
            "--workflow", test_file("workflow.json", R"({"scan_interval_ms": 150})")};
  }

  // Drains every frame that arrives within `quiet` and returns the events and notices among them.
  static std::vector<json> drain(ws_client& c, std::chrono::milliseconds quiet = 600ms) {
    std::vector<json> got;
    while (auto f = c.next_frame(quiet)) got.push_back(*f);
    while (auto n = c.next_notice(50ms)) got.push_back(*n);
    return got;
  }
  // A meeting of `kase` starting soon, organised by `c`, with a guest on the petitioner's side;
  // returns the guest's invitation token.
  std::string invite_guest(ws_client& c, const json& kase, json* meeting = nullptr) {
    auto m = c.request({{"type", "meeting.schedule"}, {"case", kase["id"]}, {"title", "调解会"}, {"start", in_minutes(5)},
                        {"end", in_minutes(65)}, {"remote", true},
                        {"participants", {{{"user", user_id("mediator.wang")}, {"side", "neutral"}}}}});
    EXPECT_EQ(m.value("type", ""), "ok") << m.dump();
    if (meeting) *meeting = m["meeting"];
    auto inv = c.request({{"type", "meeting.invite_guest"}, {"meeting", m["meeting"]["id"]}, {"name", "申请人张三"},
                          {"side", "petitioner"}});
    EXPECT_EQ(inv.value("type", ""), "ok") << inv.dump();
    return inv.value("token", "");
  }
  int audit_count(const std::string& action, const std::string& detail_prefix) {
    return static_cast<int>(sql_strings("SELECT detail FROM audit WHERE action = '" + action + "' AND detail LIKE '" +
                                        detail_prefix + "%'")
                                .size());
  }
};

TEST_P(confidentiality, guests_and_administrators_receive_no_notices_of_other_cases) {
  auto li = connect_as("officer.li");
  json kase = create_case(*li, "甲案");
  auto g = connect_guest(invite_guest(*li, kase));
  auto admin = connect_as("admin");
  drain(*g);
  drain(*admin);
  // Another case of the same office is handed over, declined and gets a meeting: every one of these
  // once reached the guest and the administrator as notices.
  json other = create_case(*li, "乙案：拆迁补偿");
  ASSERT_OK(li->request({{"type", "case.handoff"}, {"case", other["id"]},
                         {"to_org", org_id(*li, "Property management mediation committee")}, {"note", "请物业调委会处理"}}));
  auto liu = connect_as("committee.liu");
  ASSERT_OK(liu->request({{"type", "case.decline"}, {"case", other["id"]}, {"reason", "不属于物业纠纷"}}));
  ASSERT_OK(li->request({{"type", "meeting.schedule"}, {"case", other["id"]}, {"title", "拆迁补偿协调会"},
                         {"start", in_minutes(120)}, {"end", in_minutes(180)},
                         {"participants", {{{"user", user_id("mediator.wang")}, {"side", "neutral"}}}}}));
  // And in the guest's own case, staff work that belongs to the internal thread.
  ASSERT_OK(li->request({{"type", "case.handoff"}, {"case", kase["id"]},
                         {"to_org", org_id(*li, "Labour dispute mediation committee")}, {"note", "内部：申请人情绪激动"}}));
  for (auto* c : {g.get(), admin.get()})
    for (const auto& f : drain(*c)) ADD_FAILURE() << "received " << f.dump();
}

TEST_P(confidentiality, a_party_reads_the_parties_thread_never_the_staff_notes) {
  auto li = connect_as("officer.li");
  json kase = create_case(*li, "欠薪纠纷");
  ASSERT_FALSE(kase["parties_thread"].is_null());
  ASSERT_NE(kase["parties_thread"], kase["thread"]);
  auto g = connect_guest(invite_guest(*li, kase));
  EXPECT_ERROR(g->request({{"type", "subscribe"}, {"thread", kase["thread"]}}), "forbidden");
  EXPECT_ERROR(g->request({{"type", "history"}, {"thread", kase["thread"]}}), "forbidden");
  EXPECT_ERROR(g->request({{"type", "read.list"}, {"thread", kase["thread"]}}), "forbidden");
  EXPECT_ERROR(g->request({{"type", "typing"}, {"thread", kase["thread"]}}), "forbidden");
  ASSERT_OK(g->request({{"type", "subscribe"}, {"thread", kase["parties_thread"]}}));
  ASSERT_OK(li->request({{"type", "subscribe"}, {"thread", kase["thread"]}}));
  ASSERT_OK(li->request({{"type", "subscribe"}, {"thread", kase["parties_thread"]}}));
  drain(*g);
  drain(*li);
  // A remark in the staff's thread never reaches the party; a message to the parties does.
  ASSERT_OK(li->request({{"type", "post"}, {"thread", kase["thread"]}, {"cmid", "n1"}, {"body", "内部：此人多次上访"}}));
  ASSERT_OK(li->request({{"type", "typing"}, {"thread", kase["thread"]}}));
  ASSERT_OK(li->request({{"type", "post"}, {"thread", kase["parties_thread"]}, {"cmid", "p1"}, {"body", "请明天带材料来"}}));
  auto e = g->next_event();
  ASSERT_TRUE(e);
  EXPECT_EQ((*e)["thread"], kase["parties_thread"]);
  EXPECT_EQ((*e)["data"]["body"], "请明天带材料来");
  for (const auto& f : drain(*g)) EXPECT_NE(f.value("thread", ""), kase["thread"].get<std::string>()) << f.dump();
  // The party answers; the staff read it in the parties' thread.
  ASSERT_OK(g->request({{"type", "post"}, {"thread", kase["parties_thread"]}, {"cmid", "g1"}, {"body", "好的"}}));
  auto h = li->request({{"type", "history"}, {"thread", kase["parties_thread"]}});
  ASSERT_EQ(h["events"].size(), 2u);
  EXPECT_EQ(h["events"][1]["data"]["body"], "好的");
  // The internal thread holds the staff's remark and the workflow, the parties' thread none of it.
  auto internal = li->request({{"type", "history"}, {"thread", kase["thread"]}});
  for (const auto& ev : h["events"]) EXPECT_EQ(ev["kind"], "message");
  EXPECT_GE(internal["events"].size(), 3u);
}

TEST_P(confidentiality, a_partys_representative_sees_the_parties_thread_and_a_professional_the_internal_one) {
  auto li = connect_as("officer.li");
  json kase = create_case(*li, "代理人与专业人员");
  const std::string lawyer = user_id("lawyer.chen");
  EXPECT_ERROR(li->request({{"type", "case.invite"}, {"case", kase["id"]}, {"user", lawyer}}), "bad_request");
  ASSERT_OK(li->request({{"type", "case.invite"}, {"case", kase["id"]}, {"user", lawyer}, {"capacity", "representative"},
                         {"side", "respondent"}}));
  auto chen = connect_as("lawyer.chen");
  auto summary = chen->request({{"type", "case.get"}, {"case", kase["id"]}});
  ASSERT_OK(summary);
  EXPECT_EQ(summary["case"]["view"], "party");
  EXPECT_ERROR(chen->request({{"type", "subscribe"}, {"thread", kase["thread"]}}), "forbidden");
  EXPECT_OK(chen->request({{"type", "subscribe"}, {"thread", kase["parties_thread"]}}));
  EXPECT_ERROR(chen->request({{"type", "agreement.list"}, {"case", kase["id"]}}), "forbidden");
  // A search reaches into the staff's notes: a representative's case never answers one.
  ASSERT_OK(li->request({{"type", "post"}, {"thread", kase["thread"]}, {"cmid", "s"}, {"body", "调解底线三万元"}}));
  EXPECT_TRUE(chen->request({{"type", "case.list"}, {"q", "底线"}})["cases"].empty());
  // A judge invited as a professional reads the case file and the staff's thread.
  json other = create_case(*li, "法官指导");
  ASSERT_OK(li->request({{"type", "case.invite"}, {"case", other["id"]}, {"user", lawyer}, {"capacity", "professional"}}));
  auto full = chen->request({{"type", "case.get"}, {"case", other["id"]}});
  ASSERT_OK(full);
  EXPECT_FALSE(full["case"].contains("view"));
  EXPECT_OK(chen->request({{"type", "subscribe"}, {"thread", other["thread"]}}));
}

// The unread count in a case list is counted in the threads its reader may read: a staff note never
// shows to a party's representative as "something new", a party's message does to the staff, and
// reading brings the count back to zero.
TEST_P(confidentiality, unread_counts_follow_the_thread_each_reader_may_read) {
  auto li = connect_as("officer.li");
  json kase = create_case(*li, "未读计数");
  ASSERT_OK(li->request({{"type", "case.invite"}, {"case", kase["id"]}, {"user", user_id("lawyer.chen")},
                         {"capacity", "representative"}, {"side", "petitioner"}}));
  auto chen = connect_as("lawyer.chen");
  auto zhao = connect_as("leader.zhao");
  auto unread = [&](ws_client& c) {
    auto list = c.request({{"type", "case.list"}});
    for (const auto& k : list["cases"])
      if (k["id"] == kase["id"]) return k["unread"].get<long long>();
    ADD_FAILURE() << "case not listed: " << list.dump();
    return -1LL;
  };
  const long long zhao_before = unread(*zhao);
  EXPECT_EQ(unread(*chen), 0);
  ASSERT_OK(li->request({{"type", "post"}, {"thread", kase["thread"]}, {"cmid", "n1"}, {"body", "内部：底线三万元"}}));
  ASSERT_OK(li->request({{"type", "post"}, {"thread", kase["thread"]}, {"cmid", "n2"}, {"body", "内部：再议"}}));
  EXPECT_EQ(unread(*chen), 0) << "a staff note counted for a party's representative";
  EXPECT_EQ(unread(*zhao), zhao_before + 2);
  EXPECT_EQ(unread(*li), 0) << "one's own posts are not new to oneself";
  ASSERT_OK(li->request({{"type", "post"}, {"thread", kase["parties_thread"]}, {"cmid", "p1"}, {"body", "请带材料"}}));
  EXPECT_EQ(unread(*chen), 1);
  // The staff count both threads: what a party writes is news to them too.
  ASSERT_OK(chen->request({{"type", "post"}, {"thread", kase["parties_thread"]}, {"cmid", "c1"}, {"body", "收到"}}));
  EXPECT_EQ(unread(*zhao), zhao_before + 4);
  EXPECT_EQ(unread(*li), 1);
  auto head = li->request({{"type", "history"}, {"thread", kase["thread"]}, {"limit", 1}});
  ASSERT_OK(zhao->request({{"type", "read"}, {"thread", kase["thread"]}, {"seq", head["events"][0]["seq"]}}));
  EXPECT_EQ(unread(*zhao), 2);
  ASSERT_OK(zhao->request({{"type", "read"}, {"thread", kase["parties_thread"]}, {"seq", 2}}));
  EXPECT_EQ(unread(*zhao), 0);
  ASSERT_OK(chen->request({{"type", "read"}, {"thread", kase["parties_thread"]}, {"seq", 1}}));
  EXPECT_EQ(unread(*chen), 0);  // his own message is not news to him
}

// A meeting's sides follow what each person is to the case: an invited professional (who reads the
// staff's discussion) stays neutral, a representative keeps the side they act for, someone new to the
// case acts for a party only as a lawyer, and an administrator takes no part.
TEST_P(confidentiality, meeting_sides_never_mix_the_staff_discussion_with_a_partys_side) {
  auto li = connect_as("officer.li");
  const std::string chen = user_id("lawyer.chen");
  auto schedule = [&](const json& kase, const json& participants) {
    return li->request({{"type", "meeting.schedule"}, {"case", kase["id"]}, {"title", "调解会"}, {"start", in_minutes(90)},
                        {"end", in_minutes(150)}, {"participants", participants}});
  };
  // Scheduled as neutral, a lawyer is invited as a professional; moving him to a party's side is refused.
  json a = create_case(*li, "专业人员的身份");
  auto m = schedule(a, json::array({{{"user", chen}, {"side", "neutral"}}}));
  ASSERT_OK(m);
  auto moved = li->request({{"type", "meeting.set_side"}, {"meeting", m["meeting"]["id"]}, {"user", chen}, {"side", "petitioner"}});
  EXPECT_EQ(moved["code"], "bad_request");
  EXPECT_EQ(moved["field"], "side");
  EXPECT_EQ(schedule(a, json::array({{{"user", chen}, {"side", "respondent"}}}))["field"], "side");
  // Someone new to the case acts for a party only as a lawyer; an administrator takes no part at all.
  json b = create_case(*li, "新参与人的身份");
  EXPECT_EQ(schedule(b, json::array({{{"user", user_id("committee.zhang")}, {"side", "petitioner"}}}))["field"], "side");
  EXPECT_EQ(schedule(b, json::array({{{"user", user_id("admin")}, {"side", "neutral"}}}))["code"], "bad_request");
  auto zhang_view = connect_as("committee.zhang")->request({{"type", "case.get"}, {"case", b["id"]}});
  EXPECT_EQ(zhang_view["code"], "forbidden") << "a refused scheduling invited nobody";
  // A representative keeps the side he acts for, and is never made neutral.
  json c = create_case(*li, "代理人的身份");
  ASSERT_OK(li->request({{"type", "case.invite"}, {"case", c["id"]}, {"user", chen}, {"capacity", "representative"},
                         {"side", "petitioner"}}));
  EXPECT_EQ(schedule(c, json::array({{{"user", chen}, {"side", "respondent"}}}))["field"], "side");
  EXPECT_EQ(schedule(c, json::array({{{"user", chen}, {"side", "neutral"}}}))["code"], "bad_request");
  auto kept = schedule(c, json::array({{{"user", chen}}}));
  ASSERT_OK(kept);
  for (const auto& p : kept["meeting"]["participants"])
    if (p.value("user", "") == chen) EXPECT_EQ(p["side"], "petitioner");
  EXPECT_ERROR(connect_as("lawyer.chen")->request({{"type", "history"}, {"thread", c["thread"]}}), "forbidden");
}

TEST_P(confidentiality, only_participants_enter_a_room_and_a_caucus_hides_the_other_side) {
  auto li = connect_as("officer.li");
  json kase = create_case(*li, "背对背");
  json m;
  const std::string token = invite_guest(*li, kase, &m);
  auto g = connect_guest(token);
  // A colleague who may see the case, and the administrator, are not participants.
  EXPECT_ERROR(connect_as("leader.zhao")->request({{"type", "meeting.join"}, {"meeting", m["id"]}}), "forbidden");
  EXPECT_ERROR(connect_as("admin")->request({{"type", "meeting.join"}, {"meeting", m["id"]}}), "forbidden");
  // The mediator assigns sides; neutral is for staff only.
  auto got = li->request({{"type", "meeting.get"}, {"meeting", m["id"]}});
  std::string gid;
  for (const auto& p : got["meeting"]["participants"])
    if (p.value("name", "") == "申请人张三" && p.contains("user")) gid = p["user"];
  ASSERT_FALSE(gid.empty()) << got.dump();
  EXPECT_ERROR(li->request({{"type", "meeting.set_side"}, {"meeting", m["id"]}, {"user", gid}, {"side", "neutral"}}),
               "bad_request");
  EXPECT_ERROR(g->request({{"type", "meeting.set_side"}, {"meeting", m["id"]}, {"user", gid}, {"side", "respondent"}}),
               "forbidden");
  ASSERT_OK(li->request({{"type", "meeting.set_side"}, {"meeting", m["id"]}, {"user", gid}, {"side", "respondent"}}));
  ASSERT_OK(li->request({{"type", "meeting.join"}, {"meeting", m["id"]}}));
  auto joined = g->request({{"type", "meeting.join"}, {"meeting", m["id"]}});
  ASSERT_OK(joined);
  EXPECT_EQ(joined["side"], "respondent");
  // TURN: a credential of the guest's own that expires within the TTL (TURN REST), never a standing password.
  const json turn = joined["ice_servers"][0];
  const std::string name = turn.value("username", "");
  ASSERT_EQ(name.substr(name.find(':') + 1), gid) << turn.dump();
  const long long expires = std::stoll(name.substr(0, name.find(':')));
  EXPECT_LE(expires, static_cast<long long>(std::time(nullptr)) + 3600 + 5);
  EXPECT_GT(expires, static_cast<long long>(std::time(nullptr)) + 3600 - 60);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  const std::string secret = "shared-with-coturn-only";
  HMAC(EVP_sha1(), secret.data(), static_cast<int>(secret.size()), reinterpret_cast<const unsigned char*>(name.data()),
       name.size(), mac, &len);
  unsigned char b64[64] = {};
  EVP_EncodeBlock(b64, mac, static_cast<int>(len));
  EXPECT_EQ(turn.value("credential", ""), std::string(reinterpret_cast<char*>(b64)));
  // Caucus with the petitioner's side: the respondent's guest hears nothing and sees only itself.
  ASSERT_OK(li->request({{"type", "meeting.caucus"}, {"meeting", m["id"]}, {"mode", "petitioner"}}));
  ASSERT_OK(li->request({{"type", "meeting.say"}, {"meeting", m["id"]}, {"body", "对方底线三万"}}));
  std::optional<json> last_presence;
  while (auto f = g->next_of("room", 700ms)) {
    EXPECT_NE((*f)["kind"], "message") << f->dump();
    if ((*f)["kind"] == "presence") last_presence = f;
  }
  ASSERT_TRUE(last_presence);
  for (const auto& p : (*last_presence)["joined"]) EXPECT_EQ(p["side"], "respondent") << last_presence->dump();
  // A staff member's answer to the invitation is the staff's: the party reads the answer, not the remark.
  auto wang = connect_as("mediator.wang");
  ASSERT_OK(wang->request({{"type", "meeting.respond"}, {"meeting", m["id"]}, {"answer", "declined"},
                           {"comment", "内部：申请人情绪不稳定"}}));
  auto seen = g->request({{"type", "meeting.get"}, {"meeting", m["id"]}});
  ASSERT_OK(seen);
  EXPECT_EQ(seen.dump().find("情绪不稳定"), std::string::npos) << seen.dump();
  // Moved to next week: the guest's session ends now; the link opens again before the new time.
  ASSERT_OK(li->request({{"type", "meeting.reschedule"}, {"meeting", m["id"]}, {"start", in_minutes(7 * 24 * 60)},
                         {"end", in_minutes(7 * 24 * 60 + 60)}}));
  EXPECT_EQ(g->wait_closed(5s), 1008);
  // Cancelling the meeting ends its guests' links and sockets.
  ASSERT_OK(li->request({{"type", "meeting.cancel"}, {"meeting", m["id"]}, {"reason", "改期"}}));
  EXPECT_EQ(http_request(port(), "POST", "/api/guest-login", json{{"token", token}}.dump()).status, 401);
}

TEST_P(confidentiality, expiry_revocation_reset_and_disabling_close_open_sockets_in_time) {
  auto li = connect_as("officer.li");
  json kase = create_case(*li, "会话");
  // Expiry: the token's time runs out while the socket is open.
  auto wang = connect_as("mediator.wang");
  sql_exec("UPDATE auth_sessions SET expires_at = 1000 WHERE user_id = " + user_id("mediator.wang"));
  auto t0 = std::chrono::steady_clock::now();
  EXPECT_EQ(wang->wait_closed(5s), 1008);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 5s);
  // A disabled user.
  auto zhang = connect_as("committee.zhang");
  sql_exec("UPDATE users SET disabled = 1 WHERE id = " + user_id("committee.zhang"));
  EXPECT_EQ(zhang->wait_closed(5s), 1008);
  // revoke-sessions and reset-password from the admin tool, while the server runs.
  for (const std::string command : {"revoke-sessions", "reset-password"}) {
    tokens_.erase("leader.zhao");
    auto zhao = connect_as("leader.zhao");
    ASSERT_OK(zhao->request({{"type", "subscribe"}, {"thread", kase["thread"]}}));
    auto r = run_admin({command, "--username", "leader.zhao"}, "a-new-long-password");
    ASSERT_EQ(r.status, 0) << r.output;
    EXPECT_EQ(zhao->wait_closed(5s), 1008) << command;
  }
  // A guest whose invitation expires, and one whose invitation is revoked.
  json m;
  auto g = connect_guest(invite_guest(*li, kase, &m));
  sql_exec("UPDATE guest_invitations SET valid_until = 1000");
  EXPECT_EQ(g->wait_closed(5s), 1008);
  // Logout ends the socket at once.
  auto sun = connect_as("officer.sun");
  auto r = http_request(port(), "POST", "/api/logout", json{{"token", token_for("officer.sun")}}.dump());
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(sun->wait_closed(5s), 1008);
  // The officer who did nothing wrong is still connected.
  EXPECT_OK(li->request({{"type", "case.get"}, {"case", kase["id"]}}));
}

TEST_P(confidentiality, losing_a_case_ends_its_subscription_before_the_next_frame) {
  auto li = connect_as("officer.li");
  auto liu = connect_as("committee.liu");
  json kase = create_case(*li, "交办后退回");
  ASSERT_OK(li->request({{"type", "case.handoff"}, {"case", kase["id"]},
                         {"to_org", org_id(*li, "Property management mediation committee")}, {"note", "物业"}}));
  ASSERT_OK(liu->request({{"type", "subscribe"}, {"thread", kase["thread"]}}));
  ASSERT_OK(liu->request({{"type", "subscribe"}, {"thread", kase["parties_thread"]}}));
  // Another member of the committee listens to both threads; one declines; posts and typing
  // follow at once in both threads.
  auto liu2 = connect_as("committee.liu");
  ASSERT_OK(liu2->request({{"type", "subscribe"}, {"thread", kase["thread"]}}));
  ASSERT_OK(liu2->request({{"type", "subscribe"}, {"thread", kase["parties_thread"]}}));
  ASSERT_OK(li->request({{"type", "subscribe"}, {"thread", kase["parties_thread"]}}));
  ASSERT_OK(liu->request({{"type", "case.decline"}, {"case", kase["id"]}, {"reason", "不属于物业纠纷"}}));
  for (int i = 0; i < 20; ++i) {
    const std::string n = std::to_string(i);
    li->send({{"type", "post"}, {"rid", "f" + n}, {"thread", kase["thread"]}, {"cmid", "f" + n}, {"body", "退回后的内部讨论"}});
    li->send({{"type", "post"}, {"rid", "p" + n}, {"thread", kase["parties_thread"]}, {"cmid", "p" + n}, {"body", "对当事人说"}});
    li->send({{"type", "typing"}, {"rid", "t" + n}, {"thread", kase["parties_thread"]}});
  }
  for (auto* c : {liu.get(), liu2.get()}) {
    auto got = drain(*c, 800ms);
    std::set<std::string> ended;
    for (const auto& f : got) {
      if (f.value("type", "") != "event") continue;
      const std::string thread = f.value("thread", "");
      EXPECT_FALSE(ended.count(thread)) << "a frame after unsubscribed: " << f.dump();
      if (f["kind"] == "unsubscribed") ended.insert(thread);
      else ADD_FAILURE() << "the declining committee received " << f.dump();
    }
    EXPECT_EQ(ended.size(), 2u) << "both threads' subscriptions end";
  }
  // Nor may they announce typing in the thread they lost.
  EXPECT_ERROR(liu->request({{"type", "typing"}, {"thread", kase["parties_thread"]}}), "forbidden");
}

TEST_P(confidentiality, posts_racing_a_loss_of_access_never_reach_past_it) {
  // On MariaDB the writer commits posts on several connections side by side; the decline (an access
  // change) runs alone between their batches, so a post committed after it is published after the
  // subscriber's access was rechecked, however the two raced.
  auto li = connect_as("officer.li");
  auto liu = connect_as("committee.liu");
  json kase = create_case(*li, "并发退回");
  ASSERT_OK(li->request({{"type", "case.handoff"}, {"case", kase["id"]},
                         {"to_org", org_id(*li, "Property management mediation committee")}, {"note", "物业"}}));
  ASSERT_OK(liu->request({{"type", "subscribe"}, {"thread", kase["thread"]}}));
  ASSERT_OK(liu->request({{"type", "subscribe"}, {"thread", kase["parties_thread"]}}));
  for (int i = 0; i < 300; ++i) {
    const std::string n = std::to_string(i);
    const auto& thread = i % 2 ? kase["parties_thread"] : kase["thread"];
    li->send({{"type", "post"}, {"rid", "race-" + n}, {"thread", thread}, {"cmid", "race" + n}, {"body", "并发 " + n}});
    if (i == 100) liu->send({{"type", "case.decline"}, {"rid", "decline"}, {"case", kase["id"]}, {"reason", "不属于物业纠纷"}});
  }
  auto got = drain(*liu, 1500ms);
  std::map<std::string, long long> received_max;  // thread -> highest message seq received
  std::set<std::string> ended;
  for (const auto& f : got) {
    if (f.value("type", "") != "event") continue;
    const std::string thread = f.value("thread", "");
    EXPECT_FALSE(ended.count(thread)) << "a frame after unsubscribed: " << f.dump();
    if (f["kind"] == "unsubscribed") ended.insert(thread);
    else if (f["kind"] == "message") received_max[thread] = std::max(received_max[thread], f["seq"].get<long long>());
  }
  EXPECT_EQ(ended.size(), 2u) << "both threads' subscriptions end";
  // Nothing stored after the decline (the newest case event of the case's thread) reached the committee.
  auto history = li->request({{"type", "history"}, {"thread", kase["thread"]}, {"limit", 200}});
  ASSERT_OK(history);
  long long decline_seq = 0;
  for (const auto& e : history["events"])
    if (e["kind"] != "message") decline_seq = std::max(decline_seq, e["seq"].get<long long>());
  ASSERT_GT(decline_seq, 0) << history.dump().substr(0, 3000);
  EXPECT_LT(received_max[kase["thread"].get<std::string>()], decline_seq) << "a post committed after the decline was delivered";
}

TEST_P(confidentiality, typing_and_read_need_a_granted_subscription) {
  auto li = connect_as("officer.li");
  json kase = create_case(*li, "输入提示");
  ASSERT_OK(li->request({{"type", "subscribe"}, {"thread", kase["thread"]}}));
  auto sun = connect_as("officer.sun");
  // An outsider asks again and again while the staff type: nothing of the thread ever reaches it.
  std::thread typist([&] {
    ws_client w(port());
    w.request({{"type", "auth"}, {"token", token_for("officer.li")}});
    w.request({{"type", "subscribe"}, {"thread", kase["thread"]}});
    for (int i = 0; i < 60; ++i) w.send({{"type", "typing"}, {"rid", "t" + std::to_string(i)}, {"thread", kase["thread"]}});
    std::this_thread::sleep_for(300ms);
  });
  for (int i = 0; i < 30; ++i) EXPECT_ERROR(sun->request({{"type", "subscribe"}, {"thread", kase["thread"]}}), "forbidden");
  typist.join();
  EXPECT_ERROR(sun->request({{"type", "typing"}, {"thread", kase["thread"]}}), "forbidden");
  EXPECT_ERROR(sun->request({{"type", "read"}, {"thread", kase["thread"]}, {"seq", 1}}), "forbidden");
  // A typing sent right behind a subscribe, before its refusal, is refused too: it needs a granted one.
  drain(*li, 200ms);
  for (int i = 0; i < 10; ++i) {
    sun->send({{"type", "subscribe"}, {"rid", "s" + std::to_string(i)}, {"thread", kase["thread"]}});
    EXPECT_ERROR(sun->request({{"type", "typing"}, {"thread", kase["thread"]}}), "forbidden");
  }
  for (const auto& f : drain(*li, 300ms)) EXPECT_NE(f.value("kind", ""), "typing") << f.dump();
  for (const auto& f : drain(*sun, 300ms))
    if (f.value("type", "") != "error") ADD_FAILURE() << "the outsider received " << f.dump();
}

TEST_P(confidentiality, repeat_detection_and_conflicts_name_nothing_the_asker_may_not_see) {
  auto li = connect_as("officer.li");
  auto sun = connect_as("officer.sun");
  auto zhao = connect_as("leader.zhao");  // supervises the street office and may see both cases
  const json party{{"role", "petitioner"}, {"name", "王五"}, {"id_number", "370214198001017234"}, {"phone", "13812345678"}};
  auto first = li->request({{"type", "case.create"}, {"title", "征地补偿"}, {"category", "land"}, {"channel", "visit"},
                            {"description", "征地补偿款未到位"}, {"parties", {party}}});
  ASSERT_OK(first);
  // The same petitioner at another office: nothing tells that office where else this person petitioned.
  auto again = sun->request({{"type", "case.create"}, {"title", "征地补偿"}, {"category", "land"}, {"channel", "visit"},
                             {"description", "再次反映"}, {"parties", {party}}});
  ASSERT_OK(again);
  EXPECT_TRUE(again["case"]["repeat_of"].is_null()) << again.dump();
  // The scheduler's repeat rule does not escalate (that would tell the street office through its
  // thread); the supervising bureau is told instead.
  std::optional<json> told;
  for (auto until = std::chrono::steady_clock::now() + 5s; !told && std::chrono::steady_clock::now() < until;)
    if (auto n = zhao->next_notice(500ms); n && (*n)["kind"] == "repeat_detected") told = n;
  ASSERT_TRUE(told) << "the supervising office was not told of the repeat";
  EXPECT_EQ((*told)["case"], again["case"]["id"]);
  EXPECT_EQ((*told)["data"]["earlier"]["id"], first["case"]["id"]);
  EXPECT_FALSE(zhao->request({{"type", "case.get"}, {"case", again["case"]["id"]}})["case"]["repeat_of"].is_null());
  // Nor does the case's audit trail tell its own office (the row is the supervising bureau's).
  const json trail = sun->request({{"type", "audit.list"}, {"case", again["case"]["id"]}});
  ASSERT_OK(trail);
  EXPECT_EQ(trail.dump().find("repeat"), std::string::npos) << trail.dump();
  std::this_thread::sleep_for(500ms);
  for (const auto& f : drain(*sun, 300ms)) EXPECT_EQ(f.dump().find("repeat"), std::string::npos) << f.dump();
  auto h = sun->request({{"type", "history"}, {"thread", again["case"]["thread"]}});
  ASSERT_EQ(h["events"].size(), 1u) << h.dump();  // created, and nothing else
  for (const auto& e : h["events"]) {
    EXPECT_FALSE(e["data"].contains("repeat_of")) << e.dump();
    EXPECT_EQ(e.dump().find(first["case"]["number"].get<std::string>()), std::string::npos) << e.dump();
  }
  // The city bureau, which may see both earlier cases, is told.
  auto mine = li->request({{"type", "case.create"}, {"title", "征地补偿"}, {"category", "land"}, {"channel", "visit"},
                           {"description", "再次"}, {"parties", {party}}});
  EXPECT_FALSE(mine["case"]["repeat_of"].is_null()) << mine.dump();
  // ...in the case, never in its thread, which others may join later without seeing the earlier case.
  const json created = li->request({{"type", "history"}, {"thread", mine["case"]["thread"]}});
  EXPECT_FALSE(created["events"][0]["data"].contains("repeat_of")) << created.dump();
  // Conflicts: the committee member is booked by the city bureau; the street office sees only "busy".
  const std::string z = user_id("committee.zhang");
  ASSERT_OK(li->request({{"type", "meeting.schedule"}, {"case", first["case"]["id"]}, {"title", "市局绝密协调会"},
                         {"start", in_minutes(60)}, {"end", in_minutes(120)},
                         {"participants", {{{"user", z}, {"side", "neutral"}}}}}));
  auto clash = sun->request({{"type", "meeting.schedule"}, {"case", again["case"]["id"]}, {"title", "街道协调"},
                             {"start", in_minutes(70)}, {"end", in_minutes(100)},
                             {"participants", {{{"user", z}, {"side", "neutral"}}}}});
  ASSERT_OK(clash);
  ASSERT_GE(clash["conflicts"].size(), 1u);
  for (const auto& c : clash["conflicts"]) {
    EXPECT_TRUE(c["meeting"].value("busy", false)) << c.dump();
    EXPECT_FALSE(c["meeting"].contains("title"));
    EXPECT_FALSE(c["meeting"].contains("id"));
  }
  EXPECT_EQ(clash.dump().find("绝密"), std::string::npos);
}

TEST_P(confidentiality, lists_are_filtered_at_call_time_and_reads_of_personal_data_are_audited) {
  auto li = connect_as("officer.li");
  auto zhang = connect_as("committee.zhang");
  json kase = create_case(*li, "名单过滤");
  ASSERT_OK(li->request({{"type", "case.handoff"}, {"case", kase["id"]},
                         {"to_org", org_id(*li, "Labour dispute mediation committee")}, {"note", "劳动"}}));
  ASSERT_OK(li->request({{"type", "meeting.schedule"}, {"case", kase["id"]}, {"title", "交办会商"}, {"start", in_minutes(60)},
                         {"end", in_minutes(120)}, {"participants", {{{"user", user_id("committee.zhang")}, {"side", "neutral"}}}}}));
  ASSERT_EQ(zhang->request({{"type", "meeting.list"}})["meetings"].size(), 1u);
  ASSERT_OK(zhang->request({{"type", "case.decline"}, {"case", kase["id"]}, {"reason", "不属于劳动争议"}}));
  EXPECT_TRUE(zhang->request({{"type", "meeting.list"}})["meetings"].empty());
  // Addresses in the audit trail: not for an office with only a pending hand-over.
  ASSERT_OK(li->request({{"type", "case.handoff"}, {"case", kase["id"]},
                         {"to_org", org_id(*li, "Chengnan street office")}, {"note", "属地"}}));
  auto sun = connect_as("officer.sun");
  auto trail = sun->request({{"type", "audit.list"}, {"case", kase["id"]}});
  ASSERT_OK(trail);
  ASSERT_FALSE(trail["entries"].empty());
  for (const auto& e : trail["entries"]) EXPECT_TRUE(e["remote"].is_null()) << e.dump();
  auto zhao = connect_as("leader.zhao");
  auto own = zhao->request({{"type", "audit.list"}, {"case", kase["id"]}});
  ASSERT_OK(own);
  // Agreement versions and diffs with unmasked numbers leave an audit row each.
  const json content{{"parties", {{{"role", "petitioner"}, {"name", "张三"}, {"id_number", "370214198001017234"},
                                   {"phone", "13812345678"}, {"address", "山东省青岛市城阳区某街道1号"}},
                                  {{"role", "respondent"}, {"name", "某公司"}}}},
                     {"facts", "拖欠工资"},
                     {"disputes", {"数额"}},
                     {"terms", {{{"text", "支付三万元"}, {"way", "转账"}, {"place", "申请人账户"}, {"deadline", "2026-12-31"}}}},
                     {"mediators", {"李"}},
                     {"organisation", "市信访局"}};
  auto d = li->request({{"type", "agreement.draft"}, {"case", kase["id"]}, {"content", content}});
  ASSERT_OK(d);
  const json id = d["agreement"]["id"];
  json changed = content;
  changed["facts"] = "拖欠工资三个月";
  auto d2 = li->request({{"type", "agreement.draft"}, {"case", kase["id"]}, {"agreement", id}, {"content", changed}});
  ASSERT_OK(d2);
  std::this_thread::sleep_for(300ms);
  const int before_version = audit_count("personal_data.read", "agreement.version");
  const int before_diff = audit_count("personal_data.read", "agreement.diff");
  const int before_list = audit_count("personal_data.read", "agreement.list");
  auto v1 = li->request({{"type", "agreement.version"}, {"agreement", id}, {"version", 1}});
  ASSERT_OK(v1);
  EXPECT_EQ(v1["content"]["parties"][0]["id_number"], "370214198001017234");
  ASSERT_OK(li->request({{"type", "agreement.diff"}, {"agreement", id}, {"from", 1}, {"to", 2}}));
  ASSERT_OK(li->request({{"type", "agreement.list"}, {"case", kase["id"]}}));
  for (int i = 0; i < 50 && audit_count("personal_data.read", "agreement.list") == before_list; ++i)
    std::this_thread::sleep_for(100ms);
  EXPECT_EQ(audit_count("personal_data.read", "agreement.version"), before_version + 1);
  EXPECT_EQ(audit_count("personal_data.read", "agreement.diff"), before_diff + 1);
  EXPECT_EQ(audit_count("personal_data.read", "agreement.list"), before_list + 1);
  // Addresses are personal data: masked for whoever may not act on the case.
  auto masked = sun->request({{"type", "agreement.version"}, {"agreement", id}, {"version", 1}});
  ASSERT_OK(masked);
  EXPECT_EQ(masked["content"]["parties"][0]["address"], "山东省青岛市****");
}

BACKEND_SUITE(confidentiality);

}  // namespace
}  // namespace mediation::test
