// mediation-server: wiring only. See docs/architecture.md.
#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <future>
#include <iostream>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <soci/soci.h>

#include "protocol/parse.hpp"
#include "server/admin/seed.hpp"
#include "server/agreements/install.hpp"
#include "server/base/log.hpp"
#include "server/base/time.hpp"
#include "server/base/version.hpp"
#include "server/cases/install.hpp"
#include "server/core/client.hpp"
#include "server/core/config.hpp"
#include "server/core/data_key.hpp"
#include "server/core/http_api.hpp"
#include "server/core/registry.hpp"
#include "server/core/scheduler.hpp"
#include "server/core/session_watch.hpp"
#include "server/identity/install.hpp"
#include "server/meetings/install.hpp"
#include "server/net/listener.hpp"
#include "server/oversight/install.hpp"
#include "server/store/migrations.hpp"
#include "server/threads/install.hpp"

using namespace mediation;

int main(int argc, char** argv) {
  auto parsed = parse_args(std::vector<std::string>(argv + 1, argv + argc), [](const char* n) { return std::getenv(n); });
  if (parsed.help) {
    std::cout << usage();
    return 0;
  }
  if (parsed.version) {
    std::cout << "mediation-server " << release() << " (schema version " << store::known_schema_version() << ")\n";
    return 0;
  }
  if (!parsed.cfg) {
    std::cerr << "mediation-server: " << parsed.error << "\n(run mediation-server --help for the options)\n";
    return 2;
  }
  config cfg = *parsed.cfg;
  log::set_level(cfg.log_level);
  if (cfg.web_root.empty())
    cfg.web_root = std::filesystem::exists("web-client/index.html") ? "web-client" : MEDIATION_DEFAULT_WEB_ROOT;
  if (parsed.print_config) {
    std::cout << describe(cfg) << "\n";
    return 0;
  }

  try {
    store::database db(cfg.db_url, cfg.db_workers);
    // Every check reads only, so that a refusal changes nothing: the schema is not newer than this
    // binary knows, the data key belongs to this database (or none is needed yet), the migrations'
    // preconditions hold. Then the migrations, and the key made or its fingerprint recorded.
    const app::personal_data personal = [&] {
      soci::session sql(db.pool());
      store::check_schema_not_newer(sql, db.kind());
      auto plan = app::check_data_key(sql, db.kind(), cfg.data_key_file, true);
      const auto schema = store::migrate(sql, db.kind());
      auto key = app::settle_data_key(sql, db.kind(), std::move(plan), true);
      log::info("schema", {{"version", std::to_string(schema.after)}, {"was", std::to_string(schema.before)},
                           {"release", release()}});
      // The demo's cases only with the demo network just loaded: never into a network of real people.
      if (cfg.seed_demo && app::seed_demo(sql) && cfg.demo_cases)
        app::seed_demo_cases(sql, app::verb_env{key, cfg.workflow, cfg.app}, now_millis());
      return key;
    }();
    app::hub hub;
    // Both queues serve users in turn, so that one user's flood waits behind itself.
    store::job_pool jobs(db, cfg.db_workers, 100000, cfg.app.max_queued_per_user);
    store::batched_writer writer(
        db, [&hub, &jobs](const std::vector<store::stored_event>& events) { app::publish_events(hub, jobs, events); },
        cfg.write_batch, 200000, cfg.app.max_queued_per_user);
    app::registry reg;
    app::services svc(reg, db, jobs, writer, hub, personal, cfg.app, cfg.workflow);
    // The feature slices, one line each: their verbs, routes, scans and hooks (core/registry.hpp).
    identity::install(svc.reg, svc);
    cases::install(svc.reg, svc);
    threads::install(svc.reg, svc);
    oversight::install(svc.reg, svc);
    agreements::install(svc.reg, svc);
    meetings::install(svc.reg, svc);
    // Every request of the protocol has exactly one handler (a verb added to protocol/messages.hpp but
    // not installed, or installed but not declared there and so without a schema, stops the start).
    {
      auto registered = svc.reg.verb_types();
      std::vector<std::string> declared(protocol::request_types().begin(), protocol::request_types().end());
      std::sort(registered.begin(), registered.end());
      std::sort(declared.begin(), declared.end());
      if (registered != declared) throw std::logic_error("the installed verbs are not the protocol's requests");
    }

    boost::asio::io_context ioc(static_cast<int>(cfg.threads));
    net::counters net_stats;
    net::net_settings ns{cfg.max_frame_bytes,  cfg.max_body_bytes,         cfg.ws_queue_frames,
                         cfg.ws_queue_bytes,   cfg.idle_timeout_s,         cfg.max_connections_per_address,
                         cfg.web_root,         cfg.trusted_proxies,        cfg.http_timeout_s,
                         cfg.tls_cert_file,    cfg.tls_key_file,           cfg.max_http_connections_per_address,
                         cfg.allowed_origins};
    net::listener listener(ioc, cfg.listen_host, cfg.listen_port, ns, std::make_shared<app::http_api>(svc, svc.reg, net_stats),
                           [&svc](std::shared_ptr<net::connection> c) {
                             return std::make_shared<app::client>(svc, std::move(c));
                           },
                           net_stats);
    std::promise<int> stop;
    boost::asio::signal_set signals(ioc, SIGINT, SIGTERM);
    signals.async_wait([&stop](const boost::system::error_code& ec, int sig) {
      if (!ec) stop.set_value(sig);
    });
    app::scheduler deadlines(ioc, svc);
    app::session_watch sessions(ioc, svc);
    listener.start();
    deadlines.start();
    sessions.start();
    std::vector<std::thread> threads;
    for (unsigned i = 0; i < cfg.threads; ++i) threads.emplace_back([&ioc] { ioc.run(); });

    std::cout << "listening on " << listener.local_address() << std::endl;
    log::info("listening", {{"addr", listener.local_address()}, {"threads", std::to_string(cfg.threads)},
                            {"db", db.kind() == store::backend::sqlite ? "sqlite" : "mysql"},
                            {"release", release()}});

    int sig = stop.get_future().get();
    log::info("shutting down", {{"signal", std::to_string(sig)}});
    svc.shutting_down = true;
    listener.stop_accepting();
    deadlines.stop();
    sessions.stop();
    writer.stop();  // commits and acknowledges every write already queued
    jobs.stop();
    listener.close_all();
    for (int i = 0; i < 30 && listener.open_connections() > 0; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    ioc.stop();
    for (auto& t : threads) t.join();
    log::info("stopped");
    return 0;
  } catch (const app::data_key_refused& e) {
    // Exit status 3: the data key, the schema or the database does not fit; restarting cannot help.
    log::error("refused", {{"error", e.what()}, {"file", e.file}, {"expected", e.expected}, {"found", e.found}});
    std::cerr << "mediation-server: " << e.what() << "\n";
    return 3;
  } catch (const store::refused& e) {
    log::error("refused", {{"error", e.what()}});
    std::cerr << "mediation-server: " << e.what() << "\n";
    return 3;
  } catch (const std::exception& e) {
    log::error("fatal", {{"error", e.what()}});
    std::cerr << "mediation-server: " << e.what() << "\n";
    return 1;
  }
}
