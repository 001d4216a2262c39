#pragma once
// A real WebSocket client for tests (Beast, synchronous API over a private io_context). Frames
// are read only while a recv/request call runs, so a test can make the client "stop reading".

#include <chrono>
#include <deque>
#include <memory>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace mediation::test {

using json = nlohmann::json;
using namespace std::chrono_literals;

class ws_client {
 public:
  // Connects to 127.0.0.1:port and upgrades at /ws. `receive_buffer`: SO_RCVBUF in bytes, for
  // tests that make the client a slow consumer; `forwarded_for`: an X-Forwarded-For header on the
  // upgrade, as a reverse proxy would send. Throws on failure.
  explicit ws_client(unsigned short port, std::optional<int> receive_buffer = std::nullopt,
                     std::optional<std::string> forwarded_for = std::nullopt);
  ~ws_client();
  ws_client(const ws_client&) = delete;
  ws_client& operator=(const ws_client&) = delete;

  void send_text(const std::string& text);
  void send_binary(const std::string& bytes);
  void send(const json& frame) { send_text(frame.dump()); }
  // Sends `frame` with a fresh rid (unless it has one) and returns the ok/error reply to it.
  // Events that arrive meanwhile are kept for next_event(). Throws on timeout.
  json request(json frame, std::chrono::milliseconds timeout = 10s);
  // The next push (event) frame, or nullopt after `timeout`.
  std::optional<json> next_event(std::chrono::milliseconds timeout = 5s);
  // The next notice (a change in a case the user is not subscribed to), or nullopt.
  std::optional<json> next_notice(std::chrono::milliseconds timeout = 5s);
  // The next frame of any kind but notices, replies included (in arrival order), or nullopt.
  std::optional<json> next_frame(std::chrono::milliseconds timeout = 5s);
  std::optional<json> next_of(const std::string& type, std::chrono::milliseconds timeout = 5s);
  // Waits until the server closes the connection; returns its close code (or 1006 when the
  // socket ended without a close frame), or nullopt after `timeout`.
  std::optional<int> wait_closed(std::chrono::milliseconds timeout = 5s);
  bool is_open() const;
  // A stable rid generator for tests that build frames by hand.
  std::string next_rid();

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace mediation::test
