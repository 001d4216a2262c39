// TLS terminated by the server itself (--tls-cert, --tls-key): HTTPS and WSS with a certificate
// the client verifies, TLS 1.2 and later only, and plain HTTP on the TLS port answered with nothing.

#include <signal.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include "tests/integration/fixture.hpp"

namespace mediation::test {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using tls_stream = beast::ssl_stream<beast::tcp_stream>;

// A self-signed certificate for "localhost", made once per test process with the openssl tool.
const std::string& certificate_dir() {
  static const std::string dir = [] {
    std::string d = (std::filesystem::temp_directory_path() / ("mediation-tls-" + std::to_string(::getpid()))).string();
    std::filesystem::create_directories(d);
    std::string cmd = "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 "
                      "-subj /CN=localhost -addext subjectAltName=DNS:localhost -keyout " + d + "/key.pem -out " +
                      d + "/cert.pem >" + d + "/openssl.log 2>&1";
    if (std::system(cmd.c_str()) != 0) throw std::runtime_error("openssl could not make a test certificate");
    // A second key that does not belong to the certificate.
    cmd = "openssl genpkey -algorithm ec -pkeyopt ec_paramgen_curve:prime256v1 -out " + d + "/other.pem >>" + d +
          "/openssl.log 2>&1";
    if (std::system(cmd.c_str()) != 0) throw std::runtime_error("openssl could not make a second key");
    return d;
  }();
  return dir;
}

// A client context that trusts only the test certificate. `max_version` 0: no upper bound; a lower
// bound below TLS 1.2 and security level 0 make the client willing, so a refusal is the server's.
ssl::context client_context(int min_version = 0, int max_version = 0) {
  ssl::context ctx(ssl::context::tls_client);
  ctx.load_verify_file(certificate_dir() + "/cert.pem");
  ctx.set_verify_mode(ssl::verify_peer);
  if (min_version) {
    SSL_CTX_set_security_level(ctx.native_handle(), 0);
    SSL_CTX_set_cipher_list(ctx.native_handle(), "DEFAULT:@SECLEVEL=0");
    SSL_CTX_set_min_proto_version(ctx.native_handle(), min_version);
  }
  if (max_version) SSL_CTX_set_max_proto_version(ctx.native_handle(), max_version);
  return ctx;
}

// Connects to 127.0.0.1:port, verifies the certificate is for "localhost"; throws on failure.
void connect(tls_stream& s, unsigned short port) {
  SSL_set_tlsext_host_name(s.native_handle(), "localhost");
  s.set_verify_callback(ssl::host_name_verification("localhost"));
  beast::get_lowest_layer(s).socket().connect({asio::ip::make_address("127.0.0.1"), port});
  s.handshake(ssl::stream_base::client);
}

struct https_result {
  int status = 0;
  std::string body, hsts;
  std::string tls_version;
};

https_result https_request(unsigned short port, const std::string& method, const std::string& target,
                           const std::string& body = "", ssl::context ctx = client_context()) {
  asio::io_context ioc;
  tls_stream s(ioc, ctx);
  connect(s, port);
  http::request<http::string_body> req(http::string_to_verb(method), target, 11);
  req.set(http::field::host, "localhost");
  req.set(http::field::content_type, "application/json");
  req.body() = body;
  req.prepare_payload();
  http::write(s, req);
  beast::flat_buffer buf;
  http::response<http::string_body> res;
  http::read(s, buf, res);
  return {static_cast<int>(res.result_int()), res.body(), std::string(res[http::field::strict_transport_security]),
          SSL_get_version(s.native_handle())};
}

class tls : public server_test {
 protected:
  std::vector<std::string> extra_args() const override {
    return {"--tls-cert", certificate_dir() + "/cert.pem", "--tls-key", certificate_dir() + "/key.pem"};
  }
};

TEST_P(tls, https_serves_the_api_with_a_verified_certificate_and_hsts) {
  auto r = https_request(port(), "GET", "/healthz");
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.hsts, "max-age=31536000");
  EXPECT_EQ(r.tls_version, "TLSv1.3");
  auto login = https_request(port(), "POST", "/api/login", json{{"username", "officer.li"}, {"password", "mediate"}}.dump());
  ASSERT_EQ(login.status, 200) << login.body;
  EXPECT_TRUE(json::parse(login.body).contains("token"));
  // The browser client is served over TLS too.
  EXPECT_EQ(https_request(port(), "GET", "/").status, 200);
}

TEST_P(tls, a_websocket_over_tls_authenticates_posts_and_receives_its_event) {
  auto login = https_request(port(), "POST", "/api/login", json{{"username", "officer.li"}, {"password", "mediate"}}.dump());
  ASSERT_EQ(login.status, 200);
  const std::string token = json::parse(login.body)["token"];
  asio::io_context ioc;
  auto ctx = client_context();
  beast::websocket::stream<tls_stream> ws(ioc, ctx);
  connect(ws.next_layer(), port());
  ws.handshake("localhost", "/ws");
  // Every frame read, in order; a read that gets nothing within 10 s fails the test instead of hanging.
  std::vector<json> seen;
  auto read_frame = [&]() -> json {
    beast::flat_buffer buf;
    beast::error_code ec;
    bool done = false;
    ws.async_read(buf, [&](beast::error_code e, std::size_t) {
      ec = e;
      done = true;
    });
    ioc.restart();
    ioc.run_for(std::chrono::seconds(10));
    if (!done) {
      beast::get_lowest_layer(ws).close();
      ioc.restart();
      ioc.run();
      throw std::runtime_error("no frame within 10 s");
    }
    if (ec) throw beast::system_error(ec);
    seen.push_back(json::parse(beast::buffers_to_string(buf.data())));
    return seen.back();
  };
  auto exchange = [&](const json& frame) {
    ws.write(asio::buffer(frame.dump()));
    for (int i = 0; i < 50; ++i)
      if (auto reply = read_frame(); reply.value("rid", "") == frame["rid"]) return reply;
    return json::object();
  };
  EXPECT_EQ(exchange({{"rid", "1"}, {"type", "auth"}, {"token", token}}).value("type", ""), "ok");
  auto created = exchange({{"rid", "2"}, {"type", "case.create"}, {"title", "加密连接上的纠纷"}, {"category", "labour_wages"}, {"channel", "visit"}});
  ASSERT_EQ(created.value("type", ""), "ok") << created.dump();
  const json thread = created["case"]["thread"];
  EXPECT_EQ(exchange({{"rid", "3"}, {"type", "subscribe"}, {"thread", thread}}).value("type", ""), "ok");
  auto posted = exchange({{"rid", "4"}, {"type", "post"}, {"thread", thread}, {"cmid", "tls-1"}, {"body", "已通过 TLS 发送"}});
  ASSERT_EQ(posted.value("type", ""), "ok") << posted.dump();
  // The event of the post reaches this subscriber over the same encrypted connection.
  auto is_event = [&](const json& f) { return f.value("type", "") == "event" && f.value("seq", 0) == posted.value("seq", -1); };
  while (std::none_of(seen.begin(), seen.end(), is_event) && seen.size() < 100) read_frame();
  auto event = std::find_if(seen.begin(), seen.end(), is_event);
  ASSERT_NE(event, seen.end()) << "no event for the post";
  EXPECT_EQ((*event)["data"].value("body", ""), "已通过 TLS 发送") << event->dump();
  ws.close(beast::websocket::close_code::normal);
}

TEST_P(tls, versions_before_1_2_and_plain_http_are_refused) {
  // TLS 1.2 exactly is accepted.
  EXPECT_EQ(https_request(port(), "GET", "/healthz", "", client_context(TLS1_2_VERSION, TLS1_2_VERSION)).tls_version,
            "TLSv1.2");
  // A client that offers at most TLS 1.1 (and would accept it) gets no connection.
  EXPECT_ANY_THROW(https_request(port(), "GET", "/healthz", "", client_context(TLS1_VERSION, TLS1_1_VERSION)));
  // Plain HTTP on the TLS port gets no HTTP answer.
  int status = 0;
  try {
    status = http_request(port(), "GET", "/healthz").status;
  } catch (const std::exception&) {
  }
  EXPECT_NE(status, 200);
  // Both failures are counted.
  auto metrics = https_request(port(), "GET", "/metrics");
  const std::string name = "\nmediation_tls_handshake_failures_total ";
  auto at = metrics.body.find(name);
  ASSERT_NE(at, std::string::npos);
  EXPECT_GE(std::stoi(metrics.body.substr(at + name.size())), 2) << metrics.body.substr(at, 60);
}

TEST_P(tls, a_key_that_does_not_match_the_certificate_stops_the_start_with_a_clear_message) {
  try {
    server_process bad(db_->url(),
                       {"--tls-cert", certificate_dir() + "/cert.pem", "--tls-key", certificate_dir() + "/other.pem"},
                       db_->dir() + "/bad-tls.log");
    FAIL() << "the server started with a mismatched key";
  } catch (const std::exception& e) {
    EXPECT_NE(std::string(e.what()).find("--tls-key: '" + certificate_dir() + "/other.pem' does not match the certificate"),
              std::string::npos) << e.what();
  }
}

BACKEND_SUITE(tls);

// SIGHUP reads the certificate and key files again: a renewed certificate is served to new
// connections without a restart; files that cannot be used leave the served certificate in place.
class tls_reload : public server_test {
 protected:
  void SetUp() override {
    db_ = std::make_unique<test_db>(GetParam());
    if (!db_->available()) GTEST_SKIP() << db_->skip_reason();
    make_certificate("first");
    start_server();
  }
  std::vector<std::string> extra_args() const override {
    return {"--tls-cert", db_->dir() + "/cert.pem", "--tls-key", db_->dir() + "/key.pem"};
  }
  // A new key and self-signed certificate for localhost, organisation `name`, renamed into place
  // as a renewal tool would.
  void make_certificate(const std::string& name) {
    const std::string d = db_->dir();
    const std::string cmd = "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 "
                            "-subj /CN=localhost/O=" + name + " -keyout " + d + "/key.new -out " + d +
                            "/cert.new >" + d + "/openssl.log 2>&1";
    ASSERT_EQ(std::system(cmd.c_str()), 0) << "openssl could not make a certificate";
    std::filesystem::rename(d + "/key.new", d + "/key.pem");
    std::filesystem::rename(d + "/cert.new", d + "/cert.pem");
  }
  // The subject of the certificate a new connection is served.
  std::string served_subject() {
    asio::io_context ioc;
    ssl::context ctx(ssl::context::tls_client);
    ctx.set_verify_mode(ssl::verify_none);
    tls_stream s(ioc, ctx);
    beast::get_lowest_layer(s).socket().connect({asio::ip::make_address("127.0.0.1"), port()});
    s.handshake(ssl::stream_base::client);
    X509* cert = SSL_get1_peer_certificate(s.native_handle());
    if (!cert) return "";
    char buf[512];
    X509_NAME_oneline(X509_get_subject_name(cert), buf, sizeof buf);
    X509_free(cert);
    beast::error_code ec;
    s.shutdown(ec);
    return buf;
  }
  // Waits until new connections are served a subject that contains `part`.
  bool served_becomes(const std::string& part) {
    for (int i = 0; i < 200; ++i) {
      if (served_subject().find(part) != std::string::npos) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  }
};

TEST_P(tls_reload, a_renewed_certificate_is_served_after_sighup) {
  EXPECT_NE(served_subject().find("O=first"), std::string::npos) << served_subject();
  make_certificate("second");
  EXPECT_NE(served_subject().find("O=first"), std::string::npos) << "reloaded before SIGHUP";
  server_->signal(SIGHUP);
  EXPECT_TRUE(served_becomes("O=second")) << served_subject();
  EXPECT_NE(server_->log().find(R"("msg":"tls certificate reloaded")"), std::string::npos) << server_->log();
  EXPECT_NE(server_->log().find("O=second"), std::string::npos) << server_->log();

  // A broken file: refused with an error line, the served certificate stays, the server runs on.
  std::ofstream(db_->dir() + "/cert.pem") << "not a certificate\n";
  server_->signal(SIGHUP);
  bool refused = false;
  for (int i = 0; i < 200 && !refused; ++i) {
    refused = server_->log().find("tls certificate not reloaded") != std::string::npos;
    if (!refused) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_TRUE(refused) << server_->log();
  EXPECT_NE(served_subject().find("O=second"), std::string::npos);
  EXPECT_TRUE(server_->running());
  EXPECT_EQ(https_request(port(), "GET", "/healthz", "", [] {
              ssl::context ctx(ssl::context::tls_client);
              ctx.set_verify_mode(ssl::verify_none);
              return ctx;
            }()).status, 200);
}

BACKEND_SUITE(tls_reload);

}  // namespace
}  // namespace mediation::test
