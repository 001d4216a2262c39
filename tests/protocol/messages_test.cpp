#include <gtest/gtest.h>

#include "protocol/frames.hpp"
#include "protocol/parse.hpp"

namespace mediation::protocol {
namespace {

// A request serialised with to_json parses back to the same value.
template <class T>
T round_trip(const T& v) {
  json j = v;
  j["rid"] = "rt";
  auto p = parse_frame(j.dump());
  auto* r = std::get_if<request>(&p.result);
  EXPECT_NE(r, nullptr) << j.dump();
  return r ? std::get<T>(*r) : T{};
}

TEST(messages, requests_round_trip) {
  case_create_request cc{"欠薪纠纷", "labour_wages", "online", "描述", {{"petitioner", "张三"}, {"respondent", "某公司"}}};
  auto cc2 = round_trip(cc);
  EXPECT_EQ(cc2.title, cc.title);
  EXPECT_EQ(cc2.channel, "online");
  ASSERT_EQ(cc2.parties.size(), 2u);
  EXPECT_EQ(cc2.parties[1].name, "某公司");

  post_request p{42, "cmid-1", "正文"};
  auto p2 = round_trip(p);
  EXPECT_EQ(p2.thread, 42);
  EXPECT_EQ(p2.cmid, "cmid-1");
  EXPECT_EQ(p2.body, "正文");

  subscribe_request s{7, 3};
  EXPECT_EQ(round_trip(s).since, 3);
  history_request h{7, 10, 20};
  auto h2 = round_trip(h);
  EXPECT_EQ(h2.before, 10);
  EXPECT_EQ(h2.limit, 20);
  case_handoff_request ho{5, 6, "note", "2026-12-01T00:00:00Z"};
  auto ho2 = round_trip(ho);
  EXPECT_EQ(ho2.case_id, 5);
  EXPECT_EQ(ho2.to_org, 6);
  EXPECT_EQ(ho2.due, "2026-12-01T00:00:00Z");
  EXPECT_EQ(round_trip(case_decline_request{5, "理由"}).reason, "理由");
  EXPECT_EQ(round_trip(case_invite_request{5, 9, "professional", std::nullopt}).user, 9);
  auto rep = round_trip(case_invite_request{5, 9, "representative", std::string("respondent")});
  EXPECT_EQ(rep.capacity, "representative");
  EXPECT_EQ(rep.side, "respondent");
  EXPECT_EQ(round_trip(read_request{5, 11}).seq, 11);
  EXPECT_EQ(round_trip(auth_request{"tok"}).token, "tok");
  EXPECT_EQ(round_trip(users_list_request{4}).org, 4);
}

TEST(messages, event_view_round_trips_and_omits_seq_when_ephemeral) {
  event_view e;
  e.thread = 3;
  e.seq = 9;
  e.kind = "message";
  e.at = "2026-11-22T10:00:00.000Z";
  e.author = {2, "李明"};
  e.data = {{"body", "你好"}, {"cmid", "c"}};
  json j = e;
  EXPECT_EQ(j["type"], "event");
  EXPECT_EQ(j["thread"], "3");
  EXPECT_EQ(j["seq"], 9);
  EXPECT_EQ(j["author"]["id"], "2");
  auto back = j.get<event_view>();
  EXPECT_EQ(back.seq, 9);
  EXPECT_EQ(back.author.name, "李明");
  EXPECT_EQ(back.data["body"], "你好");
  e.seq.reset();
  json eph = e;
  EXPECT_FALSE(eph.contains("seq"));
}

TEST(messages, user_view_has_the_contract_fields) {
  user_view u{2, "officer.li", "李明", "petition_officer", {1, "市信访局", "City petition bureau", "petition_office", "city", std::nullopt}};
  json j = u;
  for (const char* k : {"id", "username", "name", "role", "org"}) EXPECT_TRUE(j.contains(k)) << k;
  for (const char* k : {"id", "name", "kind", "level"}) EXPECT_TRUE(j["org"].contains(k)) << k;
  EXPECT_EQ(j["id"], "2");
  EXPECT_TRUE(j["org"]["parent"].is_null());
}

TEST(frames, ok_error_and_every_error_code) {
  auto ok = json::parse(ok_frame("r1", {{"thread", "3"}, {"seq", 4}}));
  EXPECT_EQ(ok["type"], "ok");
  EXPECT_EQ(ok["rid"], "r1");
  EXPECT_EQ(ok["seq"], 4);
  for (errc c : {errc::bad_request, errc::unknown_type, errc::unauthenticated, errc::forbidden, errc::not_found,
                 errc::conflict, errc::too_large, errc::rate_limited, errc::internal}) {
    auto e = json::parse(error_frame(std::string("r2"), c, "msg"));
    EXPECT_EQ(e["type"], "error");
    EXPECT_EQ(e["rid"], "r2");
    EXPECT_EQ(e["code"], std::string(to_string(c)));
    EXPECT_EQ(errc_from_string(to_string(c)), c);
  }
  EXPECT_TRUE(json::parse(error_frame(std::nullopt, errc::bad_request, "m"))["rid"].is_null());
  EXPECT_FALSE(errc_from_string("nonsense"));
}

TEST(frames, the_result_cannot_override_type_or_rid) {
  auto ok = json::parse(ok_frame("r1", {{"type", "error"}, {"rid", "evil"}}));
  EXPECT_EQ(ok["type"], "ok");
  EXPECT_EQ(ok["rid"], "r1");
}

TEST(utf8, length_counts_code_points) {
  EXPECT_EQ(utf8_length("abc"), 3u);
  EXPECT_EQ(utf8_length("调解"), 2u);
  EXPECT_EQ(utf8_length(""), 0u);
}

}  // namespace
}  // namespace mediation::protocol
