#include "tests/support/ws_client.hpp"

#include <cstdlib>
#include <fstream>
#include <map>
#include <mutex>
#include <stdexcept>

#include <unistd.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

namespace mediation::test {

namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {

// Samples of real frames for the schema test (tests/e2e/schema.test.mjs): when MEDIATION_FRAME_LOG
// names a folder, each process appends to frames-<pid>.jsonl up to 20 frames of each kind:
// requests the server accepted (answered ok) and every frame received. Thread-safe.
class frame_log {
 public:
  static frame_log& get() {
    static frame_log log;
    return log;
  }
  void record(const char* dir, const json& frame) {
    if (!out_.is_open() || !frame.is_object()) return;
    std::string key = std::string(dir) + ":" + frame.value("type", "?");
    if (frame.contains("kind") && frame["kind"].is_string()) key += ":" + frame["kind"].get<std::string>();
    std::lock_guard lock(mutex_);
    if (++seen_[key] > 20) return;
    out_ << json{{"dir", dir}, {"frame", frame}}.dump() << "\n";
    out_.flush();
  }

 private:
  frame_log() {
    if (const char* dir = std::getenv("MEDIATION_FRAME_LOG"); dir && *dir)
      out_.open(std::string(dir) + "/frames-" + std::to_string(::getpid()) + ".jsonl", std::ios::app);
  }
  std::mutex mutex_;
  std::ofstream out_;
  std::map<std::string, int> seen_;
};

}  // namespace

struct ws_client::impl {
  asio::io_context ioc;
  websocket::stream<tcp::socket> ws{ioc};
  beast::flat_buffer buffer;
  bool reading = false;
  bool open = true;
  std::optional<int> close_code;
  std::deque<json> frames;  // arrived, not yet taken
  unsigned long rid_counter = 0;

  void start_read() {
    if (reading || !open) return;
    reading = true;
    ws.async_read(buffer, [this](beast::error_code ec, std::size_t) {
      reading = false;
      if (ec) {
        open = false;
        close_code = ws.reason().code != websocket::close_code::none ? static_cast<int>(ws.reason().code) : 1006;
        return;
      }
      std::string text = beast::buffers_to_string(buffer.data());
      buffer.consume(buffer.size());
      frames.push_back(json::parse(text, nullptr, false));
      frame_log::get().record("in", frames.back());
      start_read();
    });
  }

  // Runs the read pump until `done()` or the timeout.
  template <class Pred>
  bool pump(std::chrono::milliseconds timeout, Pred done) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!done()) {
      if (!open && !reading) return done();
      start_read();
      auto now = std::chrono::steady_clock::now();
      if (now >= deadline) return false;
      ioc.restart();
      ioc.run_one_for(deadline - now);
    }
    return true;
  }
};

ws_client::ws_client(unsigned short port, std::optional<int> receive_buffer, std::optional<std::string> forwarded_for)
    : impl_(std::make_unique<impl>()) {
  auto& sock = impl_->ws.next_layer();
  sock.open(tcp::v4());
  if (receive_buffer) sock.set_option(asio::socket_base::receive_buffer_size(*receive_buffer));
  sock.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  sock.set_option(tcp::no_delay(true));
  impl_->ws.read_message_max(64 << 20);
  if (forwarded_for)
    impl_->ws.set_option(websocket::stream_base::decorator(
        [xff = *forwarded_for](websocket::request_type& req) { req.set("X-Forwarded-For", xff); }));
  impl_->ws.handshake("127.0.0.1:" + std::to_string(port), "/ws");
  impl_->ws.text(true);
}

ws_client::~ws_client() {
  beast::error_code ec;
  impl_->ws.next_layer().close(ec);
}

std::string ws_client::next_rid() { return "r" + std::to_string(++impl_->rid_counter); }

void ws_client::send_text(const std::string& text) { impl_->ws.write(asio::buffer(text)); }

void ws_client::send_binary(const std::string& bytes) {
  impl_->ws.binary(true);
  impl_->ws.write(asio::buffer(bytes));
  impl_->ws.text(true);
}

json ws_client::request(json frame, std::chrono::milliseconds timeout) {
  if (!frame.contains("rid")) frame["rid"] = next_rid();
  const std::string rid = frame["rid"].get<std::string>();
  send(frame);
  json reply;
  bool got = impl_->pump(timeout, [&] {
    for (auto it = impl_->frames.begin(); it != impl_->frames.end(); ++it) {
      if (it->is_object() && (it->value("type", "") == "ok" || it->value("type", "") == "error") &&
          it->contains("rid") && (*it)["rid"] == rid) {
        reply = std::move(*it);
        impl_->frames.erase(it);
        return true;
      }
    }
    return false;
  });
  if (!got) throw std::runtime_error("no reply to " + frame.value("type", "?") + " (rid " + rid + ")");
  if (reply.value("type", "") == "ok") frame_log::get().record("request", frame);
  return reply;
}

std::optional<json> ws_client::next_event(std::chrono::milliseconds timeout) { return next_of("event", timeout); }

std::optional<json> ws_client::next_notice(std::chrono::milliseconds timeout) { return next_of("notice", timeout); }

std::optional<json> ws_client::next_of(const std::string& type, std::chrono::milliseconds timeout) {
  std::optional<json> out;
  impl_->pump(timeout, [&] {
    for (auto it = impl_->frames.begin(); it != impl_->frames.end(); ++it) {
      if (it->is_object() && it->value("type", "") == type) {
        out = std::move(*it);
        impl_->frames.erase(it);
        return true;
      }
    }
    return false;
  });
  return out;
}

std::optional<json> ws_client::next_frame(std::chrono::milliseconds timeout) {
  std::optional<json> out;
  impl_->pump(timeout, [&] {
    for (auto it = impl_->frames.begin(); it != impl_->frames.end(); ++it) {
      if (it->is_object() && it->value("type", "") == "notice") continue;
      out = std::move(*it);
      impl_->frames.erase(it);
      return true;
    }
    return false;
  });
  return out;
}

std::optional<int> ws_client::wait_closed(std::chrono::milliseconds timeout) {
  impl_->pump(timeout, [&] {
    impl_->frames.clear();  // drain whatever is still coming
    return !impl_->open;
  });
  return impl_->open ? std::nullopt : impl_->close_code;
}

bool ws_client::is_open() const { return impl_->open; }

}  // namespace mediation::test
