#include <algorithm>
#include <cctype>
#include <chrono>

#include <boost/asio/dispatch.hpp>

#include "server/log.hpp"
#include "server/net/sessions.hpp"
#include "server/net/forwarded.hpp"
#include "server/net/static_files.hpp"

namespace mediation::net {

namespace {
bool valid_request_id(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char ch : id)
    if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '-' && ch != '_' && ch != '.') return false;
  return true;
}

constexpr auto body_timeout = std::chrono::seconds(120);  // an upload of the largest attachment on a slow line
}

void shared_state::add(const std::shared_ptr<connection>& s) {
  bool refuse = false;
  {
    std::lock_guard lock(mutex);
    refuse = closing;
    if (!refuse) sockets.insert(s);
  }
  if (refuse) s->close(static_cast<std::uint16_t>(websocket::close_code::going_away), "server shutting down");
}

void shared_state::remove(const std::weak_ptr<connection>& s) {
  std::lock_guard lock(mutex);
  sockets.erase(s);
}

bool shared_state::reserve(const std::string& address) {
  std::lock_guard lock(mutex);
  auto& n = per_address[address];
  if (settings.max_connections_per_address && n >= settings.max_connections_per_address) {
    if (n == 0) per_address.erase(address);
    return false;
  }
  ++n;
  return true;
}

void shared_state::release(const std::string& address) {
  std::lock_guard lock(mutex);
  auto it = per_address.find(address);
  if (it != per_address.end() && --it->second == 0) per_address.erase(it);
}

namespace {
template <class Stream>
Stream make_stream(tcp::socket&& socket, shared_state& state) {
  if constexpr (std::is_same_v<Stream, tls_stream>) return Stream(std::move(socket), *state.tls);
  else return Stream(std::move(socket));
}
}  // namespace

template <class Stream>
http_session<Stream>::http_session(tcp::socket&& socket, std::shared_ptr<shared_state> state)
    : stream_(make_stream<Stream>(std::move(socket), *state)), state_(std::move(state)) {
  beast::error_code ec;
  auto& sock = beast::get_lowest_layer(stream_).socket();
  // Small frames (acks, events) must not wait for Nagle's algorithm and the peer's delayed ACK.
  sock.set_option(tcp::no_delay(true), ec);
  auto ep = sock.remote_endpoint(ec);
  if (!ec) {
    peer_ip_ = ep.address().to_string();
    peer_port_ = std::to_string(ep.port());
  }
  remote_ = peer_ip_ + ":" + peer_port_;
}

template <class Stream>
void http_session<Stream>::run() {
  if constexpr (std::is_same_v<Stream, tls_stream>) {
    asio::dispatch(stream_.get_executor(), [self = this->shared_from_this()] {
      beast::get_lowest_layer(self->stream_).expires_after(std::chrono::seconds(self->state_->settings.http_timeout_s));
      self->stream_.async_handshake(asio::ssl::stream_base::server,
                                    beast::bind_front_handler(&http_session<Stream>::on_handshake, self));
    });
  } else {
    asio::dispatch(stream_.get_executor(), beast::bind_front_handler(&http_session<Stream>::do_read, this->shared_from_this()));
  }
}

template <class Stream>
void http_session<Stream>::on_handshake(beast::error_code ec) {
  if (ec) {
    // Plain HTTP to the TLS port, an old protocol version, a scanner: nothing to answer.
    bump(state_->stats->tls_handshake_failures);
    log::debug("tls handshake failed", {{"remote", remote_}, {"error", ec.message()}});
    return;
  }
  do_read();
}

template <class Stream>
void http_session<Stream>::do_read() {
  parser_.emplace();
  parser_->body_limit(state_->settings.max_body_bytes);
  parser_->header_limit(16 * 1024);
  beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(state_->settings.http_timeout_s));
  http::async_read_header(stream_, buffer_, *parser_,
                          beast::bind_front_handler(&http_session<Stream>::on_header, this->shared_from_this()));
}

template <class Stream>
void http_session<Stream>::on_header(beast::error_code ec, std::size_t n) {
  if (ec) return on_read(ec, n);
  // Some endpoints (uploads) take larger bodies than the default.
  std::string target(parser_->get().target());
  if (auto q = target.find('?'); q != std::string::npos) target.resize(q);
  if (auto limit = state_->api->body_limit(std::string(parser_->get().method_string()), target))
    parser_->body_limit(limit);
  if (parser_->is_done()) return on_read(ec, n);
  beast::get_lowest_layer(stream_).expires_after(body_timeout);
  http::async_read(stream_, buffer_, *parser_, beast::bind_front_handler(&http_session<Stream>::on_read, this->shared_from_this()));
}

template <class Stream>
void http_session<Stream>::on_read(beast::error_code ec, std::size_t) {
  if (ec == http::error::end_of_stream) return do_close();
  if (ec == http::error::body_limit) {
    return send(http_reply{413, R"({"error":{"code":"too_large","message":"the request body is too large"}})", "application/json; charset=utf-8", {}}, false);
  }
  if (ec) {
    if (ec != beast::error::timeout && ec != asio::error::operation_aborted)
      log::debug("http read failed", {{"remote", remote_}, {"error", ec.message()}});
    return;
  }
  auto req = parser_->release();
  bump(state_->stats->http_requests);
  // Attribute the request to the client behind a trusted proxy (audit, limits, throttling).
  const std::string address = client_address(peer_ip_, req["X-Forwarded-For"], state_->settings.trusted_proxies);
  remote_ = address + ":" + (address == peer_ip_ ? peer_port_ : "0");
  std::string target(req.target());
  if (auto q = target.find('?'); q != std::string::npos) target.resize(q);
  // A trusted proxy's request id is kept, so that its log and ours can be joined; otherwise a new one.
  const auto& proxies = state_->settings.trusted_proxies;
  const bool from_proxy = std::find(proxies.begin(), proxies.end(), peer_ip_) != proxies.end();
  request_id_ = from_proxy && valid_request_id(req["X-Request-Id"]) ? std::string(req["X-Request-Id"])
                                                                             : log::new_request_id();
  method_ = std::string(req.method_string());
  target_ = target;
  started_ = std::chrono::steady_clock::now();

  if (websocket::is_upgrade(req)) {
    if (target != "/ws") return send(http_reply{404, "Not found\n", "text/plain; charset=utf-8", {}}, false);
    if (!state_->reserve(address)) {
      bump(state_->stats->connections_refused);
      log::warn("too many connections from one address", {{"remote", remote_}});
      return send(http_reply{429, R"({"error":{"code":"rate_limited","message":"too many connections from this address"}})", "application/json; charset=utf-8", {}},
                  false);
    }
    beast::get_lowest_layer(stream_).expires_never();
    std::make_shared<ws_session<Stream>>(std::move(stream_), state_, remote_, address)->run(std::move(req));
    return;
  }

  const bool keep_alive = req.keep_alive();
  if (state_->api->handles(target)) {
    http_request r;
    r.method = std::string(req.method_string());
    r.target = target;
    r.authorization = std::string(req[http::field::authorization]);
    r.content_type = std::string(req[http::field::content_type]);
    r.file_name = std::string(req["X-File-Name"]);
    r.body = std::move(req.body());
    r.remote = remote_;
    r.request_id = request_id_;
    auto self = this->shared_from_this();
    state_->api->handle(std::move(r), [self, keep_alive](http_reply reply) {
      asio::dispatch(self->stream_.get_executor(),
                     [self, keep_alive, reply = std::move(reply)]() mutable { self->send(std::move(reply), keep_alive); });
    });
    return;
  }
  if (req.method() != http::verb::get && req.method() != http::verb::head)
    return send(http_reply{405, "Method not allowed\n", "text/plain; charset=utf-8", {}}, keep_alive);
  send(serve_static(state_->settings.web_root, target), keep_alive);
}

template <class Stream>
void http_session<Stream>::send(http_reply reply, bool keep_alive) {
  response_ = std::make_shared<http::response<http::string_body>>(static_cast<http::status>(reply.status), 11);
  response_->set(http::field::server, "mediation-server");
  response_->set(http::field::content_type, reply.content_type);
  response_->set(http::field::cache_control, "no-cache");
  response_->set("X-Content-Type-Options", "nosniff");
  if constexpr (std::is_same_v<Stream, tls_stream>)
    response_->set(http::field::strict_transport_security, "max-age=31536000");
  if (!reply.disposition.empty()) response_->set(http::field::content_disposition, reply.disposition);
  if (!request_id_.empty()) {
    response_->set("X-Request-Id", request_id_);
    const auto ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started_).count();
    log::request_scope scope(request_id_);
    log::info("http", {{"method", method_}, {"target", target_}, {"status", std::to_string(reply.status)},
                       {"ms", std::to_string(static_cast<long long>(ms))}, {"remote", remote_}});
    request_id_.clear();
  }
  response_->keep_alive(keep_alive);
  response_->body() = std::move(reply.body);
  response_->prepare_payload();
  beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(state_->settings.http_timeout_s));
  http::async_write(stream_, *response_,
                    beast::bind_front_handler(&http_session<Stream>::on_write, this->shared_from_this(), keep_alive));
}

template <class Stream>
void http_session<Stream>::on_write(bool keep_alive, beast::error_code ec, std::size_t) {
  if (ec) return;
  if (!keep_alive) return do_close();
  do_read();
}

template <class Stream>
void http_session<Stream>::do_close() {
  if constexpr (std::is_same_v<Stream, tls_stream>) {
    beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(5));
    stream_.async_shutdown([self = this->shared_from_this()](beast::error_code) {
      beast::error_code ignored;
      beast::get_lowest_layer(self->stream_).socket().shutdown(tcp::socket::shutdown_send, ignored);
    });
  } else {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
  }
}

template class http_session<plain_stream>;
template class http_session<tls_stream>;

}  // namespace mediation::net
