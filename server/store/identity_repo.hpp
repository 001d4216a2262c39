#pragma once
// SQL for organisations, users and login sessions. Throws soci errors on database failure.

#include <optional>
#include <string>
#include <vector>

#include "protocol/messages/common.hpp"
#include "server/store/batched_writer.hpp"

namespace mediation::store {

struct login_row {
  long long user_id = 0;
  std::string password_hash;
  bool disabled = false;
};

// The account whose normalised username (app::normalise_username) is exactly `username_key`:
// a byte-wise comparison on both databases (users.username_key), never MySQL's case- and
// trailing-space-insensitive collation.
std::optional<login_row> find_login(soci::session& sql, const std::string& username_key);
std::optional<protocol::user_view> find_user(soci::session& sql, long long id);
// Active staff of `org` (or all), without guest and system accounts, ordered by organisation.
std::vector<protocol::user_view> list_users(soci::session& sql, std::optional<long long> org);
std::vector<protocol::org_view> list_orgs(soci::session& sql);
std::optional<protocol::org_view> find_org(soci::session& sql, long long id);

// Login sessions: only the SHA-256 of the token is stored.
void insert_auth_session(write_context& ctx, long long user_id, const std::string& token_hash,
                         long long expires_at, const std::string& remote);
// The user of a valid (known, unexpired, unrevoked) token hash.
std::optional<long long> auth_session_user(soci::session& sql, const std::string& token_hash, long long now);
// Revokes the session; false when there is no such unrevoked session.
bool revoke_auth_session(write_context& ctx, const std::string& token_hash);

// Set-up (seed, administration).
long long insert_org(soci::session& sql, const std::string& name, const std::string& name_en,
                     const std::string& short_name, const std::string& kind, const std::string& level,
                     std::optional<long long> parent, long long now);
// `username` must already be normalised (app::normalise_username); it is stored as the login key
// too. Throws a soci error when the name is taken (the unique key on users.username_key).
long long insert_user(soci::session& sql, long long org_id, const std::string& username,
                      const std::string& name, const std::string& role, const std::string& password_hash,
                      long long now);
long long count_orgs(soci::session& sql);

// The organisation tree: `org`'s ancestors, nearest first; `org` and all below it.
std::vector<long long> ancestors(soci::session& sql, long long org);
std::vector<long long> subtree(soci::session& sql, long long org);

}  // namespace mediation::store
