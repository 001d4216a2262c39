#include <gtest/gtest.h>

#include "server/base/time.hpp"

namespace mediation {
namespace {

TEST(time, formats_rfc3339_utc_with_milliseconds) {
  EXPECT_EQ(format_rfc3339(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(format_rfc3339(1795866871123LL), "2026-11-28T11:54:31.123Z");
}

TEST(time, parses_deadlines) {
  EXPECT_EQ(parse_deadline("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(parse_deadline("2026-11-28T11:54:31.123Z"), 1795866871123LL);
  EXPECT_EQ(parse_deadline("2026-11-28T19:54:31.123+08:00"), 1795866871123LL);
  // A plain date is the end of that day in China Standard Time.
  EXPECT_EQ(format_rfc3339(*parse_deadline("2026-12-31")), "2026-12-31T15:59:59.999Z");
  EXPECT_EQ(format_rfc3339(*parse_deadline("2028-02-29")), "2028-02-29T15:59:59.999Z");
  for (auto bad : {"", "next week", "2026-13-01", "2026-02-30", "2027-02-29", "2026-12-01T25:00:00Z",
                   "2026-12-01T10:00:00", "2026-12-01T10:00:00Zjunk", "2026-12-01T10:00:00+8:00", "1969-12-31"})
    EXPECT_FALSE(parse_deadline(bad)) << bad;
}

}  // namespace
}  // namespace mediation

namespace mediation {
namespace {

TEST(time_zones, legal_dates_are_the_calendar_date_in_the_networks_zone) {
  // Sealed at 07:10 Beijing time on 2 December: 23:10 UTC on 1 December.
  const millis sealed = *parse_deadline("2026-12-01T23:10:00Z");
  const time_zone* beijing = find_time_zone("Asia/Shanghai");
  ASSERT_NE(beijing, nullptr);
  EXPECT_EQ(beijing->offset_minutes, 480);
  EXPECT_EQ(format_date_zh(sealed, beijing->offset_minutes), "2026年12月2日");
  EXPECT_EQ(format_date_zh(sealed, 0), "2026年12月1日");
  EXPECT_EQ(format_date_zh(*parse_deadline("2026-01-05T16:00:00Z"), 480), "2026年1月6日");
  EXPECT_EQ(find_time_zone("Asia/Urumqi")->offset_minutes, 360);
  EXPECT_EQ(find_time_zone("Europe/Berlin"), nullptr);
}

}  // namespace
}  // namespace mediation
