#pragma once
// Passwords and session tokens. Thread-safe. Password hashing is deliberately slow (argon2id,
// tens of milliseconds): call it on a database worker, never on an I/O thread.

#include <optional>
#include <string>
#include <string_view>

namespace mediation::app {

// An argon2id hash in libsodium's self-describing string form ("$argon2id$v=19$m=...").
// Throws std::runtime_error when memory is short.
std::string hash_password(std::string_view password);
// True when `password` matches `hash`. Constant-time in the password; false for a malformed hash.
bool verify_password(std::string_view hash, std::string_view password);
// Verifies against a fixed hash, so that a login for an unknown user costs the same time.
void burn_password_check(std::string_view password);

// A new bearer token: 256 random bits, base64url without padding (43 characters).
std::string new_token();
// The stored form of a token: lower-case hex SHA-256 (64 characters).
std::string token_hash(std::string_view token);

// The one form of a username that is stored, looked up and throttled: Unicode NFKC, then case
// folding (re-normalised to NFKC), then Unicode white space trimmed from both ends. "LEADER.ZHAO",
// "Leader.zhao " and the full-width "ｌｅａｄｅｒ.ｚｈａｏ" all become "leader.zhao". Idempotent.
// Empty when `raw` is not valid UTF-8 or nothing is left. Throws std::bad_alloc when memory is short.
std::optional<std::string> normalise_username(std::string_view raw);
// Why a normalised username may not name a new account ("" when it may): at most 64 bytes,
// no white space, control or format characters (zero-width, bidirectional marks) inside.
std::string username_problem(std::string_view normalised);

// TURN REST credentials (the scheme coturn accepts with use-auth-secret): the user name is
// "<expiry, Unix seconds>:<user id>" and the password base64(HMAC-SHA1(secret, user name)), so a
// TURN server that knows only the shared secret admits the holder until the expiry and nobody
// ever receives a standing password.
struct turn_credential {
  std::string username, credential;
};
turn_credential turn_rest_credential(std::string_view secret, long long user_id, long long expires_unix_s);

}  // namespace mediation::app
