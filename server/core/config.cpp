#include "server/core/config.hpp"

#include "server/base/time.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <fstream>

#include <sys/stat.h>

#include <nlohmann/json.hpp>
#include <thread>

#include <boost/asio/ip/address.hpp>

namespace mediation {

namespace {

template <class T>
bool to_number(const std::string& s, T& out, T min, T max) {
  long long v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || p != s.data() + s.size() || v < static_cast<long long>(min) ||
      v > static_cast<long long>(max))
    return false;
  out = static_cast<T>(v);
  return true;
}

// A rate or burst: a whole number from 1 to 1,000,000, kept as a double.
bool rate(const std::string& s, double& out) {
  unsigned long long n = 0;
  if (!to_number<unsigned long long>(s, n, 1, 1000000)) return false;
  out = static_cast<double>(n);
  return true;
}

bool parse_listen(const std::string& s, config& c) {
  auto colon = s.rfind(':');
  if (colon == std::string::npos || colon == 0) return false;
  std::string host = s.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  unsigned short port = 0;
  if (!to_number<unsigned short>(s.substr(colon + 1), port, 0, 65535)) return false;
  c.listen_host = host;
  c.listen_port = port;
  return true;
}

}  // namespace

std::string usage() {
  return R"(Usage: mediation-server [options]

  --listen HOST:PORT     address to listen on (default 127.0.0.1:8080; port 0 picks a free port
                         and prints "listening on HOST:PORT")
  --data-dir DIR         the folder for what the server writes (default var): the SQLite database
                         DATA_DIR/mediation.db, the data key DATA_DIR/data.key and attachments in
                         DATA_DIR/attachments, unless --db, --data-key-file or --attachments-dir say
                         otherwise. Every folder and file the server writes is checked at start
  --db URL               SOCI connection string (default sqlite3://db=DATA_DIR/mediation.db;
                         MySQL/MariaDB: mysql://db=NAME user=USER password=PASS host=HOST port=PORT)
  --seed-demo            load the demo network if the database is empty: its organisations and
                         accounts, and about twenty cases in every state
  --seed-demo-accounts   load only the demo network's organisations and accounts (tests)
  --threads N            I/O threads (default: one per core)
  --log-level LEVEL      debug, info, warn or error (default info)
  --log-file FILE        write the log lines (JSON, one per line) to FILE instead of standard error
                         (errors go to both); SIGHUP reopens it, for log rotation
  --drain-seconds N      on SIGTERM, answer /readyz with 503 for N seconds while still serving, so
                         that a load balancer moves traffic away, then close (default 5; 0: at once;
                         a second SIGTERM or Ctrl-C ends the wait)
  --web-root DIR         folder of the browser client served at / (default: the source tree's web-client/)
  --max-frame BYTES      largest WebSocket frame accepted (default 1048576); larger ones close with 1009
  --queue-frames N       outbound frames queued per connection before it counts as a slow consumer (default 4096)
  --queue-bytes BYTES    outbound bytes queued per connection, likewise (default 16777216)
  --ws-send-buffer BYTES the kernel's send buffer of each WebSocket (SO_SNDBUF; default 32768, which
                         the kernel doubles; 0: the kernel's own sizing), so that a client that stops
                         reading reaches the queue bounds above within seconds
  --idle-timeout SECONDS close a connection silent this long; pings are sent at half of it (default 60)
  --http-timeout SECONDS time allowed for an HTTP request's header, a TLS handshake or an answer's write;
                         a slower client is cut off (default 30)
  --token-ttl SECONDS    lifetime of a login token (default 43200)
  --calendar-feed-ttl-days N  how long a calendar feed URL works before it must be made anew
                         (default 365)
  --time-zone NAME       the network's time zone, in which dates are shown and printed, legal
                         documents included (default Asia/Shanghai; also Asia/Chongqing,
                         Asia/Hong_Kong, Asia/Macau, Asia/Taipei, Asia/Urumqi, UTC)
  --max-queued-per-user N  database jobs of one user waiting in each queue (readers, writer) before
                         that user is answered rate_limited; users are served in turn (default 4096;
                         0: no bound)
  --session-check MS     how often open sockets are checked against their sessions (expiry, logout,
                         revocation, disabled user, guest invitation) and room members against their
                         meetings; what no longer holds is closed (default 2000)
  --db-workers N         database reader threads and pooled connections (default 4)
  --write-batch N        writes committed together at most (default 512)
  --write-connections N  MariaDB/MySQL writer lanes committing side by side, each owning a share
                         of the threads, with two connections each (default 2; SQLite always 1)
  --rate-limit N         requests per second per connection, sustained (default 1000)
  --rate-burst N         requests per connection in a burst (default 5000)
  --max-subscriptions N  thread subscriptions per connection (default 256)
  --user-rate-limit N    requests per second per user across all their connections, sustained (default 2000)
  --user-rate-burst N    requests per user in a burst (default 10000)
  --max-connections-per-address N
                         WebSockets from one IP address (default 1000; 0: no limit)
  --max-http-connections-per-address N
                         open HTTP connections from one IP address; one more is answered 429 and
                         closed (default 256; 0: no limit; trusted proxies are not limited)
  --allowed-origins LIST origins besides the server's own whose pages may open /ws, comma-separated,
                         e.g. https://a.example,https://b.example (default: none)
  --trusted-proxy IP     a reverse proxy whose X-Forwarded-For names the client (repeatable)
  --data-key-file FILE   the 32-byte key (64 hex digits, mode 600) that encrypts parties' ID and phone
                         numbers at rest (default DATA_DIR/data.key, made on the first start of a new database:
                         back it up apart from the database). The database records its fingerprint;
                         another key, or a missing key once data is sealed, stops the start
  --tls-cert FILE        PEM certificate chain: serve HTTPS and WSS (TLS 1.2 or later) on --listen
  --tls-key FILE         PEM private key of that certificate (both or neither); SIGHUP reads both
                         files again (certificate renewal without a restart)
  --login-max-failures N failed logins for one username from one address within 15 minutes before that
                         username is locked out from that address (default 5; an address is locked for
                         every username after four times as many)
  --login-lockout SECONDS how long a lock-out lasts (default 900)
  --workflow FILE        a JSON file of deadline policies, holidays and escalation settings
                         (see docs/operations.md; default: the legal time limits, weekends off)
  --attachments-dir DIR  where attachment files are kept (default DATA_DIR/attachments)
  --max-attachment BYTES largest attachment accepted (default 20971520)
  --ice-server URL       a STUN or TURN server for audio and video (repeatable), e.g. stun:turn.example.cn:3478
  --turn-secret-file FILE  the shared secret of the TURN servers (coturn: use-auth-secret,
                         static-auth-secret): each participant gets credentials of their own that
                         expire (TURN REST); needed when a turn: server is given
  --turn-ttl SECONDS     how long those credentials work after meeting.join (default 21600)
  --config FILE          a JSON file of settings, keys as these flags without dashes
                         (environment variables MEDIATION_<FLAG> and then flags override it)
  --print-config         print the effective configuration (password masked) and exit
  --version              print the release and the database schema version it knows, and exit
  --help                 this text
)";
}

namespace {

// Flags that take a value, and those that do not: the names a file or the environment may set.
const std::vector<std::string> value_flags{
    "listen", "db", "threads", "log-level", "web-root", "max-frame", "queue-frames", "queue-bytes", "ws-send-buffer",
    "idle-timeout", "token-ttl", "session-check", "calendar-feed-ttl-days", "time-zone", "max-queued-per-user", "db-workers", "write-batch", "write-connections", "rate-limit", "rate-burst", "trusted-proxy",
    "max-connections-per-address", "login-max-failures", "login-lockout", "max-subscriptions", "workflow",
    "attachments-dir", "max-attachment", "ice-server", "turn-secret-file", "turn-ttl", "user-rate-limit",
    "user-rate-burst", "tls-cert", "tls-key", "http-timeout", "data-key-file",
    "max-http-connections-per-address", "allowed-origins", "data-dir", "log-file", "drain-seconds"};
const std::vector<std::string> switch_flags{"seed-demo", "seed-demo-accounts"};

bool known(const std::vector<std::string>& list, const std::string& name) {
  return std::find(list.begin(), list.end(), name) != list.end();
}

std::string env_name(const std::string& flag) {
  std::string n = "MEDIATION_";
  for (char ch : flag) n += ch == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  return n;
}

// Parses a comma-separated list of origins (http or https, a host, an optional port, no path).
bool allowed_origins(const std::string& value, std::vector<std::string>& out) {
  std::vector<std::string> list;
  std::size_t start = 0;
  while (start <= value.size()) {
    auto comma = value.find(',', start);
    std::string o = value.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    start = comma == std::string::npos ? value.size() + 1 : comma + 1;
    while (!o.empty() && o.front() == ' ') o.erase(0, 1);
    while (!o.empty() && (o.back() == ' ' || o.back() == '/')) o.pop_back();
    if (o.empty()) continue;
    for (auto& ch : o) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    auto scheme_end = o.find("://");
    if (scheme_end == std::string::npos || (o.compare(0, scheme_end, "http") != 0 && o.compare(0, scheme_end, "https") != 0))
      return false;
    std::string host = o.substr(scheme_end + 3);
    if (host.empty() || host.find_first_of("/?#@ ") != std::string::npos) return false;
    list.push_back(o);
  }
  out = std::move(list);
  return true;
}

// Turns the --config file into flag arguments; returns an error text or "".
std::string file_args(const std::string& path, std::vector<std::string>& out) {
  std::ifstream in(path);
  if (!in) return "--config: cannot read '" + path + "'";
  nlohmann::json j = nlohmann::json::parse(in, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return "--config: '" + path + "' is not a JSON object";
  for (auto it = j.begin(); it != j.end(); ++it) {
    const std::string& key = it.key();
    const auto& v = it.value();
    if (known(switch_flags, key)) {
      if (!v.is_boolean()) return "--config: '" + key + "' must be true or false";
      if (v.get<bool>()) out.push_back("--" + key);
      continue;
    }
    if (!known(value_flags, key)) return "--config: unknown setting '" + key + "' in '" + path + "'";
    std::vector<nlohmann::json> values = v.is_array() ? std::vector<nlohmann::json>(v.begin(), v.end())
                                                      : std::vector<nlohmann::json>{v};
    if (v.is_array() && key != "trusted-proxy" && key != "ice-server") return "--config: '" + key + "' takes one value";
    for (const auto& x : values) {
      if (x.is_string()) out.push_back("--" + key + "=" + x.get<std::string>());
      else if (x.is_number_integer()) out.push_back("--" + key + "=" + std::to_string(x.get<long long>()));
      else return "--config: '" + key + "' must be a string or a whole number";
    }
  }
  return {};
}

}  // namespace

std::string describe(const config& c) {
  std::string db = c.db_url;
  auto pos = db.find("password=");
  if (pos != std::string::npos) {
    auto end = db.find(' ', pos);
    db.replace(pos + 9, (end == std::string::npos ? db.size() : end) - pos - 9, "****");
  }
  const char* levels[] = {"debug", "info", "warn", "error"};
  nlohmann::ordered_json j{
      {"listen", c.listen_host + ":" + std::to_string(c.listen_port)},
      {"db", db},
      {"seed-demo", c.seed_demo},
      {"seed-demo-accounts", c.seed_demo && !c.demo_cases},
      {"threads", c.threads},
      {"log-level", levels[static_cast<int>(c.log_level)]},
      {"web-root", c.web_root},
      {"max-frame", c.max_frame_bytes},
      {"queue-frames", c.ws_queue_frames},
      {"queue-bytes", c.ws_queue_bytes},
      {"ws-send-buffer", c.ws_send_buffer},
      {"idle-timeout", c.idle_timeout_s},
      {"http-timeout", c.http_timeout_s},
      {"token-ttl", c.app.token_ttl_ms / 1000},
      {"session-check", c.app.session_check_ms},
      {"calendar-feed-ttl-days", c.app.calendar_feed_ttl_ms / 86400000},
      {"time-zone", c.app.time_zone},
      {"max-queued-per-user", c.app.max_queued_per_user},
      {"db-workers", c.db_workers},
      {"write-batch", c.write_batch},
      {"write-connections", c.write_connections},
      {"rate-limit", c.app.rate_per_second},
      {"rate-burst", c.app.rate_burst},
      {"max-subscriptions", c.app.max_subscriptions},
      {"user-rate-limit", c.app.user_rate_per_second},
      {"user-rate-burst", c.app.user_rate_burst},
      {"max-connections-per-address", c.max_connections_per_address},
      {"login-max-failures", c.app.login_max_failures},
      {"login-lockout", c.app.login_lockout_ms / 1000},
      {"trusted-proxy", c.trusted_proxies},
      {"max-http-connections-per-address", c.max_http_connections_per_address},
      {"allowed-origins", c.allowed_origins},
      {"data-dir", c.data_dir},
      {"data-key-file", c.data_key_file},
      {"log-file", c.log_file},
      {"drain-seconds", c.drain_seconds},
      {"tls-cert", c.tls_cert_file},
      {"tls-key", c.tls_key_file},
      {"workflow", c.workflow_file},
      {"attachments-dir", c.app.attachments_dir},
      {"max-attachment", c.app.max_attachment_bytes},
      {"workflow-settings", c.workflow.source},
      {"ice-server", [&] {
         std::vector<std::string> urls;
         for (const auto& s : c.app.ice_servers) urls.push_back(s["urls"]);
         return urls;
       }()},
      {"turn-secret-file", c.turn_secret_file},
      {"turn-ttl", c.app.turn_ttl_s}};
  return j.dump(2);
}

parsed_args parse_args(const std::vector<std::string>& cli, const env_lookup& env) {
  parsed_args out;
  // --version answers whatever else is given (even a broken configuration file).
  for (const auto& a : cli)
    if (a == "--version") {
      out.version = true;
      return out;
    }
  config c;
  // Gather every source as flag arguments, lowest precedence first.
  std::vector<std::string> args;
  for (std::size_t i = 0; i < cli.size(); ++i) {
    std::string path;
    if (cli[i] == "--config" && i + 1 < cli.size()) path = cli[i + 1];
    else if (cli[i].rfind("--config=", 0) == 0) path = cli[i].substr(9);
    else continue;
    if (auto err = file_args(path, args); !err.empty()) {
      out.error = err;
      return out;
    }
  }
  if (env) {
    for (const auto& f : value_flags)
      if (const char* v = env(env_name(f).c_str()); v && *v) args.push_back("--" + f + "=" + v);
    if (const char* v = env("MEDIATION_SEED_DEMO"); v && (std::string(v) == "1" || std::string(v) == "true"))
      args.push_back("--seed-demo");
  }
  for (std::size_t i = 0; i < cli.size(); ++i) {
    if (cli[i] == "--config") { ++i; continue; }
    if (cli[i].rfind("--config=", 0) == 0) continue;
    if (cli[i] == "--print-config") { out.print_config = true; continue; }
    args.push_back(cli[i]);
  }
  auto fail = [&](std::string msg) {
    out.error = std::move(msg);
    return out;
  };
  // Paths given explicitly win over those derived from --data-dir, in whatever order they come.
  bool db_given = false, key_given = false, attachments_given = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--help" || a == "-h") {
      out.help = true;
      return out;
    }
    if (a == "--seed-demo") {
      c.seed_demo = true;
      continue;
    }
    if (a == "--seed-demo-accounts") {
      c.seed_demo = true;
      c.demo_cases = false;
      continue;
    }
    std::string flag = a, value;
    if (auto eq = a.find('='); a.rfind("--", 0) == 0 && eq != std::string::npos) {
      flag = a.substr(0, eq);
      value = a.substr(eq + 1);
    } else {
      if (a.rfind("--", 0) != 0) return fail("unexpected argument '" + a + "'");
      if (i + 1 >= args.size()) return fail(a + " needs a value");
      value = args[++i];
    }
    auto bad = [&](const std::string& what) { return fail(flag + ": " + what + " (got '" + value + "')"); };
    unsigned long long n = 0;
    if (flag == "--listen") {
      if (!parse_listen(value, c)) return bad("expected HOST:PORT");
    } else if (flag == "--db") {
      if (value.rfind("sqlite3://", 0) != 0 && value.rfind("mysql://", 0) != 0)
        return bad("expected sqlite3://db=PATH or mysql://db=NAME user=... host=...");
      c.db_url = value;
      db_given = true;
    } else if (flag == "--threads") {
      if (!to_number<unsigned>(value, c.threads, 1, 256)) return bad("expected 1 to 256");
    } else if (flag == "--log-level") {
      if (!log::parse_level(value, c.log_level)) return bad("expected debug, info, warn or error");
    } else if (flag == "--web-root") {
      if (value.empty()) return bad("expected a folder");
      c.web_root = value;
    } else if (flag == "--max-frame") {
      if (!to_number<std::size_t>(value, c.max_frame_bytes, 1024, 64 << 20)) return bad("expected 1024 to 67108864");
    } else if (flag == "--queue-frames") {
      if (!to_number<std::size_t>(value, c.ws_queue_frames, 16, 1 << 20)) return bad("expected 16 to 1048576");
    } else if (flag == "--ws-send-buffer") {
      if (value != "0" && !to_number<std::size_t>(value, c.ws_send_buffer, 4096, 64 << 20)) return bad("expected 0, or 4096 to 67108864");
      if (value == "0") c.ws_send_buffer = 0;
    } else if (flag == "--queue-bytes") {
      if (!to_number<std::size_t>(value, c.ws_queue_bytes, 64 << 10, 1ULL << 30)) return bad("expected 65536 to 1073741824");
    } else if (flag == "--idle-timeout") {
      if (!to_number<unsigned>(value, c.idle_timeout_s, 2, 86400)) return bad("expected 2 to 86400 seconds");
    } else if (flag == "--http-timeout") {
      if (!to_number<unsigned>(value, c.http_timeout_s, 1, 3600)) return bad("expected 1 to 3600 seconds");
    } else if (flag == "--token-ttl") {
      if (!to_number<unsigned long long>(value, n, 60, 365ULL * 86400)) return bad("expected 60 to 31536000 seconds");
      c.app.token_ttl_ms = static_cast<long long>(n) * 1000;
    } else if (flag == "--max-queued-per-user") {
      if (!to_number<std::size_t>(value, c.app.max_queued_per_user, 0, 1000000)) return bad("expected 0 to 1000000");
    } else if (flag == "--calendar-feed-ttl-days") {
      long long days = 0;
      if (!to_number<long long>(value, days, 1, 3650)) return bad("expected 1 to 3650 days");
      c.app.calendar_feed_ttl_ms = days * 86400000LL;
    } else if (flag == "--time-zone") {
      const time_zone* z = find_time_zone(value);
      if (!z) return bad("expected Asia/Shanghai, Asia/Chongqing, Asia/Hong_Kong, Asia/Macau, Asia/Taipei, Asia/Urumqi or UTC");
      c.app.time_zone = std::string(z->name);
      c.app.time_zone_offset = z->offset_minutes;
    } else if (flag == "--session-check") {
      if (!to_number<long long>(value, c.app.session_check_ms, 100, 60000)) return bad("expected 100 to 60000 milliseconds");
    } else if (flag == "--db-workers") {
      if (!to_number<std::size_t>(value, c.db_workers, 1, 128)) return bad("expected 1 to 128");
    } else if (flag == "--write-batch") {
      if (!to_number<std::size_t>(value, c.write_batch, 1, 100000)) return bad("expected 1 to 100000");
    } else if (flag == "--write-connections") {
      if (!to_number<std::size_t>(value, c.write_connections, 1, 16)) return bad("expected 1 to 16");
    } else if (flag == "--rate-limit") {
      if (!rate(value, c.app.rate_per_second)) return bad("expected 1 to 1000000");
    } else if (flag == "--rate-burst") {
      if (!rate(value, c.app.rate_burst)) return bad("expected 1 to 1000000");
    } else if (flag == "--trusted-proxy") {
      boost::system::error_code ec;
      auto address = boost::asio::ip::make_address(value, ec);
      if (ec) return bad("expected an IP address");
      c.trusted_proxies.push_back(address.to_string());
    } else if (flag == "--max-http-connections-per-address") {
      if (!to_number<std::size_t>(value, c.max_http_connections_per_address, 0, 1000000))
        return bad("expected 0 to 1000000");
    } else if (flag == "--allowed-origins") {
      if (!allowed_origins(value, c.allowed_origins))
        return bad("expected origins such as https://a.example,https://b.example:8443 (scheme://host[:port], no path)");
    } else if (flag == "--max-connections-per-address") {
      if (!to_number<std::size_t>(value, c.max_connections_per_address, 0, 1000000)) return bad("expected 0 to 1000000");
    } else if (flag == "--login-max-failures") {
      if (!to_number<int>(value, c.app.login_max_failures, 1, 1000)) return bad("expected 1 to 1000");
    } else if (flag == "--login-lockout") {
      if (!to_number<unsigned long long>(value, n, 1, 86400)) return bad("expected 1 to 86400 seconds");
      c.app.login_lockout_ms = static_cast<long long>(n) * 1000;
    } else if (flag == "--max-subscriptions") {
      if (!to_number<std::size_t>(value, c.app.max_subscriptions, 1, 100000)) return bad("expected 1 to 100000");
    } else if (flag == "--workflow") {
      std::ifstream in(value);
      if (!in) return bad("cannot read the file");
      nlohmann::json j = nlohmann::json::parse(in, nullptr, false);
      if (j.is_discarded()) return bad("not valid JSON");
      if (auto err = app::deadlines::parse_workflow(j, c.workflow); !err.empty()) return bad(err);
      c.workflow_file = value;
    } else if (flag == "--user-rate-limit") {
      if (!rate(value, c.app.user_rate_per_second)) return bad("expected 1 to 1000000");
    } else if (flag == "--user-rate-burst") {
      if (!rate(value, c.app.user_rate_burst)) return bad("expected 1 to 1000000");
    } else if (flag == "--ice-server") {
      if (value.rfind("stun:", 0) != 0 && value.rfind("turn:", 0) != 0 && value.rfind("turns:", 0) != 0)
        return bad("expected a stun:, turn: or turns: URL");
      c.app.ice_servers.push_back({{"urls", value}});
    } else if (flag == "--turn-secret-file") {
      struct stat st {};
      if (::stat(value.c_str(), &st) == 0 && (st.st_mode & 077) != 0)
        return bad("the file must be readable by its owner only (chmod 600)");
      std::ifstream in(value);
      std::string secret;
      if (!in || !std::getline(in, secret)) return bad("cannot read the file");
      while (!secret.empty() && (secret.back() == '\r' || secret.back() == ' ')) secret.pop_back();
      if (secret.size() < 16) return bad("the secret must be at least 16 characters");
      c.app.turn_secret = secret;
      c.turn_secret_file = value;
    } else if (flag == "--turn-ttl") {
      if (!to_number<long long>(value, c.app.turn_ttl_s, 60, 86400)) return bad("expected 60 to 86400 seconds");
    } else if (flag == "--data-key-file") {
      if (value.empty()) return bad("expected a file");
      c.data_key_file = value;
      key_given = true;
    } else if (flag == "--tls-cert" || flag == "--tls-key") {
      if (!std::ifstream(value)) return bad("cannot read the file");
      (flag == "--tls-cert" ? c.tls_cert_file : c.tls_key_file) = value;
    } else if (flag == "--attachments-dir") {
      if (value.empty()) return bad("expected a folder");
      c.app.attachments_dir = value;
      attachments_given = true;
    } else if (flag == "--data-dir") {
      if (value.empty()) return bad("expected a folder");
      c.data_dir = value;
      while (c.data_dir.size() > 1 && c.data_dir.back() == '/') c.data_dir.pop_back();
    } else if (flag == "--log-file") {
      if (value.empty()) return bad("expected a file");
      c.log_file = value;
    } else if (flag == "--drain-seconds") {
      if (!to_number<unsigned>(value, c.drain_seconds, 0, 600)) return bad("expected 0 to 600 seconds");
    } else if (flag == "--max-attachment") {
      if (!to_number<std::size_t>(value, c.app.max_attachment_bytes, 1024, 1ULL << 30)) return bad("expected 1024 to 1073741824");
    } else {
      return fail("unknown option '" + flag + "' (see --help)");
    }
  }
  // A static TURN password would be handed to every participant, guests included, for good.
  for (const auto& server : c.app.ice_servers)
    if (server["urls"].get<std::string>().rfind("turn", 0) == 0 && c.app.turn_secret.empty())
      return fail("a turn: server needs --turn-secret-file (TURN REST credentials; coturn: use-auth-secret)");
  if (c.tls_cert_file.empty() != c.tls_key_file.empty())
    return fail(c.tls_cert_file.empty() ? "--tls-key needs --tls-cert" : "--tls-cert needs --tls-key");
  if (c.threads == 0) c.threads = std::max(1u, std::thread::hardware_concurrency());
  if (!db_given) {
    c.db_url = "sqlite3://db=" + c.data_dir + "/mediation.db";
    c.db_defaulted = true;
  }
  if (!key_given) c.data_key_file = c.data_dir + "/data.key";
  if (!attachments_given) c.app.attachments_dir = c.data_dir + "/attachments";
  out.cfg = c;
  return out;
}

}  // namespace mediation
