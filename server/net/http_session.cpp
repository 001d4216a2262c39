#include <algorithm>
#include <cctype>
#include <chrono>

#include <boost/asio/dispatch.hpp>

#include "server/base/log.hpp"
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
// After the last answer on a connection, how long the rest of what the client sends is read and
// discarded: closing with unread data would reset the connection and could destroy the answer
// (say a 401 or 413 to an upload whose body is still coming) before the client has read it.
constexpr auto linger_timeout = std::chrono::seconds(5);

// On every answer. No inline script anywhere (web-client/ has none); inline style only for the
// printed agreement, which the client opens from a blob: URL that inherits this policy.
constexpr const char* content_security_policy =
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
    "media-src 'self' blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'";

http_reply json_error(unsigned status, const char* code, const char* message) {
  return http_reply{status, std::string(R"({"error":{"code":")") + code + R"(","message":")" + message + "\"}}",
                    "application/json; charset=utf-8", {}};
}
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

namespace {

// One more connection of `key` under `limit` (0: none); false when it is reached.
bool take_slot(std::unordered_map<std::string, std::size_t>& counts, const std::string& key, std::size_t limit) {
  auto& n = counts[key];
  if (limit && n >= limit) {
    if (n == 0) counts.erase(key);
    return false;
  }
  ++n;
  return true;
}

void give_slot(std::unordered_map<std::string, std::size_t>& counts, const std::string& key) {
  auto it = counts.find(key);
  if (it != counts.end() && --it->second == 0) counts.erase(it);
}

}  // namespace

bool shared_state::reserve(const std::string& address) {
  std::lock_guard lock(mutex);
  return take_slot(per_address, address, settings.max_connections_per_address);
}

void shared_state::release(const std::string& address) {
  std::lock_guard lock(mutex);
  give_slot(per_address, address);
}

bool shared_state::reserve_http(const std::string& peer) {
  // Trusted proxies carry many clients: counted, never refused.
  const auto& proxies = settings.trusted_proxies;
  const bool proxy = std::find(proxies.begin(), proxies.end(), peer) != proxies.end();
  std::lock_guard lock(mutex);
  return take_slot(http_per_address, peer, proxy ? 0 : settings.max_http_connections_per_address);
}

void shared_state::release_http(const std::string& peer) {
  std::lock_guard lock(mutex);
  give_slot(http_per_address, peer);
}

namespace {
template <class Stream>
Stream make_stream(tcp::socket&& socket, shared_state& state) {
  if constexpr (std::is_same_v<Stream, tls_stream>) return Stream(std::move(socket), *state.tls_context());
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
  address_ = peer_ip_;
}

template <class Stream>
http_session<Stream>::~http_session() {
  if (counted_) state_->release_http(peer_ip_);
}

template <class Stream>
void http_session<Stream>::run() {
  counted_ = state_->reserve_http(peer_ip_);
  if (!counted_) {
    refused_ = true;
    bump(state_->stats->connections_refused);
    log::debug("too many http connections from one address", {{"remote", remote_}});
  }
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
  if (refused_) {
    return send(json_error(429, "rate_limited", "too many connections from this address"), false);
  }
  parser_.emplace();
  parser_->header_limit(16 * 1024);
  // No limit while the header is read: Beast would refuse a Content-Length over it before the
  // route, and so the route's own limit, is known. on_header sets it.
  parser_->body_limit(boost::none);
  beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(state_->settings.http_timeout_s));
  http::async_read_header(stream_, buffer_, *parser_,
                          beast::bind_front_handler(&http_session<Stream>::on_header, this->shared_from_this()));
}

// The request's identity for the access log line and its answer.
template <class Stream>
void http_session<Stream>::begin_request() {
  const auto& req = parser_->get();
  bump(state_->stats->http_requests);
  // Attribute the request to the client behind a trusted proxy (audit, limits, throttling).
  address_ = client_address(peer_ip_, req["X-Forwarded-For"], state_->settings.trusted_proxies);
  remote_ = address_ + ":" + (address_ == peer_ip_ ? peer_port_ : "0");
  std::string target(req.target());
  if (auto q = target.find('?'); q != std::string::npos) target.resize(q);
  // A trusted proxy's request id is kept, so that its log and ours can be joined; otherwise a new one.
  const auto& proxies = state_->settings.trusted_proxies;
  const bool from_proxy = std::find(proxies.begin(), proxies.end(), peer_ip_) != proxies.end();
  request_id_ = from_proxy && valid_request_id(req["X-Request-Id"]) ? std::string(req["X-Request-Id"])
                                                                    : log::new_request_id();
  method_ = std::string(req.method_string());
  target_ = std::move(target);
  started_ = std::chrono::steady_clock::now();
}

template <class Stream>
void http_session<Stream>::on_header(beast::error_code ec, std::size_t n) {
  if (ec) return on_read(ec, n);
  begin_request();
  const auto& req = parser_->get();
  const bool api = !websocket::is_upgrade(req) && state_->api->handles(target_);
  // Some endpoints (uploads) take larger bodies than the default.
  std::size_t limit = state_->settings.max_body_bytes;
  if (api) {
    if (auto route_limit = state_->api->body_limit(method_, target_)) limit = route_limit;
  }
  parser_->body_limit(limit);
  if (auto length = parser_->content_length(); length && *length > limit)
    return send(json_error(413, "too_large", "the request body is too large"), false);
  if (!api || parser_->is_done()) return read_body();
  http_request head;
  head.method = method_;
  head.target = target_;
  head.authorization = std::string(req[http::field::authorization]);
  head.content_type = std::string(req[http::field::content_type]);
  head.file_name = std::string(req["X-File-Name"]);
  head.remote = remote_;
  head.request_id = request_id_;
  auto self = this->shared_from_this();
  state_->api->admit(head, [self](std::optional<http_reply> refusal) {
    asio::dispatch(self->stream_.get_executor(), [self, refusal = std::move(refusal)]() mutable {
      // Refused: answered without reading the body, then closed (the body must not be parsed as
      // the next request).
      if (refusal) return self->send(std::move(*refusal), false);
      self->read_body();
    });
  });
}

template <class Stream>
void http_session<Stream>::read_body() {
  if (parser_->is_done()) return on_read({}, 0);
  beast::get_lowest_layer(stream_).expires_after(body_timeout);
  const auto& req = parser_->get();
  if (beast::iequals(req[http::field::expect], "100-continue")) {
    // The client (curl, for one) waits for this before it sends the body.
    continue_ = std::make_shared<http::response<http::empty_body>>(http::status::continue_, 11);
    return http::async_write(stream_, *continue_,
                             beast::bind_front_handler(&http_session<Stream>::on_continue, this->shared_from_this()));
  }
  http::async_read(stream_, buffer_, *parser_, beast::bind_front_handler(&http_session<Stream>::on_read, this->shared_from_this()));
}

template <class Stream>
void http_session<Stream>::on_continue(beast::error_code ec, std::size_t) {
  continue_.reset();
  if (ec) return;
  http::async_read(stream_, buffer_, *parser_, beast::bind_front_handler(&http_session<Stream>::on_read, this->shared_from_this()));
}

template <class Stream>
void http_session<Stream>::on_read(beast::error_code ec, std::size_t) {
  if (ec == http::error::end_of_stream) return do_close();
  if (ec == http::error::body_limit) return send(json_error(413, "too_large", "the request body is too large"), false);
  if (ec) {
    if (ec != beast::error::timeout && ec != asio::error::operation_aborted)
      log::debug("http read failed", {{"remote", remote_}, {"error", ec.message()}});
    return;
  }
  auto req = parser_->release();
  if (websocket::is_upgrade(req)) return upgrade(std::move(req), address_);

  const bool keep_alive = req.keep_alive();
  if (state_->api->handles(target_)) {
    http_request r;
    r.method = method_;
    r.target = target_;
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
  send(serve_static(state_->settings.web_root, target_), keep_alive);
}

// GET /ws: a browser's page must come from this server or an allowed origin (cross-site
// WebSocket hijacking: a page elsewhere would otherwise act with the user's session).
template <class Stream>
void http_session<Stream>::upgrade(http::request<http::string_body> req, const std::string& address) {
  if (target_ != "/ws") return send(http_reply{404, "Not found\n", "text/plain; charset=utf-8", {}}, false);
  if (req.count(http::field::origin)) {
    const auto& proxies = state_->settings.trusted_proxies;
    const bool from_proxy = std::find(proxies.begin(), proxies.end(), peer_ip_) != proxies.end();
    const bool tls = std::is_same_v<Stream, tls_stream>;
    const std::string_view forwarded_proto = from_proxy ? std::string_view(req["X-Forwarded-Proto"]) : std::string_view{};
    const std::string_view forwarded_host = from_proxy ? std::string_view(req["X-Forwarded-Host"]) : std::string_view{};
    if (!origin_allowed(std::string_view(req[http::field::origin]), tls, std::string_view(req[http::field::host]),
                        forwarded_proto, forwarded_host, state_->settings.allowed_origins)) {
      log::warn("websocket from a foreign origin refused",
                {{"remote", remote_}, {"origin", std::string(req[http::field::origin]).substr(0, 200)}});
      return send(json_error(403, "forbidden", "this origin may not open a WebSocket here; see --allowed-origins"), false);
    }
  }
  if (!state_->reserve(address)) {
    bump(state_->stats->connections_refused);
    log::warn("too many connections from one address", {{"remote", remote_}});
    return send(json_error(429, "rate_limited", "too many connections from this address"), false);
  }
  beast::get_lowest_layer(stream_).expires_never();
  std::make_shared<ws_session<Stream>>(std::move(stream_), state_, remote_, address, std::move(request_id_))
      ->run(std::move(req));
}

template <class Stream>
void http_session<Stream>::send(http_reply reply, bool keep_alive) {
  response_ = std::make_shared<http::response<http::string_body>>(static_cast<http::status>(reply.status), 11);
  response_->set(http::field::server, "mediation-server");
  response_->set(http::field::content_type, reply.content_type);
  response_->set(http::field::cache_control, "no-cache");
  response_->set("X-Content-Type-Options", "nosniff");
  response_->set("Content-Security-Policy", content_security_policy);
  response_->set("X-Frame-Options", "DENY");
  response_->set("Referrer-Policy", "no-referrer");  // link tokens must not leak through Referer
  if constexpr (std::is_same_v<Stream, tls_stream>)
    response_->set(http::field::strict_transport_security, "max-age=31536000");
  if (!reply.disposition.empty()) response_->set(http::field::content_disposition, reply.disposition);
  if (!request_id_.empty()) {
    response_->set("X-Request-Id", request_id_);
    const auto ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started_).count();
    log::request_scope scope(request_id_);
    log::info("http", {{"method", method_}, {"target", state_->api->log_target(target_)},
                       {"status", std::to_string(reply.status)},
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
      self->linger();
    });
  } else {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    linger();
  }
}

// Reads and discards until the client closes or linger_timeout passes (a lingering close).
template <class Stream>
void http_session<Stream>::linger() {
  auto& tcp = beast::get_lowest_layer(stream_);
  if (!lingering_) {
    lingering_ = true;
    tcp.expires_after(linger_timeout);  // one deadline for the whole drain
  }
  tcp.async_read_some(buffer_.prepare(16 * 1024), [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
    if (!ec) self->linger();  // an error: the client closed, or the deadline closed the socket
  });
}

template class http_session<plain_stream>;
template class http_session<tls_stream>;

}  // namespace mediation::net
