// Migrations on real databases (SQLite and MariaDB): the true version before and after, a schema
// newer than this binary refused before any change, and on MariaDB (where DDL commits by itself) a
// migration that failed midway, or was half-applied by a release that recorded no steps, completing
// when run again.
#include <gtest/gtest.h>
#include <soci/soci.h>

#include "server/store/database.hpp"
#include "server/store/migrations.hpp"
#include "tests/support/test_db.hpp"

namespace mediation::store {
namespace {

class migrations_db : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    tdb_ = std::make_unique<test::test_db>(GetParam());
    if (!tdb_->available()) GTEST_SKIP() << tdb_->skip_reason();
    db_ = std::make_unique<database>(tdb_->url(), 2);
  }
  void TearDown() override {
    db_.reset();
    tdb_.reset();
  }
  bool mysql() const { return GetParam() == "mysql"; }
  long long count(soci::session& sql, const std::string& query) {
    long long n = 0;
    sql << query, soci::into(n);
    return n;
  }
  // The statements of migration `version` on this backend.
  std::vector<std::string> statements(int version) {
    for (const auto& m : embedded_migrations())
      if (m.version == version && std::string(m.backend) == GetParam()) return split_statements(m.sql);
    return {};
  }
  // Brings a new database to version 1 by hand, as a release of that time left it.
  void at_version_one(soci::session& sql) {
    for (const auto& stmt : statements(1)) sql << stmt;
    sql << "CREATE TABLE schema_migrations (version INTEGER NOT NULL PRIMARY KEY, name VARCHAR(200) NOT NULL, "
           "applied_at BIGINT NOT NULL)";
    sql << "INSERT INTO schema_migrations (version, name, applied_at) VALUES (1, 'foundation', 0)";
  }
  // How many triggers the MariaDB migrations create.
  static long long mysql_triggers() {
    long long n = 0;
    for (const auto& m : embedded_migrations())
      if (std::string(m.backend) == "mysql")
        for (const auto& stmt : split_statements(m.sql)) n += stmt.rfind("CREATE TRIGGER", 0) == 0;
    return n;
  }
  long long triggers(soci::session& sql) {
    return count(sql, mysql() ? "SELECT COUNT(*) FROM information_schema.triggers WHERE trigger_schema = DATABASE()"
                              : "SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger'");
  }
  std::unique_ptr<test::test_db> tdb_;
  std::unique_ptr<database> db_;
};

TEST_P(migrations_db, report_the_true_version_before_and_after) {
  soci::session sql(db_->pool());
  const int known = known_schema_version();
  EXPECT_GE(known, 8);
  EXPECT_EQ(schema_version(sql, db_->kind()), 0);
  auto first = migrate(sql, db_->kind());
  EXPECT_EQ(first.before, 0);
  EXPECT_EQ(first.after, known);
  EXPECT_EQ(static_cast<int>(first.applied.size()), known);
  // On an up-to-date schema the version is still the schema's, not the number applied (which
  // `mediation-admin migrate` used to print: "schema version 0" on a version-5 schema).
  auto again = migrate(sql, db_->kind());
  EXPECT_EQ(again.before, known);
  EXPECT_EQ(again.after, known);
  EXPECT_TRUE(again.applied.empty());
  EXPECT_EQ(schema_version(sql, db_->kind()), known);
}

TEST_P(migrations_db, refuse_a_schema_newer_than_this_binary_knows_and_change_nothing) {
  soci::session sql(db_->pool());
  migrate(sql, db_->kind());
  const int newer = known_schema_version() + 1;
  sql << "INSERT INTO schema_migrations (version, name, applied_at) VALUES (" + std::to_string(newer) +
             ", 'from_a_later_release', 0)";
  try {
    migrate(sql, db_->kind());
    FAIL() << "a newer schema was migrated";
  } catch (const refused& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("version " + std::to_string(newer)), std::string::npos) << what;
    EXPECT_NE(what.find("up to " + std::to_string(known_schema_version())), std::string::npos) << what;
  }
  EXPECT_THROW(check_schema_not_newer(sql, db_->kind()), refused);
  EXPECT_EQ(schema_version(sql, db_->kind()), newer);
}

TEST_P(migrations_db, a_migration_that_failed_midway_completes_when_run_again) {
  soci::session sql(db_->pool()), blocker(db_->pool());
  at_version_one(sql);
  // Migration 002 alters `cases` and then creates triggers on `audit`. Another connection holding
  // `audit` in an open transaction makes the trigger step wait for its lock, and give up after a second.
  if (mysql()) {
    sql << "SET SESSION lock_wait_timeout = 1";
    blocker.begin();
    count(blocker, "SELECT COUNT(*) FROM audit");
  } else {
    blocker << "PRAGMA busy_timeout = 0";
    blocker << "BEGIN IMMEDIATE";  // holds SQLite's write lock
    sql << "PRAGMA busy_timeout = 1000";
  }
  try {
    migrate(sql, db_->kind());
    FAIL() << "the migration did not fail";
  } catch (const refused& e) {
    FAIL() << e.what();
  } catch (const std::exception& e) {
    if (mysql()) EXPECT_NE(std::string(e.what()).find("migration 002_workflow failed at step"), std::string::npos) << e.what();
  }
  EXPECT_EQ(schema_version(sql, db_->kind()), 1);
  if (mysql()) {
    // The ALTERs before the trigger ran (MariaDB commits DDL at once) and are recorded as steps.
    EXPECT_GT(count(sql, "SELECT COUNT(*) FROM schema_migration_steps WHERE version = 2"), 0);
    EXPECT_EQ(count(sql, "SELECT COUNT(*) FROM information_schema.columns WHERE table_schema = DATABASE() "
                         "AND table_name = 'cases' AND column_name = 'handling_org_id'"),
              1);
    blocker.rollback();
  } else {
    blocker << "ROLLBACK";
  }
  // The cause is gone: run again. No "Duplicate column name".
  auto r = migrate(sql, db_->kind());
  EXPECT_EQ(r.before, 1);
  EXPECT_EQ(r.after, known_schema_version());
  if (mysql())
    EXPECT_EQ(triggers(sql), mysql_triggers());
  else
    EXPECT_GT(triggers(sql), 0);
  EXPECT_EQ(count(sql, "SELECT COUNT(*) FROM search_progress"), 1);
}

TEST_P(migrations_db, a_migration_half_applied_by_an_older_release_completes) {
  if (!mysql()) GTEST_SKIP() << "SQLite runs each migration in one transaction";
  soci::session sql(db_->pool());
  at_version_one(sql);
  // A release before 0.2.0 recorded no steps: it ran 002's statements up to the first trigger (which
  // MariaDB refused: binary log on), committing each, and stopped.
  for (const auto& stmt : statements(2)) {
    if (stmt.rfind("CREATE TRIGGER", 0) == 0) break;
    sql << stmt;
  }
  auto r = migrate(sql, db_->kind());
  EXPECT_EQ(r.before, 1);
  EXPECT_EQ(r.after, known_schema_version());
  EXPECT_EQ(count(sql, "SELECT COUNT(*) FROM search_progress"), 1);
}

TEST_P(migrations_db, every_mariadb_step_can_run_again_without_changing_the_schema) {
  if (!mysql()) GTEST_SKIP() << "SQLite runs each migration in one transaction";
  soci::session sql(db_->pool());
  migrate(sql, db_->kind());
  auto shape = [&] {
    std::string all;
    soci::rowset<soci::row> rows =
        (sql.prepare << "SELECT CONCAT(table_name, '.', column_name, ' ', column_type, ' ', is_nullable) FROM "
                        "information_schema.columns WHERE table_schema = DATABASE() ORDER BY table_name, column_name");
    for (const auto& row : rows) all += row.get<std::string>(0) + "\n";
    return all;
  };
  const std::string before = shape();
  const long long indexes = count(sql, "SELECT COUNT(*) FROM information_schema.statistics WHERE table_schema = DATABASE()");
  const long long keys = count(sql, "SELECT COUNT(*) FROM information_schema.referential_constraints "
                                    "WHERE constraint_schema = DATABASE()");
  // Forget every record: each statement of each migration runs a second time.
  sql << "DELETE FROM schema_migrations";
  sql << "DELETE FROM schema_migration_steps";
  auto r = migrate(sql, db_->kind());
  EXPECT_EQ(r.after, known_schema_version());
  EXPECT_EQ(shape(), before);
  EXPECT_EQ(count(sql, "SELECT COUNT(*) FROM information_schema.statistics WHERE table_schema = DATABASE()"), indexes);
  EXPECT_EQ(count(sql, "SELECT COUNT(*) FROM information_schema.referential_constraints WHERE constraint_schema = DATABASE()"),
            keys);
  EXPECT_EQ(triggers(sql), mysql_triggers());
  EXPECT_EQ(count(sql, "SELECT COUNT(*) FROM search_progress"), 1);
}

INSTANTIATE_TEST_SUITE_P(backends, migrations_db, ::testing::ValuesIn(mediation::test::backends));

}  // namespace
}  // namespace mediation::store
