#pragma once
// The scheduler: every scan interval (--workflow "scan_interval_ms", default 30 s) it looks in the
// database for work that has come due and does it through the batched writer:
//   - escalation rules (app/escalation): overdue cases, unsatisfied evaluations, repeat petitions,
//     overdue supervision documents; each firing re-checks its rule inside the write transaction,
//     so it happens once even if scans overlap or the server restarts mid-way;
//   - agreements: terms past their deadline become overdue; the judicial confirmation window gets a
//     reminder a week before it closes and a note when it closed;
//   - meeting reminders (default 24 hours and 15 minutes before), once each, also after a restart;
//   - the search index: terms of messages stored since the last indexed event.
// Restart-safe: it keeps nothing in memory; whatever came due while the server was down fires at
// the first scan after start. Thread-safe; the timer runs on the io_context.

#include <memory>

#include "server/app/periodic_work.hpp"

namespace mediation::app {

class services;

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
  struct impl;
  std::shared_ptr<impl> impl_;
  periodic_work work_;
};

}  // namespace mediation::app
