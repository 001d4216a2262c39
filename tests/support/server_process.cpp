#include "tests/support/server_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <cstdlib>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace mediation::test {

// MEDIATION_TEST_SERVER_BINARY runs the tests against another build of the server (scripts/sanitize:
// the sanitized one) with this build's test binaries.
std::string server_binary() {
  const char* other = std::getenv("MEDIATION_TEST_SERVER_BINARY");
  return other && *other ? other : MEDIATION_SERVER_BINARY;
}

std::string admin_binary() {
  const char* other = std::getenv("MEDIATION_TEST_ADMIN_BINARY");
  return other && *other ? other : MEDIATION_ADMIN_BINARY;
}

server_process::server_process(const std::string& db_url, std::vector<std::string> extra, const std::string& log_path,
                               const std::string& stderr_path)
    : log_path_(log_path) {
  // No drain on SIGTERM unless a test asks for one (`extra` comes later and wins): every test ends
  // its server with SIGTERM.
  std::vector<std::string> args{server_binary(), "--listen", "127.0.0.1:0", "--threads", "2", "--drain-seconds", "0"};
  if (!db_url.empty()) args.insert(args.end(), {"--db", db_url});
  args.insert(args.end(), extra.begin(), extra.end());
  // The log may hold earlier runs on the same database: look only at what this run writes.
  const std::size_t log_start = log().size();
  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    int fd = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd >= 0) {
      dup2(fd, 1);
      dup2(fd, 2);
      close(fd);
    }
    if (!stderr_path.empty()) {
      int err = ::open(stderr_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
      if (err >= 0) {
        dup2(err, 2);
        close(err);
      }
    }
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    std::string text = log().substr(log_start);
    auto pos = text.find("listening on 127.0.0.1:");
    if (pos != std::string::npos) {
      auto end = text.find('\n', pos);
      if (end != std::string::npos) {
        port_ = static_cast<unsigned short>(std::stoi(text.substr(pos + 23, end - pos - 23)));
        return;
      }
    }
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("server exited at start:\n" + text);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  kill9();
  throw std::runtime_error("server did not listen in time:\n" + log());
}

server_process::~server_process() {
  if (pid_ > 0) terminate(std::chrono::seconds(10));
  if (pid_ > 0) kill9();
}

std::string server_process::log() const {
  std::ifstream in(log_path_);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

int server_process::wait(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (pid_ > 0) {
    int status = 0;
    pid_t r = waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
      pid_ = -1;
      return WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
    }
    if (std::chrono::steady_clock::now() >= deadline) return -1000;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return -1001;
}

int server_process::terminate(std::chrono::milliseconds timeout) {
  if (pid_ <= 0) return -1001;
  ::kill(pid_, SIGTERM);
  return wait(timeout);
}

void server_process::signal(int sig) {
  if (pid_ > 0) ::kill(pid_, sig);
}

void server_process::kill9() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  wait(std::chrono::seconds(10));
}

bool server_process::running() {
  if (pid_ <= 0) return false;
  int status = 0;
  if (waitpid(pid_, &status, WNOHANG) == pid_) {
    pid_ = -1;
    return false;
  }
  return true;
}

http_result http_request(unsigned short port, const std::string& method, const std::string& target,
                         const std::string& body, const std::string& authorization,
                         const std::vector<std::pair<std::string, std::string>>& headers) {
  namespace beast = boost::beast;
  namespace http = beast::http;
  boost::asio::io_context ioc;
  boost::asio::ip::tcp::socket sock(ioc);
  sock.connect({boost::asio::ip::make_address("127.0.0.1"), port});
  http::request<http::string_body> req(http::string_to_verb(method), target, 11);
  req.set(http::field::host, "127.0.0.1");
  req.set(http::field::content_type, "application/json");
  if (!authorization.empty()) req.set(http::field::authorization, authorization);
  for (const auto& [name, value] : headers) req.set(name, value);
  req.keep_alive(false);
  req.body() = body;
  req.prepare_payload();
  beast::error_code wec;
  http::write(sock, req, wec);  // a server refusing a large body may close before reading it all
  beast::flat_buffer buf;
  http::response<http::string_body> res;
  beast::error_code ec;
  http::read(sock, buf, res, ec);
  if (ec == http::error::end_of_stream) throw std::runtime_error("http read: the server closed without answering");
  if (ec) throw std::runtime_error("http read: " + ec.message());
  return {static_cast<int>(res.result_int()), res.body(), std::string(res[http::field::content_type]),
          std::string(res[http::field::content_disposition]), std::string(res["X-Request-Id"])};
}

std::string login(unsigned short port, const std::string& username, const std::string& password) {
  auto r = http_request(port, "POST", "/api/login", json{{"username", username}, {"password", password}}.dump());
  auto j = r.json_body();
  if (r.status != 200 || !j.contains("token")) throw std::runtime_error("login failed for " + username + ": " + r.body);
  return j["token"].get<std::string>();
}

}  // namespace mediation::test
