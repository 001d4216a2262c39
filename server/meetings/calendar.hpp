#pragma once
// Joint sessions as pure functions: time zones, double bookings, free slots in working hours and
// the iCalendar (RFC 5545) rendering of meetings. No database; thread-safe.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "server/core/deadlines.hpp"
#include "server/base/time.hpp"

namespace mediation::app::calendar {

// The zones an organisation may use (fixed offsets: none of them has daylight saving time since 1991).
// Returns the offset from UTC in minutes, or nullopt for an unknown zone.
std::optional<int> tz_offset_minutes(std::string_view tz);
// "2026-11-25T09:00:00+08:00"
std::string format_local(millis t, std::string_view tz);

struct booking {
  long long meeting = 0;
  std::string title;
  millis start = 0, end = 0;
};
// The bookings that overlap [start, end) once each is widened by `buffer` on both sides.
std::vector<booking> conflicts(const std::vector<booking>& booked, millis start, millis end, millis buffer);

// Working hours, local time, in minutes after midnight: 09:00-12:00 and 14:00-17:30 by default.
struct working_hours {
  std::vector<std::pair<int, int>> windows{{9 * 60, 12 * 60}, {14 * 60, 17 * 60 + 30}};
};
// The first `count` slots of `duration` starting at or after `from`, on a 30-minute grid, inside
// working hours on working days of `cal`, that overlap no busy interval widened by `buffer`.
// Looks at most `max_days` days ahead.
std::vector<std::pair<millis, millis>> free_slots(const std::vector<std::pair<millis, millis>>& busy, millis from,
                                                  millis duration, millis buffer, const deadlines::calendar& cal,
                                                  std::string_view tz, int count = 5, int max_days = 30,
                                                  const working_hours& hours = {});

struct attendee {
  std::string name, uri;       // uri: a calendar address, e.g. urn:mediation:user:12 or tel:+86...
  std::string partstat;        // NEEDS-ACTION, ACCEPTED, DECLINED, TENTATIVE
  bool required = true;
};
struct event {
  std::string uid;
  int sequence = 0;
  millis stamp = 0, start = 0, end = 0;
  std::string tz, summary, description, location, url;
  attendee organiser;
  std::vector<attendee> attendees;
  std::vector<int> alarms_minutes;  // reminders before the start
  bool cancelled = false;
};
// A VCALENDAR with one VTIMEZONE per zone used and one VEVENT per event. `method`: REQUEST,
// CANCEL or PUBLISH (a subscription feed). CRLF line ends, lines folded at 75 octets, text escaped.
std::string render_ics(std::string_view method, const std::vector<event>& events, std::string_view name = "");

// RFC 5545 TEXT escaping (backslash, semicolon, comma, newline).
std::string escape_text(std::string_view s);
// Folds a content line at 75 octets without cutting a UTF-8 character.
std::string fold(std::string_view line);

}  // namespace mediation::app::calendar
