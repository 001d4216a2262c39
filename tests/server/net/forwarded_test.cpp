#include <gtest/gtest.h>

#include "server/net/forwarded.hpp"

namespace mediation::net {
namespace {

const std::vector<std::string> proxies{"10.0.0.2", "10.0.0.3"};

TEST(client_address, the_header_counts_only_from_a_trusted_proxy) {
  EXPECT_EQ(client_address("10.0.0.2", "203.0.113.7", proxies), "203.0.113.7");
  EXPECT_EQ(client_address("198.51.100.9", "203.0.113.7", proxies), "198.51.100.9");  // not a proxy
  EXPECT_EQ(client_address("10.0.0.2", "", proxies), "10.0.0.2");
  EXPECT_EQ(client_address("10.0.0.2", "203.0.113.7", {}), "10.0.0.2");  // none trusted
}

TEST(client_address, the_rightmost_untrusted_entry_wins) {
  // A client may send its own X-Forwarded-For; our proxy appends the address it saw.
  EXPECT_EQ(client_address("10.0.0.2", "1.2.3.4, 203.0.113.7", proxies), "203.0.113.7");
  // Chained trusted proxies are skipped.
  EXPECT_EQ(client_address("10.0.0.2", "203.0.113.7, 10.0.0.3", proxies), "203.0.113.7");
  EXPECT_EQ(client_address("10.0.0.2", " 2001:db8::1 ", proxies), "2001:db8::1");
}

TEST(client_address, malformed_entries_fall_back_to_the_peer) {
  EXPECT_EQ(client_address("10.0.0.2", "not-an-ip", proxies), "10.0.0.2");
  EXPECT_EQ(client_address("10.0.0.2", "203.0.113.7, garbage", proxies), "10.0.0.2");
  EXPECT_EQ(client_address("10.0.0.2", "10.0.0.3", proxies), "10.0.0.2");  // only proxies
}

}  // namespace
}  // namespace mediation::net
