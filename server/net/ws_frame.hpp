#pragma once
// The WebSocket framing (RFC 6455) of the data phase, after the upgrade: server frames written as
// bytes that every recipient shares (a header of 2 to 10 bytes before the shared payload, no
// masking, no extension), and client frames read by an incremental parser that copies each
// payload byte once. Pure functions and one state machine, free of Asio, tested on their own
// (tests/server/net/ws_frame_test.cpp).

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace mediation::net::ws_frame {

enum class opcode : std::uint8_t { continuation = 0, text = 1, binary = 2, close = 8, ping = 9, pong = 10 };

// Close codes the server sends (RFC 6455 section 7.4.1).
namespace close_code {
constexpr std::uint16_t normal = 1000, going_away = 1001, protocol_error = 1002, unknown_data = 1003,
                        bad_payload = 1007, policy = 1008, too_big = 1009;
}

// The header of one unfragmented server frame (FIN set, unmasked) of `op` carrying `size` bytes:
// written to `out`; returns its length (2, 4 or 10).
std::size_t write_header(opcode op, std::size_t size, std::uint8_t (&out)[10]);

// A close frame's payload: the code in network order and the reason, cut to fit 125 bytes on a
// character boundary.
std::string close_payload(std::uint16_t code, std::string_view reason);

// Strict UTF-8: no overlong forms, no surrogates, nothing above U+10FFFF.
bool valid_utf8(std::string_view text);
// A close code a peer may send (1000-1003, 1007-1011, 3000-4999).
bool valid_close_code(std::uint16_t code);

// Reads client frames from bytes as they arrive, in any pieces. Client frames must be masked;
// text messages may be fragmented; control frames come whole, between fragments too.
class reader {
 public:
  enum class event {
    none,     // everything fed was consumed; feed more
    message,  // a text message is complete: message()
    ping,     // control(): the payload, to send back in a pong
    pong,
    close,    // close_code() (0: none given) and control() (the reason)
    error,    // error_code(): the close code to answer with; nothing more is read after it
  };
  // `max_message`: the largest text message; one byte over it is error 1009, found from the
  // frame header before its payload is read.
  explicit reader(std::size_t max_message) : max_message_(max_message) {}

  // Consumes bytes from `data` (at most `size`) until an event or the end; adds the bytes consumed
  // to `used`. Call again with the rest after an event other than none or error.
  event feed(const char* data, std::size_t size, std::size_t& used);

  // Stop keeping message payloads (a close is under way): frames are still parsed, so that the
  // peer's close frame is found, but data is dropped and no limit applies.
  void discard_data() { discard_ = true; }

  std::string& message() { return message_; }
  const std::string& control() const { return control_; }
  std::uint16_t close_code() const { return close_code_; }
  std::uint16_t error_code() const { return error_; }
  const char* error_reason() const { return error_reason_; }

 private:
  event fail(std::uint16_t code, const char* reason);
  event end_of_frame();

  std::size_t max_message_;
  bool discard_ = false;
  bool broken_ = false;  // after a protocol error: nothing more is parsed
  // The header being read (at most 14 bytes).
  std::uint8_t head_[14] = {};
  std::size_t head_size_ = 0;
  // The frame whose payload is being read.
  bool in_payload_ = false;
  bool fin_ = false;
  opcode op_ = opcode::continuation;
  std::uint64_t remaining_ = 0;
  std::uint8_t mask_[4] = {};
  std::size_t mask_at_ = 0;
  // A text message in progress (between its first frame and the one with FIN).
  bool in_message_ = false;
  bool dropping_ = false;  // the message in progress is dropped (discard_data)
  std::string message_;
  std::string control_;
  std::uint16_t close_code_ = 0;
  std::uint16_t error_ = 0;
  const char* error_reason_ = "";
};

}  // namespace mediation::net::ws_frame
