#pragma once
// The scheduler loop: every scan interval (--workflow "scan_interval_ms", default 30 s) it runs on a
// database worker every scan the slices registered (registry::scan), each looking in the database
// for work that has come due and doing it through the batched writer:
//   - cases: escalation rules (overdue cases, unsatisfied evaluations, repeat petitions, overdue
//     supervision documents), each re-checked inside the write transaction so that it happens once
//     even if scans overlap or the server restarts mid-way; the search index of new messages;
//   - agreements: terms past their deadline become overdue; the judicial confirmation window gets a
//     reminder a week before it closes and a note when it closed;
//   - meetings: reminders (default 24 hours and 15 minutes before), once each, also after a restart.
// Restart-safe: it keeps nothing in memory; whatever came due while the server was down fires at
// the first scan after start. Thread-safe; the timer runs on the io_context.

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "server/core/periodic_work.hpp"
#include "server/store/batched_writer.hpp"
#include "server/store/case_access.hpp"

namespace mediation::app {

class services;

// Runs `apply` in the batched writer for a scan; it returns the case it changed (if any), whose
// people hear of the events (notify_case). A failure is logged and retried at the next scan.
void scheduled_write(services& svc, const std::string& what,
                     std::function<std::optional<store::case_access>(store::write_context&)> apply);

class scheduler {
 public:
  scheduler(boost::asio::io_context& ioc, services& svc);
  ~scheduler();
  scheduler(const scheduler&) = delete;
  scheduler& operator=(const scheduler&) = delete;
  // Starts scanning at once, then every interval.
  void start();
  // Stops the timer; scans already submitted finish. Idempotent.
  void stop();

 private:
  periodic_work work_;
};

}  // namespace mediation::app
