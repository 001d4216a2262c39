// libFuzzer target for every request's from_json: the first byte picks the request type, the
// rest is its JSON body, so each verb's validation is reached without the fuzzer having to
// guess the type's name. Bodies that are not JSON objects are skipped (parse_frame_fuzz covers them).
#include <cstddef>
#include <cstdint>
#include <string>

#include "protocol/parse.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace mediation::protocol;
  if (size < 1) return 0;
  const auto& types = request_types();
  const std::string_view type = types[data[0] % types.size()];
  json body = json::parse(reinterpret_cast<const char*>(data) + 1, reinterpret_cast<const char*>(data) + size, nullptr,
                          false);
  if (!body.is_object()) return 0;
  body["type"] = type;
  if (!body.contains("rid")) body["rid"] = "f";
  auto parsed = parse_frame(body.dump(-1, ' ', false, json::error_handler_t::replace));
  (void)parsed;
  return 0;
}
