#include <gtest/gtest.h>

#include <random>

#include "server/net/ws_frame.hpp"

namespace mediation::net::ws_frame {
namespace {

// A client frame: masked with `key`, as RFC 6455 requires of clients.
std::string client_frame(std::uint8_t first_byte, std::string_view payload, std::uint32_t key = 0x37fa213d) {
  std::string out;
  out.push_back(static_cast<char>(first_byte));
  const std::size_t n = payload.size();
  if (n < 126) {
    out.push_back(static_cast<char>(0x80 | n));
  } else if (n <= 0xFFFF) {
    out.push_back(static_cast<char>(0x80 | 126));
    out.push_back(static_cast<char>(n >> 8));
    out.push_back(static_cast<char>(n & 0xFF));
  } else {
    out.push_back(static_cast<char>(0x80 | 127));
    for (int i = 7; i >= 0; --i) out.push_back(static_cast<char>((static_cast<std::uint64_t>(n) >> (8 * i)) & 0xFF));
  }
  const std::uint8_t mask[4] = {static_cast<std::uint8_t>(key >> 24), static_cast<std::uint8_t>(key >> 16),
                                static_cast<std::uint8_t>(key >> 8), static_cast<std::uint8_t>(key)};
  out.append(reinterpret_cast<const char*>(mask), 4);
  for (std::size_t i = 0; i < n; ++i) out.push_back(static_cast<char>(payload[i] ^ mask[i & 3]));
  return out;
}

struct outcome {
  std::vector<std::pair<reader::event, std::string>> events;
};

// Feeds `bytes` in pieces of `piece` bytes, collecting every event.
outcome feed_all(reader& r, const std::string& bytes, std::size_t piece) {
  outcome out;
  for (std::size_t at = 0; at < bytes.size(); at += piece) {
    const std::size_t n = std::min(piece, bytes.size() - at);
    std::size_t used = 0;
    while (used < n) {
      auto e = r.feed(bytes.data() + at + used, n - used, used);
      if (e == reader::event::none) break;
      std::string detail = e == reader::event::message ? r.message()
                           : e == reader::event::error ? std::to_string(r.error_code())
                           : e == reader::event::close ? std::to_string(r.close_code()) + ":" + r.control()
                                                       : r.control();
      out.events.emplace_back(e, detail);
      if (e == reader::event::message) r.message().clear();
      if (e == reader::event::error && r.error_code() == close_code::protocol_error) return out;
    }
  }
  return out;
}

TEST(ws_frame, server_headers_use_the_shortest_length) {
  std::uint8_t h[10];
  EXPECT_EQ(write_header(opcode::text, 0, h), 2u);
  EXPECT_EQ(h[0], 0x81);
  EXPECT_EQ(h[1], 0);
  EXPECT_EQ(write_header(opcode::text, 125, h), 2u);
  EXPECT_EQ(h[1], 125);
  EXPECT_EQ(write_header(opcode::text, 126, h), 4u);
  EXPECT_EQ(h[1], 126);
  EXPECT_EQ((h[2] << 8) | h[3], 126);
  EXPECT_EQ(write_header(opcode::close, 65535, h), 4u);
  EXPECT_EQ(h[0], 0x88);
  EXPECT_EQ(write_header(opcode::text, 65536, h), 10u);
  EXPECT_EQ(h[1], 127);
  EXPECT_EQ(h[7], 1);  // 0x00 00 00 00 00 01 00 00
  EXPECT_EQ(h[8], 0);
}

TEST(ws_frame, messages_arrive_whole_however_the_bytes_are_cut) {
  const std::string text = "{\"type\":\"thread.post\",\"body\":\"调解协议已签署\"}";
  std::string big(70000, 'x');
  // One frame; a message in three fragments with a ping between them; a long message.
  const std::string bytes = client_frame(0x81, text) + client_frame(0x01, "ab") + client_frame(0x89, "p") +
                            client_frame(0x00, "cd") + client_frame(0x80, "ef") + client_frame(0x81, big);
  for (std::size_t piece : {1u, 2u, 3u, 7u, 64u, 100000u}) {
    reader r(1 << 20);
    auto out = feed_all(r, bytes, piece);
    ASSERT_EQ(out.events.size(), 4u) << piece;
    EXPECT_EQ(out.events[0], std::make_pair(reader::event::message, text));
    EXPECT_EQ(out.events[1], std::make_pair(reader::event::ping, std::string("p")));
    EXPECT_EQ(out.events[2], std::make_pair(reader::event::message, std::string("abcdef")));
    EXPECT_EQ(out.events[3], std::make_pair(reader::event::message, big));
  }
}

TEST(ws_frame, one_byte_over_the_limit_is_1009_before_the_payload_is_read) {
  reader r(100);
  auto ok = feed_all(r, client_frame(0x81, std::string(100, 'a')), 1000);
  ASSERT_EQ(ok.events.size(), 1u);
  EXPECT_EQ(ok.events[0].first, reader::event::message);
  // Over the limit across fragments too; after it, frames are parsed (to find the close) but
  // data is dropped.
  const std::string over = client_frame(0x01, std::string(60, 'a')) + client_frame(0x80, std::string(41, 'b')) +
                           client_frame(0x81, "dropped") + client_frame(0x88, std::string("\x03\xe8", 2) + "bye");
  auto out = feed_all(r, over, 5);
  ASSERT_EQ(out.events.size(), 2u);
  EXPECT_EQ(out.events[0], std::make_pair(reader::event::error, std::string("1009")));
  EXPECT_EQ(out.events[1], std::make_pair(reader::event::close, std::string("1000:bye")));
}

TEST(ws_frame, only_masked_well_formed_text_frames_are_taken) {
  auto first_error = [](const std::string& bytes) {
    reader r(1 << 20);
    auto out = feed_all(r, bytes, 3);
    for (auto& [e, detail] : out.events)
      if (e == reader::event::error) return detail;
    return std::string("none");
  };
  std::string unmasked = "\x81\x02hi";
  EXPECT_EQ(first_error(unmasked), "1002");
  EXPECT_EQ(first_error(client_frame(0xC1, "hi")), "1002");  // a reserved bit
  EXPECT_EQ(first_error(client_frame(0x83, "hi")), "1002");  // an unknown opcode
  EXPECT_EQ(first_error(client_frame(0x09, "hi")), "1002");  // a fragmented ping
  EXPECT_EQ(first_error(client_frame(0x89, std::string(126, 'p'))), "1002");  // a long ping
  EXPECT_EQ(first_error(client_frame(0x80, "hi")), "1002");  // a continuation of nothing
  EXPECT_EQ(first_error(client_frame(0x01, "a") + client_frame(0x81, "b")), "1002");  // a message inside one
  EXPECT_EQ(first_error(client_frame(0x88, "x")), "1002");  // a close of one byte
  EXPECT_EQ(first_error(client_frame(0x88, std::string("\x03\xed", 2))), "1002");  // close code 1005
  EXPECT_EQ(first_error(client_frame(0x82, "bin")), "1003");
  EXPECT_EQ(first_error(client_frame(0x81, "\xff")), "1007");
  EXPECT_EQ(first_error(client_frame(0x81, "\xe8\xb0")), "1007");  // cut short at the end
  // Lengths must use the shortest form.
  std::string long_form = client_frame(0x81, std::string(126, 'a'));
  long_form[1] = static_cast<char>(0x80 | 126);
  EXPECT_EQ(first_error(long_form), "none");
  std::string padded = "\x81\xfe";
  padded += std::string("\x00\x05", 2) + "abcd" + "hello";
  EXPECT_EQ(first_error(padded), "1002");
}

TEST(ws_frame, utf8_is_checked_strictly) {
  EXPECT_TRUE(valid_utf8(""));
  EXPECT_TRUE(valid_utf8("plain ascii text, long enough for the fast path"));
  EXPECT_TRUE(valid_utf8("人民调解委员会 — 𠀀"));
  EXPECT_FALSE(valid_utf8("\xc0\xaf"));          // overlong '/'
  EXPECT_FALSE(valid_utf8("\xe0\x80\xaf"));      // overlong
  EXPECT_FALSE(valid_utf8("\xed\xa0\x80"));      // a surrogate
  EXPECT_FALSE(valid_utf8("\xf4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_FALSE(valid_utf8("abcdefgh\x80"));      // a lone continuation after the fast path
}

TEST(ws_frame, close_reasons_are_cut_on_a_character_boundary) {
  const std::string reason(60, '\0');
  std::string chinese;
  for (int i = 0; i < 50; ++i) chinese += "慢";  // 150 bytes
  const std::string p = close_payload(1008, chinese);
  EXPECT_LE(p.size(), 125u);
  EXPECT_EQ(static_cast<unsigned char>(p[0]), 0x03);
  EXPECT_EQ(static_cast<unsigned char>(p[1]), 0xf0);
  EXPECT_TRUE(valid_utf8(p.substr(2)));
  EXPECT_EQ((p.size() - 2) % 3, 0u);
}

TEST(ws_frame, random_cuts_of_random_messages_give_them_back_unchanged) {
  std::mt19937 rng(7);
  std::vector<std::string> sent;
  std::string bytes;
  for (int i = 0; i < 200; ++i) {
    std::string m(rng() % 3000, 'a');
    for (auto& c : m) c = static_cast<char>('a' + rng() % 26);
    sent.push_back(m);
    bytes += client_frame(0x81, m, static_cast<std::uint32_t>(rng()));
  }
  reader r(1 << 20);
  std::vector<std::string> got;
  std::size_t at = 0;
  while (at < bytes.size()) {
    const std::size_t n = std::min<std::size_t>(1 + rng() % 5000, bytes.size() - at);
    std::size_t used = 0;
    while (used < n) {
      auto e = r.feed(bytes.data() + at + used, n - used, used);
      if (e == reader::event::none) break;
      ASSERT_EQ(e, reader::event::message);
      got.push_back(r.message());
      r.message().clear();
    }
    at += n;
  }
  EXPECT_EQ(got, sent);
}

}  // namespace
}  // namespace mediation::net::ws_frame
