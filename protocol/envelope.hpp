#pragma once
// The envelope of one text frame: its `rid` and `type`. Pure and thread-safe.

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "protocol/errors.hpp"

namespace mediation::protocol {

using json = nlohmann::json;

struct parse_failure {
  errc code;
  std::string message;
};

// A frame's envelope: its `rid` and `type`, and the frame itself for the verb's parser. Never throws.
// Failures: bad_request (not JSON, not an object, no or ill-typed `type` or `rid`). The server
// dispatches on `type` through the verbs its slices registered, so it needs no request variant.
struct envelope {
  std::optional<std::string> rid;
  std::optional<parse_failure> failure;  // set when the envelope itself is bad
  std::string type;
  json frame;
};
envelope parse_envelope(std::string_view text);

}  // namespace mediation::protocol
