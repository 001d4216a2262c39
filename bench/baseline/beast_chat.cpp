// beast_chat: the clean-room Beast baseline of the benchmarks (bench/run runs it beside the Node.js
// peer; see docs/benchmarks.md). It shows what Boost.Beast itself costs for the fan-out that the
// real server does, with nothing of the server around it: no storage, no access checks, no rate
// limits, no logging, one thread.
//
// It speaks exactly the subset of the protocol the load generator uses (bench/loadgen.cpp), with
// the same frames as bench/peer/server.mjs:
//   auth {token}            -> ok {user}                 (any token)
//   subscribe {thread}      -> ok {thread, head}         (rooms are made on first use)
//   post {thread, cmid, body} -> ok {thread, seq}, and an event of kind "message" with the next seq
//                              to every member of the room, the sender included
//   typing {thread}         -> an event of kind "typing" to every other member, then ok {thread}
//   anything else           -> error unknown_type (a frame that is not JSON: error bad_request)
// Written here, not copied: the shapes follow Beast's websocket chat-multi example (a session with
// an explicit outbound queue, one write at a time, a broadcast serialised once and shared).
//
// Usage: beast_chat [port]   (port 0 or none picks a free one; prints "listening on 127.0.0.1:PORT")

#include <chrono>
#include <cstdio>
#include <ctime>
#include <deque>
#include <iostream>
#include <memory>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <nlohmann/json.hpp>

namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using json = nlohmann::json;

namespace {

using frame_ptr = std::shared_ptr<const std::string>;

// Outbound frames queued per connection before it is closed as a slow consumer (the real server's
// default is the same; the Node.js peer has no bound).
constexpr std::size_t max_queued_frames = 4096;

std::string now_rfc3339() {
  auto now = std::chrono::system_clock::now();
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms % 1000));
  return buf;
}

const json& the_user() {
  static const json user = {{"id", "1"}, {"username", "baseline"}, {"name", "baseline"}, {"role", "mediator"},
                            {"org", {{"id", "1"}, {"name", "baseline"}, {"kind", "mediation_room"}, {"level", "community"}}}};
  return user;
}

class session;

struct room {
  long long seq = 0;
  std::unordered_set<session*> members;
};

// Everything is on the one thread of the io_context: no locks, no strands. A session removes itself
// from its rooms when it ends, so the rooms' raw pointers never dangle.
struct state {
  std::unordered_map<std::string, room> rooms;
};

class session : public std::enable_shared_from_this<session> {
 public:
  session(tcp::socket socket, state& st) : ws_(std::move(socket)), state_(st) {}
  ~session() {
    for (room* r : joined_) r->members.erase(this);
  }

  void run() {
    beast::error_code ec;
    ws_.next_layer().set_option(tcp::no_delay(true), ec);
    ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
    ws_.read_message_max(1 << 20);
    ws_.async_accept([self = shared_from_this()](beast::error_code ec) {
      if (ec) return;
      self->ws_.text(true);
      self->do_read();
    });
  }

  // Queues a frame; writes at once when no write is under way. A full queue closes the connection.
  void send(const frame_ptr& f) {
    if (closing_) return;
    if (queue_.size() >= max_queued_frames) {
      closing_ = true;  // the queue stays: the write under way still uses its front
      beast::error_code ec;
      ws_.next_layer().close(ec);
      return;
    }
    queue_.push_back(f);
    if (queue_.size() == 1) do_write();
  }

 private:
  void do_read() {
    ws_.async_read(buffer_, [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
  }

  void on_read(beast::error_code ec) {
    if (ec) return;  // closed: the last shared_ptr goes with the pending handlers
    on_frame(beast::buffers_to_string(buffer_.data()));
    buffer_.consume(buffer_.size());
    do_read();
  }

  void do_write() {
    ws_.async_write(asio::buffer(*queue_.front()), [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec || self->queue_.empty()) return;
      self->queue_.pop_front();
      if (!self->queue_.empty()) self->do_write();
    });
  }

  void reply(const json& rid, json result) {
    result["type"] = "ok";
    result["rid"] = rid;
    send(std::make_shared<const std::string>(result.dump()));
  }

  void error(const json& rid, const char* code, const char* message) {
    send(std::make_shared<const std::string>(json{{"type", "error"}, {"rid", rid}, {"code", code}, {"message", message}}.dump()));
  }

  room& join(const std::string& name) {
    room& r = state_.rooms[name];
    if (r.members.insert(this).second) joined_.push_back(&r);
    return r;
  }

  void on_frame(const std::string& text) {
    json f = json::parse(text, nullptr, false);
    if (f.is_discarded() || !f.is_object()) return error(nullptr, "bad_request", "not JSON");
    const json rid = f.contains("rid") ? f["rid"] : json(nullptr);
    const std::string type = f.value("type", "");
    if (type == "auth") return reply(rid, {{"user", the_user()}});
    const std::string thread = f.contains("thread") ? (f["thread"].is_string() ? f["thread"].get<std::string>() : f["thread"].dump()) : "";
    if (type == "subscribe") {
      room& r = join(thread);
      return reply(rid, {{"thread", thread}, {"head", r.seq}});
    }
    if (type == "post") {
      room& r = state_.rooms[thread];
      const long long seq = ++r.seq;
      auto event = std::make_shared<const std::string>(
          json{{"type", "event"}, {"thread", thread}, {"seq", seq}, {"kind", "message"}, {"at", now_rfc3339()},
               {"author", {{"id", "1"}, {"name", "baseline"}}},
               {"data", {{"body", f.value("body", "")}, {"cmid", f.value("cmid", "")}}}}
              .dump());
      reply(rid, {{"thread", thread}, {"seq", seq}});
      for (session* m : r.members) m->send(event);
      return;
    }
    if (type == "typing") {
      room& r = state_.rooms[thread];
      auto event = std::make_shared<const std::string>(
          json{{"type", "event"}, {"thread", thread}, {"kind", "typing"}, {"at", now_rfc3339()},
               {"author", {{"id", "1"}, {"name", "baseline"}}}, {"data", json::object()}}
              .dump());
      for (session* m : r.members)
        if (m != this) m->send(event);
      return reply(rid, {{"thread", thread}});
    }
    error(rid, "unknown_type", "unknown type");
  }

  websocket::stream<tcp::socket> ws_;
  beast::flat_buffer buffer_;
  state& state_;
  std::deque<frame_ptr> queue_;
  std::vector<room*> joined_;
  bool closing_ = false;
};

void do_accept(tcp::acceptor& acceptor, state& st) {
  acceptor.async_accept([&acceptor, &st](beast::error_code ec, tcp::socket socket) {
    if (!ec) std::make_shared<session>(std::move(socket), st)->run();
    do_accept(acceptor, st);
  });
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const unsigned short port = argc > 1 ? static_cast<unsigned short>(std::stoi(argv[1])) : 0;
    asio::io_context ioc{1};
    tcp::acceptor acceptor(ioc, {asio::ip::make_address("127.0.0.1"), port});
    acceptor.listen(asio::socket_base::max_listen_connections);
    state st;
    std::cout << "listening on 127.0.0.1:" << acceptor.local_endpoint().port() << std::endl;
    do_accept(acceptor, st);
    ioc.run();
  } catch (const std::exception& e) {
    std::cerr << "beast_chat: " << e.what() << "\n";
    return 1;
  }
}
