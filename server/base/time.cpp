#include "server/base/time.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>

namespace mediation {

namespace {

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
long long days_from_civil(long long y, unsigned m, unsigned d) {
  y -= m <= 2;
  const long long era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<long long>(doe) - 719468;
}

bool digits(std::string_view s, std::size_t pos, std::size_t n, int& out) {
  if (pos + n > s.size()) return false;
  out = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

bool valid_date(int y, int m, int d) {
  static constexpr int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (y < 1970 || y > 9999 || m < 1 || m > 12 || d < 1) return false;
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return d <= days[m - 1] + (m == 2 && leap);
}

}  // namespace

millis now_millis() noexcept {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

std::string format_rfc3339(millis t) {
  using namespace std::chrono;
  sys_time<milliseconds> tp{milliseconds{t}};
  auto day = floor<days>(tp);
  year_month_day ymd{day};
  hh_mm_ss hms{tp - day};
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                static_cast<int>(hms.seconds().count()), static_cast<int>(hms.subseconds().count()));
  return buf;
}

std::optional<millis> parse_deadline(std::string_view s) {
  int y, mo, d;
  if (!digits(s, 0, 4, y) || s.size() < 10 || s[4] != '-' || !digits(s, 5, 2, mo) || s[7] != '-' ||
      !digits(s, 8, 2, d) || !valid_date(y, mo, d))
    return std::nullopt;
  const long long day_ms = days_from_civil(y, mo, d) * 86400000LL;
  if (s.size() == 10) return day_ms + 86400000LL - 1 - 8 * 3600000LL;  // 23:59:59.999 at UTC+8
  int h, mi, sec;
  if ((s[10] != 'T' && s[10] != 't' && s[10] != ' ') || !digits(s, 11, 2, h) || s.size() < 19 ||
      s[13] != ':' || !digits(s, 14, 2, mi) || s[16] != ':' || !digits(s, 17, 2, sec) || h > 23 ||
      mi > 59 || sec > 60)
    return std::nullopt;
  std::size_t pos = 19;
  long long frac_ms = 0;
  if (pos < s.size() && s[pos] == '.') {
    std::size_t start = ++pos;
    long long scale = 100;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      frac_ms += (s[pos] - '0') * scale;
      scale /= 10;
      ++pos;
    }
    if (pos == start) return std::nullopt;
  }
  long long offset_ms = 0;
  if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
    ++pos;
  } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    int oh, om;
    if (!digits(s, pos + 1, 2, oh) || pos + 3 >= s.size() || s[pos + 3] != ':' ||
        !digits(s, pos + 4, 2, om) || oh > 23 || om > 59)
      return std::nullopt;
    offset_ms = (oh * 60LL + om) * 60000LL * (s[pos] == '+' ? 1 : -1);
    pos += 6;
  } else {
    return std::nullopt;
  }
  if (pos != s.size()) return std::nullopt;
  return day_ms + ((h * 60LL + mi) * 60LL + std::min(sec, 59)) * 1000LL + frac_ms - offset_ms;
}

namespace {
constexpr time_zone zones[] = {{"Asia/Shanghai", 480, "CST"},  {"Asia/Chongqing", 480, "CST"},
                               {"Asia/Hong_Kong", 480, "HKT"}, {"Asia/Macau", 480, "CST"},
                               {"Asia/Taipei", 480, "CST"},    {"Asia/Urumqi", 360, "XJT"},
                               {"UTC", 0, "UTC"}};
}  // namespace

const time_zone* find_time_zone(std::string_view name) noexcept {
  for (const auto& z : zones)
    if (z.name == name) return &z;
  return nullptr;
}

std::string format_date_zh(millis t, int offset_minutes) {
  const std::string s = format_rfc3339(t + offset_minutes * 60000LL);  // 2026-12-02T07:10:00.000Z
  return s.substr(0, 4) + "年" + std::to_string(std::stoi(s.substr(5, 2))) + "月" +
         std::to_string(std::stoi(s.substr(8, 2))) + "日";
}

}  // namespace mediation
