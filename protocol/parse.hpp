#pragma once
// Turns one text frame into a typed request or a protocol error. Pure and thread-safe.

#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "protocol/envelope.hpp"
#include "protocol/errors.hpp"
#include "protocol/messages.hpp"

namespace mediation::protocol {

struct parsed_frame {
  // The request id, when the frame had a string `rid` of at most limits::rid bytes; an error
  // reply echoes it (or null).
  std::optional<std::string> rid;
  std::variant<request, parse_failure> result;
};



// Never throws. Failures: bad_request (not JSON, not an object, no or ill-typed `type` or `rid`,
// a missing or ill-typed field), unknown_type, too_large (a field over its limit).
parsed_frame parse_frame(std::string_view text);

// The wire names of every request type, in the order of the `request` variant.
const std::vector<std::string_view>& request_types();

}  // namespace mediation::protocol
