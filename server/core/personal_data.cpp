#include "server/core/personal_data.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <stdexcept>

#include <sodium.h>

namespace mediation::app {

namespace {
constexpr std::string_view prefix = "pd1:";

std::string to_hex(const unsigned char* p, std::size_t n) {
  std::string out(n * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), p, n);
  out.pop_back();
  return out;
}
}  // namespace

personal_data::personal_data(const key_type& key) : key_(key) {
  if (sodium_init() < 0) throw std::runtime_error("libsodium could not be initialised");
}

personal_data::~personal_data() { sodium_memzero(key_.data(), key_.size()); }

personal_data personal_data::from_file(const std::string& path, bool create, bool* created) {
  if (sodium_init() < 0) throw std::runtime_error("libsodium could not be initialised");
  if (created) *created = false;
  if (create && ::access(path.c_str(), F_OK) != 0) {
    std::error_code ec;
    if (auto parent = std::filesystem::path(path).parent_path(); !parent.empty())
      std::filesystem::create_directories(parent, ec);
    // Write a new key to a private temporary file, then link it into place: link() fails if another
    // process got there first, and then its key is the one read below.
    key_type fresh;
    randombytes_buf(fresh.data(), fresh.size());
    const std::string hex = to_hex(fresh.data(), fresh.size()) + "\n";
    const std::string tmp = path + ".new." + std::to_string(::getpid()) + "." + std::to_string(randombytes_random());
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
    if (fd < 0) throw std::runtime_error("--data-key-file: cannot create '" + path + "' (check the folder exists and is writable)");
    const bool written = ::write(fd, hex.data(), hex.size()) == static_cast<ssize_t>(hex.size()) && ::fsync(fd) == 0;
    ::close(fd);
    if (!written) {
      ::unlink(tmp.c_str());
      throw std::runtime_error("--data-key-file: cannot write '" + path + "'");
    }
    if (::link(tmp.c_str(), path.c_str()) == 0 && created) *created = true;
    ::unlink(tmp.c_str());
    sodium_memzero(fresh.data(), fresh.size());
  }
  std::ifstream in(path);
  if (!in)
    throw std::runtime_error("--data-key-file: cannot read '" + path + "': " + std::strerror(errno) +
                             (errno == EACCES ? " (run as the user who owns the key, or as root)" : ""));
  std::string hex;
  in >> hex;
  key_type key;
  std::size_t len = 0;
  if (hex.size() != 64 ||
      sodium_hex2bin(key.data(), key.size(), hex.data(), hex.size(), nullptr, &len, nullptr) != 0 || len != key.size())
    throw std::runtime_error("--data-key-file: '" + path + "' must hold 64 hexadecimal digits (a 32-byte key)");
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && (st.st_mode & 0077))
    throw std::runtime_error("--data-key-file: '" + path + "' is readable by others; chmod 600 it");
  personal_data out(key);
  sodium_memzero(key.data(), key.size());
  return out;
}

bool personal_data::names_numbers(const nlohmann::json& parties) {
  if (!parties.is_array()) return false;
  for (const auto& p : parties)
    if (p.is_object() && (!p.value("id_number", "").empty() || !p.value("phone", "").empty() ||
                          !p.value("address", "").empty()))
      return true;
  return false;
}

bool personal_data::is_sealed(std::string_view stored) noexcept { return stored.substr(0, prefix.size()) == prefix; }

std::string personal_data::seal(std::string_view plain) const {
  if (plain.empty()) return {};
  std::string box(crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + plain.size(), '\0');
  auto* out = reinterpret_cast<unsigned char*>(box.data());
  randombytes_buf(out, crypto_secretbox_NONCEBYTES);
  crypto_secretbox_easy(out + crypto_secretbox_NONCEBYTES, reinterpret_cast<const unsigned char*>(plain.data()),
                        plain.size(), out, key_.data());
  std::string b64(sodium_base64_ENCODED_LEN(box.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(b64.data(), b64.size(), out, box.size(), sodium_base64_VARIANT_ORIGINAL);
  b64.pop_back();  // the terminating NUL
  return std::string(prefix) + b64;
}

std::string personal_data::open(std::string_view stored) const {
  if (!is_sealed(stored)) return std::string(stored);
  const std::string_view b64 = stored.substr(prefix.size());
  std::string box(b64.size(), '\0');
  std::size_t len = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(box.data()), box.size(), b64.data(), b64.size(), nullptr, &len,
                        nullptr, sodium_base64_VARIANT_ORIGINAL) != 0 ||
      len < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES)
    throw std::runtime_error("a sealed personal data value is malformed");
  const auto* in = reinterpret_cast<const unsigned char*>(box.data());
  std::string plain(len - crypto_secretbox_NONCEBYTES - crypto_secretbox_MACBYTES, '\0');
  if (crypto_secretbox_open_easy(reinterpret_cast<unsigned char*>(plain.data()), in + crypto_secretbox_NONCEBYTES,
                                 len - crypto_secretbox_NONCEBYTES, in, key_.data()) != 0)
    throw std::runtime_error("personal data cannot be decrypted: is --data-key-file the key it was written with?");
  return plain;
}

std::string personal_data::fingerprint() const {
  unsigned char h[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(h, key_.data(), key_.size());
  return to_hex(h, sizeof h);
}

std::string personal_data::blind(std::string_view text) const {
  unsigned char h[32];
  crypto_generichash(h, sizeof h, reinterpret_cast<const unsigned char*>(text.data()), text.size(), key_.data(),
                     key_.size());
  return to_hex(h, sizeof h);
}

namespace {
// Applies `f` to the "id_number" and "phone" strings of every entry of content["parties"].
template <class F>
nlohmann::json each_party_number(nlohmann::json content, F f) {
  if (content.is_object() && content.contains("parties") && content["parties"].is_array())
    for (auto& p : content["parties"])
      for (const char* field : {"id_number", "phone"})
        if (p.is_object() && p.contains(field) && p[field].is_string()) p[field] = f(p[field].get<std::string>());
  return content;
}
}  // namespace

nlohmann::json personal_data::seal_parties(nlohmann::json content) const {
  return each_party_number(std::move(content), [this](const std::string& v) { return seal(v); });
}

nlohmann::json personal_data::open_parties(nlohmann::json content) const {
  return each_party_number(std::move(content), [this](const std::string& v) { return open(v); });
}

}  // namespace mediation::app
