#include "server/meetings/calendar.hpp"

#include <algorithm>
#include <cstdio>

namespace mediation::app::calendar {

namespace {

using zone = time_zone;

const zone* find_zone(std::string_view tz) { return find_time_zone(tz); }

// "20261125T090000" in local time of the zone.
std::string local_basic(millis t, int offset_minutes) {
  std::string s = format_rfc3339(t + offset_minutes * 60000LL);  // 2026-11-25T09:00:00.000Z
  return s.substr(0, 4) + s.substr(5, 2) + s.substr(8, 2) + "T" + s.substr(11, 2) + s.substr(14, 2) + s.substr(17, 2);
}

std::string utc_basic(millis t) { return local_basic(t, 0) + "Z"; }

std::string offset_text(int minutes) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%c%02d%02d", minutes < 0 ? '-' : '+', std::abs(minutes) / 60, std::abs(minutes) % 60);
  return buf;
}

}  // namespace

std::optional<int> tz_offset_minutes(std::string_view tz) {
  if (auto z = find_zone(tz)) return z->offset_minutes;
  return std::nullopt;
}

std::string format_local(millis t, std::string_view tz) {
  const int off = tz_offset_minutes(tz).value_or(480);
  std::string s = format_rfc3339(t + off * 60000LL).substr(0, 19);
  std::string o = offset_text(off);
  return s + o.substr(0, 3) + ":" + o.substr(3);
}

std::vector<booking> conflicts(const std::vector<booking>& booked, millis start, millis end, millis buffer) {
  std::vector<booking> out;
  for (const auto& b : booked)
    if (b.start - buffer < end && start < b.end + buffer) out.push_back(b);
  return out;
}

std::vector<std::pair<millis, millis>> free_slots(const std::vector<std::pair<millis, millis>>& busy, millis from,
                                                  millis duration, millis buffer, const deadlines::calendar& cal,
                                                  std::string_view tz, int count, int max_days,
                                                  const working_hours& hours) {
  std::vector<std::pair<millis, millis>> out;
  const millis off = tz_offset_minutes(tz).value_or(480) * 60000LL;
  const millis grid = 30 * 60000LL, day = 86400000LL;
  // Local midnight of the day of `from`.
  millis local_from = from + off;
  millis midnight = local_from - ((local_from % day) + day) % day;
  for (int d = 0; d <= max_days && static_cast<int>(out.size()) < count; ++d) {
    const millis day_start_local = midnight + d * day;
    const int day_number = static_cast<int>(day_start_local / day);
    if (!cal.is_working_day(day_number)) continue;
    for (const auto& [open, close] : hours.windows) {
      for (millis s = day_start_local + open * 60000LL; s + duration <= day_start_local + close * 60000LL; s += grid) {
        const millis start = s - off, end = start + duration;
        if (start < from) continue;
        bool clash = std::any_of(busy.begin(), busy.end(), [&](const auto& b) {
          return b.first - buffer < end && start < b.second + buffer;
        });
        if (clash) continue;
        out.emplace_back(start, end);
        if (static_cast<int>(out.size()) == count) return out;
      }
    }
  }
  return out;
}

std::string escape_text(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case ';': out += "\\;"; break;
      case ',': out += "\\,"; break;
      case '\n': out += "\\n"; break;
      case '\r': break;
      default: out += c;
    }
  }
  return out;
}

std::string fold(std::string_view line) {
  std::string out;
  std::size_t col = 0;
  for (std::size_t i = 0; i < line.size();) {
    auto c = static_cast<unsigned char>(line[i]);
    std::size_t n = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
    if (col + n > 75) {
      out += "\r\n ";
      col = 1;
    }
    out.append(line.substr(i, n));
    col += n;
    i += n;
  }
  return out + "\r\n";
}

namespace {
// A CN parameter value: quoted, without quotes or control characters inside.
std::string param(std::string_view s) {
  std::string out = "\"";
  for (char c : s)
    if (c != '"' && static_cast<unsigned char>(c) >= 0x20) out += c;
  return out + "\"";
}
}  // namespace

std::string render_ics(std::string_view method, const std::vector<event>& events, std::string_view name) {
  std::string out;
  auto line = [&](const std::string& l) { out += fold(l); };
  line("BEGIN:VCALENDAR");
  line("VERSION:2.0");
  line("PRODID:-//Mediation Network//调解网络//ZH");
  line("CALSCALE:GREGORIAN");
  line("METHOD:" + std::string(method));
  if (!name.empty()) line("X-WR-CALNAME:" + escape_text(name));
  std::vector<std::string> tzs;
  for (const auto& e : events)
    if (std::find(tzs.begin(), tzs.end(), e.tz) == tzs.end()) tzs.push_back(e.tz);
  for (const auto& tz : tzs) {
    const zone* z = find_zone(tz);
    if (!z) continue;
    line("BEGIN:VTIMEZONE");
    line("TZID:" + std::string(z->name));
    line("BEGIN:STANDARD");
    line("DTSTART:19700101T000000");
    line("TZOFFSETFROM:" + offset_text(z->offset_minutes));
    line("TZOFFSETTO:" + offset_text(z->offset_minutes));
    line("TZNAME:" + std::string(z->abbreviation));
    line("END:STANDARD");
    line("END:VTIMEZONE");
  }
  for (const auto& e : events) {
    const int off = tz_offset_minutes(e.tz).value_or(0);
    line("BEGIN:VEVENT");
    line("UID:" + e.uid);
    line("SEQUENCE:" + std::to_string(e.sequence));
    line("DTSTAMP:" + utc_basic(e.stamp));
    line("DTSTART;TZID=" + e.tz + ":" + local_basic(e.start, off));
    line("DTEND;TZID=" + e.tz + ":" + local_basic(e.end, off));
    line("SUMMARY:" + escape_text(e.summary));
    if (!e.description.empty()) line("DESCRIPTION:" + escape_text(e.description));
    if (!e.location.empty()) line("LOCATION:" + escape_text(e.location));
    if (!e.url.empty()) line("URL:" + e.url);
    line("STATUS:" + std::string(e.cancelled ? "CANCELLED" : "CONFIRMED"));
    line("ORGANIZER;CN=" + param(e.organiser.name) + ":" + e.organiser.uri);
    for (const auto& a : e.attendees)
      line("ATTENDEE;CN=" + param(a.name) + ";ROLE=" + (a.required ? "REQ-PARTICIPANT" : "OPT-PARTICIPANT") +
           ";PARTSTAT=" + a.partstat + ";RSVP=TRUE:" + a.uri);
    for (int m : e.alarms_minutes) {
      line("BEGIN:VALARM");
      line("ACTION:DISPLAY");
      line("DESCRIPTION:" + escape_text(e.summary));
      line("TRIGGER:-PT" + std::to_string(m) + "M");
      line("END:VALARM");
    }
    line("END:VEVENT");
  }
  line("END:VCALENDAR");
  return out;
}

}  // namespace mediation::app::calendar
