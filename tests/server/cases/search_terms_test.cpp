// Search terms for Chinese and Latin text.
#include <gtest/gtest.h>

#include "server/cases/search_terms.hpp"

namespace mediation::app {
namespace {

TEST(search_terms, chinese_is_indexed_by_characters_and_pairs) {
  auto t = index_terms("拖欠工资");
  for (const char* term : {"拖", "欠", "工", "资", "拖欠", "欠工", "工资"}) EXPECT_TRUE(t.count(term)) << term;
  EXPECT_EQ(t.size(), 7u);
  // Punctuation breaks pairs.
  auto p = index_terms("工资，物业");
  EXPECT_FALSE(p.count("资物"));
  EXPECT_TRUE(p.count("物业"));
}

TEST(search_terms, latin_words_are_lower_cased) {
  auto t = index_terms("Property fee dispute, Unit 3B!");
  for (const char* term : {"property", "fee", "dispute", "unit", "3b"}) EXPECT_TRUE(t.count(term)) << term;
  auto mixed = index_terms("张三的ID是ABC123");
  EXPECT_TRUE(mixed.count("id"));
  EXPECT_TRUE(mixed.count("abc123"));
  EXPECT_TRUE(mixed.count("张三"));
  EXPECT_FALSE(mixed.count("的是"));  // not adjacent
}

TEST(search_terms, queries_need_the_pairs_of_their_words) {
  EXPECT_EQ(query_terms("工资"), (std::vector<std::string>{"工资"}));
  EXPECT_EQ(query_terms("拖欠工资"), (std::vector<std::string>{"拖欠", "欠工", "工资"}));
  EXPECT_EQ(query_terms("资"), (std::vector<std::string>{"资"}));
  EXPECT_EQ(query_terms("物业 Fee"), (std::vector<std::string>{"物业", "fee"}));
  EXPECT_TRUE(query_terms("  ，。 ").empty());
  // Every query term of a text is among its index terms.
  const std::string text = "荷花小区物业费纠纷 property fee";
  auto index = index_terms(text);
  for (const auto& q : query_terms("小区物业费 fee")) EXPECT_TRUE(index.count(q)) << q;
  // Invalid UTF-8 does not break anything.
  EXPECT_NO_THROW(index_terms(std::string("\xE5\xB7", 2)));
  EXPECT_NO_THROW(query_terms(std::string("\xFF\xFE", 2)));
}

}  // namespace
}  // namespace mediation::app
