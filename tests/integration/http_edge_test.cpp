// The HTTP edge: JSON answers typed as JSON, security headers on every answer, uploads checked
// before their body is read and accepted up to --max-attachment, HTTP connections per address
// bounded, the Origin of WebSocket upgrades checked, and link tokens kept out of the log.
#include <chrono>
#include <regex>
#include <thread>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "tests/integration/fixture.hpp"

namespace mediation::test {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

// One raw HTTP/1.1 connection to the server, to see every header and what happens to the socket.
struct raw_connection {
  asio::io_context ioc;
  tcp::socket sock{ioc};
  beast::flat_buffer buffer;

  explicit raw_connection(unsigned short port) { sock.connect({asio::ip::make_address("127.0.0.1"), port}); }

  void write(const std::string& bytes) { asio::write(sock, asio::buffer(bytes)); }

  // The next answer; throws if the connection ends first.
  http::response<http::string_body> read() {
    http::response<http::string_body> res;
    http::read(sock, buffer, res);
    return res;
  }

  // Whether the server closes the connection within `timeout` (reading and discarding meanwhile).
  bool closed_within(std::chrono::milliseconds timeout) {
    sock.non_blocking(true);
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    char b[4096];
    while (std::chrono::steady_clock::now() < deadline) {
      boost::system::error_code ec;
      sock.read_some(asio::buffer(b), ec);
      if (ec == asio::error::eof || ec == asio::error::connection_reset) return true;
      if (ec == asio::error::would_block) std::this_thread::sleep_for(10ms);
    }
    return false;
  }

  // Whether anything (an answer) arrives within `timeout`.
  bool silent_for(std::chrono::milliseconds timeout) {
    sock.non_blocking(true);
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    char b;
    while (std::chrono::steady_clock::now() < deadline) {
      boost::system::error_code ec;
      std::size_t n = sock.receive(asio::buffer(&b, 1), tcp::socket::message_peek, ec);
      if (!ec && n > 0) return false;
      if (ec && ec != asio::error::would_block) return false;
      std::this_thread::sleep_for(10ms);
    }
    sock.non_blocking(false);
    return true;
  }
};

// A complete request with Connection: close.
http::response<http::string_body> fetch(unsigned short port, const std::string& method, const std::string& target,
                                        const std::string& body = "",
                                        const std::vector<std::pair<std::string, std::string>>& headers = {}) {
  raw_connection c(port);
  http::request<http::string_body> req(http::string_to_verb(method), target, 11);
  req.set(http::field::host, "127.0.0.1:" + std::to_string(port));
  for (const auto& [name, value] : headers) req.set(name, value);
  req.keep_alive(false);
  req.body() = body;
  req.prepare_payload();
  http::write(c.sock, req);
  return c.read();
}

// The request line and headers of an upload of `size` bytes, without the body.
std::string upload_head(unsigned short port, const std::string& path, std::size_t size, const std::string& token) {
  std::string head = "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
                     "\r\nContent-Type: application/pdf\r\nX-File-Name: big.pdf\r\nContent-Length: " +
                     std::to_string(size) + "\r\n";
  if (!token.empty()) head += "Authorization: Bearer " + token + "\r\n";
  return head + "\r\n";
}

std::string pdf_of_size(std::size_t size) {
  std::string pdf = "%PDF-1.4\n";
  pdf.resize(size, 'x');
  return pdf;
}

// A WebSocket upgrade of /ws with `origin` (none when empty); returns the status of the answer.
unsigned upgrade_status(unsigned short port, const std::string& origin,
                        const std::vector<std::pair<std::string, std::string>>& headers = {}) {
  raw_connection c(port);
  std::string req = "GET /ws HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
                    "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n";
  if (!origin.empty()) req += "Origin: " + origin + "\r\n";
  for (const auto& [name, value] : headers) req += name + ": " + value + "\r\n";
  c.write(req + "\r\n");
  http::response_parser<http::empty_body> p;
  p.skip(true);
  http::read_header(c.sock, c.buffer, p);
  return p.get().result_int();
}

void expect_security_headers(const http::response<http::string_body>& r, const std::string& what) {
  const std::string csp(r["Content-Security-Policy"]);
  EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos) << what << ": " << csp;
  std::smatch script;
  ASSERT_TRUE(std::regex_search(csp, script, std::regex("script-src ([^;]*)"))) << what << ": " << csp;
  EXPECT_EQ(script[1].str().find("unsafe-inline"), std::string::npos) << what << ": " << csp;
  EXPECT_EQ(script[1].str().find("unsafe-eval"), std::string::npos) << what << ": " << csp;
  EXPECT_EQ(r["X-Content-Type-Options"], "nosniff") << what;
  EXPECT_EQ(r["Referrer-Policy"], "no-referrer") << what;
}

using http_edge = server_test;

TEST_P(http_edge, json_answers_say_json_and_every_answer_carries_the_security_headers) {
  const unsigned short p = port();
  struct probe {
    std::string method, target, body;
    unsigned status;
    bool json;
  };
  const std::vector<probe> probes{
      {"GET", "/healthz", "", 200, true},
      {"GET", "/api/no-such-endpoint", "", 404, true},
      {"POST", "/api/login", "not json", 400, true},
      {"POST", "/api/login", R"({"username":"officer.li","password":"wrong"})", 401, true},
      {"GET", "/api/evaluation/unknown-token-0123456789", "", 404, true},
      {"GET", "/api/attachments/1", "", 401, true},
      {"GET", "/", "", 200, false},
      {"GET", "/sign.html", "", 200, false},
      {"GET", "/no-such-file.html", "", 404, false},
  };
  for (const auto& pr : probes) {
    const std::string what = pr.method + " " + pr.target;
    auto r = fetch(p, pr.method, pr.target, pr.body, {{"Content-Type", "application/json"}});
    EXPECT_EQ(r.result_int(), pr.status) << what << ": " << r.body();
    if (pr.json) EXPECT_EQ(r[http::field::content_type], "application/json; charset=utf-8") << what;
    expect_security_headers(r, what);
  }
  // The 413 of a body over --max-body, written by the network layer, is JSON too.
  auto big = fetch(p, "POST", "/api/login", std::string(100 * 1024, ' '), {{"Content-Type", "application/json"}});
  EXPECT_EQ(big.result_int(), 413u);
  EXPECT_EQ(big[http::field::content_type], "application/json; charset=utf-8");
  expect_security_headers(big, "413");
  // The pages the server hands out run under that policy: no inline script, no inline handlers.
  for (const std::string page : {"/", "/index.html", "/sign.html", "/evaluate.html"}) {
    auto r = fetch(p, "GET", page);
    ASSERT_EQ(r.result_int(), 200u) << page;
    const std::string& html = r.body();
    EXPECT_FALSE(std::regex_search(html, std::regex("<script(?![^>]*\\ssrc=)[^>]*>"))) << page << " has an inline script";
    EXPECT_FALSE(std::regex_search(html, std::regex("\\son[a-z]+\\s*=", std::regex::icase)))
        << page << " has an inline event handler";
    EXPECT_EQ(html.find("javascript:"), std::string::npos) << page;
  }
}

class http_uploads : public server_test {
 protected:
  std::vector<std::string> extra_args() const override {
    return {"--attachments-dir", db_->dir() + "/files", "--max-attachment", std::to_string(4 << 20)};
  }
};

TEST_P(http_uploads, an_upload_of_3_mib_is_stored_and_one_over_max_attachment_gets_413) {
  auto li = connect_as("officer.li");
  json kase = create_case(*li);
  const std::string path = "/api/cases/" + kase["id"].get<std::string>() + "/attachments";
  const std::string pdf = pdf_of_size(3 << 20);
  const std::vector<std::pair<std::string, std::string>> headers{
      {"Content-Type", "application/pdf"}, {"X-File-Name", "scan.pdf"}, {"Authorization", "Bearer " + token_for("officer.li")}};
  auto up = fetch(port(), "POST", path, pdf, headers);
  ASSERT_EQ(up.result_int(), 201u) << up.body();
  EXPECT_EQ(up[http::field::content_type], "application/json; charset=utf-8");
  json att = json::parse(up.body())["attachment"];
  EXPECT_EQ(att["size"], pdf.size());
  auto down = fetch(port(), "GET", att["url"].get<std::string>(), "", {headers[2]});
  ASSERT_EQ(down.result_int(), 200u);
  EXPECT_TRUE(down.body() == pdf) << "the stored file differs (" << down.body().size() << " bytes)";
  // One byte over the limit: refused from its Content-Length, and the client still reads the 413
  // (a lingering close, not a reset) although the server never reads the 4 MiB body.
  auto over = fetch(port(), "POST", path, pdf_of_size((4 << 20) + 1), headers);
  EXPECT_EQ(over.result_int(), 413u) << over.body();
  EXPECT_EQ(json::parse(over.body(), nullptr, false)["error"]["code"], "too_large");
  // A chunked body (no Content-Length) over the limit is cut off while it is read.
  {
    raw_connection c(port());
    c.write("POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/pdf\r\nX-File-Name: c.pdf\r\n"
            "Authorization: " + headers[2].second + "\r\nTransfer-Encoding: chunked\r\n\r\n");
    const std::string chunk = pdf_of_size(1 << 20);
    char size_line[32];
    std::snprintf(size_line, sizeof size_line, "%zx\r\n", chunk.size());
    boost::system::error_code ec;
    for (int i = 0; i < 5 && !ec; ++i) asio::write(c.sock, asio::buffer(size_line + chunk + "\r\n"), ec);
    auto r = c.read();
    EXPECT_EQ(r.result_int(), 413u) << r.body();
  }
  EXPECT_EQ(li->request({{"type", "attachment.list"}, {"case", kase["id"]}})["attachments"].size(), 1u);
}

TEST_P(http_uploads, the_token_and_access_are_checked_before_the_body_is_read) {
  auto li = connect_as("officer.li");
  json kase = create_case(*li);
  const std::string path = "/api/cases/" + kase["id"].get<std::string>() + "/attachments";
  const std::size_t size = 3 << 20;
  struct refusal {
    std::string path, token;
    unsigned status;
  };
  const std::vector<refusal> refusals{
      {path, "", 401},
      {path, "not-a-token", 401},
      {path, token_for("committee.liu"), 403},  // may not see the case
      {"/api/cases/999999/attachments", token_for("officer.li"), 404},
  };
  for (const auto& r : refusals) {
    raw_connection c(port());
    // Only the header: the answer comes without the body, and the connection is closed after it,
    // so that a body sent anyway is never parsed as a request.
    c.write(upload_head(port(), r.path, size, r.token));
    auto res = c.read();
    EXPECT_EQ(res.result_int(), r.status) << res.body();
    EXPECT_EQ(res[http::field::content_type], "application/json; charset=utf-8");
    EXPECT_FALSE(res.keep_alive());
    boost::system::error_code ec;
    asio::write(c.sock, asio::buffer("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n", 35), ec);
    EXPECT_TRUE(c.closed_within(3s)) << "the connection stayed open after a refusal";
  }
  // Allowed: the server waits for the body and then stores it.
  raw_connection c(port());
  c.write(upload_head(port(), path, size, token_for("officer.li")));
  EXPECT_TRUE(c.silent_for(500ms)) << "the server answered before the body came";
  c.write(pdf_of_size(size));
  auto res = c.read();
  EXPECT_EQ(res.result_int(), 201u) << res.body();
  EXPECT_EQ(li->request({{"type", "attachment.list"}, {"case", kase["id"]}})["attachments"].size(), 1u);
}

class http_connection_limit : public server_test {
 protected:
  std::vector<std::string> extra_args() const override { return {"--max-http-connections-per-address", "4"}; }
};

TEST_P(http_connection_limit, one_http_connection_over_the_limit_per_address_is_answered_429_and_closed) {
  std::vector<std::unique_ptr<raw_connection>> open;
  for (int i = 0; i < 4; ++i) open.push_back(std::make_unique<raw_connection>(port()));
  // Let the server accept them all before the next one.
  std::this_thread::sleep_for(300ms);
  {
    raw_connection extra(port());
    extra.write("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
    auto r = extra.read();
    EXPECT_EQ(r.result_int(), 429u);
    EXPECT_EQ(json::parse(r.body(), nullptr, false)["error"]["code"], "rate_limited");
    EXPECT_TRUE(extra.closed_within(3s));
  }
  // The ones within the limit are served.
  open[0]->write("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(open[0]->read().result_int(), 200u);
  // A connection that ends frees its place.
  open.pop_back();
  bool served = false;
  for (int attempt = 0; attempt < 50 && !served; ++attempt) {
    auto r = fetch(port(), "GET", "/healthz");
    served = r.result_int() == 200;
    if (!served) std::this_thread::sleep_for(50ms);
  }
  EXPECT_TRUE(served);
  // WebSockets are counted by their own limit once upgraded, not by this one.
  open.clear();
  std::this_thread::sleep_for(200ms);
  std::vector<std::unique_ptr<ws_client>> sockets;
  for (int i = 0; i < 6; ++i) sockets.push_back(std::make_unique<ws_client>(port()));
  EXPECT_EQ(fetch(port(), "GET", "/healthz").result_int(), 200u);
}

TEST_P(http_edge, websocket_upgrades_from_a_foreign_origin_are_refused) {
  const unsigned short p = port();
  const std::string own = "http://127.0.0.1:" + std::to_string(p);
  EXPECT_EQ(upgrade_status(p, ""), 101u);  // not a browser
  EXPECT_EQ(upgrade_status(p, own), 101u);
  EXPECT_EQ(upgrade_status(p, "HTTP://127.0.0.1:" + std::to_string(p)), 101u);
  EXPECT_EQ(upgrade_status(p, "https://evil.example"), 403u);
  EXPECT_EQ(upgrade_status(p, "http://127.0.0.1:" + std::to_string(p + 1)), 403u);
  EXPECT_EQ(upgrade_status(p, "null"), 403u);
  // X-Forwarded-Host and -Proto count only from a trusted proxy.
  EXPECT_EQ(upgrade_status(p, "https://evil.example", {{"X-Forwarded-Host", "evil.example"}}), 403u);
}

class http_origins : public server_test {
 protected:
  std::vector<std::string> extra_args() const override {
    return {"--allowed-origins", "https://app.example, https://other.example:8443/", "--trusted-proxy", "127.0.0.1"};
  }
};

TEST_P(http_origins, listed_origins_and_the_origin_a_trusted_proxy_names_may_open_websockets) {
  const unsigned short p = port();
  EXPECT_EQ(upgrade_status(p, "https://app.example"), 101u);
  EXPECT_EQ(upgrade_status(p, "https://other.example:8443"), 101u);
  EXPECT_EQ(upgrade_status(p, "http://app.example"), 403u);
  EXPECT_EQ(upgrade_status(p, "https://evil.example"), 403u);
  // Behind the proxy (127.0.0.1 is trusted here) the public origin is what it reports.
  const std::vector<std::pair<std::string, std::string>> proxy{{"X-Forwarded-Host", "mediation.example.gov.cn"},
                                                               {"X-Forwarded-Proto", "https"}};
  EXPECT_EQ(upgrade_status(p, "https://mediation.example.gov.cn", proxy), 101u);
  EXPECT_EQ(upgrade_status(p, "http://mediation.example.gov.cn", proxy), 403u);
}

TEST_P(http_edge, link_tokens_in_paths_never_reach_the_log) {
  auto wang = connect_as("mediator.wang");
  auto feed = wang->request({{"type", "calendar.feed"}});
  ASSERT_OK(feed);
  const std::string calendar = feed["token"].get<std::string>();
  ASSERT_GT(calendar.size(), 8u);
  EXPECT_EQ(fetch(port(), "GET", feed["url"].get<std::string>()).result_int(), 200u);
  // Unknown links are logged like known ones: the path alone must not give a token away.
  const std::string sign = "SignTokenAbcdefghijklmnopqrstuvwxyz0123456";
  const std::string evaluation = "EvalTokenAbcdefghijklmnopqrstuvwxyz0123456";
  EXPECT_EQ(fetch(port(), "GET", "/api/sign/" + sign).result_int(), 404u);
  fetch(port(), "POST", "/api/sign/" + sign, "{}", {{"Content-Type", "application/json"}});
  EXPECT_EQ(fetch(port(), "GET", "/api/evaluation/" + evaluation).result_int(), 404u);
  EXPECT_GE(fetch(port(), "GET", "/api/calendar/" + evaluation + ".ics").result_int(), 400u);
  // The access lines are written as the answers go out: wait for the last one.
  std::string log;
  for (int i = 0; i < 100; ++i) {
    log = server_->log();
    if (log.find("/api/calendar/Eval") != std::string::npos) break;
    std::this_thread::sleep_for(20ms);
  }
  EXPECT_NE(log.find("\"/api/calendar/" + calendar.substr(0, 4) + "\xE2\x80\xA6.ics\""), std::string::npos) << log;
  EXPECT_NE(log.find("\"/api/sign/Sign\xE2\x80\xA6\""), std::string::npos) << log;
  EXPECT_NE(log.find("\"/api/evaluation/Eval\xE2\x80\xA6\""), std::string::npos) << log;
  for (const auto& secret : {calendar, sign, evaluation}) {
    EXPECT_EQ(log.find(secret), std::string::npos) << "token in the log";
    EXPECT_EQ(log.find(secret.substr(4, 20)), std::string::npos) << "part of a token in the log";
  }
}

BACKEND_SUITE(http_edge);
BACKEND_SUITE(http_uploads);
BACKEND_SUITE(http_connection_limit);
BACKEND_SUITE(http_origins);

}  // namespace
}  // namespace mediation::test
