#pragma once
// Structured logging: one JSON object per line on standard error, e.g.
// {"ts":"2026-11-22T18:00:00.000Z","level":"info","msg":"listening","addr":"127.0.0.1:8080"}.
// Thread-safe. The level is set once at start-up (set_level) before other threads run.
// Lines written while a request_scope is alive on the thread carry its "request_id".

#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

namespace mediation::log {

enum class level { debug = 0, info = 1, warn = 2, error = 3 };

// Parses "debug", "info", "warn" or "error".
bool parse_level(std::string_view text, level& out) noexcept;
void set_level(level l) noexcept;
bool enabled(level l) noexcept;

using field = std::pair<std::string_view, std::string>;
void write(level l, std::string_view msg, std::initializer_list<field> fields = {});

inline void debug(std::string_view m, std::initializer_list<field> f = {}) { if (enabled(level::debug)) write(level::debug, m, f); }
inline void info(std::string_view m, std::initializer_list<field> f = {}) { if (enabled(level::info)) write(level::info, m, f); }
inline void warn(std::string_view m, std::initializer_list<field> f = {}) { if (enabled(level::warn)) write(level::warn, m, f); }
inline void error(std::string_view m, std::initializer_list<field> f = {}) { if (enabled(level::error)) write(level::error, m, f); }

// A request's id as log lines show it: "<base>" or "<base>/<sub>" (a WebSocket frame's: its
// connection's id and the frame's rid). Put together only when a line is written: copying one
// costs a reference count and a short string (a rid is usually short enough to stay inline), so
// that work handed to other threads per request (a post's write job) builds no string.
class request_id {
 public:
  request_id() = default;
  explicit request_id(std::string base) : base_(std::make_shared<const std::string>(std::move(base))) {}
  request_id(std::shared_ptr<const std::string> base, std::string sub)
      : base_(std::move(base)), sub_(std::move(sub)), has_sub_(true) {}
  bool empty() const noexcept { return !base_ || base_->empty(); }
  std::string str() const;

 private:
  std::shared_ptr<const std::string> base_;
  std::string sub_;
  bool has_sub_ = false;
};

// The request being handled on this thread. Work handed to another thread takes the id along
// (the database job pool and the batched writer do), so its log lines carry it too.
class request_scope {
 public:
  explicit request_scope(request_id id);
  explicit request_scope(std::string id) : request_scope(request_id(std::move(id))) {}
  ~request_scope();
  request_scope(const request_scope&) = delete;
  request_scope& operator=(const request_scope&) = delete;

 private:
  request_id previous_;
};
// The current thread's request id (empty outside any request).
const request_id& current_request() noexcept;
// A new random id: 16 hexadecimal digits.
std::string new_request_id();

}  // namespace mediation::log
