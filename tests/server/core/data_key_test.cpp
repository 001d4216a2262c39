// The data key belongs to its database (core/data_key.hpp), on SQLite and MariaDB: a new database
// gets a new key and records its fingerprint; another key is refused naming the file and both
// fingerprints; a missing key is never made again once a fingerprint is recorded.
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "server/core/data_key.hpp"
#include "server/store/settings_repo.hpp"
#include "tests/server/store/store_fixture.hpp"

namespace mediation::app {
namespace {

using data_key = store::store_test;

std::string write_key(const std::string& path, const std::string& hex) {
  std::ofstream(path) << hex << "\n";
  ::chmod(path.c_str(), 0600);
  return path;
}

TEST_P(data_key, a_new_database_gets_a_new_key_and_records_its_fingerprint) {
  const std::string path = tdb_->dir() + "/keys/data.key";
  auto plan = check_data_key(*sql_, db_->kind(), path, true);
  EXPECT_FALSE(plan.key);
  EXPECT_FALSE(std::filesystem::exists(path));  // deciding changes nothing
  auto key = settle_data_key(*sql_, db_->kind(), std::move(plan), true);
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(store::read_setting(*sql_, db_->kind(), "data_key_fingerprint"), key.fingerprint());
  // The next start reads the same key and finds its fingerprint.
  auto again = check_data_key(*sql_, db_->kind(), path, true);
  ASSERT_TRUE(again.key);
  EXPECT_FALSE(again.record);
  EXPECT_EQ(again.key->fingerprint(), key.fingerprint());
}

TEST_P(data_key, another_key_is_refused_naming_the_file_and_both_fingerprints) {
  const std::string mine = write_key(tdb_->dir() + "/mine.key", std::string(64, '0'));
  settle_data_key(*sql_, db_->kind(), check_data_key(*sql_, db_->kind(), mine, true), true);
  const std::string other = write_key(tdb_->dir() + "/other.key", std::string(64, '1'));
  try {
    check_data_key(*sql_, db_->kind(), other, true);
    FAIL() << "another key was accepted";
  } catch (const data_key_refused& e) {
    const std::string what = e.what();
    EXPECT_EQ(e.expected, "66687aadf862bd776c8fc18b8e9f8e20089714856ee233b3902a591d0d5f2925");
    EXPECT_EQ(e.found, "02d449a31fbb267c8f352e9968a79e3e5fc95c1bbeaa502fd6454ebde5a4bedc");
    EXPECT_NE(what.find(other), std::string::npos) << what;
    EXPECT_NE(what.find(e.expected), std::string::npos) << what;
    EXPECT_NE(what.find(e.found), std::string::npos) << what;
  }
  EXPECT_EQ(store::read_setting(*sql_, db_->kind(), "data_key_fingerprint"),
            "66687aadf862bd776c8fc18b8e9f8e20089714856ee233b3902a591d0d5f2925");
}

TEST_P(data_key, a_missing_key_is_never_made_again_once_a_fingerprint_is_recorded) {
  const std::string path = tdb_->dir() + "/data.key";
  settle_data_key(*sql_, db_->kind(), check_data_key(*sql_, db_->kind(), path, true), true);
  std::filesystem::remove(path);
  try {
    check_data_key(*sql_, db_->kind(), path, true);
    FAIL() << "a missing key was planned to be made";
  } catch (const data_key_refused& e) {
    EXPECT_NE(std::string(e.what()).find("Restore the key file"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
  }
  EXPECT_FALSE(std::filesystem::exists(path));
  // The admin tool never makes a key, even for a new database.
  EXPECT_THROW(check_data_key(*sql_, db_->kind(), tdb_->dir() + "/none.key", false), data_key_refused);
}

INSTANTIATE_TEST_SUITE_P(backends, data_key, ::testing::ValuesIn(mediation::test::backends));

}  // namespace
}  // namespace mediation::app
