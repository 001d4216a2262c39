#pragma once
// Runs the real mediation-server binary as a child process on 127.0.0.1:0 for integration tests,
// and a few HTTP helpers. Standard output and error go to a log file that failures print.

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace mediation::test {

using json = nlohmann::json;

class server_process {
 public:
  // Starts `mediation-server --listen 127.0.0.1:0 --db URL` plus `extra` and waits for its
  // "listening on" line. Throws (with the log) if it exits or does not listen in time.
  // An empty `db_url` passes no --db (the server's default). --drain-seconds 0 unless `extra` says
  // otherwise. With `stderr_path`, standard error goes there and only standard output to `log_path`.
  server_process(const std::string& db_url, std::vector<std::string> extra, const std::string& log_path,
                 const std::string& stderr_path = "");
  ~server_process();  // SIGTERM, then SIGKILL if it lingers
  server_process(const server_process&) = delete;
  server_process& operator=(const server_process&) = delete;

  unsigned short port() const { return port_; }
  // SIGTERM and wait; returns the exit status (or -signal).
  int terminate(std::chrono::milliseconds timeout = std::chrono::seconds(20));
  // SIGKILL and wait.
  void kill9();
  bool running();
  std::string log() const;
  // Sends `sig` (SIGHUP, SIGTERM) without waiting.
  void signal(int sig);
  // Waits for the exit; returns the exit status (or -signal), -1000 on timeout.
  int wait(std::chrono::milliseconds timeout);

 private:
  int pid_ = -1;
  unsigned short port_ = 0;
  std::string log_path_;
};

struct http_result {
  int status = 0;
  std::string body;
  std::string content_type, disposition;
  std::string request_id;  // the X-Request-Id header
  json json_body() const { return json::parse(body, nullptr, false); }
};

// One HTTP/1.1 request to 127.0.0.1:port (Connection: close).
// `headers` are added (a Content-Type there replaces the default application/json).
http_result http_request(unsigned short port, const std::string& method, const std::string& target,
                         const std::string& body = "", const std::string& authorization = "",
                         const std::vector<std::pair<std::string, std::string>>& headers = {});
// POST /api/login; returns the token or throws.
std::string login(unsigned short port, const std::string& username, const std::string& password = "mediate");

// The path of the server binary (set by CMake).
std::string server_binary();
// The admin tool (mediation-admin) the tests run.
std::string admin_binary();

}  // namespace mediation::test
