// libFuzzer target: any bytes as a WebSocket text frame. parse_frame must never throw, crash or
// read out of bounds (AddressSanitizer), nor hit undefined behaviour (UBSan); a frame it accepts
// must survive a round trip through to_json (where the request has one) and parse again to the same request.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "protocol/parse.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace mediation::protocol;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto parsed = parse_frame(text);
  if (auto* req = std::get_if<request>(&parsed.result)) {
    std::visit(
        [&](const auto& r) {
          // Requests that a client library also writes (those with to_json) must read back the same.
          if constexpr (requires(json& out) { to_json(out, r); }) {
            json j;
            to_json(j, r);
            j["rid"] = parsed.rid.value_or("r");
            auto again = parse_frame(j.dump());
            auto* req2 = std::get_if<request>(&again.result);
            if (!req2 || req2->index() != req->index()) std::abort();  // accepted once, accepted again
            json j2;
            to_json(j2, std::get<std::decay_t<decltype(r)>>(*req2));
            j2["rid"] = j["rid"];
            if (j2 != j) std::abort();
          }
        },
        *req);
  }
  return 0;
}
