// auth (the connection takes the user); orgs.list and users.list are in identity_logic.cpp
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
      self->reply_ok(rid, {{"user", user}, {"network", {{"time_zone", self->svc().cfg.time_zone}}}});
    };
  });
}

}  // namespace mediation::app
