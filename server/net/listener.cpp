#include "server/net/listener.hpp"

#include <stdexcept>

#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>
#include <openssl/bio.h>
#include <openssl/x509.h>

#include "server/base/log.hpp"
#include "server/net/sessions.hpp"

namespace mediation::net {

struct listener::impl : std::enable_shared_from_this<listener::impl> {
  impl(asio::io_context& ioc, std::shared_ptr<shared_state> state) : ioc(ioc), acceptor(asio::make_strand(ioc)), state(std::move(state)) {}

  void do_accept() {
    acceptor.async_accept(asio::make_strand(ioc), [self = shared_from_this()](beast::error_code ec, tcp::socket socket) {
      if (ec) {
        if (ec == asio::error::operation_aborted || !self->acceptor.is_open()) return;
        log::warn("accept failed", {{"error", ec.message()}});
      } else {
        if (self->state->tls) std::make_shared<http_session<tls_stream>>(std::move(socket), self->state)->run();
        else std::make_shared<http_session<plain_stream>>(std::move(socket), self->state)->run();
      }
      self->do_accept();
    });
  }

  asio::io_context& ioc;
  tcp::acceptor acceptor;
  std::shared_ptr<shared_state> state;
};

namespace {

// A server context that speaks TLS 1.2 and 1.3 only, with OpenSSL's default (system) cipher policy.
std::shared_ptr<asio::ssl::context> make_tls_context(const std::string& cert, const std::string& key) {
  auto ctx = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_server);
  ctx->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                   asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 | asio::ssl::context::no_tlsv1_1 |
                   asio::ssl::context::single_dh_use);
  SSL_CTX_set_min_proto_version(ctx->native_handle(), TLS1_2_VERSION);
  beast::error_code ec;
  ctx->use_certificate_chain_file(cert, ec);
  if (ec) throw std::runtime_error("--tls-cert: cannot use '" + cert + "': " + ec.message());
  ctx->use_private_key_file(key, asio::ssl::context::pem, ec);
  if (ec && ERR_GET_REASON(static_cast<unsigned long>(ec.value())) == X509_R_KEY_VALUES_MISMATCH)
    throw std::runtime_error("--tls-key: '" + key + "' does not match the certificate in '" + cert + "'");
  if (ec) throw std::runtime_error("--tls-key: cannot use '" + key + "': " + ec.message());
  if (SSL_CTX_check_private_key(ctx->native_handle()) != 1)
    throw std::runtime_error("--tls-key: '" + key + "' does not match the certificate in '" + cert + "'");
  return ctx;
}

// "CN=example; not after Mar  1 12:00:00 2027 GMT": which certificate a context serves.
std::string describe_certificate(asio::ssl::context& ctx) {
  X509* cert = SSL_CTX_get0_certificate(ctx.native_handle());
  if (!cert) return {};
  std::string out;
  if (BIO* bio = BIO_new(BIO_s_mem())) {
    X509_NAME_print_ex(bio, X509_get_subject_name(cert), 0, XN_FLAG_RFC2253);
    BIO_puts(bio, "; not after ");
    ASN1_TIME_print(bio, X509_get0_notAfter(cert));
    char* data = nullptr;
    const long n = BIO_get_mem_data(bio, &data);
    if (n > 0) out.assign(data, static_cast<std::size_t>(n));
    BIO_free(bio);
  }
  return out;
}

}  // namespace

std::shared_ptr<asio::ssl::context> shared_state::tls_context() const {
  std::lock_guard lock(tls_mutex);
  return tls_context_;
}

void shared_state::set_tls_context(std::shared_ptr<asio::ssl::context> ctx) {
  std::lock_guard lock(tls_mutex);
  tls_context_ = std::move(ctx);
}

std::string listener::reload_tls() {
  auto& state = *impl_->state;
  if (!state.tls) return {};
  // Built whole before it replaces the old one: a bad file leaves the served certificate as it was.
  auto ctx = make_tls_context(state.settings.tls_cert_file, state.settings.tls_key_file);
  std::string what = describe_certificate(*ctx);
  state.set_tls_context(std::move(ctx));
  return what;
}

listener::listener(asio::io_context& ioc, const std::string& host, unsigned short port, net_settings settings,
                   std::shared_ptr<http_api> api, handler_factory factory, counters& stats) {
  auto state = std::make_shared<shared_state>();
  state->stats = &stats;
  state->settings = std::move(settings);
  state->api = std::move(api);
  state->factory = std::move(factory);
  if (!state->settings.tls_cert_file.empty()) {
    state->tls = true;
    state->set_tls_context(make_tls_context(state->settings.tls_cert_file, state->settings.tls_key_file));
  }
  impl_ = std::make_shared<impl>(ioc, state);
  beast::error_code ec;
  auto address = asio::ip::make_address(host, ec);
  if (ec) throw std::runtime_error("--listen: '" + host + "' is not an IP address");
  tcp::endpoint ep(address, port);
  auto& a = impl_->acceptor;
  a.open(ep.protocol(), ec);
  if (!ec) a.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) a.bind(ep, ec);
  if (!ec) a.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) throw std::runtime_error("cannot listen on " + host + ":" + std::to_string(port) + ": " + ec.message());
}

listener::~listener() = default;

std::string listener::local_address() const {
  beast::error_code ec;
  auto ep = impl_->acceptor.local_endpoint(ec);
  std::string host = ep.address().to_string();
  if (ep.address().is_v6()) host = "[" + host + "]";
  return host + ":" + std::to_string(ep.port());
}

void listener::start() {
  asio::dispatch(impl_->acceptor.get_executor(), [self = impl_] { self->do_accept(); });
}

void listener::stop_accepting() {
  asio::dispatch(impl_->acceptor.get_executor(), [self = impl_] {
    beast::error_code ec;
    self->acceptor.close(ec);
  });
}

void listener::close_all() {
  std::vector<std::shared_ptr<connection>> open;
  {
    std::lock_guard lock(impl_->state->mutex);
    impl_->state->closing = true;
    for (const auto& w : impl_->state->sockets)
      if (auto s = w.lock()) open.push_back(std::move(s));
  }
  for (auto& s : open) s->close(static_cast<std::uint16_t>(websocket::close_code::going_away), "server shutting down");
}

std::size_t listener::open_connections() const {
  std::lock_guard lock(impl_->state->mutex);
  return impl_->state->sockets.size();
}

}  // namespace mediation::net
