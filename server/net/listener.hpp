#pragma once
// Accepts TCP connections and runs an HTTP session on each; /ws upgrades to a WebSocket session.
// Beast stays inside server/net/*.cpp: this header only forward-declares the io_context.

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "server/net/connection.hpp"
#include "server/net/counters.hpp"

namespace boost::asio {
class io_context;
}

namespace mediation::net {

struct net_settings {
  std::size_t max_frame_bytes = 1 << 20;
  std::size_t max_body_bytes = 64 << 10;
  std::size_t queue_frames = 4096;
  std::size_t queue_bytes = 16 << 20;
  unsigned idle_timeout_s = 60;
  std::size_t max_connections_per_address = 1000;  // WebSockets from one IP address; 0: no limit
  std::string web_root;
  std::vector<std::string> trusted_proxies;  // peers whose X-Forwarded-For names the client
  unsigned http_timeout_s = 30;  // to read a request's header (slow-loris), a TLS handshake, or write an answer
  std::string tls_cert_file;  // PEM certificate chain; with tls_key_file: TLS 1.2+ terminated here
  std::string tls_key_file;   // PEM private key
  // Open HTTP connections (not yet WebSockets) from one peer address; one more is answered 429 and
  // closed. Trusted proxies are not counted: they carry many clients. 0: no limit.
  std::size_t max_http_connections_per_address = 256;
  // Origins besides the server's own (scheme://host[:port]) whose pages may open /ws; a browser's
  // upgrade from any other Origin is refused with 403. Requests without Origin are not browsers'.
  std::vector<std::string> allowed_origins;
  // SO_SNDBUF of each WebSocket once upgraded (0: the kernel sizes it). Small, so that what a client
  // does not read piles up in the outbound queue, where its bounds see it, rather than in the kernel.
  std::size_t ws_send_buffer = 32 << 10;
};

class listener {
 public:
  // Binds and listens at once; throws std::runtime_error when the address cannot be bound or the
  // TLS certificate or key cannot be loaded.
  // `stats` outlives the listener and every session.
  listener(boost::asio::io_context& ioc, const std::string& host, unsigned short port, net_settings settings,
           std::shared_ptr<http_api> api, handler_factory factory, counters& stats);
  ~listener();
  listener(const listener&) = delete;
  listener& operator=(const listener&) = delete;

  // The bound address, e.g. "127.0.0.1:41234".
  std::string local_address() const;
  // Starts accepting. Thread-safe.
  void start();
  // Stops accepting new connections. Thread-safe.
  void stop_accepting();
  // Closes every open WebSocket with 1001 (going away). Thread-safe.
  void close_all();
  std::size_t open_connections() const;
  // With TLS: reads the certificate and key files again (--tls-cert, --tls-key) and serves the new
  // certificate to every connection from now on; open connections keep theirs. Returns the new
  // certificate's subject and expiry ("CN=localhost; not after Mar  1 12:00:00 2027 GMT") for the log.
  // Throws std::runtime_error naming the flag when the files cannot be used; the old certificate
  // stays. Without TLS returns "". Thread-safe.
  std::string reload_tls();

 private:
  struct impl;
  std::shared_ptr<impl> impl_;
};

}  // namespace mediation::net
