#pragma once
// Wall-clock helpers. Times are UTC milliseconds since the Unix epoch everywhere inside the
// server and in the database; the wire carries RFC 3339 UTC strings. Pure and thread-safe.

#include <optional>
#include <string>
#include <string_view>

namespace mediation {

using millis = long long;

millis now_millis() noexcept;
// "2026-11-22T18:14:31.123Z"
std::string format_rfc3339(millis t);
// Accepts an RFC 3339 date-time ("2026-12-01T09:00:00Z", "...+08:00", fractional seconds) or a
// plain date "2026-12-01", read as the end of that day in China Standard Time (23:59:59.999+08:00),
// the way a hand-over deadline is meant. Nullopt when malformed or out of range.
std::optional<millis> parse_deadline(std::string_view text);

// The time zones a network, a meeting or a calendar feed may name (fixed offsets; none of them keeps
// summer time): Asia/Shanghai, Asia/Chongqing, Asia/Hong_Kong, Asia/Macau, Asia/Taipei (UTC+8),
// Asia/Urumqi (UTC+6), UTC.
struct time_zone {
  std::string_view name;
  int offset_minutes;
  std::string_view abbreviation;
};
// The zone named `name`, or nullptr.
const time_zone* find_time_zone(std::string_view name) noexcept;
// The calendar date of `t` in a zone `offset_minutes` east of UTC, as a legal document writes it:
// "2026年12月2日".
std::string format_date_zh(millis t, int offset_minutes);

}  // namespace mediation
