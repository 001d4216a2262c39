#include "server/net/ws_frame.hpp"

#include <algorithm>

namespace mediation::net::ws_frame {

std::size_t write_header(opcode op, std::size_t size, std::uint8_t (&out)[10]) {
  out[0] = static_cast<std::uint8_t>(0x80 | static_cast<std::uint8_t>(op));
  if (size < 126) {
    out[1] = static_cast<std::uint8_t>(size);
    return 2;
  }
  if (size <= 0xFFFF) {
    out[1] = 126;
    out[2] = static_cast<std::uint8_t>(size >> 8);
    out[3] = static_cast<std::uint8_t>(size);
    return 4;
  }
  out[1] = 127;
  const auto n = static_cast<std::uint64_t>(size);
  for (int i = 0; i < 8; ++i) out[2 + i] = static_cast<std::uint8_t>(n >> (56 - 8 * i));
  return 10;
}

std::string close_payload(std::uint16_t code, std::string_view reason) {
  std::string out;
  out.push_back(static_cast<char>(code >> 8));
  out.push_back(static_cast<char>(code & 0xFF));
  std::size_t n = std::min<std::size_t>(reason.size(), 123);
  // Never cut a character in two: back up over continuation bytes.
  while (n < reason.size() && n > 0 && (static_cast<unsigned char>(reason[n]) & 0xC0) == 0x80) --n;
  out.append(reason.substr(0, n));
  return out;
}

bool valid_utf8(std::string_view text) {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t n = text.size();
  std::size_t i = 0;
  while (i < n) {
    // Runs of ASCII, eight bytes at a time where aligned reads allow it.
    while (i + 8 <= n) {
      std::uint64_t w;
      std::copy(s + i, s + i + 8, reinterpret_cast<unsigned char*>(&w));
      if (w & 0x8080808080808080ull) break;
      i += 8;
    }
    if (i >= n) break;
    const unsigned char c = s[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t len = 0;
    unsigned char lo = 0x80, hi = 0xBF;  // the allowed range of the second byte
    if (c >= 0xC2 && c <= 0xDF) len = 2;
    else if (c == 0xE0) len = 3, lo = 0xA0;
    else if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF) len = 3;
    else if (c == 0xED) len = 3, hi = 0x9F;  // no surrogates
    else if (c == 0xF0) len = 4, lo = 0x90;
    else if (c >= 0xF1 && c <= 0xF3) len = 4;
    else if (c == 0xF4) len = 4, hi = 0x8F;  // nothing above U+10FFFF
    else return false;
    if (i + len > n) return false;
    if (s[i + 1] < lo || s[i + 1] > hi) return false;
    for (std::size_t k = 2; k < len; ++k)
      if ((s[i + k] & 0xC0) != 0x80) return false;
    i += len;
  }
  return true;
}

bool valid_close_code(std::uint16_t code) {
  return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1011) || (code >= 3000 && code <= 4999);
}

reader::event reader::fail(std::uint16_t code, const char* reason) {
  error_ = code;
  error_reason_ = reason;
  // A broken frame leaves nothing to parse; after any other error the framing still holds, and
  // the rest is parsed only to find the peer's close.
  if (code == close_code::protocol_error) broken_ = true;
  discard_ = true;
  dropping_ = true;
  return event::error;
}

reader::event reader::end_of_frame() {
  in_payload_ = false;
  switch (op_) {
    case opcode::ping:
      return event::ping;
    case opcode::pong:
      return event::pong;
    case opcode::close: {
      close_code_ = 0;
      if (control_.size() == 1) return fail(close_code::protocol_error, "malformed close frame");
      if (control_.size() >= 2) {
        close_code_ = static_cast<std::uint16_t>((static_cast<unsigned char>(control_[0]) << 8) |
                                                 static_cast<unsigned char>(control_[1]));
        if (!valid_close_code(close_code_)) return fail(close_code::protocol_error, "invalid close code");
        control_.erase(0, 2);
        if (!valid_utf8(control_)) return fail(close_code::protocol_error, "invalid close reason");
      }
      return event::close;
    }
    default:
      break;
  }
  if (!fin_) return event::none;
  in_message_ = false;
  if (dropping_) {
    dropping_ = false;
    return event::none;
  }
  if (!valid_utf8(message_)) return fail(close_code::bad_payload, "invalid UTF-8");
  return event::message;
}

reader::event reader::feed(const char* data, std::size_t size, std::size_t& used) {
  const auto* p = reinterpret_cast<const std::uint8_t*>(data);
  std::size_t i = 0;
  auto done = [&](event e) {
    used += i;
    return e;
  };
  if (broken_) {
    used += size;
    return event::none;
  }
  while (i < size) {
    if (in_payload_) {
      const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(remaining_, size - i));
      const bool control = static_cast<std::uint8_t>(op_) >= 8;
      std::string* into = control ? &control_ : dropping_ ? nullptr : &message_;
      if (into) {
        const std::size_t at = into->size();
        into->append(data + i, n);
        char* out = into->data() + at;
        for (std::size_t k = 0; k < n; ++k) out[k] = static_cast<char>(out[k] ^ mask_[(mask_at_ + k) & 3]);
      }
      mask_at_ += n;
      remaining_ -= n;
      i += n;
      if (remaining_ == 0)
        if (auto e = end_of_frame(); e != event::none) return done(e);
      continue;
    }
    head_[head_size_++] = p[i++];
    if (head_size_ < 2) continue;
    const std::uint8_t b0 = head_[0], b1 = head_[1];
    const std::uint8_t len7 = b1 & 0x7F;
    const std::size_t need = 2 + (len7 == 126 ? 2 : len7 == 127 ? 8 : 0) + 4;
    if (head_size_ == 2) {
      const auto op = static_cast<opcode>(b0 & 0x0F);
      if (b0 & 0x70) return done(fail(close_code::protocol_error, "reserved bits set"));
      if (!(b1 & 0x80)) return done(fail(close_code::protocol_error, "client frames must be masked"));
      switch (op) {
        case opcode::continuation: case opcode::text: case opcode::binary:
          break;
        case opcode::close: case opcode::ping: case opcode::pong:
          if (!(b0 & 0x80) || len7 > 125) return done(fail(close_code::protocol_error, "malformed control frame"));
          break;
        default:
          return done(fail(close_code::protocol_error, "unknown opcode"));
      }
    }
    if (head_size_ < need) continue;
    std::uint64_t length = len7;
    if (len7 == 126) {
      length = (std::uint64_t{head_[2]} << 8) | head_[3];
      if (length < 126) return done(fail(close_code::protocol_error, "length not minimally encoded"));
    } else if (len7 == 127) {
      length = 0;
      for (int k = 0; k < 8; ++k) length = (length << 8) | head_[2 + k];
      if (length >> 63) return done(fail(close_code::protocol_error, "length too large"));
      if (length <= 0xFFFF) return done(fail(close_code::protocol_error, "length not minimally encoded"));
    }
    std::copy(head_ + need - 4, head_ + need, mask_);
    head_size_ = 0;
    op_ = static_cast<opcode>(b0 & 0x0F);
    fin_ = (b0 & 0x80) != 0;
    remaining_ = length;
    mask_at_ = 0;
    in_payload_ = true;
    event pending = event::none;
    if (static_cast<std::uint8_t>(op_) >= 8) {
      control_.clear();
    } else if (op_ == opcode::continuation) {
      if (!in_message_) return done(fail(close_code::protocol_error, "continuation without a message"));
    } else {
      if (in_message_) return done(fail(close_code::protocol_error, "a new message inside a fragmented one"));
      in_message_ = true;
      message_.clear();
      dropping_ = discard_;
      if (op_ == opcode::binary && !discard_) pending = fail(close_code::unknown_data, "text frames only");
    }
    if (pending == event::none && static_cast<std::uint8_t>(op_) < 8 && !dropping_ &&
        length > max_message_ - std::min(max_message_, message_.size()))
      pending = fail(close_code::too_big, "frame too large");
    if (pending != event::none) {
      message_.clear();
      return done(pending);
    }
    if (remaining_ == 0)
      if (auto e = end_of_frame(); e != event::none) return done(e);
  }
  return done(event::none);
}

}  // namespace mediation::net::ws_frame
