// auth, orgs.list, users.list
#include <soci/soci.h>

#include "server/core/credentials.hpp"
#include "server/identity/verbs.hpp"
#include "server/store/identity_repo.hpp"
#include "server/base/time.hpp"

namespace mediation::app {

using protocol::errc;

void handle(client& c, const std::string& rid, const protocol::auth_request& r) {
  if (c.authenticated()) throw protocol::error(errc::conflict, "this connection is already authenticated");
  auto self = c.shared_from_this();
  const std::string hash = token_hash(r.token);
  c.query(rid, [self, rid, hash](soci::session& sql) -> client::continuation {
    auto user_id = store::auth_session_user(sql, hash, now_millis());
    if (!user_id) throw protocol::error(errc::unauthenticated, "the token is unknown, expired or revoked");
    auto user = store::find_user(sql, *user_id);
    if (!user) throw protocol::error(errc::unauthenticated, "the token's user no longer exists");
    return [self, rid, hash, user = *user] {
      if (self->authenticated()) {
        self->reply_error(rid, errc::conflict, "this connection is already authenticated");
        return;
      }
      self->set_user(user, hash);
      self->reply_ok(rid, {{"user", user}});
    };
  });
}

void handle(client& c, const std::string& rid, const protocol::orgs_list_request&) {
  // A guest (an invited outsider) sees the case and meeting they are invited to, and nothing else.
  if (c.user().role == "guest") throw protocol::error(errc::forbidden, "guests may not browse the directory");
  auto self = c.shared_from_this();
  c.query(rid, [self, rid](soci::session& sql) -> client::continuation {
    auto orgs = store::list_orgs(sql);
    return [self, rid, orgs = std::move(orgs)] { self->reply_ok(rid, {{"orgs", orgs}}); };
  });
}

void handle(client& c, const std::string& rid, const protocol::users_list_request& r) {
  // The directory is for the network's own staff; invited outsiders see only their case.
  if (!is_case_worker(c.user().role) && c.user().role != roles::administrator)
    throw protocol::error(errc::forbidden, "your role may not browse the directory");
  auto self = c.shared_from_this();
  c.query(rid, [self, rid, org = r.org](soci::session& sql) -> client::continuation {
    auto users = store::list_users(sql, org);
    return [self, rid, users = std::move(users)] { self->reply_ok(rid, {{"users", users}}); };
  });
}

}  // namespace mediation::app
