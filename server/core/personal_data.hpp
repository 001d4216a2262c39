#pragma once
// Personal data of parties (ID numbers and phone numbers) encrypted at rest: each value is sealed
// with libsodium's secretbox (XSalsa20-Poly1305, a random nonce per value) under a 32-byte key from
// configuration (--data-key-file), and stored as "pd1:" + base64(nonce || ciphertext). Values
// without the prefix are rows written before encryption was introduced and are read as they are.
// Equality lookups (the petitioner key that finds repeat petitions) use a keyed hash instead.
// Thread-safe: immutable after construction.

#include <array>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace mediation::app {

class personal_data {
 public:
  using key_type = std::array<unsigned char, 32>;
  explicit personal_data(const key_type& key);
  ~personal_data();

  // Reads the key (64 hexadecimal digits) from `path`. When the file does not exist and `create`
  // is set, makes a new random key there (mode 0600; safe against two processes racing) and sets
  // `created`. Throws std::runtime_error naming the file on any other problem.
  static personal_data from_file(const std::string& path, bool create, bool* created = nullptr);

  // "" stays "" (nothing to hide); anything else becomes "pd1:...".
  std::string seal(std::string_view plain) const;
  // The plain text of a sealed value; a value without the prefix is returned as is. Throws
  // std::runtime_error when the value was sealed under another key or was altered.
  std::string open(std::string_view stored) const;
  // The key's fingerprint: SHA-256 of the 32 key bytes, 64 lower-case hex digits. The database records
  // it (core/data_key.hpp); it reveals nothing of the key.
  std::string fingerprint() const;
  // A keyed hash (BLAKE2b, hex) for lookups by equality without the plain value in the database.
  std::string blind(std::string_view text) const;
  static bool is_sealed(std::string_view stored) noexcept;
  // Whether some entry of a parties array shows a non-empty "id_number" or "phone".
  static bool names_numbers(const nlohmann::json& parties);

  // Seals, or opens, the "id_number" and "phone" of every entry of content["parties"] (agreements).
  nlohmann::json seal_parties(nlohmann::json content) const;
  nlohmann::json open_parties(nlohmann::json content) const;

 private:
  key_type key_;
};

}  // namespace mediation::app
