#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/websocket/detail/hybi13.hpp>

#include "server/base/log.hpp"
#include "server/net/sessions.hpp"

namespace mediation::net {

namespace {
// A connection asked to close gets this long to send its close frame and read the peer's before
// the socket is cut (a client that stops reading never lets a close frame out).
constexpr auto close_grace = std::chrono::seconds(2);
// At most this many frames, and about this many bytes, leave in one gather write.
constexpr std::size_t gather_frames = 32;
constexpr std::size_t gather_bytes = 256 << 10;
// Plain TCP reads into this buffer of the I/O thread, so an idle connection holds none.
constexpr std::size_t read_chunk = 64 << 10;
// TLS reads into a buffer of the connection.
constexpr std::size_t tls_read_chunk = 16 << 10;

char* thread_read_buffer() {
  thread_local std::unique_ptr<char[]> buffer(new char[read_chunk]);
  return buffer.get();
}

frame_ptr shared_text(std::string text) { return std::make_shared<const std::string>(std::move(text)); }
}  // namespace

template <class Stream>
ws_session<Stream>::ws_session(Stream&& stream, std::shared_ptr<shared_state> state, std::string remote,
                               std::string address, std::string request_id)
    : stream_(std::move(stream)), state_(std::move(state)), remote_(std::move(remote)), address_(std::move(address)),
      request_id_(std::move(request_id)), reader_(state_->settings.max_frame_bytes), timer_(stream_.get_executor()) {}

template <class Stream>
ws_session<Stream>::~ws_session() { state_->release(address_); }

template <class Stream>
void ws_session<Stream>::run(http::request<http::string_body> req) {
  // The checks of RFC 6455 section 4.2.1 that http_session (websocket::is_upgrade: GET, HTTP/1.1,
  // Connection and Upgrade) has not made: the key and the version.
  const auto key = req[http::field::sec_websocket_key];
  const auto version = req[http::field::sec_websocket_version];
  http::status status = http::status::switching_protocols;
  if (version != "13") status = http::status::upgrade_required;
  else if (key.empty() || key.size() > beast::websocket::detail::sec_ws_key_type::static_capacity)
    status = http::status::bad_request;
  handshake_ = std::make_shared<http::response<http::empty_body>>(status, 11);
  handshake_->set(http::field::server, "mediation-server");
  handshake_->set("X-Request-Id", request_id_);
  if (status == http::status::switching_protocols) {
    beast::websocket::detail::sec_ws_accept_type accept;
    beast::websocket::detail::make_sec_ws_accept(accept, key);
    handshake_->set(http::field::upgrade, "websocket");
    handshake_->set(http::field::connection, "Upgrade");
    handshake_->set(http::field::sec_websocket_accept, beast::string_view(accept.data(), accept.size()));
  } else {
    if (status == http::status::upgrade_required) handshake_->set(http::field::sec_websocket_version, "13");
    handshake_->set(http::field::connection, "close");
    log::debug("websocket upgrade refused", {{"remote", remote_}, {"status", std::to_string(static_cast<int>(status))}});
  }
  handshake_->prepare_payload();
  beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(state_->settings.http_timeout_s));
  http::async_write(stream_, *handshake_, [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
    self->on_handshake(ec);
  });
}

template <class Stream>
void ws_session<Stream>::on_handshake(beast::error_code ec) {
  beast::get_lowest_layer(stream_).expires_never();
  const bool accepted = handshake_->result() == http::status::switching_protocols;
  handshake_.reset();
  if (ec || !accepted) {
    if (ec) log::debug("websocket handshake failed", {{"remote", remote_}, {"error", ec.message()}});
    beast::error_code ignored;
    beast::get_lowest_layer(stream_).socket().shutdown(tcp::socket::shutdown_both, ignored);
    beast::get_lowest_layer(stream_).close();
    return;
  }
  if (state_->settings.ws_send_buffer) {
    beast::error_code ignored;
    beast::get_lowest_layer(stream_).socket().set_option(
        asio::socket_base::send_buffer_size(static_cast<int>(state_->settings.ws_send_buffer)), ignored);
  }
  if constexpr (std::is_same_v<Stream, plain_stream>) {
    beast::error_code ignored;
    stream_.socket().non_blocking(true, ignored);
  } else {
    read_buffer_.reset(new char[tls_read_chunk]);
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
  if (!closing_) arm_timer(std::chrono::seconds(std::max(1u, state_->settings.idle_timeout_s)) / 2);  // closed at once when the server is shutting down
  do_read();
}

template <class Stream>
void ws_session<Stream>::do_read() {
  if (finished_) return;
  if constexpr (std::is_same_v<Stream, plain_stream>) {
    stream_.socket().async_wait(tcp::socket::wait_read,
                                beast::bind_front_handler(&ws_session<Stream>::on_readable, this->shared_from_this()));
  } else {
    stream_.async_read_some(asio::buffer(read_buffer_.get(), tls_read_chunk),
                            beast::bind_front_handler(&ws_session<Stream>::on_read, this->shared_from_this()));
  }
}

template <class Stream>
void ws_session<Stream>::on_readable(beast::error_code ec) {
  if (finished_) return;
  if (ec) {
    if (ec != asio::error::operation_aborted) log::debug("websocket read ended", {{"remote", remote_}, {"error", ec.message()}});
    finish();
    return;
  }
  if constexpr (std::is_same_v<Stream, plain_stream>) {
    char* buffer = thread_read_buffer();
    // A few chunks a turn at most: a peer that sends faster than it is parsed must not hold the
    // I/O thread (and the other connections on it) for longer.
    for (int chunk = 0; chunk < 4; ++chunk) {
      const std::size_t n = stream_.socket().read_some(asio::buffer(buffer, read_chunk), ec);
      if (ec == asio::error::would_block || ec == asio::error::try_again) break;
      if (ec) {
        if (ec != asio::error::eof) log::debug("websocket read ended", {{"remote", remote_}, {"error", ec.message()}});
        finish();
        return;
      }
      if (!consume(buffer, n)) return;
      if (n < read_chunk) break;  // drained: wait rather than read again into an empty socket
    }
    do_read();
  }
}

template <class Stream>
void ws_session<Stream>::on_read(beast::error_code ec, std::size_t n) {
  if (finished_) return;
  if (ec) {
    if (ec != asio::error::operation_aborted && ec != asio::error::eof)
      log::debug("websocket read ended", {{"remote", remote_}, {"error", ec.message()}});
    finish();
    return;
  }
  if (consume(read_buffer_.get(), n)) do_read();
}

template <class Stream>
bool ws_session<Stream>::consume(const char* data, std::size_t size) {
  read_since_tick_ = true;
  std::size_t used = 0;
  while (used < size && !finished_) {
    switch (reader_.feed(data + used, size - used, used)) {
      case ws_frame::reader::event::none:
        break;
      case ws_frame::reader::event::message: {
        bump(state_->stats->frames_in);
        std::string& text = reader_.message();
        if (handler_ && !closing_) handler_->on_frame(std::move(text));
        text.clear();
        break;
      }
      case ws_frame::reader::event::ping:
        if (!closing_) answer_ping(reader_.control());
        break;
      case ws_frame::reader::event::pong:
        break;
      case ws_frame::reader::event::close:
        close_received_ = true;
        if (!closing_) {
          // The peer closes: answer with its code, after the frame being written, if any.
          const std::uint16_t code = reader_.close_code() ? reader_.close_code() : ws_frame::close_code::normal;
          do_close(code, "");
        } else if (close_written_) {
          end_connection();
        }
        return false;
      case ws_frame::reader::event::error: {
        const std::uint16_t code = reader_.error_code();
        if (code == ws_frame::close_code::too_big) {
          bump(state_->stats->frame_too_large_closes);
          log::info("frame over the limit; closed with 1009", {{"remote", remote_}});
        } else {
          log::debug("websocket frame refused", {{"remote", remote_}, {"reason", reader_.error_reason()}});
        }
        // A lingering close: what the peer still sends is read and dropped until its close, so
        // that it receives our close frame rather than a reset.
        do_close(code, reader_.error_reason());
        break;
      }
    }
  }
  return !finished_;
}

template <class Stream>
void ws_session<Stream>::enqueue(ws_frame::opcode op, frame_ptr payload) {
  out_frame f{std::move(payload), {}, 0, op == ws_frame::opcode::text, op == ws_frame::opcode::close};
  f.header_size = static_cast<std::uint8_t>(ws_frame::write_header(op, f.payload->size(), f.header));
  if (f.data) {
    ++queued_frames_;
    queued_bytes_ += f.payload->size();
  }
  queue_.push_back(std::move(f));
  schedule_write();
}

// One pong waits at most: a newer ping's payload replaces the waiting pong's (RFC 6455 section 5.5.3),
// so that a client that sends pings and reads nothing cannot grow the queue.
template <class Stream>
void ws_session<Stream>::answer_ping(const std::string& payload) {
  if (pong_at_ != no_pong && pong_at_ >= head_ + in_flight_ && pong_at_ < queue_.size()) {
    auto& f = queue_[pong_at_];
    f.payload = shared_text(payload);
    f.header_size = static_cast<std::uint8_t>(ws_frame::write_header(ws_frame::opcode::pong, f.payload->size(), f.header));
    return;
  }
  pong_at_ = queue_.size();
  enqueue(ws_frame::opcode::pong, shared_text(payload));
}

template <class Stream>
void ws_session<Stream>::send(frame_ptr frame) {
  asio::dispatch(stream_.get_executor(),
                 [self = this->shared_from_this(), frame = std::move(frame)]() mutable { self->queue_text(std::move(frame)); });
}

template <class Stream>
void ws_session<Stream>::queue_text(frame_ptr frame) {
  if (closing_ || finished_ || handshake_) return;
  const auto& s = state_->settings;
  if (queued_frames_ >= s.queue_frames || queued_bytes_ + frame->size() > s.queue_bytes) {
    bump(state_->stats->slow_consumer_closes);
    log::warn("slow consumer disconnected", {{"remote", remote_}, {"queued", std::to_string(queued_frames_)}});
    do_close(ws_frame::close_code::policy, "slow consumer; resume with since");
    return;
  }
  bump(state_->stats->outbound_queued);
  enqueue(ws_frame::opcode::text, std::move(frame));
}

template <class Stream>
bool ws_session<Stream>::can_queue(std::size_t bytes) const {
  const auto& s = state_->settings;
  return !closing_ && queued_frames_ < s.queue_frames / 2 && queued_bytes_ + bytes <= s.queue_bytes / 2;
}

template <class Stream>
void ws_session<Stream>::on_drained(std::function<void()> fn) {
  if (closing_ || finished_) return;
  if (queued_frames_ == 0) {
    asio::post(stream_.get_executor(), std::move(fn));
    return;
  }
  drain_waiters_.push_back(std::move(fn));
}

template <class Stream>
void ws_session<Stream>::dispatch(std::function<void()> fn) { asio::dispatch(stream_.get_executor(), std::move(fn)); }

template <class Stream>
void ws_session<Stream>::dispatch_push(push p) {
  asio::dispatch(stream_.get_executor(), [self = this->shared_from_this(), p = std::move(p)] {
    if (self->handler_) self->handler_->on_push(p);
  });
}

template <class Stream>
void ws_session<Stream>::close(std::uint16_t code, std::string reason) {
  asio::dispatch(stream_.get_executor(), [self = this->shared_from_this(), code, reason = std::move(reason)]() mutable {
    self->do_close(code, std::move(reason));
  });
}

// Written at the end of this turn of the strand, with every frame queued before then.
template <class Stream>
void ws_session<Stream>::schedule_write() {
  if (writing_ || write_scheduled_ || finished_) return;
  write_scheduled_ = true;
  asio::post(stream_.get_executor(), [self = this->shared_from_this()] {
    self->write_scheduled_ = false;
    self->do_write();
  });
}

template <class Stream>
void ws_session<Stream>::do_write() {
  if (writing_ || finished_ || head_ == queue_.size()) return;
  buffers_.clear();
  // The headers are copied out of the queue, which may grow (and move) while they are written.
  headers_.resize(gather_frames * sizeof(out_frame::header));
  std::size_t bytes = 0;
  std::size_t n = 0;
  for (std::size_t i = head_; i < queue_.size() && n < gather_frames && bytes < gather_bytes; ++i) {
    const auto& f = queue_[i];
    std::uint8_t* header = headers_.data() + n * sizeof(out_frame::header);
    std::copy(f.header, f.header + f.header_size, header);
    buffers_.emplace_back(header, f.header_size);
    if (!f.payload->empty()) buffers_.emplace_back(f.payload->data(), f.payload->size());
    bytes += f.header_size + f.payload->size();
    ++n;
    if (f.close) break;  // nothing goes after the close
  }
  in_flight_ = n;
  writing_ = true;
  asio::async_write(stream_, buffers_, beast::bind_front_handler(&ws_session<Stream>::on_write, this->shared_from_this()));
}

template <class Stream>
void ws_session<Stream>::on_write(beast::error_code ec, std::size_t bytes) {
  writing_ = false;
  if (ec || finished_) {
    finish();
    return;
  }
  long long frames = 0;
  bool wrote_close = false;
  for (std::size_t i = head_; i < head_ + in_flight_; ++i) {
    auto& f = queue_[i];
    if (f.data) {
      --queued_frames_;
      queued_bytes_ -= f.payload->size();
      ++frames;
    }
    wrote_close = wrote_close || f.close;
    f.payload.reset();
  }
  head_ += in_flight_;
  in_flight_ = 0;
  if (pong_at_ != no_pong && pong_at_ < head_) pong_at_ = no_pong;  // sent
  if (head_ == queue_.size()) {
    queue_.clear();
    head_ = 0;
  } else if (head_ >= 64 && head_ * 2 >= queue_.size()) {
    queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(head_));
    if (pong_at_ != no_pong) pong_at_ -= head_;
    head_ = 0;
  }
  // One update of the shared counters per write, not per frame.
  if (frames) {
    bump(state_->stats->frames_out, frames);
    bump(state_->stats->outbound_queued, -frames);
  }
  bump(state_->stats->bytes_out, static_cast<long long>(bytes));
  bump(state_->stats->ws_writes);
  if (wrote_close) {
    close_written_ = true;
    if (close_received_) end_connection();  // the closing handshake is complete
    return;  // otherwise the peer's close is awaited, within the grace
  }
  if (head_ < queue_.size()) {
    do_write();
    return;
  }
  if (!drain_waiters_.empty() && !closing_) {
    auto waiters = std::move(drain_waiters_);
    drain_waiters_.clear();
    for (auto& fn : waiters) fn();
  }
}

// Drops the frames queued but not yet being written; the client resumes with `since`.
template <class Stream>
void ws_session<Stream>::drop_unsent() {
  long long dropped = 0;
  while (queue_.size() > head_ + in_flight_) {
    auto& f = queue_.back();
    if (f.data) {
      --queued_frames_;
      queued_bytes_ -= f.payload->size();
      ++dropped;
    }
    queue_.pop_back();
  }
  if (pong_at_ != no_pong && pong_at_ >= queue_.size()) pong_at_ = no_pong;
  if (dropped) bump(state_->stats->outbound_queued, -dropped);
}

template <class Stream>
void ws_session<Stream>::do_close(std::uint16_t code, std::string reason) {
  if (closing_ || finished_) return;
  closing_ = true;
  // Only a server going away (not a peer that says 1001) ends in order after the grace.
  orderly_end_ = code == ws_frame::close_code::going_away && !close_received_;
  reader_.discard_data();
  drain_waiters_.clear();
  // A server shutting down first delivers what is queued (acknowledgements of committed writes
  // among it); the grace below still bounds the wait. Otherwise what is not yet being written is
  // dropped: the close frame never cuts into a frame, it goes after the one being written.
  if (!orderly_end_) drop_unsent();
  enqueue(ws_frame::opcode::close, shared_text(ws_frame::close_payload(code, reason)));
  arm_timer(close_grace);
}

// Each arming has its number: a wait that completed just before it was re-armed (its handler
// already queued) is recognised as stale and ignored.
template <class Stream>
void ws_session<Stream>::arm_timer(std::chrono::steady_clock::duration after) {
  timer_.expires_after(after);
  timer_.async_wait([self = this->shared_from_this(), armed = ++timer_armed_](beast::error_code ec) {
    if (armed == self->timer_armed_) self->on_timer(ec);
  });
}

template <class Stream>
void ws_session<Stream>::on_timer(beast::error_code ec) {
  if (ec || finished_) return;  // cancelled: re-armed for the close, or the session ended
  if (closing_) {
    // The grace is over: the peer did not complete the close in time (a client that stopped
    // reading never lets the close frame out). Reset, so that what the kernel holds for it is
    // freed; but a server going away (1001) ends in order, so that frames already handed to the
    // kernel (acknowledgements among them) still reach a client that reads slowly.
    finish(!orderly_end_);
    return;
  }
  // Idle: a ping after half the timeout without a byte from the peer; the connection is closed
  // when the next half passes without one either (no pong).
  if (read_since_tick_) {
    read_since_tick_ = false;
    pinged_ = false;
  } else if (!pinged_) {
    pinged_ = true;
    enqueue(ws_frame::opcode::ping, shared_text(""));
  } else {
    log::debug("websocket idle; closed", {{"remote", remote_}});
    finish(true);
    return;
  }
  arm_timer(std::chrono::seconds(std::max(1u, state_->settings.idle_timeout_s)) / 2);
}

// After the closing handshake: the server ends the TCP connection (RFC 6455 section 7.1.1).
template <class Stream>
void ws_session<Stream>::end_connection() {
  if (ending_ || finished_) return;
  ending_ = true;
  if constexpr (std::is_same_v<Stream, tls_stream>) {
    // TLS says goodbye first (close_notify), within the grace timer that is running.
    stream_.async_shutdown([self = this->shared_from_this()](beast::error_code) { self->finish(); });
  } else {
    finish();
  }
}

template <class Stream>
void ws_session<Stream>::finish(bool reset) {
  if (finished_) return;
  finished_ = true;
  timer_.cancel();
  beast::error_code ignored;
  auto& socket = beast::get_lowest_layer(stream_).socket();
  // A reset drops what waits in the kernel for a peer that does not read, at once; an orderly
  // close would keep it (and the connection) until the kernel gives up, minutes later.
  if (reset) socket.set_option(asio::socket_base::linger(true, 0), ignored);
  else socket.shutdown(tcp::socket::shutdown_both, ignored);
  socket.close(ignored);
  if (queued_frames_) bump(state_->stats->outbound_queued, -static_cast<long long>(queued_frames_));
  if (counted_) bump(state_->stats->connections_open, -1);
  queued_frames_ = 0;
  queued_bytes_ = 0;
  drain_waiters_.clear();
  if (handler_) handler_->on_close();
  state_->remove(this->weak_from_this());
}

template class ws_session<plain_stream>;
template class ws_session<tls_stream>;

}  // namespace mediation::net
