// The identity slice's reads as plain functions, on SQLite and MariaDB, without a server.
#include "server/admin/seed.hpp"
#include "server/identity/identity_logic.hpp"
#include "tests/server/store/store_fixture.hpp"

namespace mediation::store {
namespace {

using identity_logic = store_test;
namespace identity = app::identity;

TEST_P(identity_logic, the_directory_is_for_the_networks_staff) {
  app::seed_demo(*sql_);
  const auto li = actor_of(*sql_, "officer.li");
  const auto lawyer = actor_of(*sql_, "lawyer.chen");
  EXPECT_EQ(identity::orgs_list(*sql_, li, {})["orgs"].size(), 6u);
  EXPECT_EQ(identity::users_list(*sql_, li, {})["users"].size(), 8u);
  protocol::users_list_request one;
  one.org = li.v.org_id;
  for (const auto& u : identity::users_list(*sql_, li, one)["users"])
    EXPECT_EQ(u["org"]["id"], protocol::id_to_wire(li.v.org_id));
  // A lawyer of the network sees the organisations, not the people; a guest neither.
  EXPECT_EQ(identity::orgs_list(*sql_, lawyer, {})["orgs"].size(), 6u);
  EXPECT_EQ(error_of([&] { identity::users_list(*sql_, lawyer, {}); }), protocol::errc::forbidden);
  auto guest = lawyer;
  guest.v.role = "guest";
  EXPECT_EQ(error_of([&] { identity::orgs_list(*sql_, guest, {}); }), protocol::errc::forbidden);
}

STORE_SUITE(identity_logic);

}  // namespace
}  // namespace mediation::store
