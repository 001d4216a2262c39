#include "server/log.hpp"

#include <atomic>
#include <cstdio>
#include <mutex>

#include <nlohmann/json.hpp>

#include "server/time.hpp"

namespace mediation::log {

namespace {
std::atomic<int> current{static_cast<int>(level::info)};
std::mutex out_mutex;
constexpr const char* names[] = {"debug", "info", "warn", "error"};
}  // namespace

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
  for (const auto& [k, v] : fields) j[std::string(k)] = v;
  std::string line = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  line.push_back('\n');
  std::lock_guard lock(out_mutex);
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::fflush(stderr);
}

}  // namespace mediation::log
