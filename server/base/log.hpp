#pragma once
// Structured logging: one JSON object per line on standard error, e.g.
// {"ts":"2026-11-22T18:00:00.000Z","level":"info","msg":"listening","addr":"127.0.0.1:8080"}.
// Thread-safe. The level is set once at start-up (set_level) before other threads run.
// Lines written while a request_scope is alive on the thread carry its "request_id".

#include <initializer_list>
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

// The request being handled on this thread. Work handed to another thread takes the id along
// (the database job pool and the batched writer do), so its log lines carry it too.
class request_scope {
 public:
  explicit request_scope(std::string id);
  ~request_scope();
  request_scope(const request_scope&) = delete;
  request_scope& operator=(const request_scope&) = delete;

 private:
  std::string previous_;
};
// The current thread's request id ("" outside any request).
const std::string& current_request() noexcept;
// A new random id: 16 hexadecimal digits.
std::string new_request_id();

}  // namespace mediation::log
