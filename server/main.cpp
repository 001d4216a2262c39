// mediation-server: wiring only. See docs/architecture.md.
#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <iostream>
#include <mutex>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <soci/soci.h>

#include "protocol/parse.hpp"
#include "server/admin/seed.hpp"
#include "server/agreements/install.hpp"
#include "server/base/log.hpp"
#include "server/base/log_sink.hpp"
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
#include "server/core/start_paths.hpp"
#include "server/identity/install.hpp"
#include "server/meetings/install.hpp"
#include "server/base/thread_name.hpp"
#include "server/net/delivery_batch.hpp"
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
    log::error("bad usage", {{"error", parsed.error}, {"help", "run mediation-server --help for the options"}});
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

  // A log rotation's SIGHUP during the start must not end the server (the default action); the
  // handler below takes over once it is installed.
  std::signal(SIGHUP, SIG_IGN);

  try {
    // Everything the server will write, before anything else: a folder it cannot write is a refusal
    // now, not a failed upload later. Then the log file, so that every later line goes there.
    app::check_start_paths(cfg.app.attachments_dir, cfg.db_url, cfg.log_file);
    if (!cfg.log_file.empty()) {
      if (auto err = log::open_file(cfg.log_file); !err.empty())
        throw app::path_refused("cannot open the log file '" + cfg.log_file + "' (--log-file): " + err, cfg.log_file);
    }
    store::database db(cfg.db_url, cfg.db_workers);
    // Every check reads only, so that a refusal changes nothing: the schema is not newer than this
    // binary knows, the data key belongs to this database (or none is needed yet), the migrations'
    // preconditions hold. Then the migrations, and the key made or its fingerprint recorded.
    const app::personal_data personal = [&] {
      soci::session sql(db.pool());
      store::check_schema_not_newer(sql, db.kind());
      auto plan = app::check_data_key(sql, db.kind(), cfg.data_key_file, true);
      // A key to be made is written beside the database's other files: its folder must take it.
      if (!plan.key) app::check_writable_folder(app::folder_of(cfg.data_key_file), "data key", "--data-key-file");
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
    boost::asio::io_context ioc(static_cast<int>(cfg.threads));
    // Each batch's pushes and acknowledgements reach the I/O threads in one post per I/O thread.
    net::delivery_parts delivery(ioc, cfg.threads);
    // Both queues serve users in turn, so that one user's flood waits behind itself.
    store::job_pool jobs(db, cfg.db_workers, 100000, cfg.app.max_queued_per_user);
    store::batched_writer writer(
        db, [&hub, &jobs](const std::vector<store::stored_event>& events) { app::publish_events(hub, jobs, events); },
        cfg.write_batch, 200000, cfg.app.max_queued_per_user, cfg.write_connections,
        [&delivery](const std::function<void()>& complete) {
          net::delivery_batch batch(delivery);
          complete();
        });
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

    net::counters net_stats;
    net::net_settings ns{cfg.max_frame_bytes,  cfg.max_body_bytes,         cfg.ws_queue_frames,
                         cfg.ws_queue_bytes,   cfg.idle_timeout_s,         cfg.max_connections_per_address,
                         cfg.web_root,         cfg.trusted_proxies,        cfg.http_timeout_s,
                         cfg.tls_cert_file,    cfg.tls_key_file,           cfg.max_http_connections_per_address,
                         cfg.allowed_origins,  cfg.ws_send_buffer};
    net::listener listener(ioc, cfg.listen_host, cfg.listen_port, ns, std::make_shared<app::http_api>(svc, svc.reg, net_stats),
                           [&svc](std::shared_ptr<net::connection> c) {
                             return std::make_shared<app::client>(svc, std::move(c));
                           },
                           net_stats);
    // SIGTERM or SIGINT: drain, then stop; one more ends the drain early.
    struct {
      std::mutex mutex;
      std::condition_variable changed;
      int count = 0, first = 0;
    } stops;
    boost::asio::signal_set signals(ioc, SIGINT, SIGTERM);
    std::function<void()> await_stop = [&] {
      signals.async_wait([&](const boost::system::error_code& ec, int sig) {
        if (ec) return;
        {
          std::lock_guard lock(stops.mutex);
          if (stops.count++ == 0) stops.first = sig;
        }
        stops.changed.notify_all();
        await_stop();
      });
    };
    await_stop();
    // SIGHUP: the log file reopened (rotation), the TLS certificate and key read again (renewal).
    boost::asio::signal_set hangups(ioc, SIGHUP);
    std::function<void()> await_hangup = [&] {
      hangups.async_wait([&](const boost::system::error_code& ec, int) {
        if (ec) return;
        if (!cfg.log_file.empty()) {
          if (auto err = log::reopen_file(); err.empty())
            log::info("log file reopened", {{"file", cfg.log_file}});
          else
            log::error("log file not reopened; still writing to the one open before", {{"file", cfg.log_file}, {"error", err}});
        }
        if (!cfg.tls_cert_file.empty()) {
          try {
            log::info("tls certificate reloaded", {{"file", cfg.tls_cert_file}, {"certificate", listener.reload_tls()}});
          } catch (const std::exception& e) {
            log::error("tls certificate not reloaded; still serving the one loaded before", {{"error", e.what()}});
          }
        }
        await_hangup();
      });
    };
    await_hangup();
    app::scheduler deadlines(ioc, svc);
    app::session_watch sessions(ioc, svc);
    listener.start();
    deadlines.start();
    sessions.start();
    std::vector<std::thread> threads;
    for (unsigned i = 0; i < cfg.threads; ++i) threads.emplace_back([&ioc] {
      mediation::name_this_thread("mn-io");
      ioc.run();
    });

    std::cout << "listening on " << listener.local_address() << std::endl;
    // A production unit whose MEDIATION_DB went missing would otherwise serve an empty network quietly.
    if (cfg.db_defaulted)
      log::warn("no database given (--db, MEDIATION_DB or \"db\" in --config): using the embedded SQLite database",
                {{"db", cfg.db_url}});
    log::info("listening", {{"addr", listener.local_address()}, {"threads", std::to_string(cfg.threads)},
                            {"db", db.kind() == store::backend::sqlite ? "sqlite" : "mysql"},
                            {"release", release()}});

    {
      std::unique_lock lock(stops.mutex);
      stops.changed.wait(lock, [&] { return stops.count > 0; });
      // Draining: /readyz answers 503 so that the load balancer sends no new traffic, while
      // everything (new connections too) is still served; /healthz stays 200.
      svc.shutting_down = true;
      log::info("draining", {{"signal", std::to_string(stops.first)}, {"seconds", std::to_string(cfg.drain_seconds)}});
      stops.changed.wait_for(lock, std::chrono::seconds(cfg.drain_seconds), [&] { return stops.count > 1; });
    }
    log::info("shutting down");
    listener.stop_accepting();
    // Requests already taken on are answered before the database workers stop (a proxy cannot send a
    // POST that a node has taken on to another node): until none has been in flight for 100 ms, at most 10 s.
    for (int quiet = 0, i = 0; quiet < 2 && i < 200; ++i) {
      quiet = svc.http_in_flight.load() == 0 ? quiet + 1 : 0;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    deadlines.stop();
    sessions.stop();
    writer.stop();  // commits and acknowledges every write already queued
    delivery.drain();  // the acknowledgements reach their connections' strands before the closes
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
    return 3;
  } catch (const app::path_refused& e) {
    log::error("refused", {{"error", e.what()}, {"path", e.path}});
    return 3;
  } catch (const store::refused& e) {
    log::error("refused", {{"error", e.what()}});
    return 3;
  } catch (const std::exception& e) {
    log::error("fatal", {{"error", e.what()}});
    return 1;
  }
}
