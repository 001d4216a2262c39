#pragma once
// Beast session classes. Internal to server/net: include only from server/net/*.cpp.

#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <unordered_map>
#include <vector>
#include <string>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include "server/net/connection.hpp"
#include "server/net/listener.hpp"
#include "server/net/ws_frame.hpp"

namespace mediation::net {

namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

// The two kinds of connection: plain TCP (behind a TLS-terminating proxy, or on loopback) and
// TLS terminated here (--tls-cert, --tls-key). Each session class is compiled once for each.
using plain_stream = beast::tcp_stream;
using tls_stream = beast::ssl_stream<beast::tcp_stream>;

// What every session of one listener shares. Thread-safe.
struct shared_state {
  net_settings settings;
  counters* stats = nullptr;
  std::shared_ptr<http_api> api;
  handler_factory factory;
  bool tls = false;  // TLS terminated here (--tls-cert, --tls-key); plain connections otherwise

  // The TLS context that new connections start with; listener::reload_tls() replaces it. A
  // connection keeps the context it started with: its SSL object holds a reference to it.
  std::shared_ptr<asio::ssl::context> tls_context() const;
  void set_tls_context(std::shared_ptr<asio::ssl::context> ctx);

  std::mutex mutex;
  std::set<std::weak_ptr<connection>, std::owner_less<std::weak_ptr<connection>>> sockets;
  bool closing = false;

  mutable std::mutex tls_mutex;
  std::shared_ptr<asio::ssl::context> tls_context_;  // under tls_mutex

  void add(const std::shared_ptr<connection>& s);
  void remove(const std::weak_ptr<connection>& s);

  // WebSockets per client address: reserve() before upgrading (false: over the limit),
  // release() once the session is gone.
  std::unordered_map<std::string, std::size_t> per_address;
  bool reserve(const std::string& address);
  void release(const std::string& address);

  // HTTP connections per peer address, likewise (--max-http-connections-per-address): reserve_http()
  // when the connection is accepted, release_http() when its session is gone (or has become a
  // WebSocket). Trusted proxies are counted but never refused.
  std::unordered_map<std::string, std::size_t> http_per_address;
  bool reserve_http(const std::string& peer);
  void release_http(const std::string& peer);
};

// One HTTP/1.1 connection: API calls, static files, and the /ws upgrade.
// Over TLS the handshake comes first, with the same timeout as a request. A request's header is
// read first; the API may refuse it (http_api::admit) before its body is read, with the body
// limit of its route. Every answer carries the security headers (CSP and others).
template <class Stream>
class http_session : public std::enable_shared_from_this<http_session<Stream>> {
 public:
  http_session(tcp::socket&& socket, std::shared_ptr<shared_state> state);
  ~http_session();
  void run();

 private:
  void on_handshake(beast::error_code ec);
  void do_read();
  void on_header(beast::error_code ec, std::size_t);
  void begin_request();
  void read_body();
  void on_continue(beast::error_code ec, std::size_t);
  void on_read(beast::error_code ec, std::size_t);
  void upgrade(http::request<http::string_body> req, const std::string& address);
  void send(http_reply reply, bool keep_alive);
  void on_write(bool keep_alive, beast::error_code ec, std::size_t);
  void do_close();
  void linger();

  Stream stream_;
  beast::flat_buffer buffer_;
  std::shared_ptr<shared_state> state_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::shared_ptr<http::response<http::string_body>> response_;
  std::shared_ptr<http::response<http::empty_body>> continue_;  // "100 Continue" for Expect: 100-continue
  bool counted_ = false;  // counted in state_->http_per_address
  bool refused_ = false;  // over the per-address limit: answered 429 and closed
  bool lingering_ = false;  // after the last answer: reading and discarding until the client closes
  std::string address_;   // the client's address (its proxy-reported one when trusted)
  std::string peer_ip_, peer_port_;
  std::string remote_;  // "address:port" of the client (its proxy-reported address when trusted)
  // The request being answered, for the access log line and the X-Request-Id header.
  std::string request_id_, method_, target_;
  std::chrono::steady_clock::time_point started_;
};

// One WebSocket connection: a strand, a read loop, and a bounded outbound queue of shared frames.
// Beast reads the upgrade request; the 101 answer and every frame after it are this class's own
// (ws_frame.hpp), so that the frames waiting for one connection leave in one gather write, each a
// header of a few bytes before the payload that every recipient shares. A frame queued while a
// handler runs is written at the end of that turn of the strand, with whatever else was queued in
// it. On plain TCP a connection with nothing to read holds no read buffer: it waits for the
// socket to become readable and reads into a buffer of its I/O thread.
template <class Stream>
class ws_session : public std::enable_shared_from_this<ws_session<Stream>>, public connection {
 public:
  // `address` was reserved in state->per_address; the session releases it when destroyed.
  // `request_id` is the upgrade request's (X-Request-Id of the 101 answer).
  ws_session(Stream&& stream, std::shared_ptr<shared_state> state, std::string remote, std::string address,
             std::string request_id);
  ~ws_session() override;
  // Answers the upgrade request (101, or 400/426 when it is not a valid WebSocket request).
  void run(http::request<http::string_body> req);

  void send(frame_ptr frame) override;
  bool can_queue(std::size_t bytes) const override;
  void on_drained(std::function<void()> fn) override;
  void dispatch(std::function<void()> fn) override;
  void dispatch_push(push p) override;
  void close(std::uint16_t code, std::string reason) override;
  const std::string& remote() const override { return remote_; }

 private:
  struct out_frame {
    frame_ptr payload;
    std::uint8_t header[10];
    std::uint8_t header_size;
    bool data;  // a text frame, counted in the queue's bounds (pings, pongs and the close are not)
    bool close;
  };
  void on_handshake(beast::error_code ec);
  void do_read();
  void on_readable(beast::error_code ec);
  void on_read(beast::error_code ec, std::size_t n);
  // Handles bytes read; false once nothing more is to be read.
  bool consume(const char* data, std::size_t size);
  void enqueue(ws_frame::opcode op, frame_ptr payload);
  void answer_ping(const std::string& payload);
  void queue_text(frame_ptr frame);
  void schedule_write();
  void do_write();
  void on_write(beast::error_code ec, std::size_t);
  void do_close(std::uint16_t code, std::string reason);
  void drop_unsent();
  void arm_timer(std::chrono::steady_clock::duration after);
  void on_timer(beast::error_code ec);
  void end_connection();
  // Ends the session and closes the socket; `reset`: abortively (RST), for a peer that stopped reading.
  void finish(bool reset = false);

  Stream stream_;
  std::shared_ptr<shared_state> state_;
  std::string remote_;
  std::string address_;
  std::string request_id_;
  std::shared_ptr<connection_handler> handler_;
  std::shared_ptr<http::response<http::empty_body>> handshake_;  // the 101 (or refusal) being written
  ws_frame::reader reader_;
  std::unique_ptr<char[]> read_buffer_;  // TLS only (plain TCP reads into its thread's buffer)
  // Frames [head_, size) wait; the first in_flight_ of them are being written.
  std::vector<out_frame> queue_;
  std::size_t head_ = 0;
  std::size_t in_flight_ = 0;
  static constexpr std::size_t no_pong = static_cast<std::size_t>(-1);
  std::size_t pong_at_ = no_pong;  // the index in queue_ of the pong waiting to be written, if any
  std::vector<asio::const_buffer> buffers_;  // of the write in flight
  std::vector<std::uint8_t> headers_;        // the frame headers of the write in flight
  std::size_t queued_frames_ = 0;  // text frames waiting (and in flight), for the bounds
  std::size_t queued_bytes_ = 0;
  std::vector<std::function<void()>> drain_waiters_;
  bool writing_ = false;
  bool write_scheduled_ = false;
  bool closing_ = false;         // a close is under way: nothing more is taken from the application
  bool close_written_ = false;
  bool close_received_ = false;  // the peer's close frame was read
  bool finished_ = false;
  bool ending_ = false;
  bool counted_ = false;         // counted in connections_open
  bool read_since_tick_ = false;
  bool pinged_ = false;
  asio::steady_timer timer_;     // idle pings until a close, then the close's grace
  unsigned timer_armed_ = 0;     // arm_timer() calls, to tell a stale wait from the current one
  bool orderly_end_ = false;     // the server goes away (1001): queued frames first, no reset
};

extern template class http_session<plain_stream>;
extern template class http_session<tls_stream>;
extern template class ws_session<plain_stream>;
extern template class ws_session<tls_stream>;

}  // namespace mediation::net
