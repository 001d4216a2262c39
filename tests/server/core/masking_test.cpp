// Masking of personal data and the petitioner key.
#include <gtest/gtest.h>

#include "server/core/masking.hpp"

namespace mediation::app {
namespace {

TEST(masking, id_numbers_keep_four_and_four) {
  EXPECT_EQ(mask_id_number("370214198001011234"), "3702**********1234");
  EXPECT_EQ(mask_id_number("37021419800101123X"), "3702**********123X");
  EXPECT_EQ(mask_id_number("12345"), "****5");
  EXPECT_EQ(mask_id_number(""), "");
}

TEST(masking, phones_keep_three_and_four) {
  EXPECT_EQ(mask_phone("13812345678"), "138****5678");
  EXPECT_EQ(mask_phone("0532-88886666"), "053******6666");
  EXPECT_EQ(mask_phone("110"), "**0");
  EXPECT_EQ(mask_phone(""), "");
  // Never cuts a multi-byte character.
  EXPECT_EQ(mask_phone("电话一二三四五六七八"), "电话一***五六七八");
}

TEST(masking, the_petitioner_key_recognises_the_same_person) {
  auto a = petitioner_key("张三", "13812345678", "370214198001011234");
  auto b = petitioner_key("张 三", "", " 370214198001011234 ");
  ASSERT_TRUE(a);
  EXPECT_EQ(a, b);  // the ID number decides
  EXPECT_EQ(petitioner_key("张三", "", "37021419800101123x"), petitioner_key("李四", "", "37021419800101123X"));
  auto c = petitioner_key("张三", "138-1234-5678", "");
  EXPECT_EQ(c, petitioner_key(" 张三 ", "13812345678", ""));
  EXPECT_NE(c, petitioner_key("张三", "13812345679", ""));
  EXPECT_NE(c, a);
  EXPECT_FALSE(petitioner_key("张三", "", ""));
  EXPECT_EQ(a->size(), 64u);
}

}  // namespace
}  // namespace mediation::app
