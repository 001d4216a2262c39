#include "server/core/masking.hpp"

#include <cctype>
#include <vector>

#include "server/core/credentials.hpp"

namespace mediation::app {

namespace {

// Splits UTF-8 into code points so that masking never cuts a character in half.
std::vector<std::string> code_points(std::string_view s) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < s.size();) {
    std::size_t n = 1;
    auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0xF0) n = 4;
    else if (c >= 0xE0) n = 3;
    else if (c >= 0xC0) n = 2;
    out.emplace_back(s.substr(i, n));
    i += n;
  }
  return out;
}

std::string mask(std::string_view s, std::size_t head, std::size_t tail) {
  auto cps = code_points(s);
  if (cps.empty()) return {};
  if (cps.size() <= head + tail) {
    head = 0;
    tail = cps.size() > 1 ? 1 : 0;
  }
  std::string out;
  for (std::size_t i = 0; i < cps.size(); ++i)
    out += (i < head || i + tail >= cps.size()) ? cps[i] : std::string("*");
  return out;
}

}  // namespace

std::string mask_id_number(std::string_view id) { return mask(id, 4, 4); }

std::string mask_phone(std::string_view phone) { return mask(phone, 3, 4); }

std::optional<std::string> petitioner_key(std::string_view name, std::string_view phone, std::string_view id_number) {
  std::string id;
  for (char c : id_number)
    if (!std::isspace(static_cast<unsigned char>(c))) id += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (!id.empty()) return token_hash("id:" + id);
  std::string digits;
  for (char c : phone)
    if (c >= '0' && c <= '9') digits += c;
  std::string trimmed(name);
  while (!trimmed.empty() && std::isspace(static_cast<unsigned char>(trimmed.back()))) trimmed.pop_back();
  while (!trimmed.empty() && std::isspace(static_cast<unsigned char>(trimmed.front()))) trimmed.erase(0, 1);
  if (digits.empty() || trimmed.empty()) return std::nullopt;
  return token_hash("np:" + trimmed + "|" + digits);
}

std::string mask_address(std::string_view address) {
  if (address.empty()) return {};
  auto cps = code_points(address);
  if (cps.size() <= 6) return "****";
  std::string out;
  for (std::size_t i = 0; i < 6; ++i) out += cps[i];
  return out + "****";
}

}  // namespace mediation::app
