#pragma once
// An account's life cycle in mediation-admin: list, disable (ending its live sessions), enable,
// delete (pseudonymised: the person's name and login name are replaced, the account can never sign
// in again, and every record that names the account by id stays), change role or organisation.
// Each change runs in one transaction with an audit row naming the operating-system user and host.
// A change of role or organisation ends the account's sessions, so that no open socket keeps what
// the account had; a change of organisation also withdraws the seal right and the leader ownership
// (包案) of cases, which belonged to the old organisation.

#include <iosfwd>
#include <string>

#include "server/admin/admin_support.hpp"

namespace mediation::app::admin {

// Each returns the exit status (0 done); refusals throw (std::runtime_error: 1, usage_error: 2).
int list_users(const store::database& db, soci::session& sql, const options& o, std::ostream& out);
// `command` is one of disable-user, enable-user, delete-user, set-role, set-org.
int change_user(const store::database& db, soci::session& sql, const std::string& command, const options& o,
                std::ostream& out);

}  // namespace mediation::app::admin
