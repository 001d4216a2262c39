#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>

#include "server/base/log.hpp"
#include "server/net/sessions.hpp"

namespace mediation::net {

namespace {
// A connection asked to close gets this long to send its close frame before the socket is cut
// (a client that stops reading never lets a close frame out).
constexpr auto close_grace = std::chrono::seconds(2);
}  // namespace

template <class Stream>
ws_session<Stream>::ws_session(Stream&& stream, std::shared_ptr<shared_state> state, std::string remote,
                               std::string address, std::string request_id)
    : ws_(std::move(stream)), state_(std::move(state)), remote_(std::move(remote)), address_(std::move(address)),
      request_id_(std::move(request_id)), close_timer_(ws_.get_executor()) {}

template <class Stream>
ws_session<Stream>::~ws_session() { state_->release(address_); }

template <class Stream>
void ws_session<Stream>::run(http::request<http::string_body> req) {
  beast::get_lowest_layer(ws_).expires_never();
  websocket::stream_base::timeout opt{};
  opt.handshake_timeout = std::chrono::seconds(30);
  opt.idle_timeout = std::chrono::seconds(state_->settings.idle_timeout_s);
  opt.keep_alive_pings = true;  // ping at half the idle timeout; no pong means the peer is gone
  ws_.set_option(opt);
  ws_.set_option(websocket::stream_base::decorator([id = request_id_](websocket::response_type& res) {
    res.set(http::field::server, "mediation-server");
    res.set("X-Request-Id", id);
  }));
  // No limit inside Beast: over it, Beast fails the connection and its teardown (Boost 1.81) may
  // close the socket with the rest of the frame unread, a reset that destroys the 1009 before the
  // client reads it. do_read() counts the message itself and closes in the ordinary way instead.
  ws_.read_message_max(0);
  ws_.text(true);
  ws_.async_accept(req, beast::bind_front_handler(&ws_session<Stream>::on_accept, this->shared_from_this()));
}

template <class Stream>
void ws_session<Stream>::on_accept(beast::error_code ec) {
  if (ec) {
    log::debug("websocket handshake failed", {{"remote", remote_}, {"error", ec.message()}});
    return;
  }
  state_->add(this->shared_from_this());
  bump(state_->stats->connections_open);
  bump(state_->stats->connections_total);
  counted_ = true;
  {
    // The handler takes the upgrade request's id as its connection's (connection.hpp).
    log::request_scope scope(request_id_);
    handler_ = state_->factory(this->shared_from_this());
  }
  do_read();
}

// Reads a message in pieces, never more than one byte over --max-frame.
template <class Stream>
void ws_session<Stream>::do_read() {
  const std::size_t room = state_->settings.max_frame_bytes + 1 - buffer_.size();
  ws_.async_read_some(buffer_, room, beast::bind_front_handler(&ws_session<Stream>::on_read, this->shared_from_this()));
}

template <class Stream>
void ws_session<Stream>::on_read(beast::error_code ec, std::size_t) {
  if (ec) {
    if (ec != websocket::error::closed && ec != asio::error::operation_aborted)
      log::debug("websocket read ended", {{"remote", remote_}, {"error", ec.message()}});
    finish();
    return;
  }
  if (buffer_.size() > state_->settings.max_frame_bytes) {
    // A lingering close: the close frame goes out, and async_close reads and discards the rest
    // of the message until the client's close (or close_grace), so the client receives the 1009.
    buffer_.consume(buffer_.size());
    bump(state_->stats->frame_too_large_closes);
    log::info("frame over the limit; closed with 1009", {{"remote", remote_}});
    do_close(static_cast<std::uint16_t>(websocket::close_code::too_big), "frame too large");
    return;
  }
  if (!ws_.is_message_done()) {
    do_read();
    return;
  }
  if (!ws_.got_text()) {
    buffer_.consume(buffer_.size());
    do_close(static_cast<std::uint16_t>(websocket::close_code::unknown_data), "text frames only");
    return;
  }
  std::string text = beast::buffers_to_string(buffer_.data());
  buffer_.consume(buffer_.size());
  bump(state_->stats->frames_in);
  if (handler_ && !closing_) handler_->on_frame(std::move(text));
  do_read();
}

template <class Stream>
void ws_session<Stream>::send(frame_ptr frame) {
  asio::dispatch(ws_.get_executor(), [self = this->shared_from_this(), frame = std::move(frame)]() mutable {
    if (self->closing_ || self->finished_) return;
    const auto& s = self->state_->settings;
    if (self->queue_.size() >= s.queue_frames || self->queued_bytes_ + frame->size() > s.queue_bytes) {
      bump(self->state_->stats->slow_consumer_closes);
      log::warn("slow consumer disconnected", {{"remote", self->remote_},
                                               {"queued", std::to_string(self->queue_.size())}});
      self->do_close(static_cast<std::uint16_t>(websocket::close_code::policy_error),
                     "slow consumer; resume with since");
      return;
    }
    self->queued_bytes_ += frame->size();
    bump(self->state_->stats->outbound_queued);
    self->queue_.push_back(std::move(frame));
    if (!self->writing_) self->do_write();
  });
}

template <class Stream>
bool ws_session<Stream>::can_queue(std::size_t bytes) const {
  const auto& s = state_->settings;
  return !closing_ && queue_.size() < s.queue_frames / 2 && queued_bytes_ + bytes <= s.queue_bytes / 2;
}

template <class Stream>
void ws_session<Stream>::on_drained(std::function<void()> fn) {
  if (closing_ || finished_) return;
  if (queue_.empty()) {
    asio::post(ws_.get_executor(), std::move(fn));
    return;
  }
  drain_waiters_.push_back(std::move(fn));
}

template <class Stream>
void ws_session<Stream>::dispatch(std::function<void()> fn) { asio::dispatch(ws_.get_executor(), std::move(fn)); }

template <class Stream>
void ws_session<Stream>::close(std::uint16_t code, std::string reason) {
  asio::dispatch(ws_.get_executor(), [self = this->shared_from_this(), code, reason = std::move(reason)]() mutable {
    self->do_close(code, std::move(reason));
  });
}

template <class Stream>
void ws_session<Stream>::do_write() {
  writing_ = true;
  ws_.async_write(asio::buffer(*queue_.front()), beast::bind_front_handler(&ws_session<Stream>::on_write, this->shared_from_this()));
}

template <class Stream>
void ws_session<Stream>::on_write(beast::error_code ec, std::size_t) {
  writing_ = false;
  if (ec) {
    finish();
    return;
  }
  if (!queue_.empty()) {
    queued_bytes_ -= queue_.front()->size();
    bump(state_->stats->frames_out);
    bump(state_->stats->bytes_out, static_cast<long long>(queue_.front()->size()));
    bump(state_->stats->outbound_queued, -1);
    queue_.pop_front();
  }
  if (!queue_.empty() && (!closing_ || close_after_drain_)) {
    do_write();
    return;
  }
  if (queue_.empty() && close_after_drain_) {
    close_after_drain_ = false;
    start_close();
    return;
  }
  if (queue_.empty() && !drain_waiters_.empty() && !closing_) {
    auto waiters = std::move(drain_waiters_);
    drain_waiters_.clear();
    for (auto& fn : waiters) fn();
  }
}

template <class Stream>
void ws_session<Stream>::do_close(std::uint16_t code, std::string reason) {
  if (closing_ || finished_) return;
  closing_ = true;
  close_reason_ = websocket::close_reason(static_cast<websocket::close_code>(code), reason);
  if (code == static_cast<std::uint16_t>(websocket::close_code::going_away) && !queue_.empty()) {
    // A server shutting down first delivers what is queued (acknowledgements of committed
    // writes among it); the grace timer below still bounds the wait.
    close_after_drain_ = true;
  } else {
    // Drop what is queued but not being written; the client resumes with `since`.
    while (queue_.size() > (writing_ ? 1u : 0u)) {
      queued_bytes_ -= queue_.back()->size();
      queue_.pop_back();
      bump(state_->stats->outbound_queued, -1);
    }
    if (!writing_) start_close();
    else close_after_drain_ = true;  // after the frame being written: a close frame must not cut into it
  }
  close_timer_.expires_after(close_grace);
  close_timer_.async_wait([self = this->shared_from_this()](beast::error_code ec) {
    if (ec) return;  // cancelled: closed in time
    beast::error_code ignored;
    beast::get_lowest_layer(self->ws_).socket().shutdown(tcp::socket::shutdown_both, ignored);
    beast::get_lowest_layer(self->ws_).close();
    self->finish();
  });
}

template <class Stream>
void ws_session<Stream>::start_close() {
  ws_.async_close(close_reason_, [self = this->shared_from_this()](beast::error_code) { self->finish(); });
}

template <class Stream>
void ws_session<Stream>::finish() {
  if (finished_) return;
  finished_ = true;
  close_timer_.cancel();
  bump(state_->stats->outbound_queued, -static_cast<long long>(queue_.size()));
  if (counted_) bump(state_->stats->connections_open, -1);
  queue_.clear();
  queued_bytes_ = 0;
  drain_waiters_.clear();
  if (handler_) handler_->on_close();
  state_->remove(this->weak_from_this());
}

template class ws_session<plain_stream>;
template class ws_session<tls_stream>;

}  // namespace mediation::net
