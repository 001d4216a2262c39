#pragma once
// The seam between the network layer and the application, free of Beast and Asio so that the
// application's files compile without them. The network layer implements `connection` and
// `http_responder`; the application implements `connection_handler` and `http_api`.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace mediation::net {

using frame_ptr = std::shared_ptr<const std::string>;

// One push for one subscriber: a frame of a thread's stored event (seq > 0) or an ephemeral one
// (seq 0), and who caused it (`origin`, or null). Carried to the connection's strand as it is, so
// that a delivery allocates nothing per recipient; there, connection_handler::on_push decides.
struct push {
  long long thread = 0;
  long long seq = 0;
  frame_ptr frame;
  const void* origin = nullptr;
};

// One WebSocket connection. Thread-safe.
class connection {
 public:
  virtual ~connection() = default;
  // Queues a text frame. When the bounded outbound queue is full the client is a slow consumer:
  // the connection is closed with 1008 (policy) and the frame dropped; the client resumes later
  // with `since`.
  virtual void send(frame_ptr frame) = 0;
  // Flow control for bulk sends such as a replay (strand only): whether a frame of `bytes` fits
  // in half of the outbound queue's bounds, leaving the other half for replies and live pushes.
  virtual bool can_queue(std::size_t bytes) const = 0;
  // Runs `fn` on the strand once the outbound queue has drained (at once if it is empty).
  // Strand only. Dropped if the connection closes first.
  virtual void on_drained(std::function<void()> fn) = 0;
  // Runs `fn` on this connection's strand (inline when already on it).
  virtual void dispatch(std::function<void()> fn) = 0;
  // Runs the handler's on_push(p) on this connection's strand (inline when already on it); dropped
  // once the connection has no handler.
  virtual void dispatch_push(push p) = 0;
  // Closes with a WebSocket close code and reason.
  virtual void close(std::uint16_t code, std::string reason) = 0;
  // "address:port" of the peer (or of the forwarded client when behind a trusted proxy).
  virtual const std::string& remote() const = 0;
};

// Runs `fn` on `to`'s strand: collected into the delivery batch open on the calling thread, if
// any, and handed to the I/O threads with the rest of it (net/delivery_batch.hpp); otherwise at once,
// as to->dispatch(fn).
void dispatch_batched(const std::shared_ptr<connection>& to, std::function<void()> fn);
// The same for a push, as to->dispatch_push(p) without a batch.
void dispatch_batched(const std::shared_ptr<connection>& to, push p);

// The application's side of one connection. Every call comes on the connection's strand.
class connection_handler {
 public:
  virtual ~connection_handler() = default;
  virtual void on_frame(std::string text) = 0;
  virtual void on_push(const push& p) = 0;
  virtual void on_close() = 0;
};

// Called once the WebSocket is open, inside a log::request_scope of the upgrade request's id (16
// hexadecimal digits, or a trusted proxy's X-Request-Id), which the handler keeps as its
// connection's id.
using handler_factory = std::function<std::shared_ptr<connection_handler>(std::shared_ptr<connection>)>;

struct http_request {
  std::string method;  // "GET", "POST", ...
  std::string target;  // path, without the query string
  std::string authorization;
  std::string content_type;
  std::string file_name;  // the X-File-Name header (percent-encoded UTF-8), for uploads
  std::string body;  // empty in admit(), which sees only the header
  std::string remote;
  std::string request_id;  // for log lines; echoed in the X-Request-Id header of the answer
};

struct http_reply {
  unsigned status = 200;
  std::string body;
  std::string content_type = "application/json; charset=utf-8";
  std::string disposition;  // Content-Disposition, for downloads
};

// The application's HTTP endpoints (/api/..., /healthz).
class http_api {
 public:
  virtual ~http_api() = default;
  // Whether this API serves `target`; everything else is a static file.
  virtual bool handles(const std::string& target) const = 0;
  // The largest body accepted for this request, or 0 for the server's default (--max-body).
  virtual std::size_t body_limit(const std::string& method, const std::string& target) const {
    (void)method;
    (void)target;
    return 0;
  }
  // Decides from the request's header alone, before any of its body is read, whether the body
  // may be read (an upload's token and the caller's access to the case): calls `decide` exactly
  // once, from any thread, with nullopt to go on (the body is read, up to body_limit(), and then
  // handle() runs), or with the answer to send at once. After such an answer the connection is
  // closed, so that the unread body is never taken for a request. The default admits everything.
  virtual void admit(const http_request& head, std::function<void(std::optional<http_reply>)> decide) {
    (void)head;
    decide(std::nullopt);
  }
  // Answers through `respond`, exactly once, from any thread.
  virtual void handle(http_request request, std::function<void(http_reply)> respond) = 0;
  // `target` as it may be written to a log: secrets in the path (link tokens) masked. Any thread.
  virtual std::string log_target(const std::string& target) const { return target; }
};

}  // namespace mediation::net
