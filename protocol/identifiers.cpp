#include "protocol/identifiers.hpp"

#include <array>
#include <chrono>
#include <regex>
#include <string>

#include "protocol/errors.hpp"

namespace mediation::protocol {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

std::string without(std::string_view text, std::string_view drop) {
  std::string out;
  for (char c : text)
    if (drop.find(c) == std::string_view::npos) out += c;
  return out;
}

bool all_digits(std::string_view s) {
  for (char c : s)
    if (!is_digit(c)) return false;
  return !s.empty();
}

bool leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

}  // namespace

bool valid_resident_id(std::string_view text, long today_ymd) {
  if (text.size() != 18 || !all_digits(text.substr(0, 17))) return false;
  char last = text[17] == 'x' ? 'X' : text[17];
  if (!is_digit(last) && last != 'X') return false;
  static constexpr int weights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  static constexpr char checks[] = "10X98765432";
  int sum = 0;
  for (int i = 0; i < 17; ++i) sum += (text[i] - '0') * weights[i];
  if (checks[sum % 11] != last) return false;
  const int y = std::stoi(std::string(text.substr(6, 4)));
  const int m = std::stoi(std::string(text.substr(10, 2)));
  const int d = std::stoi(std::string(text.substr(12, 2)));
  static constexpr int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (y < 1900 || m < 1 || m > 12 || d < 1) return false;
  if (d > days[m - 1] + (m == 2 && leap(y) ? 1 : 0)) return false;
  return today_ymd == 0 || static_cast<long>(y) * 10000 + m * 100 + d <= today_ymd;
}

bool valid_mobile(std::string_view text) {
  static const std::regex pattern(R"(^(\+?86)?1[3-9][0-9]{9}$)");
  return std::regex_match(without(text, " -"), pattern);
}

bool valid_landline(std::string_view text) {
  static const std::regex pattern(R"(^0[0-9]{2,3}-?[1-9][0-9]{6,7}(-[0-9]{1,6})?$)");
  return std::regex_match(without(text, " "), pattern);
}

bool valid_phone(std::string_view text) { return valid_mobile(text) || valid_landline(text); }

bool valid_credit_code(std::string_view text) {
  static constexpr std::string_view alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
  static constexpr int weights[17] = {1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28};
  if (text.size() != 18) return false;
  std::array<int, 18> value{};
  for (std::size_t i = 0; i < 18; ++i) {
    char c = text[i];
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    const auto at = alphabet.find(c);
    if (at == std::string_view::npos) return false;
    if (i >= 2 && i < 8 && !is_digit(c)) return false;  // the administrative division
    value[i] = static_cast<int>(at);
  }
  int sum = 0;
  for (int i = 0; i < 17; ++i) sum += value[i] * weights[i];
  return value[17] == (31 - sum % 31) % 31;
}

bool valid_party_id(std::string_view text, long today_ymd) {
  return valid_resident_id(text, today_ymd) || valid_credit_code(text);
}

long latest_today_ymd() {
  using namespace std::chrono;
  const auto day = floor<days>(system_clock::now() + hours(14));
  const year_month_day ymd{day};
  return static_cast<int>(ymd.year()) * 10000L + static_cast<long>(static_cast<unsigned>(ymd.month())) * 100 +
         static_cast<long>(static_cast<unsigned>(ymd.day()));
}

void check_phone(std::string_view text, const std::string& field) {
  if (!text.empty() && !valid_phone(text))
    throw error(errc::bad_request,
                "field '" + field + "' must be a mainland mobile (13800138000) or landline (010-12345678) number",
                field);
}

void check_party_id(std::string_view text, const std::string& field) {
  if (!text.empty() && !valid_party_id(text, latest_today_ymd()))
    throw error(errc::bad_request,
                "field '" + field + "' must be a resident ID number (18 characters, GB 11643 check digit) or a "
                "unified social credit code (18 characters, GB 32100 check character)",
                field);
}

}  // namespace mediation::protocol
