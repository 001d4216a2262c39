#include "server/base/log.hpp"

#include <atomic>
#include <cstdio>
#include <mutex>
#include <random>

#include <nlohmann/json.hpp>

#include "server/base/time.hpp"

namespace mediation::log {

namespace {
std::atomic<int> current{static_cast<int>(level::info)};
std::mutex out_mutex;
constexpr const char* names[] = {"debug", "info", "warn", "error"};
thread_local std::string current_id;
}  // namespace

request_scope::request_scope(std::string id) : previous_(std::move(current_id)) { current_id = std::move(id); }
request_scope::~request_scope() { current_id = std::move(previous_); }
const std::string& current_request() noexcept { return current_id; }

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

void write(level l, std::string_view msg, std::initializer_list<field> fields) {
  nlohmann::ordered_json j;
  j["ts"] = format_rfc3339(now_millis());
  j["level"] = names[static_cast<int>(l)];
  j["msg"] = msg;
  if (!current_id.empty()) j["request_id"] = current_id;
  for (const auto& [k, v] : fields) j[std::string(k)] = v;
  std::string line = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  line.push_back('\n');
  std::lock_guard lock(out_mutex);
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::fflush(stderr);
}

}  // namespace mediation::log
