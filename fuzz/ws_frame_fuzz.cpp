// libFuzzer target for the WebSocket frame reader (server/net/ws_frame.hpp), which reads every
// byte a client sends after the upgrade. Nothing may crash or hit undefined behaviour; the bytes
// read must give the same events whether they arrive at once or cut anywhere (the first input
// byte picks the cuts); every message given out is valid UTF-8 within the limit.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "server/net/ws_frame.hpp"

namespace {

using mediation::net::ws_frame::reader;

std::vector<std::string> events_of(const std::uint8_t* data, std::size_t size, std::size_t piece) {
  constexpr std::size_t limit = 512;
  reader r(limit);
  std::vector<std::string> out;
  for (std::size_t at = 0; at < size; at += piece) {
    const std::size_t n = std::min(piece, size - at);
    std::size_t used = 0;
    while (used < n) {
      const std::size_t before = used;
      auto e = r.feed(reinterpret_cast<const char*>(data) + at + used, n - used, used);
      if (used > n || used < before) std::abort();
      if (e == reader::event::none) break;
      std::string line = std::to_string(static_cast<int>(e)) + ":";
      if (e == reader::event::message) {
        if (r.message().size() > limit || !mediation::net::ws_frame::valid_utf8(r.message())) std::abort();
        line += r.message();
        r.message().clear();
      } else if (e == reader::event::error) {
        line += std::to_string(r.error_code());
      } else {
        line += std::to_string(r.close_code()) + r.control();
      }
      out.push_back(line);
      if (e == reader::event::close) return out;  // the session reads nothing after a close
    }
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const std::size_t piece = 1 + data[0] % 17;
  if (events_of(data + 1, size - 1, size) != events_of(data + 1, size - 1, piece)) std::abort();
  return 0;
}
