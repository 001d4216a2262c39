#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <thread>

#include "server/base/log.hpp"
#include "server/base/log_sink.hpp"

namespace mediation::log {
namespace {

TEST(log, a_request_id_is_put_together_only_as_a_line_shows_it) {
  EXPECT_TRUE(request_id().empty());
  EXPECT_EQ(request_id().str(), "");
  EXPECT_EQ(request_id("0123456789abcdef").str(), "0123456789abcdef");
  auto connection = std::make_shared<const std::string>("0123456789abcdef");
  const request_id frame(connection, "p-17");
  EXPECT_EQ(frame.str(), "0123456789abcdef/p-17");
  EXPECT_EQ(request_id(connection, "-").str(), "0123456789abcdef/-");
  const request_id copy = frame;  // what a write job keeps: the connection's id shared, not copied
  EXPECT_EQ(copy.str(), frame.str());
  EXPECT_EQ(connection.use_count(), 3);
}

TEST(log, request_scopes_nest_and_each_thread_has_its_own) {
  EXPECT_TRUE(current_request().empty());
  {
    request_scope outer("outer");
    EXPECT_EQ(current_request().str(), "outer");
    {
      request_scope inner(request_id(std::make_shared<const std::string>("conn"), "rid"));
      EXPECT_EQ(current_request().str(), "conn/rid");
      std::thread([] { EXPECT_TRUE(current_request().empty()); }).join();
    }
    EXPECT_EQ(current_request().str(), "outer");
  }
  EXPECT_TRUE(current_request().empty());
}

TEST(log, a_line_carries_the_request_id_of_its_scope) {
  request_scope scope(request_id(std::make_shared<const std::string>("0123456789abcdef"), "r1"));
  const std::string line = format_line(level::info, "hello", {{"k", "v"}});
  EXPECT_NE(line.find("\"request_id\":\"0123456789abcdef/r1\""), std::string::npos) << line;
}

}  // namespace
}  // namespace mediation::log
