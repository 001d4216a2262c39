#pragma once
// The server's configuration: a typed struct with defaults, parsed once from the command line
// and passed by constructor. No globals.

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "server/core/services.hpp"
#include "server/base/log.hpp"

namespace mediation {

struct config {
  std::string listen_host = "127.0.0.1";
  unsigned short listen_port = 8080;
  std::string db_url = "sqlite3://db=var/mediation.db";
  bool db_defaulted = false;  // no --db, MEDIATION_DB or "db" given: SQLite under --data-dir
  bool seed_demo = false;
  bool demo_cases = true;  // with seed_demo: the demo's cases too (--seed-demo-accounts: the accounts only)
  unsigned threads = 0;  // 0: one per hardware core
  log::level log_level = log::level::info;
  std::string web_root;  // default: the web-client/ folder of the source tree

  std::size_t max_frame_bytes = 1 << 20;  // larger frames are refused with close 1009
  std::size_t max_body_bytes = 64 << 10;  // HTTP request bodies
  std::size_t ws_queue_frames = 4096;     // outbound frames queued per connection before it is a slow consumer
  std::size_t ws_queue_bytes = 16 << 20;  // outbound bytes queued per connection, likewise
  std::size_t ws_send_buffer = 32 << 10;  // SO_SNDBUF of each WebSocket (0: the kernel's sizing)
  unsigned idle_timeout_s = 60;           // no frame nor pong for this long closes the connection
  unsigned http_timeout_s = 30;           // to read an HTTP request's header (slow-loris) or a TLS handshake
  std::size_t max_connections_per_address = 1000;  // WebSockets from one IP address; 0: no limit
  std::size_t max_http_connections_per_address = 256;  // open HTTP connections from one IP address; 0: no limit
  std::vector<std::string> allowed_origins;  // --allowed-origins: other origins whose pages may open /ws
  std::vector<std::string> trusted_proxies;         // --trusted-proxy, repeatable
  std::string tls_cert_file, tls_key_file;          // --tls-cert, --tls-key: terminate TLS here
  // --data-dir: the folder whose defaults the written paths take (DATA_DIR/mediation.db,
  // DATA_DIR/data.key, DATA_DIR/attachments); an explicit --db, --data-key-file or
  // --attachments-dir wins over it.
  std::string data_dir = "var";
  std::string data_key_file = "var/data.key";       // --data-key-file: the key of personal data at rest
  std::string log_file;                             // --log-file: log lines there, reopened on SIGHUP
  unsigned drain_seconds = 5;                       // --drain-seconds: /readyz 503 this long after SIGTERM
  std::size_t db_workers = 4;             // database reader threads (and pooled connections)
  std::size_t write_batch = 512;          // jobs per group commit at most
  std::size_t write_connections = 2;      // writer lanes on MariaDB/MySQL (batched_writer); SQLite: 1
  app::settings app;
  std::string turn_secret_file;              // where the TURN servers' shared secret was read from
  std::string workflow_file;                  // --workflow: deadlines, holidays, escalation settings
  app::deadlines::workflow_config workflow;   // read from it (the legal defaults without one)
};

struct parsed_args {
  std::optional<config> cfg;  // empty on error, --help or --version
  std::string error;          // what was wrong, for the operator
  bool help = false;
  bool print_config = false;  // --print-config: print the effective configuration and exit
  bool version = false;       // --version: print the release and schema version and exit
};

// Looks up an environment variable (nullptr when unset); std::getenv in production.
using env_lookup = std::function<const char*(const char*)>;

// The effective configuration, from lowest to highest precedence: defaults, the JSON file named
// by --config (keys are the flag names without dashes, e.g. {"listen": "0.0.0.0:8080",
// "db": "mysql://...", "threads": 2, "seed-demo": true, "trusted-proxy": ["10.0.0.2"]}),
// environment variables MEDIATION_<FLAG> (MEDIATION_DB, MEDIATION_LISTEN, MEDIATION_LOG_LEVEL, ...),
// then the command line. Every value goes through the same validation (a bad value is reported
// with its flag's name); an unknown key in the file is an error.
parsed_args parse_args(const std::vector<std::string>& args, const env_lookup& env = nullptr);
std::string usage();
// The configuration as JSON, with the database password masked.
std::string describe(const config& c);

}  // namespace mediation
