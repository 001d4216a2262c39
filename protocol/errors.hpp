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

// An application or protocol error with a human-readable message (English; clients show their own
// text for the code and field) and, when one field of the request is at fault, its name: a path such
// as "parties[1].id_number". Thrown by from_json and by request handlers; caught at one boundary per
// request and turned into an error frame ({"field"} only when known).
class error : public std::runtime_error {
 public:
  // `field` empty: taken from a message of the form "field 'NAME' ...", if it is one.
  error(errc code, std::string message, std::string field = {});
  errc code() const noexcept { return code_; }
  const std::string& field() const noexcept { return field_; }

 private:
  errc code_;
  std::string field_;
};

}  // namespace mediation::protocol
