#pragma once
// Passwords and session tokens. Thread-safe. Password hashing is deliberately slow (argon2id,
// tens of milliseconds): call it on a database worker, never on an I/O thread.

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

}  // namespace mediation::app
