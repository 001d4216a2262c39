#pragma once
// What decides whether a login session still holds, read in bulk for the session watch
// (app/session_watch).

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace soci {
class session;
}

namespace mediation::store {

struct session_state {
  bool revoked = false;
  long long expires_at = 0;
  bool user_disabled = false;
  bool guest = false;  // made through a guest invitation
  bool invitation_revoked = false;
  long long invitation_until = 0;
};

// The state of each of `token_hashes` (SHA-256 hex) that exists; hashes that are not 64 hex digits
// are ignored. Runs one query per 200 hashes.
std::map<std::string, session_state> session_states(soci::session& sql, const std::vector<std::string>& token_hashes);

}  // namespace mediation::store
