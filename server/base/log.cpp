#include "server/base/log.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <mutex>
#include <random>

#include "server/base/log_sink.hpp"

#include <nlohmann/json.hpp>

#include "server/base/time.hpp"

namespace mediation::log {

namespace {
std::atomic<int> current{static_cast<int>(level::info)};
std::mutex out_mutex;
constexpr const char* names[] = {"debug", "info", "warn", "error"};
thread_local request_id current_id;
// The log file (--log-file) and its descriptor, -1 for standard error only. Under out_mutex.
std::string out_path;
int out_fd = -1;

// Writes all of `line` to `fd` (a short write or EINTR continues it).
void write_all(int fd, const std::string& line) {
  std::size_t done = 0;
  while (done < line.size()) {
    const ssize_t n = ::write(fd, line.data() + done, line.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // nowhere left to say it
    done += static_cast<std::size_t>(n);
  }
}

int open_append(const std::string& path) {
  return ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
}
}  // namespace

std::string open_file(const std::string& path) {
  const int fd = open_append(path);
  if (fd < 0) return std::strerror(errno);
  std::lock_guard lock(out_mutex);
  if (out_fd >= 0) ::close(out_fd);
  out_fd = fd;
  out_path = path;
  return {};
}

std::string reopen_file() {
  std::string path;
  {
    std::lock_guard lock(out_mutex);
    if (out_fd < 0) return {};
    path = out_path;
  }
  const int fd = open_append(path);
  if (fd < 0) return std::strerror(errno);
  std::lock_guard lock(out_mutex);
  ::close(out_fd);
  out_fd = fd;
  return {};
}

std::string file_path() {
  std::lock_guard lock(out_mutex);
  return out_path;
}

std::string request_id::str() const {
  if (!base_) return {};
  if (!has_sub_) return *base_;
  std::string out;
  out.reserve(base_->size() + 1 + sub_.size());
  out.append(*base_).push_back('/');
  out.append(sub_);
  return out;
}

request_scope::request_scope(request_id id) : previous_(std::move(current_id)) { current_id = std::move(id); }
request_scope::~request_scope() { current_id = std::move(previous_); }
const request_id& current_request() noexcept { return current_id; }

std::string new_request_id() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  static constexpr char hex[] = "0123456789abcdef";
  std::string id(16, '0');
  auto v = rng();
  for (auto& ch : id) {
    ch = hex[v & 15];
    v >>= 4;
  }
  return id;
}

bool parse_level(std::string_view text, level& out) noexcept {
  for (int i = 0; i < 4; ++i)
    if (text == names[i]) {
      out = static_cast<level>(i);
      return true;
    }
  return false;
}

void set_level(level l) noexcept { current.store(static_cast<int>(l)); }
bool enabled(level l) noexcept { return static_cast<int>(l) >= current.load(std::memory_order_relaxed); }

std::string format_line(level l, std::string_view msg, std::initializer_list<field> fields) {
  nlohmann::ordered_json j;
  j["ts"] = format_rfc3339(now_millis());
  j["level"] = names[static_cast<int>(l)];
  j["msg"] = msg;
  if (!current_id.empty()) j["request_id"] = current_id.str();
  for (const auto& [k, v] : fields) j[std::string(k)] = v;
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void write(level l, std::string_view msg, std::initializer_list<field> fields) {
  std::string line = format_line(l, msg, fields);
  line.push_back('\n');
  std::lock_guard lock(out_mutex);
  if (out_fd < 0 || l == level::error) write_all(STDERR_FILENO, line);
  if (out_fd >= 0) write_all(out_fd, line);
}

}  // namespace mediation::log
