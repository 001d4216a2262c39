// The server's checks of Chinese identifiers against the vectors the browser client is tested with
// too (tests/protocol/identifiers.json, tests/e2e/logic.test.mjs): both sides must agree.
#include "protocol/identifiers.hpp"

#include <fstream>
#include <functional>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace mediation::protocol {
namespace {

nlohmann::json vectors() {
  std::ifstream in(std::string(MEDIATION_SOURCE_DIR) + "/tests/protocol/identifiers.json");
  return nlohmann::json::parse(in);
}

void check(const char* kind, const std::function<bool(const std::string&)>& valid) {
  const auto v = vectors()[kind];
  ASSERT_FALSE(v["valid"].empty());
  for (const auto& s : v["valid"]) EXPECT_TRUE(valid(s.get<std::string>())) << kind << " " << s;
  for (const auto& s : v["invalid"]) EXPECT_FALSE(valid(s.get<std::string>())) << kind << " " << s;
}

TEST(identifiers, resident_id_numbers_need_the_gb_11643_check_digit_and_a_real_birth_date) {
  check("resident_id", [](const std::string& s) { return valid_resident_id(s, 20261202); });
}

TEST(identifiers, mobile_numbers) { check("mobile", [](const std::string& s) { return valid_mobile(s); }); }

TEST(identifiers, landline_numbers) { check("landline", [](const std::string& s) { return valid_landline(s); }); }

TEST(identifiers, unified_social_credit_codes_need_the_gb_32100_check_character) {
  check("credit_code", [](const std::string& s) { return valid_credit_code(s); });
}

TEST(identifiers, a_party_is_identified_by_a_resident_id_or_a_credit_code) {
  EXPECT_TRUE(valid_party_id("11010519491231002X"));
  EXPECT_TRUE(valid_party_id("91350100M000100Y43"));
  EXPECT_FALSE(valid_party_id("123"));
  EXPECT_TRUE(valid_phone("13800138000"));
  EXPECT_TRUE(valid_phone("010-12345678"));
  EXPECT_FALSE(valid_phone("abc"));
}

}  // namespace
}  // namespace mediation::protocol
