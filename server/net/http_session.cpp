#include <boost/asio/dispatch.hpp>

#include "server/log.hpp"
#include "server/net/sessions.hpp"
#include "server/net/forwarded.hpp"
#include "server/net/static_files.hpp"

namespace mediation::net {

namespace {
constexpr auto read_timeout = std::chrono::seconds(30);  // a slow request (slow-loris) is cut off
constexpr auto body_timeout = std::chrono::seconds(120);  // an upload of the largest attachment on a slow line
}

void shared_state::add(const std::shared_ptr<ws_session>& s) {
  bool refuse = false;
  {
    std::lock_guard lock(mutex);
    refuse = closing;
    if (!refuse) sockets.insert(s);
  }
  if (refuse) s->close(static_cast<std::uint16_t>(websocket::close_code::going_away), "server shutting down");
}

void shared_state::remove(const std::weak_ptr<ws_session>& s) {
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

http_session::http_session(tcp::socket&& socket, std::shared_ptr<shared_state> state)
    : stream_(std::move(socket)), state_(std::move(state)) {
  beast::error_code ec;
  // Small frames (acks, events) must not wait for Nagle's algorithm and the peer's delayed ACK.
  stream_.socket().set_option(tcp::no_delay(true), ec);
  auto ep = stream_.socket().remote_endpoint(ec);
  if (!ec) {
    peer_ip_ = ep.address().to_string();
    peer_port_ = std::to_string(ep.port());
  }
  remote_ = peer_ip_ + ":" + peer_port_;
}

void http_session::run() {
  asio::dispatch(stream_.get_executor(), beast::bind_front_handler(&http_session::do_read, shared_from_this()));
}

void http_session::do_read() {
  parser_.emplace();
  parser_->body_limit(state_->settings.max_body_bytes);
  parser_->header_limit(16 * 1024);
  stream_.expires_after(read_timeout);
  http::async_read_header(stream_, buffer_, *parser_,
                          beast::bind_front_handler(&http_session::on_header, shared_from_this()));
}

void http_session::on_header(beast::error_code ec, std::size_t n) {
  if (ec) return on_read(ec, n);
  // Some endpoints (uploads) take larger bodies than the default.
  std::string target(parser_->get().target());
  if (auto q = target.find('?'); q != std::string::npos) target.resize(q);
  if (auto limit = state_->api->body_limit(std::string(parser_->get().method_string()), target))
    parser_->body_limit(limit);
  if (parser_->is_done()) return on_read(ec, n);
  stream_.expires_after(body_timeout);
  http::async_read(stream_, buffer_, *parser_, beast::bind_front_handler(&http_session::on_read, shared_from_this()));
}

void http_session::on_read(beast::error_code ec, std::size_t) {
  if (ec == http::error::end_of_stream) return do_close();
  if (ec == http::error::body_limit) {
    return send(http_reply{413, R"({"error":{"code":"too_large","message":"the request body is too large"}})", {}}, false);
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

  if (websocket::is_upgrade(req)) {
    if (target != "/ws") return send(http_reply{404, "Not found\n", "text/plain; charset=utf-8"}, false);
    if (!state_->reserve(address)) {
      bump(state_->stats->connections_refused);
      log::warn("too many connections from one address", {{"remote", remote_}});
      return send(http_reply{429, R"({"error":{"code":"rate_limited","message":"too many connections from this address"}})", {}},
                  false);
    }
    stream_.expires_never();
    std::make_shared<ws_session>(stream_.release_socket(), state_, remote_, address)->run(std::move(req));
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
    auto self = shared_from_this();
    state_->api->handle(std::move(r), [self, keep_alive](http_reply reply) {
      asio::dispatch(self->stream_.get_executor(),
                     [self, keep_alive, reply = std::move(reply)]() mutable { self->send(std::move(reply), keep_alive); });
    });
    return;
  }
  if (req.method() != http::verb::get && req.method() != http::verb::head)
    return send(http_reply{405, "Method not allowed\n", "text/plain; charset=utf-8"}, keep_alive);
  send(serve_static(state_->settings.web_root, target), keep_alive);
}

void http_session::send(http_reply reply, bool keep_alive) {
  response_ = std::make_shared<http::response<http::string_body>>(static_cast<http::status>(reply.status), 11);
  response_->set(http::field::server, "mediation-server");
  response_->set(http::field::content_type, reply.content_type);
  response_->set(http::field::cache_control, "no-cache");
  response_->set("X-Content-Type-Options", "nosniff");
  if (!reply.disposition.empty()) response_->set(http::field::content_disposition, reply.disposition);
  response_->keep_alive(keep_alive);
  response_->body() = std::move(reply.body);
  response_->prepare_payload();
  stream_.expires_after(read_timeout);
  http::async_write(stream_, *response_,
                    beast::bind_front_handler(&http_session::on_write, shared_from_this(), keep_alive));
}

void http_session::on_write(bool keep_alive, beast::error_code ec, std::size_t) {
  if (ec) return;
  if (!keep_alive) return do_close();
  do_read();
}

void http_session::do_close() {
  beast::error_code ec;
  stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
}

}  // namespace mediation::net
