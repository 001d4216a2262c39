#include "server/core/scheduler.hpp"

#include <soci/soci.h>

#include "server/base/log.hpp"
#include "server/base/time.hpp"
#include "server/core/services.hpp"
#include "server/core/registry.hpp"

namespace mediation::app {

void scheduled_write(services& svc, const std::string& what,
                     std::function<std::optional<store::case_access>(store::write_context&)> apply) {
  auto after = std::make_shared<std::optional<store::case_access>>();
  svc.writer.submit([apply = std::move(apply), after](store::write_context& ctx) { *after = apply(ctx); },
                    [&svc, after, what](std::exception_ptr error, const std::vector<store::stored_event>& events) {
                      if (error) {
                        log::warn("scheduled work failed; retried at the next scan", {{"work", what}});
                        return;
                      }
                      if (*after && !events.empty()) notify_case(svc, **after, events);
                    });
}

namespace {

// Every slice's scan in turn; one that fails is logged and the others still run.
void scan_all(services& svc, soci::session& sql) {
  const millis now = now_millis();
  for (const auto& [name, scan] : svc.reg.scans()) {
    try {
      scan(sql, now);
    } catch (const std::exception& e) {
      log::warn("scheduled scan failed; retried at the next scan", {{"scan", name}, {"error", e.what()}});
    }
  }
  svc.counters.last_scan_ms.store(now, std::memory_order_relaxed);
}

}  // namespace

scheduler::scheduler(boost::asio::io_context& ioc, services& svc)
    : work_(ioc, svc.jobs, [&svc] { return svc.workflow.scan_interval_ms; },
            [&svc](soci::session& sql) { scan_all(svc, sql); }, "scheduler scan") {}

scheduler::~scheduler() { stop(); }

void scheduler::start() { work_.start(0); }

void scheduler::stop() { work_.stop(); }

}  // namespace mediation::app
