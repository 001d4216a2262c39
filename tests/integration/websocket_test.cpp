// The WebSocket layer on the wire, byte by byte (RFC 6455), with a raw TCP client: the upgrade's
// checks, fragments with a control frame between them, pings and pongs, the closing handshake,
// malformed frames, and a client that sends pings and reads nothing.
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>

#include <sys/socket.h>
#include <sys/time.h>

#include "tests/integration/fixture.hpp"

namespace mediation::test {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

struct frame {
  int opcode = -1;
  bool fin = false;
  std::string payload;
};

class raw_ws {
 public:
  // Connects and sends the upgrade request with `headers` (the key and version unless replaced).
  raw_ws(unsigned short port, const std::string& headers = "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                                                           "Sec-WebSocket-Version: 13\r\n",
         int receive_buffer = 0) {
    if (receive_buffer) {
      // Before connecting, so that the window the server sees is small from the start.
      socket_.open(tcp::v4());
      ::setsockopt(socket_.native_handle(), SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof receive_buffer);
    }
    socket_.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
    timeout(std::chrono::seconds(5));
    const std::string req = "GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
                            headers + "\r\n";
    asio::write(socket_, asio::buffer(req));
    asio::read_until(socket_, in_, "\r\n\r\n");
    std::string all(asio::buffers_begin(in_.data()), asio::buffers_end(in_.data()));
    const auto end = all.find("\r\n\r\n") + 4;
    answer = all.substr(0, end);
    in_.consume(end);
  }
  void timeout(std::chrono::milliseconds t) {
    timeval tv{static_cast<time_t>(t.count() / 1000), static_cast<suseconds_t>((t.count() % 1000) * 1000)};
    ::setsockopt(socket_.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  }
  // A client frame, masked unless told otherwise.
  static std::string encode(std::uint8_t first_byte, const std::string& payload, bool masked = true) {
    std::string out(1, static_cast<char>(first_byte));
    const std::size_t n = payload.size();
    const char mask_bit = masked ? static_cast<char>(0x80) : 0;
    if (n < 126) {
      out.push_back(static_cast<char>(mask_bit | static_cast<char>(n)));
    } else {
      out.push_back(static_cast<char>(mask_bit | 126));
      out.push_back(static_cast<char>(n >> 8));
      out.push_back(static_cast<char>(n & 0xFF));
    }
    const char key[4] = {0x12, 0x34, 0x56, 0x78};
    if (masked) out.append(key, 4);
    for (std::size_t i = 0; i < n; ++i) out.push_back(masked ? static_cast<char>(payload[i] ^ key[i & 3]) : payload[i]);
    return out;
  }
  void send_bytes(const std::string& bytes) { asio::write(socket_, asio::buffer(bytes)); }
  void send(std::uint8_t first_byte, const std::string& payload, bool masked = true) {
    send_bytes(encode(first_byte, payload, masked));
  }
  // The next server frame, or nullopt when the socket ends or the time runs out.
  std::optional<frame> next() {
    boost::system::error_code ec;
    auto need = [&](std::size_t n) {
      if (in_.size() < n) asio::read(socket_, in_, asio::transfer_at_least(n - in_.size()), ec);
      return !ec || in_.size() >= n;
    };
    if (!need(2)) return std::nullopt;
    const auto* p = static_cast<const unsigned char*>(in_.data().data());
    frame f;
    f.fin = (p[0] & 0x80) != 0;
    f.opcode = p[0] & 0x0F;
    if (p[1] & 0x80) ADD_FAILURE() << "a server frame is masked";
    std::size_t len = p[1] & 0x7F, head = 2;
    if (len == 126) {
      if (!need(4)) return std::nullopt;
      p = static_cast<const unsigned char*>(in_.data().data());
      len = (static_cast<std::size_t>(p[2]) << 8) | p[3];
      head = 4;
    } else if (len == 127) {
      if (!need(10)) return std::nullopt;
      p = static_cast<const unsigned char*>(in_.data().data());
      len = 0;
      for (int i = 0; i < 8; ++i) len = (len << 8) | p[2 + i];
      head = 10;
    }
    if (!need(head + len)) return std::nullopt;
    const char* d = static_cast<const char*>(in_.data().data());
    f.payload.assign(d + head, len);
    in_.consume(head + len);
    return f;
  }
  // Whether the server ended the TCP connection (after its close frame, if any).
  bool ended() {
    boost::system::error_code ec;
    char c;
    const std::size_t n = socket_.read_some(asio::buffer(&c, 1), ec);
    return n == 0 && ec;
  }
  std::string answer;  // the HTTP answer to the upgrade, headers only

 private:
  asio::io_context ioc_;
  tcp::socket socket_{ioc_};
  asio::streambuf in_;
};

int close_code(const frame& f) {
  return f.payload.size() >= 2 ? (static_cast<unsigned char>(f.payload[0]) << 8) | static_cast<unsigned char>(f.payload[1]) : 0;
}

using websocket = server_test;

TEST_P(websocket, the_upgrade_needs_a_key_and_version_13) {
  raw_ws ok(port());
  EXPECT_NE(ok.answer.find("HTTP/1.1 101"), std::string::npos) << ok.answer;
  // RFC 6455 section 1.3's example key and its answer.
  EXPECT_NE(ok.answer.find("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo="), std::string::npos) << ok.answer;
  EXPECT_NE(ok.answer.find("X-Request-Id: "), std::string::npos) << ok.answer;
  raw_ws old(port(), "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 8\r\n");
  EXPECT_NE(old.answer.find("HTTP/1.1 426"), std::string::npos) << old.answer;
  EXPECT_NE(old.answer.find("Sec-WebSocket-Version: 13"), std::string::npos) << old.answer;
  raw_ws keyless(port(), "Sec-WebSocket-Version: 13\r\n");
  EXPECT_NE(keyless.answer.find("HTTP/1.1 400"), std::string::npos) << keyless.answer;
}

TEST_P(websocket, a_request_in_fragments_with_a_ping_between_them_is_answered_and_the_ping_gets_its_pong) {
  const std::string token = token_for("officer.li");
  raw_ws c(port());
  const std::string auth = json{{"type", "auth"}, {"rid", "a1"}, {"token", token}}.dump();
  c.send(0x01, auth.substr(0, 10));                   // text, not final
  c.send(0x89, "是否在线");                            // a ping between the fragments
  c.send(0x00, auth.substr(10, 20));                  // continuation
  c.send(0x80, auth.substr(30));                      // the last piece
  auto pong = c.next();
  ASSERT_TRUE(pong);
  EXPECT_EQ(pong->opcode, 0xA);
  EXPECT_EQ(pong->payload, "是否在线");
  auto reply = c.next();
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->opcode, 0x1);
  EXPECT_TRUE(reply->fin);
  auto j = json::parse(reply->payload);
  EXPECT_EQ(j["type"], "ok") << reply->payload;
  EXPECT_EQ(j["rid"], "a1");
  // The client closes: the server answers with the same code and ends the connection.
  c.send(0x88, std::string("\x03\xe8", 2) + "再见");
  auto close = c.next();
  ASSERT_TRUE(close);
  EXPECT_EQ(close->opcode, 0x8);
  EXPECT_EQ(close_code(*close), 1000);
  EXPECT_TRUE(c.ended());
}

TEST_P(websocket, frames_that_break_the_protocol_close_with_1002) {
  struct bad {
    const char* what;
    std::string bytes;
  };
  const std::vector<bad> cases{
      {"unmasked", raw_ws::encode(0x81, "{}", false)},
      {"reserved bit", raw_ws::encode(0xC1, "{}")},
      {"unknown opcode", raw_ws::encode(0x83, "{}")},
      {"fragmented ping", raw_ws::encode(0x09, "p")},
      {"continuation of nothing", raw_ws::encode(0x80, "{}")},
  };
  for (const auto& b : cases) {
    raw_ws c(port());
    c.send_bytes(b.bytes);
    auto close = c.next();
    ASSERT_TRUE(close) << b.what;
    EXPECT_EQ(close->opcode, 0x8) << b.what;
    EXPECT_EQ(close_code(*close), 1002) << b.what;
  }
}

TEST_P(websocket, a_client_that_sends_pings_and_reads_nothing_is_owed_one_pong_at_most) {
  raw_ws c(port(), "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n", 4096);
  // 20,000 pings of 100 bytes (2 MB of pongs if each were kept), while reading nothing.
  const std::string ping = raw_ws::encode(0x89, std::string(100, 'p'));
  std::string burst;
  for (int i = 0; i < 100; ++i) burst += ping;
  for (int i = 0; i < 200; ++i) c.send_bytes(burst);
  // The server still answers requests, after the pongs it did write.
  c.send(0x81, json{{"type", "orgs.list"}, {"rid", "r1"}}.dump());
  int pongs = 0;
  std::optional<frame> f;
  while ((f = c.next()) && f->opcode == 0xA) ++pongs;
  ASSERT_TRUE(f);
  EXPECT_EQ(json::parse(f->payload)["rid"], "r1");  // refused (not authenticated), but answered
  // What the kernel buffers held while the client did not read, and one more: far fewer than sent.
  EXPECT_GT(pongs, 0);
  EXPECT_LT(pongs, 5000);
}

BACKEND_SUITE(websocket);

}  // namespace
}  // namespace mediation::test
