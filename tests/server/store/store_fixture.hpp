#pragma once
// Storage test fixture: a fresh migrated database per test, on SQLite or MariaDB by parameter.

#include <functional>
#include <memory>
#include <string>

#include <gtest/gtest.h>
#include <soci/soci.h>

#include "server/store/batched_writer.hpp"
#include "server/core/actor.hpp"
#include "server/core/deadlines.hpp"
#include "server/core/personal_data.hpp"
#include "server/core/settings.hpp"
#include "server/core/verb_checks.hpp"
#include "server/store/database.hpp"
#include "server/store/identity_repo.hpp"
#include "server/store/event_repo.hpp"
#include "server/store/migrations.hpp"
#include "tests/support/test_db.hpp"

namespace mediation::store {

class store_test : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    tdb_ = std::make_unique<test::test_db>(GetParam());
    if (!tdb_->available()) GTEST_SKIP() << tdb_->skip_reason();
    db_ = std::make_unique<database>(tdb_->url(), 2);
    sql_ = std::make_unique<soci::session>(db_->pool());
    migrate(*sql_, db_->kind());
  }
  void TearDown() override {
    sql_.reset();
    db_.reset();
    tdb_.reset();
  }
  std::unique_ptr<test::test_db> tdb_;
  std::unique_ptr<database> db_;
  std::unique_ptr<soci::session> sql_;
};

// Runs `fn` in a committed transaction, as the batched writer would.
template <class Fn>
auto in_tx(soci::session& sql, long long now, Fn fn) {
  soci::transaction tr(sql);
  transaction_memo memo;
  write_context ctx(sql, now, memo);
  auto r = fn(ctx);
  flush_pending_events(sql, memo);
  flush_thread_heads(sql, memo);
  tr.commit();
  return r;
}

// The actor of a demo user (app::seed_demo) by username, for verb logic called directly.
inline app::actor actor_of(soci::session& sql, const std::string& username) {
  auto u = *find_user(sql, find_login(sql, username)->user_id);
  return app::actor{app::viewer{u.id, u.org.id, u.role}, author{u.id, u.name}, "127.0.0.1:1"};
}

// What verb logic reads of the server (app::verb_env), built from a fixed test key and the defaults.
struct test_env {
  app::personal_data personal{app::personal_data::key_type{7, 1, 2, 3}};
  app::deadlines::workflow_config workflow;
  app::settings cfg;
  app::verb_env env() const { return app::verb_env{personal, workflow, cfg}; }
};

// The code of the protocol::error `fn` throws (a test failure if it throws none).
inline protocol::errc error_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const protocol::error& e) {
    return e.code();
  }
  ADD_FAILURE() << "no protocol error";
  return protocol::errc::internal;
}

#define STORE_SUITE(name) \
  INSTANTIATE_TEST_SUITE_P(backends, name, ::testing::ValuesIn(mediation::test::backends))

}  // namespace mediation::store
