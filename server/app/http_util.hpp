#pragma once
// Small helpers of the HTTP endpoints: JSON answers, error answers, the bearer token.

#include <exception>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "protocol/errors.hpp"
#include "protocol/frames.hpp"
#include "server/net/connection.hpp"

namespace mediation::app::http_util {

// Every JSON answer, errors included, is made here: "application/json; charset=utf-8".
inline net::http_reply json_reply(unsigned status, const nlohmann::json& body) {
  net::http_reply reply;
  reply.status = status;
  reply.body = protocol::dump(body);
  reply.content_type = "application/json; charset=utf-8";
  return reply;
}

inline net::http_reply error_reply(unsigned status, protocol::errc code, std::string_view message) {
  return json_reply(status, {{"error", {{"code", protocol::to_string(code)}, {"message", message}}}});
}

inline net::http_reply internal_reply() {
  return error_reply(500, protocol::errc::internal, "the server could not complete the request; nothing was changed");
}

// The answer to a write that failed in the batched writer: the protocol error it threw (not_found
// 404, anything else 409), or 500.
inline net::http_reply writer_error_reply(std::exception_ptr e) {
  try {
    std::rethrow_exception(e);
  } catch (const protocol::error& pe) {
    return error_reply(pe.code() == protocol::errc::not_found ? 404 : 409, pe.code(), pe.what());
  } catch (...) {
    return internal_reply();
  }
}

// The bearer token of an "Authorization: Bearer ..." header, or "".
inline std::string bearer(const std::string& header) {
  const std::string prefix = "Bearer ";
  if (header.size() > prefix.size() && header.compare(0, prefix.size(), prefix) == 0)
    return header.substr(prefix.size());
  return {};
}

}  // namespace mediation::app::http_util
