#pragma once
// Work that runs again and again on a database worker: a timer on its own strand waits the
// interval, the work runs on the job pool, and the timer is set again when the work is done (so
// runs never overlap, and a slow run delays the next instead of piling up). Used by the scheduler
// and the session watch. Thread-safe; stop() is idempotent and lets a run under way finish.

#include <atomic>
#include <functional>
#include <memory>
#include <string>

namespace boost::asio {
class io_context;
}
namespace soci {
class session;
}

namespace mediation::store {
class job_pool;
}

namespace mediation::app {

class periodic_work {
 public:
  // `interval_ms` is asked again before every wait; `what` names the work in the log when it fails.
  periodic_work(boost::asio::io_context& ioc, store::job_pool& jobs, std::function<long long()> interval_ms,
                std::function<void(soci::session&)> work, std::string what);
  ~periodic_work();
  periodic_work(const periodic_work&) = delete;
  periodic_work& operator=(const periodic_work&) = delete;
  // Runs the work after `first_delay_ms`, then every interval.
  void start(long long first_delay_ms);
  void stop();

 private:
  struct impl;
  std::shared_ptr<impl> impl_;
};

}  // namespace mediation::app
