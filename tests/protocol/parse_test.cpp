#include <gtest/gtest.h>

#include "protocol/frames.hpp"
#include "protocol/parse.hpp"

namespace mediation::protocol {
namespace {

parse_failure fails(std::string_view text) {
  auto p = parse_frame(text);
  auto* f = std::get_if<parse_failure>(&p.result);
  EXPECT_NE(f, nullptr) << text;
  return f ? *f : parse_failure{errc::internal, ""};
}

template <class T>
T parses(std::string_view text) {
  auto p = parse_frame(text);
  auto* f = std::get_if<parse_failure>(&p.result);
  EXPECT_EQ(f, nullptr) << text << ": " << (f ? f->message : "");
  const auto* r = std::get_if<request>(&p.result);
  EXPECT_NE(r, nullptr);
  const T* t = r ? std::get_if<T>(r) : nullptr;
  EXPECT_NE(t, nullptr) << text;
  return t ? *t : T{};
}

TEST(parse_frame, not_json_is_bad_request_without_rid) {
  auto p = parse_frame("{nope");
  EXPECT_FALSE(p.rid);
  EXPECT_EQ(std::get<parse_failure>(p.result).code, errc::bad_request);
  EXPECT_EQ(fails("[]").code, errc::bad_request);
  EXPECT_EQ(fails("42").code, errc::bad_request);
  EXPECT_EQ(fails("\"\xff\"").code, errc::bad_request);  // invalid UTF-8
}

TEST(parse_frame, rid_and_type_are_required_strings) {
  EXPECT_EQ(fails(R"({"type":"orgs.list"})").code, errc::bad_request);
  EXPECT_EQ(fails(R"({"type":"orgs.list","rid":5})").code, errc::bad_request);
  auto p = parse_frame(R"({"rid":"a"})");
  EXPECT_EQ(p.rid, "a");
  EXPECT_EQ(std::get<parse_failure>(p.result).code, errc::bad_request);
  EXPECT_EQ(fails(R"({"rid":"a","type":1})").code, errc::bad_request);
  EXPECT_EQ(fails(R"({"rid":")" + std::string(129, 'r') + R"(","type":"orgs.list"})").code, errc::bad_request);
}

TEST(parse_frame, unknown_type_keeps_the_rid) {
  auto p = parse_frame(R"({"rid":"r9","type":"case.teleport"})");
  EXPECT_EQ(p.rid, "r9");
  EXPECT_EQ(std::get<parse_failure>(p.result).code, errc::unknown_type);
}

TEST(parse_frame, every_verb_parses) {
  parses<auth_request>(R"({"rid":"1","type":"auth","token":"abc"})");
  parses<orgs_list_request>(R"({"rid":"1","type":"orgs.list"})");
  EXPECT_EQ(parses<users_list_request>(R"({"rid":"1","type":"users.list","org":"3"})").org, 3);
  auto cc = parses<case_create_request>(
      R"({"rid":"1","type":"case.create","title":"欠薪","category":"labour_wages","channel":"grid",)"
      R"("description":"d","parties":[{"role":"petitioner","name":"王五"}]})");
  EXPECT_EQ(cc.title, "欠薪");
  ASSERT_EQ(cc.parties.size(), 1u);
  EXPECT_EQ(cc.parties[0].name, "王五");
  EXPECT_EQ(parses<case_get_request>(R"({"rid":"1","type":"case.get","case":"12"})").case_id, 12);
  parses<case_list_request>(R"({"rid":"1","type":"case.list"})");
  auto h = parses<case_handoff_request>(R"({"rid":"1","type":"case.handoff","case":"1","to_org":2,"note":"n","due":"2026-12-01"})");
  EXPECT_EQ(h.to_org, 2);
  EXPECT_EQ(h.due, "2026-12-01");
  parses<case_accept_request>(R"({"rid":"1","type":"case.accept","case":"1"})");
  EXPECT_EQ(parses<case_decline_request>(R"({"rid":"1","type":"case.decline","case":"1","reason":"r"})").reason, "r");
  EXPECT_EQ(parses<case_invite_request>(R"({"rid":"1","type":"case.invite","case":"1","user":"8","capacity":"professional"})").user, 8);
  EXPECT_EQ(parses<case_invite_request>(
                R"({"rid":"1","type":"case.invite","case":"1","user":"8","capacity":"representative","side":"petitioner"})")
                .side,
            "petitioner");
  EXPECT_EQ(parses<meeting_set_side_request>(
                R"({"rid":"1","type":"meeting.set_side","meeting":"3","user":"8","side":"respondent"})")
                .side,
            "respondent");
  auto s = parses<subscribe_request>(R"({"rid":"1","type":"subscribe","thread":"4","since":0})");
  EXPECT_EQ(s.since, 0);
  EXPECT_FALSE(parses<subscribe_request>(R"({"rid":"1","type":"subscribe","thread":"4"})").since);
  parses<unsubscribe_request>(R"({"rid":"1","type":"unsubscribe","thread":"4"})");
  auto p = parses<post_request>(R"({"rid":"1","type":"post","thread":"4","cmid":"c1","body":"你好"})");
  EXPECT_EQ(p.body, "你好");
  auto hi = parses<history_request>(R"({"rid":"1","type":"history","thread":"4"})");
  EXPECT_EQ(hi.limit, 50);
  EXPECT_FALSE(hi.before);
  parses<typing_request>(R"({"rid":"1","type":"typing","thread":"4"})");
  EXPECT_EQ(parses<read_request>(R"({"rid":"1","type":"read","thread":"4","seq":7})").seq, 7);
  parses<read_list_request>(R"({"rid":"1","type":"read.list","thread":"4"})");
}

TEST(parse_frame, fields_are_validated) {
  EXPECT_EQ(fails(R"({"rid":"1","type":"post","thread":"4","cmid":"c"})").code, errc::bad_request);
  EXPECT_EQ(fails(R"({"rid":"1","type":"post","thread":"x4","cmid":"c","body":"b"})").code, errc::bad_request);
  EXPECT_EQ(fails(R"({"rid":"1","type":"post","thread":"0","cmid":"c","body":"b"})").code, errc::bad_request);
  EXPECT_EQ(fails(R"({"rid":"1","type":"post","thread":-4,"cmid":"c","body":"b"})").code, errc::bad_request);
  // 0 is no id, as a number as well as a string (a case found by fuzz/parse_frame_fuzz).
  EXPECT_EQ(fails(R"({"rid":"1","type":"history","thread":0,"limit":1})").code, errc::bad_request);
  EXPECT_EQ(fails(R"({"rid":"1","type":"post","thread":9223372036854775808,"cmid":"c","body":"b"})").code,
            errc::bad_request);
  EXPECT_EQ(fails(R"({"rid":"1","type":"post","thread":"4","cmid":"","body":"b"})").code, errc::bad_request);
  EXPECT_EQ(fails(R"({"rid":"1","type":"post","thread":"4","cmid":"c","body":7})").code, errc::bad_request);
  EXPECT_EQ(fails(R"({"rid":"1","type":"subscribe","thread":"4","since":-1})").code, errc::bad_request);
  EXPECT_EQ(fails(R"({"rid":"1","type":"subscribe","thread":"4","since":1.5})").code, errc::bad_request);
  EXPECT_EQ(fails(R"({"rid":"1","type":"history","thread":"4","limit":0})").code, errc::bad_request);
  EXPECT_EQ(fails(R"({"rid":"1","type":"history","thread":"4","limit":201})").code, errc::bad_request);
  EXPECT_EQ(fails(R"({"rid":"1","type":"case.create","title":"t","category":"x","channel":"fax"})").code,
            errc::bad_request);
  EXPECT_EQ(fails(R"({"rid":"1","type":"case.create","title":"t","category":"Bad Cat","channel":"visit"})").code,
            errc::bad_request);
  EXPECT_EQ(fails(R"({"rid":"1","type":"case.create","title":"t","category":"x","channel":"visit","parties":{}})").code,
            errc::bad_request);
  EXPECT_EQ(fails(R"({"rid":"1","type":"case.decline","case":"1","reason":"  "})").code, errc::bad_request);
}

TEST(parse_frame, oversized_fields_are_too_large_or_bad_request) {
  std::string body(limits::body + 1, 'x');
  EXPECT_EQ(fails(R"({"rid":"1","type":"post","thread":"4","cmid":"c","body":")" + body + "\"}").code, errc::too_large);
  // Characters, not bytes: 10000 Chinese characters fit.
  std::string zh;
  for (int i = 0; i < 10000; ++i) zh += "调";
  parses<post_request>(R"({"rid":"1","type":"post","thread":"4","cmid":"c","body":")" + zh + "\"}");
  std::string cmid(65, 'c');
  EXPECT_EQ(fails(R"({"rid":"1","type":"post","thread":"4","cmid":")" + cmid + R"(","body":"b"})").code,
            errc::bad_request);
  nlohmann::json many = nlohmann::json::array();
  for (int i = 0; i < 51; ++i) many.push_back({{"role", "petitioner"}, {"name", "n"}});
  nlohmann::json cc{{"rid", "1"}, {"type", "case.create"}, {"title", "t"}, {"category", "x"}, {"channel", "visit"}, {"parties", many}};
  EXPECT_EQ(fails(cc.dump()).code, errc::too_large);
}

TEST(parse_frame, deeply_nested_json_is_parsed_without_recursion_trouble) {
  // 5,000 levels of nesting in an ignored field: parsed (nlohmann's parser keeps its own stack),
  // and the request is what its type says.
  std::string deep = R"({"rid":"1","type":"orgs.list","x":)" + std::string(5000, '[') + std::string(5000, ']') + "}";
  auto p = parse_frame(deep);
  EXPECT_EQ(p.rid, "1");
  ASSERT_TRUE(std::holds_alternative<request>(p.result));
  EXPECT_TRUE(std::holds_alternative<orgs_list_request>(std::get<request>(p.result)));
  // Unbalanced nesting is refused, not crashed on.
  EXPECT_EQ(fails(R"({"rid":"1","type":"orgs.list","x":)" + std::string(5000, '[') + "}").code, errc::bad_request);
}

TEST(request_types, lists_every_verb_once) {
  auto types = request_types();
  EXPECT_EQ(types.size(), std::variant_size_v<request>);
  std::set<std::string_view> unique(types.begin(), types.end());
  EXPECT_EQ(unique.size(), types.size());
  EXPECT_TRUE(unique.count("post"));
  EXPECT_TRUE(unique.count("case.handoff"));
}

}  // namespace
TEST(parse_frame, invitations_and_sides_are_explicit) {
  // An invitation carries a capacity; a representative a party's side, and only a representative.
  EXPECT_EQ(fails(R"({"rid":"1","type":"case.invite","case":"1","user":"8"})").code, errc::bad_request);
  EXPECT_EQ(fails(R"({"rid":"1","type":"case.invite","case":"1","user":"8","capacity":"representative"})").code,
            errc::bad_request);
  EXPECT_EQ(fails(R"({"rid":"1","type":"case.invite","case":"1","user":"8","capacity":"professional","side":"petitioner"})")
                .code,
            errc::bad_request);
  EXPECT_EQ(fails(R"({"rid":"1","type":"case.invite","case":"1","user":"8","capacity":"friend"})").code,
            errc::bad_request);
  // A meeting guest is always on a party's side.
  EXPECT_EQ(fails(R"({"rid":"1","type":"meeting.invite_guest","meeting":"1","name":"张三"})").code, errc::bad_request);
  EXPECT_EQ(fails(R"({"rid":"1","type":"meeting.invite_guest","meeting":"1","name":"张三","side":"neutral"})").code,
            errc::bad_request);
  EXPECT_EQ(fails(R"({"rid":"1","type":"meeting.set_side","meeting":"1","user":"2","side":"both"})").code,
            errc::bad_request);
}

}  // namespace mediation::protocol
