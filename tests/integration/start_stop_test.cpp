// Starting and stopping as an operator meets them (issue #17, items 3 to 5), with the real binary:
// every folder and file the server writes is checked before it listens (a refusal, exit status 3,
// naming the path), defaults derived from --data-dir; on SIGTERM /readyz answers 503 for
// --drain-seconds while everything is still served; standard error carries JSON lines only, the
// log file is reopened on SIGHUP, and request ids have one form for HTTP and WebSocket.
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include "tests/integration/fixture.hpp"

namespace mediation::test {
namespace {

using namespace std::chrono_literals;

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) out.push_back(line);
  return out;
}

// Every line of `text` is a JSON object with ts, level and msg; returns the first that is not ("").
std::string first_non_json_line(const std::string& text) {
  for (const auto& line : lines_of(text)) {
    auto j = json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object() || !j.contains("ts") || !j.contains("level") || !j.contains("msg"))
      return line;
  }
  return "";
}

// The log lines (JSON) of `text` whose msg is `msg`.
std::vector<json> lines_with(const std::string& text, const std::string& msg) {
  std::vector<json> out;
  for (const auto& line : lines_of(text)) {
    auto j = json::parse(line, nullptr, false);
    if (!j.is_discarded() && j.is_object() && j.value("msg", "") == msg) out.push_back(j);
  }
  return out;
}

const std::regex hex16("^[0-9a-f]{16}$");

struct run_result {
  int status = -1;
  std::string out, err;
};

// Runs `binary` with `args` to its end (at most 30 s), standard output and error apart. With
// `as_nobody` (root only) it runs as the user nobody, as a service user would.
run_result run_split(const std::string& dir, const std::string& binary, const std::vector<std::string>& args,
                     bool as_nobody = false) {
  std::string cmd = "timeout 30 ";
  if (as_nobody) cmd += "setpriv --reuid=65534 --regid=65534 --clear-groups ";
  cmd += "'" + binary + "'";
  for (const auto& a : args) cmd += " '" + a + "'";
  cmd += " </dev/null >'" + dir + "/run.out' 2>'" + dir + "/run.err'";
  run_result r;
  const int status = std::system(cmd.c_str());
  r.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = read_file(dir + "/run.out");
  r.err = read_file(dir + "/run.err");
  return r;
}

// A private folder on SQLite, for the tests that start the server by hand.
class start_paths : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/mediation-paths.XXXXXX";
    ASSERT_TRUE(::mkdtemp(tmpl));
    dir_ = tmpl;
    ::chmod(dir_.c_str(), 0755);
  }
  void TearDown() override {
    if (HasFailure() && server_) std::cerr << "---- server output ----\n" << server_->log() << "\n";
    server_.reset();
    if (!std::getenv("MEDIATION_KEEP_TEST_FILES")) {
      std::error_code ec;
      std::filesystem::remove_all(dir_, ec);
    }
  }
  // The server started on dir_ with `args`, expected to stop before listening.
  run_result start(std::vector<std::string> args, bool as_nobody = false) {
    args.insert(args.begin(), {"--listen", "127.0.0.1:0", "--seed-demo-accounts"});
    return run_split(dir_, server_binary(), args, as_nobody);
  }
  void expect_refused(const run_result& r, const std::string& path) {
    EXPECT_EQ(r.status, 3) << r.err;
    EXPECT_EQ(r.out, "") << "nothing on standard output, no listening line";
    EXPECT_EQ(first_non_json_line(r.err), "") << r.err;
    auto refused = lines_with(r.err, "refused");
    ASSERT_EQ(refused.size(), 1u) << r.err;
    EXPECT_EQ(refused[0].value("level", ""), "error");
    EXPECT_EQ(refused[0].value("path", ""), path) << r.err;
    EXPECT_NE(refused[0].value("error", "").find("'" + path + "'"), std::string::npos) << r.err;
  }
  std::string dir_;
  std::unique_ptr<server_process> server_;
};

TEST_F(start_paths, defaults_derive_from_the_data_dir_and_explicit_paths_win) {
  const std::string data = dir_ + "/data";
  {
    // --db omitted: the SQLite database under --data-dir.
    server_process s("", {"--data-dir", data, "--seed-demo-accounts"}, dir_ + "/server.log");
    EXPECT_EQ(s.terminate(), 0);
  }
  EXPECT_TRUE(std::filesystem::is_directory(data + "/attachments"));
  EXPECT_TRUE(std::filesystem::exists(data + "/data.key"));
  EXPECT_TRUE(std::filesystem::exists(data + "/mediation.db"));

  // The configuration printed: --db derived when not given, explicit values kept.
  auto printed = run_split(dir_, server_binary(), {"--data-dir", data, "--print-config"});
  ASSERT_EQ(printed.status, 0) << printed.err;
  auto cfg = json::parse(printed.out);
  EXPECT_EQ(cfg["db"], "sqlite3://db=" + data + "/mediation.db");
  EXPECT_EQ(cfg["data-key-file"], data + "/data.key");
  EXPECT_EQ(cfg["attachments-dir"], data + "/attachments");
  printed = run_split(dir_, server_binary(), {"--attachments-dir", dir_ + "/files", "--data-dir", data,
                                              "--data-key-file", dir_ + "/keys/k", "--print-config"});
  cfg = json::parse(printed.out);
  EXPECT_EQ(cfg["attachments-dir"], dir_ + "/files");
  EXPECT_EQ(cfg["data-key-file"], dir_ + "/keys/k");
  EXPECT_EQ(cfg["db"], "sqlite3://db=" + data + "/mediation.db");
}

TEST_F(start_paths, an_attachments_folder_that_cannot_be_made_is_refused_before_listening) {
  const std::string blocker = dir_ + "/not-a-folder";
  std::ofstream(blocker) << "x";
  auto r = start({"--data-dir", dir_ + "/data", "--attachments-dir", blocker + "/attachments"});
  expect_refused(r, blocker + "/attachments");
  EXPECT_NE(r.err.find("--attachments-dir"), std::string::npos) << r.err;
}

// The issue's case: a folder owned by root and a service user; the server used to report healthy
// while every upload failed with 507.
TEST_F(start_paths, a_root_owned_attachments_folder_is_refused_for_the_service_user) {
  const std::string data = dir_ + "/data";
  std::filesystem::create_directories(data + "/attachments");
  const bool root = ::geteuid() == 0;
  if (root) {
    // The database and key folder belong to the service user; the attachments folder to root.
    ASSERT_EQ(::chown(data.c_str(), 65534, 65534), 0);
    ::chmod((data + "/attachments").c_str(), 0755);
  } else {
    ::chmod((data + "/attachments").c_str(), 0555);
  }
  auto r = start({"--data-dir", data}, root);
  expect_refused(r, data + "/attachments");
  EXPECT_NE(r.err.find("chown -R"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(data + "/mediation.db")) << "refused before the database was made";
  ::chmod((data + "/attachments").c_str(), 0755);
}

TEST_F(start_paths, the_database_log_and_key_folders_are_checked_too) {
  const std::string blocker = dir_ + "/not-a-folder";
  std::ofstream(blocker) << "x";
  const std::string data = dir_ + "/data";
  expect_refused(start({"--data-dir", data, "--db", "sqlite3://db=" + blocker + "/db/mediation.db"}), blocker + "/db");
  expect_refused(start({"--data-dir", data, "--log-file", blocker + "/logs/server.log"}), blocker + "/logs");
  // A key to be made needs its folder; an existing key is only read.
  expect_refused(start({"--data-dir", data, "--data-key-file", blocker + "/keys/data.key"}), blocker + "/keys");
}

TEST_F(start_paths, standard_error_carries_only_json_lines_at_start_stop_and_on_errors) {
  const std::string data = dir_ + "/data";
  const std::string err_path = dir_ + "/stderr";
  server_ = std::make_unique<server_process>("sqlite3://db=" + data + "/mediation.db",
                                             std::vector<std::string>{"--data-dir", data, "--seed-demo-accounts"},
                                             dir_ + "/stdout", err_path);
  const auto port = server_->port();
  EXPECT_EQ(http_request(port, "POST", "/api/login", json{{"username", "officer.li"}, {"password", "wrong"}}.dump()).status, 401);
  {
    ws_client c(port);
    EXPECT_OK(c.request({{"type", "auth"}, {"token", login(port, "officer.li")}}));
    EXPECT_ERROR(c.request({{"type", "no.such.verb"}}), "unknown_type");
  }
  EXPECT_EQ(server_->terminate(), 0);
  const std::string out = read_file(dir_ + "/stdout"), err = read_file(err_path);
  EXPECT_TRUE(std::regex_match(out, std::regex("listening on 127\\.0\\.0\\.1:[0-9]+\n"))) << out;
  EXPECT_EQ(first_non_json_line(err), "") << err;
  for (const char* msg : {"schema", "listening", "http", "draining", "shutting down", "stopped"})
    EXPECT_FALSE(lines_with(err, msg).empty()) << msg << " missing in\n" << err;

  // Errors: a bad flag (2), a refusal (3); and the admin tool's errors.
  auto bad = run_split(dir_, server_binary(), {"--threads", "lots"});
  EXPECT_EQ(bad.status, 2);
  EXPECT_EQ(bad.out, "");
  EXPECT_EQ(first_non_json_line(bad.err), "") << bad.err;
  ASSERT_EQ(lines_with(bad.err, "bad usage").size(), 1u) << bad.err;
  EXPECT_NE(lines_with(bad.err, "bad usage")[0].value("error", "").find("--threads"), std::string::npos);
  auto admin = run_split(dir_, admin_binary(), {"--db", "sqlite3://db=" + data + "/mediation.db", "frobnicate"});
  EXPECT_EQ(admin.status, 2);
  EXPECT_EQ(first_non_json_line(admin.err), "") << admin.err;
  EXPECT_EQ(lines_with(admin.err, "bad usage").size(), 1u) << admin.err;
  admin = run_split(dir_, admin_binary(), {"--db", "sqlite3://db=" + data + "/mediation.db", "revoke-sessions",
                                           "--username", "nobody"});
  EXPECT_EQ(admin.status, 1);
  EXPECT_EQ(first_non_json_line(admin.err), "") << admin.err;
  // --help and --version stay plain text on standard output.
  auto version = run_split(dir_, server_binary(), {"--version"});
  EXPECT_EQ(version.status, 0);
  EXPECT_EQ(version.err, "");
  EXPECT_EQ(version.out.rfind("mediation-server ", 0), 0u) << version.out;
}

// SIGTERM: /readyz answers 503 for --drain-seconds while HTTP and WebSockets, new ones included,
// are served; then the server stops as before (exit 0) and what was acknowledged is kept.
class drain : public server_test {
 protected:
  std::vector<std::string> extra_args() const override { return {"--drain-seconds", "3"}; }
};

TEST_P(drain, readyz_answers_503_while_clients_are_still_served_then_the_server_exits_0) {
  auto c = connect_as("officer.li");
  const json kase = create_case(*c);
  const json thread = kase["thread"];
  ASSERT_OK(c->request({{"type", "subscribe"}, {"thread", thread}}));
  EXPECT_EQ(http_request(port(), "GET", "/readyz").status, 200);

  const auto signalled = std::chrono::steady_clock::now();
  server_->signal(SIGTERM);
  int ready = 0;
  for (int i = 0; i < 100 && ready != 503; ++i) {
    ready = http_request(port(), "GET", "/readyz").status;
    if (ready != 503) std::this_thread::sleep_for(10ms);
  }
  EXPECT_EQ(ready, 503) << "/readyz never answered 503 after SIGTERM";
  EXPECT_EQ(http_request(port(), "GET", "/healthz").status, 200) << "liveness stays up while draining";
  // A new HTTP client logs in, a new WebSocket opens and posts, the open one receives the event.
  const std::string token = login(port(), "officer.li");
  ws_client late(port());
  ASSERT_OK(late.request({{"type", "auth"}, {"token", token}}));
  auto posted = late.request({{"type", "post"}, {"thread", thread}, {"cmid", "while-draining"}, {"body", "排空期间的消息"}});
  ASSERT_OK(posted);
  auto event = c->next_event(2s);
  ASSERT_TRUE(event.has_value());
  EXPECT_EQ((*event)["data"]["cmid"], "while-draining");
  EXPECT_LT(std::chrono::steady_clock::now() - signalled, 2500ms) << "the test was too slow to be inside the drain";
  EXPECT_TRUE(server_->running());

  EXPECT_EQ(server_->wait(15s), 0);
  const auto took = std::chrono::steady_clock::now() - signalled;
  EXPECT_GE(took, 2900ms);
  EXPECT_FALSE(lines_with(server_->log(), "draining").empty()) << server_->log();

  // What was acknowledged during the drain is stored.
  start_server();
  auto again = connect_as("officer.li");
  auto h = again->request({{"type", "history"}, {"thread", thread}});
  ASSERT_OK(h);
  bool found = false;
  for (const auto& e : h["events"]) found = found || (e["kind"] == "message" && e["data"]["cmid"] == "while-draining");
  EXPECT_TRUE(found) << h.dump();
}

TEST_P(drain, a_second_sigterm_ends_the_drain_at_once) {
  server_->signal(SIGTERM);
  for (int i = 0; i < 100 && http_request(port(), "GET", "/readyz").status != 503; ++i) std::this_thread::sleep_for(10ms);
  const auto second = std::chrono::steady_clock::now();
  server_->signal(SIGTERM);
  EXPECT_EQ(server_->wait(15s), 0);
  EXPECT_LT(std::chrono::steady_clock::now() - second, 2000ms);
}

BACKEND_SUITE(drain);

// A WebSocket upgrade by hand, to read the 101 answer's headers. `request_id` is sent as
// X-Request-Id when not "".
std::string upgrade_request_id(unsigned short port, const std::string& request_id) {
  namespace beast = boost::beast;
  boost::asio::io_context ioc;
  beast::websocket::stream<beast::tcp_stream> ws(ioc);
  beast::get_lowest_layer(ws).connect({boost::asio::ip::make_address("127.0.0.1"), port});
  ws.set_option(beast::websocket::stream_base::decorator([request_id](beast::websocket::request_type& req) {
    if (!request_id.empty()) req.set("X-Request-Id", request_id);
  }));
  beast::websocket::response_type res;
  ws.handshake(res, "127.0.0.1", "/ws");
  std::string id(res["X-Request-Id"]);
  ws.close(beast::websocket::close_code::normal);
  return id;
}

// Waits until `path` holds a line with msg `msg` and the field `key` equal to `value`.
bool log_has(const std::string& path, const std::string& msg, const std::string& key, const std::string& value) {
  for (int i = 0; i < 200; ++i) {
    for (const auto& j : lines_with(read_file(path), msg))
      if (j.value(key, "") == value) return true;
    std::this_thread::sleep_for(10ms);
  }
  return false;
}

// --log-file: the log lines go there (only the listening line stays on standard output), and
// after a rename and SIGHUP into a new file of that name.
class log_file : public server_test {
 protected:
  std::vector<std::string> extra_args() const override {
    return {"--log-file", log_path(), "--log-level", "debug"};
  }
  std::string log_path() const { return db_->dir() + "/mediation.log"; }
};

TEST_P(log_file, a_renamed_log_file_is_made_anew_on_sighup) {
  auto first = http_request(port(), "GET", "/healthz");
  ASSERT_TRUE(log_has(log_path(), "http", "request_id", first.request_id)) << read_file(log_path());
  EXPECT_EQ(first_non_json_line(read_file(log_path())), "");
  EXPECT_TRUE(lines_with(server_->log(), "http").empty()) << "log lines went to standard error too";

  std::filesystem::rename(log_path(), log_path() + ".1");
  // Until the SIGHUP the server writes on into the renamed file.
  auto before = http_request(port(), "GET", "/healthz");
  ASSERT_TRUE(log_has(log_path() + ".1", "http", "request_id", before.request_id));
  server_->signal(SIGHUP);
  ASSERT_TRUE(log_has(log_path(), "log file reopened", "file", log_path())) << read_file(log_path());
  auto after = http_request(port(), "GET", "/healthz");
  EXPECT_TRUE(log_has(log_path(), "http", "request_id", after.request_id)) << read_file(log_path());
  EXPECT_EQ(read_file(log_path() + ".1").find(after.request_id), std::string::npos);
  EXPECT_EQ(first_non_json_line(read_file(log_path())), "");
  EXPECT_TRUE(server_->running());
}

// Request ids: 16 hexadecimal digits, new for every HTTP request and every WebSocket (its upgrade
// request's), sent back as X-Request-Id; a frame's log lines carry "<connection's id>/<rid>".
TEST_P(log_file, request_ids_have_one_form_for_http_and_websocket) {
  auto a = http_request(port(), "GET", "/healthz");
  auto b = http_request(port(), "POST", "/api/login", json{{"username", "officer.li"}, {"password", "wrong"}}.dump(), "",
                        {{"X-Request-Id", "chosen-by-the-client"}});
  EXPECT_TRUE(std::regex_match(a.request_id, hex16)) << a.request_id;
  EXPECT_TRUE(std::regex_match(b.request_id, hex16)) << "not from a trusted proxy: " << b.request_id;
  EXPECT_NE(a.request_id, b.request_id);
  EXPECT_TRUE(log_has(log_path(), "http", "request_id", b.request_id));
  // A static file's answer carries one too.
  EXPECT_TRUE(std::regex_match(http_request(port(), "GET", "/").request_id, hex16));

  const std::string ws_id = upgrade_request_id(port(), "");
  EXPECT_TRUE(std::regex_match(ws_id, hex16)) << ws_id;
  EXPECT_TRUE(log_has(log_path(), "websocket opened", "request_id", ws_id)) << read_file(log_path());
  EXPECT_TRUE(log_has(log_path(), "websocket opened", "connection", ws_id));
}

BACKEND_SUITE(log_file);

class proxied : public server_test {
 protected:
  std::vector<std::string> extra_args() const override {
    return {"--trusted-proxy", "127.0.0.1", "--log-level", "debug"};
  }
};

TEST_P(proxied, a_trusted_proxys_request_id_is_kept_for_http_and_websocket) {
  auto kept = http_request(port(), "GET", "/healthz", "", "", {{"X-Request-Id", "0f3c9a7be21d4c55a1e2b3c4d5e6f708"}});
  EXPECT_EQ(kept.request_id, "0f3c9a7be21d4c55a1e2b3c4d5e6f708");
  auto replaced = http_request(port(), "GET", "/healthz", "", "", {{"X-Request-Id", "has spaces; and more"}});
  EXPECT_TRUE(std::regex_match(replaced.request_id, hex16)) << replaced.request_id;
  EXPECT_EQ(upgrade_request_id(port(), "nginx-ws-1"), "nginx-ws-1");
  bool found = false;
  for (int i = 0; i < 200 && !found; ++i) {
    for (const auto& j : lines_with(server_->log(), "websocket opened")) found = found || j.value("request_id", "") == "nginx-ws-1";
    if (!found) std::this_thread::sleep_for(10ms);
  }
  EXPECT_TRUE(found) << server_->log();
}

BACKEND_SUITE(proxied);

}  // namespace
}  // namespace mediation::test
