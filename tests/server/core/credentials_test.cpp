#include <set>

#include <gtest/gtest.h>

#include "server/core/credentials.hpp"

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

TEST(credentials, usernames_normalise_by_nfkc_case_folding_and_trimming) {
  for (const char* variant : {"leader.zhao", "Leader.zhao", "LEADER.ZHAO", "leader.zhao ", " \tLeader.Zhao\n",
                              "\uFF4C\uFF45\uFF41\uFF44\uFF45\uFF52.\uFF5A\uFF48\uFF41\uFF4F",  // full-width
                              "\u3000leader.zhao\u00A0", "\uFF2C\uFF25\uFF21\uFF24\uFF25\uFF32.zhao"})
    EXPECT_EQ(normalise_username(variant), "leader.zhao") << variant;
  EXPECT_EQ(normalise_username("Stra\u00DFe"), "strasse");         // full case folding
  EXPECT_EQ(normalise_username("\uFB01le"), "file");               // the ligature fi (NFKC)
  EXPECT_EQ(normalise_username("\u212Aelvin"), "kelvin");          // the Kelvin sign
  EXPECT_EQ(normalise_username("\u8D75\u56FD\u5F3A"), "\u8D75\u56FD\u5F3A");  // 赵国强 unchanged
  EXPECT_EQ(normalise_username("a b"), "a b");                     // only the ends are trimmed
  EXPECT_EQ(normalise_username(""), std::nullopt);
  EXPECT_EQ(normalise_username(" \u3000\t"), std::nullopt);        // nothing left
  EXPECT_EQ(normalise_username("bad\xff"), std::nullopt);          // not UTF-8
  // Idempotent: a stored (normalised) name normalises to itself.
  for (const char* s : {"Leader.Zhao", "\u0130stanbul", "\u01C5", "\u0345x", "Stra\u00DFe"}) {
    auto once = normalise_username(s);
    ASSERT_TRUE(once) << s;
    EXPECT_EQ(normalise_username(*once), once) << s;
  }
}

TEST(credentials, new_usernames_have_no_spaces_controls_or_invisible_characters) {
  EXPECT_EQ(username_problem("officer.zhou"), "");
  EXPECT_EQ(username_problem("\u5468\u654F"), "");  // 周敏
  EXPECT_NE(username_problem(""), "");
  EXPECT_NE(username_problem(std::string(65, 'a')), "");
  EXPECT_EQ(username_problem(std::string(64, 'a')), "");
  EXPECT_NE(username_problem("a b"), "");
  EXPECT_NE(username_problem("a\u200Bb"), "");  // zero-width space
  EXPECT_NE(username_problem("a\u202Eb"), "");  // right-to-left override
  EXPECT_NE(username_problem("a\x01" "b"), "");
}

TEST(credentials, turn_rest_credentials_are_what_coturn_computes) {
  // base64(HMAC-SHA1("north-sea-secret", "1700003600:42")), computed independently with Python's hmac.
  auto c = turn_rest_credential("north-sea-secret", 42, 1700003600);
  EXPECT_EQ(c.username, "1700003600:42");
  EXPECT_EQ(c.credential, "bS67VMSNDlqWtyv05zE8Dg1PytQ=");
  EXPECT_NE(turn_rest_credential("north-sea-secret", 43, 1700003600).credential, c.credential);
  EXPECT_NE(turn_rest_credential("another-secret!!", 42, 1700003600).credential, c.credential);
}

}  // namespace

}  // namespace mediation::app
