#pragma once
// One HTTP endpoint of a feature slice, as the slice registers it (registry::route), and the one set
// of helpers every endpoint answers with: JSON answers and errors, the bearer token, the user behind
// it, "busy" when a queue is full, and database work whose exceptions become one error answer.
// Free of Beast, Asio and SOCI.

#include <cstddef>
#include <exception>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "protocol/errors.hpp"
#include "server/net/connection.hpp"

namespace soci {
class session;
}
namespace mediation::protocol {
struct user_view;
}

namespace mediation::app {

class services;
using responder = std::function<void(net::http_reply)>;
using decider = std::function<void(std::optional<net::http_reply>)>;

struct http_route {
  std::string methods;  // "GET", "POST" or "GET or POST"; anything else gets 405 naming them
  std::string prefix;   // the target starts with this...
  std::string suffix;   // ...and ends with this; the part between is the route's parameter
  enum class param { none, id, token } kind = param::none;  // none: the target is exactly `prefix`
  bool secret = false;         // the parameter is a link token: logs show its first 4 characters
  std::size_t body_limit = 0;  // the largest body accepted; 0: the server's default (--max-body)
  // Answers the request, exactly once, from any thread. `param` is the id (digits, at most 18) or
  // the token; "" for param::none.
  std::function<void(net::http_request, const std::string& param, responder)> handle;
  // Optional: decides from the header alone whether the body may be read (net::http_api::admit).
  std::function<void(const net::http_request& head, const std::string& param, decider)> admit;
};

// ---- answers ----
// Every JSON answer, errors included: "application/json; charset=utf-8".
net::http_reply json_reply(unsigned status, const nlohmann::json& body);
// {"error": {"code", "message"}}.
net::http_reply error_reply(unsigned status, protocol::errc code, std::string_view message,
                            std::string_view field = {});
// 500: the server could not complete the request; nothing was changed.
net::http_reply internal_reply();
// 503 rate_limited: a queue (database workers, writer) is full.
net::http_reply busy_reply();
// The HTTP status of a protocol error: bad_request 400, unauthenticated 401, forbidden 403,
// not_found 404, too_large 413, rate_limited 429, conflict (anything else) 409, internal 500.
unsigned http_status(protocol::errc code) noexcept;
// The answer to an exception from database work: a protocol::error keeps its code; anything else
// is logged with `what` and answered 500.
net::http_reply exception_reply(std::exception_ptr e, std::string_view what);
// The answer to a write that failed in the batched writer: not_found 404, any other protocol
// error 409, anything else 500.
net::http_reply writer_error_reply(std::exception_ptr e);

// ---- authentication ----
// The bearer token of an "Authorization: Bearer ..." header, or "".
std::string bearer(const std::string& header);
// The user behind a bearer token of a live login session (not expired, not revoked, account not
// disabled, a guest's invitation still valid), or nullopt.
std::optional<protocol::user_view> token_user(soci::session& sql, const std::string& token);

// ---- database work ----
// Runs `work` on a database worker and answers what it returns; an exception becomes
// exception_reply(`what`); a full queue answers busy_reply() at once.
void http_read(services& svc, responder respond, std::string what,
               std::function<net::http_reply(soci::session&)> work);

}  // namespace mediation::app
