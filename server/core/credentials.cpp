#include "server/core/credentials.hpp"

#include <cstdlib>
#include <memory>
#include <new>
#include <stdexcept>

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sodium.h>
#include <unicase.h>
#include <unictype.h>
#include <uninorm.h>
#include <unistr.h>

namespace mediation::app {

namespace {

void init() {
  static const int ok = sodium_init();
  if (ok < 0) throw std::runtime_error("libsodium could not be initialised");
}

struct free_deleter {
  void operator()(uint8_t* p) const noexcept { std::free(p); }
};
using unistring = std::unique_ptr<uint8_t, free_deleter>;

bool is_white_space(ucs4_t c) { return uc_is_property_white_space(c); }

}  // namespace

std::string hash_password(std::string_view password) {
  init();
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                            crypto_pwhash_MEMLIMIT_INTERACTIVE, crypto_pwhash_ALG_ARGON2ID13) != 0)
    throw std::runtime_error("password hashing failed (out of memory)");
  return out;
}

bool verify_password(std::string_view hash, std::string_view password) {
  init();
  if (hash.size() >= crypto_pwhash_STRBYTES) return false;
  std::string h(hash);  // NUL-terminated copy
  return crypto_pwhash_str_verify(h.c_str(), password.data(), password.size()) == 0;
}

void burn_password_check(std::string_view password) {
  static const std::string dummy = hash_password("mediation-network-timing-equaliser");
  (void)verify_password(dummy, password);
}

std::string new_token() {
  init();
  unsigned char raw[32];
  randombytes_buf(raw, sizeof raw);
  char out[sodium_base64_ENCODED_LEN(32, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
  sodium_bin2base64(out, sizeof out, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  return out;
}

std::string token_hash(std::string_view token) {
  init();
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(token.data()), token.size());
  char hex[crypto_hash_sha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return hex;
}

std::optional<std::string> normalise_username(std::string_view raw) {
  const auto* in = reinterpret_cast<const uint8_t*>(raw.data());
  if (raw.empty() || u8_check(in, raw.size()) != nullptr) return std::nullopt;
  // NFKC first, so that compatibility forms (full-width letters, ligatures) fold like the letters
  // they stand for; folding may leave a string that is not NFKC, so the fold normalises again.
  std::size_t nfkc_len = 0;
  unistring nfkc(u8_normalize(UNINORM_NFKC, in, raw.size(), nullptr, &nfkc_len));
  if (!nfkc) throw std::bad_alloc();
  std::size_t folded_len = 0;
  unistring folded(u8_casefold(nfkc.get(), nfkc_len, "", UNINORM_NFKC, nullptr, &folded_len));
  if (!folded) throw std::bad_alloc();
  const uint8_t* begin = folded.get();
  const uint8_t* end = begin + folded_len;
  ucs4_t c = 0;
  while (begin < end) {
    int len = u8_mbtouc(&c, begin, end - begin);
    if (!is_white_space(c)) break;
    begin += len;
  }
  while (end > begin) {
    const uint8_t* prev = u8_prev(&c, end, begin);
    if (!prev || !is_white_space(c)) break;
    end = prev;
  }
  if (begin == end) return std::nullopt;
  return std::string(reinterpret_cast<const char*>(begin), end - begin);
}

std::string username_problem(std::string_view normalised) {
  if (normalised.empty()) return "the username is empty";
  if (normalised.size() > 64) return "the username must be at most 64 bytes (UTF-8)";
  const auto* p = reinterpret_cast<const uint8_t*>(normalised.data());
  const auto* end = p + normalised.size();
  while (p < end) {
    ucs4_t c = 0;
    int len = u8_mbtouc(&c, p, end - p);
    if (len <= 0 || c == 0xFFFD) return "the username is not valid UTF-8";
    if (is_white_space(c) || uc_is_general_category_withtable(c, UC_CATEGORY_MASK_Cc | UC_CATEGORY_MASK_Cf))
      return "the username may not contain spaces, control or invisible characters";
    p += len;
  }
  return {};
}

turn_credential turn_rest_credential(std::string_view secret, long long user_id, long long expires_unix_s) {
  init();
  turn_credential out;
  out.username = std::to_string(expires_unix_s) + ":" + std::to_string(user_id);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  HMAC(EVP_sha1(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(out.username.data()), out.username.size(), mac, &mac_len);
  std::string b64(sodium_base64_ENCODED_LEN(EVP_MAX_MD_SIZE, sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(b64.data(), b64.size(), mac, mac_len, sodium_base64_VARIANT_ORIGINAL);
  out.credential = b64.c_str();
  return out;
}

}  // namespace mediation::app
