// The one set of HTTP answers every route uses (core/http_route.hpp).
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "server/core/http_route.hpp"

namespace mediation::app {
namespace {

using protocol::errc;

TEST(http_route, answers_are_json_with_the_error_code_and_status) {
  auto busy = busy_reply();
  EXPECT_EQ(busy.status, 503u);
  EXPECT_EQ(busy.content_type, "application/json; charset=utf-8");
  auto body = nlohmann::json::parse(busy.body);
  EXPECT_EQ(body["error"]["code"], "rate_limited");
  EXPECT_EQ(internal_reply().status, 500u);
  auto e = error_reply(404, errc::not_found, "no such case");
  EXPECT_EQ(nlohmann::json::parse(e.body)["error"]["message"], "no such case");
}

TEST(http_route, protocol_errors_map_to_statuses) {
  EXPECT_EQ(http_status(errc::bad_request), 400u);
  EXPECT_EQ(http_status(errc::unauthenticated), 401u);
  EXPECT_EQ(http_status(errc::forbidden), 403u);
  EXPECT_EQ(http_status(errc::not_found), 404u);
  EXPECT_EQ(http_status(errc::too_large), 413u);
  EXPECT_EQ(http_status(errc::rate_limited), 429u);
  EXPECT_EQ(http_status(errc::conflict), 409u);
  EXPECT_EQ(http_status(errc::internal), 500u);
  auto r = exception_reply(std::make_exception_ptr(protocol::error(errc::forbidden, "no")), "test");
  EXPECT_EQ(r.status, 403u);
  EXPECT_EQ(exception_reply(std::make_exception_ptr(std::runtime_error("boom")), "test").status, 500u);
  EXPECT_EQ(writer_error_reply(std::make_exception_ptr(protocol::error(errc::not_found, "x"))).status, 404u);
  EXPECT_EQ(writer_error_reply(std::make_exception_ptr(protocol::error(errc::forbidden, "x"))).status, 409u);
}

TEST(http_route, bearer_takes_the_token_after_the_scheme_only) {
  EXPECT_EQ(bearer("Bearer abc"), "abc");
  EXPECT_EQ(bearer("Bearer "), "");
  EXPECT_EQ(bearer("Basic abc"), "");
  EXPECT_EQ(bearer(""), "");
}

}  // namespace
}  // namespace mediation::app
