#include "server/identity/identity_logic.hpp"

#include <soci/soci.h>

#include "server/store/identity_repo.hpp"

namespace mediation::app::identity {

using nlohmann::json;
using protocol::errc;

json orgs_list(soci::session& sql, const actor& who, const protocol::orgs_list_request&) {
  // A guest (an invited outsider) sees the case and meeting they are invited to, and nothing else.
  if (who.v.role == "guest") throw protocol::error(errc::forbidden, "guests may not browse the directory");
  return {{"orgs", store::list_orgs(sql)}};
}

json users_list(soci::session& sql, const actor& who, const protocol::users_list_request& r) {
  // The directory is for the network's own staff; invited outsiders see only their case.
  if (!is_case_worker(who.v.role) && who.v.role != roles::administrator)
    throw protocol::error(errc::forbidden, "your role may not browse the directory");
  return {{"users", store::list_users(sql, r.org)}};
}

}  // namespace mediation::app::identity
