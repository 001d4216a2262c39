#include <set>

#include <gtest/gtest.h>

#include "server/app/credentials.hpp"

namespace mediation::app {
namespace {

TEST(credentials, passwords_hash_with_argon2id_and_verify) {
  std::string h = hash_password("mediate");
  EXPECT_EQ(h.rfind("$argon2id$", 0), 0u) << h;
  EXPECT_TRUE(verify_password(h, "mediate"));
  EXPECT_FALSE(verify_password(h, "Mediate"));
  EXPECT_FALSE(verify_password(h, ""));
  EXPECT_NE(hash_password("mediate"), h);  // a fresh salt each time
  EXPECT_FALSE(verify_password("not a hash", "mediate"));
  EXPECT_FALSE(verify_password("", "mediate"));
}

TEST(credentials, tokens_are_random_urlsafe_and_256_bits) {
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    std::string t = new_token();
    EXPECT_EQ(t.size(), 43u);
    EXPECT_EQ(t.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"), std::string::npos);
    seen.insert(t);
  }
  EXPECT_EQ(seen.size(), 100u);
}

TEST(credentials, token_hash_is_sha256_hex) {
  // SHA-256("abc")
  EXPECT_EQ(token_hash("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(token_hash(new_token()).size(), 64u);
}

}  // namespace
}  // namespace mediation::app
