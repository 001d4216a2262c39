#include "protocol/frames.hpp"

namespace mediation::protocol {

std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

std::string ok_frame(std::string_view rid, const json& result) {
  json j{{"type", "ok"}, {"rid", rid}};
  if (result.is_object())
    for (auto it = result.begin(); it != result.end(); ++it)
      if (it.key() != "type" && it.key() != "rid") j[it.key()] = it.value();
  return dump(j);
}

std::string error_frame(const std::optional<std::string>& rid, errc code, std::string_view message,
                        std::string_view field) {
  json j{{"type", "error"}, {"rid", nullptr}, {"code", to_string(code)}, {"message", message}};
  if (rid) j["rid"] = *rid;
  if (!field.empty()) j["field"] = field;
  return dump(j);
}

std::string event_frame(const event_view& event) { return dump(json(event)); }

}  // namespace mediation::protocol
