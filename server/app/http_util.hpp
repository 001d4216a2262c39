#pragma once
// Small helpers of the HTTP endpoints: JSON answers, error answers, the bearer token.

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "protocol/errors.hpp"
#include "protocol/frames.hpp"
#include "server/net/connection.hpp"

namespace mediation::app::http_util {

inline net::http_reply json_reply(unsigned status, const nlohmann::json& body) {
  return {status, protocol::dump(body), {}, {}};
}

inline net::http_reply error_reply(unsigned status, protocol::errc code, std::string_view message) {
  return json_reply(status, {{"error", {{"code", protocol::to_string(code)}, {"message", message}}}});
}

inline net::http_reply internal_reply() {
  return error_reply(500, protocol::errc::internal, "the server could not complete the request; nothing was changed");
}

// The bearer token of an "Authorization: Bearer ..." header, or "".
inline std::string bearer(const std::string& header) {
  const std::string prefix = "Bearer ";
  if (header.size() > prefix.size() && header.compare(0, prefix.size(), prefix) == 0)
    return header.substr(prefix.size());
  return {};
}

}  // namespace mediation::app::http_util
