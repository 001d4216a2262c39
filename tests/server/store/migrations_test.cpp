#include <gtest/gtest.h>

#include "server/store/migrations.hpp"

namespace mediation::store {
namespace {

TEST(migrations, statements_split_at_line_end_semicolons) {
  auto s = split_statements("-- comment\nCREATE TABLE a (x INT);\n\nCREATE TABLE b (\n  y INT\n);\nINSERT INTO a VALUES (1)");
  ASSERT_EQ(s.size(), 3u);
  EXPECT_EQ(s[0], "CREATE TABLE a (x INT)");
  EXPECT_EQ(s[1], "CREATE TABLE b (\ny INT\n)");
  EXPECT_EQ(s[2], "INSERT INTO a VALUES (1)");
}

TEST(migrations, trigger_bodies_stay_whole) {
  auto s = split_statements(
      "CREATE TRIGGER t BEFORE UPDATE ON a FOR EACH ROW BEGIN\n  SELECT RAISE(ABORT, 'no');\nEND;\nCREATE TABLE c (z INT);");
  ASSERT_EQ(s.size(), 2u);
  EXPECT_NE(s[0].find("RAISE"), std::string::npos);
  EXPECT_EQ(s[0].substr(s[0].size() - 3), "END");
  EXPECT_EQ(s[1], "CREATE TABLE c (z INT)");
}

TEST(migrations, both_backends_have_the_same_versions) {
  std::set<int> sqlite, mysql;
  for (const auto& m : embedded_migrations()) (std::string(m.backend) == "sqlite" ? sqlite : mysql).insert(m.version);
  EXPECT_FALSE(sqlite.empty());
  EXPECT_EQ(sqlite, mysql);
}

}  // namespace
}  // namespace mediation::store
