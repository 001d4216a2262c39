// Joint sessions as pure functions: time zones, double bookings, free slots and iCalendar output.
#include <gtest/gtest.h>

#include "server/meetings/calendar.hpp"

namespace mediation::app::calendar {
namespace {

millis at(const char* rfc3339) { return *parse_deadline(rfc3339); }

TEST(calendar, times_are_shown_in_the_organisations_zone) {
  EXPECT_EQ(format_local(at("2026-11-25T01:00:00Z"), "Asia/Shanghai"), "2026-11-25T09:00:00+08:00");
  EXPECT_EQ(format_local(at("2026-11-25T01:00:00Z"), "Asia/Urumqi"), "2026-11-25T07:00:00+06:00");
  EXPECT_EQ(format_local(at("2026-11-25T01:00:00Z"), "UTC"), "2026-11-25T01:00:00+00:00");
  EXPECT_EQ(tz_offset_minutes("Asia/Shanghai"), 480);
  EXPECT_FALSE(tz_offset_minutes("Mars/Olympus"));
}

TEST(calendar, conflicts_respect_the_buffer) {
  std::vector<booking> booked{{1, "联席会议", at("2026-11-25T01:00:00Z"), at("2026-11-25T02:00:00Z")},
                              {2, "回访", at("2026-11-25T06:00:00Z"), at("2026-11-25T07:00:00Z")}};
  const millis q = 15 * 60000LL;
  // Back to back is fine without a buffer, a conflict with 15 minutes of buffer.
  EXPECT_TRUE(conflicts(booked, at("2026-11-25T02:00:00Z"), at("2026-11-25T03:00:00Z"), 0).empty());
  auto c = conflicts(booked, at("2026-11-25T02:00:00Z"), at("2026-11-25T03:00:00Z"), q);
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].title, "联席会议");
  EXPECT_EQ(conflicts(booked, at("2026-11-25T00:00:00Z"), at("2026-11-25T08:00:00Z"), 0).size(), 2u);
  EXPECT_TRUE(conflicts(booked, at("2026-11-25T03:00:00Z"), at("2026-11-25T05:00:00Z"), q).empty());
}

TEST(calendar, free_slots_fall_in_working_hours_on_working_days) {
  deadlines::calendar cal;
  // Friday 2026-11-27 08:00 Beijing, nothing booked: 09:00 then 09:30, 10:00 (hour-long slots, 30-minute grid).
  auto slots = free_slots({}, at("2026-11-27T00:00:00Z"), 3600000, 0, cal, "Asia/Shanghai", 3);
  ASSERT_EQ(slots.size(), 3u);
  EXPECT_EQ(format_local(slots[0].first, "Asia/Shanghai"), "2026-11-27T09:00:00+08:00");
  EXPECT_EQ(format_local(slots[2].first, "Asia/Shanghai"), "2026-11-27T10:00:00+08:00");
  // Busy all Friday morning and afternoon: the next is Monday 09:00 (the weekend is skipped).
  std::vector<std::pair<millis, millis>> busy{{at("2026-11-27T01:00:00Z"), at("2026-11-27T09:30:00Z")}};
  slots = free_slots(busy, at("2026-11-27T00:00:00Z"), 3600000, 0, cal, "Asia/Shanghai", 1);
  ASSERT_EQ(slots.size(), 1u);
  EXPECT_EQ(format_local(slots[0].first, "Asia/Shanghai"), "2026-11-30T09:00:00+08:00");
  // A holiday Monday moves it to Tuesday; the buffer keeps 15 minutes clear after a meeting.
  cal.add_holiday(*deadlines::parse_date("2026-11-30"));
  busy.push_back({at("2026-12-01T01:00:00Z"), at("2026-12-01T01:30:00Z")});  // Tuesday 09:00-09:30
  slots = free_slots(busy, at("2026-11-27T00:00:00Z"), 3600000, 15 * 60000LL, cal, "Asia/Shanghai", 1);
  ASSERT_EQ(slots.size(), 1u);
  EXPECT_EQ(format_local(slots[0].first, "Asia/Shanghai"), "2026-12-01T10:00:00+08:00");
  // Nothing fits a 4-hour session inside a 3-hour window... but the afternoon has 3.5 hours: none either.
  EXPECT_TRUE(free_slots({}, at("2026-11-27T00:00:00Z"), 4 * 3600000LL, 0, cal, "Asia/Shanghai", 1, 3).empty());
}

TEST(calendar, ics_output_follows_rfc_5545) {
  event e;
  e.uid = "meeting-7@mediation.network";
  e.sequence = 2;
  e.stamp = at("2026-11-22T10:00:00Z");
  e.start = at("2026-11-25T01:00:00Z");
  e.end = at("2026-11-25T02:30:00Z");
  e.tz = "Asia/Shanghai";
  e.summary = "联合调解会, 第二次; 请准时";
  e.description = "第一行\n第二行";
  e.location = "城南街道综治中心三楼会议室";
  e.organiser = {"李明", "urn:mediation:user:2", "ACCEPTED", true};
  e.attendees = {{"王秀英", "urn:mediation:user:5", "ACCEPTED", true}, {"陈\"律师\"", "tel:13800000000", "TENTATIVE", false}};
  e.alarms_minutes = {1440, 15};
  std::string ics = render_ics("REQUEST", {e});
  for (const char* line : {"BEGIN:VCALENDAR\r\n", "METHOD:REQUEST\r\n", "BEGIN:VTIMEZONE\r\n", "TZID:Asia/Shanghai\r\n",
                           "TZOFFSETTO:+0800\r\n", "UID:meeting-7@mediation.network\r\n", "SEQUENCE:2\r\n",
                           "DTSTAMP:20261122T100000Z\r\n", "DTSTART;TZID=Asia/Shanghai:20261125T090000\r\n",
                           "DTEND;TZID=Asia/Shanghai:20261125T103000\r\n", "TRIGGER:-PT1440M\r\n", "TRIGGER:-PT15M\r\n",
                           "STATUS:CONFIRMED\r\n", "END:VCALENDAR\r\n"})
    EXPECT_NE(ics.find(line), std::string::npos) << line;
  EXPECT_NE(ics.find("SUMMARY:联合调解会\\, 第二次\\; 请准时"), std::string::npos);
  EXPECT_NE(ics.find("DESCRIPTION:第一行\\n第二行"), std::string::npos);
  EXPECT_NE(ics.find("PARTSTAT=TENTATIVE"), std::string::npos);
  EXPECT_NE(ics.find("ROLE=OPT-PARTICIPANT"), std::string::npos);
  EXPECT_NE(ics.find("CN=\"陈律师\""), std::string::npos);  // quotes cannot break the parameter
  // Every physical line is at most 75 octets, and every line ends with CRLF.
  std::size_t start = 0;
  while (start < ics.size()) {
    auto end = ics.find("\r\n", start);
    ASSERT_NE(end, std::string::npos);
    EXPECT_LE(end - start, 75u);
    start = end + 2;
  }
  e.cancelled = true;
  EXPECT_NE(render_ics("CANCEL", {e}).find("STATUS:CANCELLED"), std::string::npos);
}

TEST(calendar, folding_never_cuts_a_character) {
  std::string line = "DESCRIPTION:" + std::string(100, 'a');
  for (int i = 0; i < 40; ++i) line += "调";
  std::string folded = fold(line);
  std::string unfolded;
  for (std::size_t i = 0; i < folded.size(); ++i) {
    if (folded.compare(i, 3, "\r\n ") == 0) {
      i += 2;
      continue;
    }
    unfolded += folded[i];
  }
  EXPECT_EQ(unfolded, line + "\r\n");
  EXPECT_EQ(escape_text("a\\b;c,d\ne"), "a\\\\b\\;c\\,d\\ne");
}

}  // namespace
}  // namespace mediation::app::calendar
