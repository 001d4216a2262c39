#pragma once
// Builds the text of the frames the server sends. Pure and thread-safe.

#include <optional>
#include <string>
#include <string_view>

#include "protocol/errors.hpp"
#include "protocol/messages/common.hpp"

namespace mediation::protocol {

// {"type":"ok","rid":rid, ...result}. `result` must be an object (or null for none).
std::string ok_frame(std::string_view rid, const json& result = nullptr);
// {"type":"error","rid":rid-or-null,"code":...,"message":...} and "field" (the path of the field at fault) when given
std::string error_frame(const std::optional<std::string>& rid, errc code, std::string_view message,
                        std::string_view field = {});
// {"type":"event",...}
std::string event_frame(const event_view& event);
// UTF-8 text of `j`; invalid UTF-8 is replaced, never thrown on.
std::string dump(const json& j);

}  // namespace mediation::protocol
