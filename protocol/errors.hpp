#pragma once
// Protocol error codes (PROTOCOL-CORE.md "Codes") and the exception the parser throws.

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace mediation::protocol {

enum class errc {
  bad_request,     // not JSON, no `type`, missing or ill-typed field
  unknown_type,    // `type` names no verb
  unauthenticated, // no valid session on this socket, or bad credentials
  forbidden,       // the user may not do this, or may not see this case
  not_found,       // no such case, thread, organisation or user
  conflict,        // the state does not allow it (already accepted, ...)
  too_large,       // a field or message over its size limit
  rate_limited,    // too many requests, or a per-connection limit reached
  internal,        // the server failed; nothing was changed
};

// The wire name of a code, e.g. "bad_request".
std::string_view to_string(errc code) noexcept;
// The code named `name`, or nullopt.
std::optional<errc> errc_from_string(std::string_view name) noexcept;

// An application or protocol error with a human-readable message. Thrown by from_json and by
// request handlers; caught at one boundary per request and turned into an error frame.
class error : public std::runtime_error {
 public:
  error(errc code, std::string message) : std::runtime_error(std::move(message)), code_(code) {}
  errc code() const noexcept { return code_; }

 private:
  errc code_;
};

}  // namespace mediation::protocol
