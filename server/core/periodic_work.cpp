#include "server/core/periodic_work.hpp"

#include <chrono>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include "server/base/log.hpp"
#include "server/store/job_pool.hpp"

namespace mediation::app {

struct periodic_work::impl : std::enable_shared_from_this<impl> {
  impl(boost::asio::io_context& ioc, store::job_pool& jobs, std::function<long long()> interval_ms,
       std::function<void(soci::session&)> work, std::string what)
      : timer(boost::asio::make_strand(ioc)), jobs(jobs), interval_ms(std::move(interval_ms)), work(std::move(work)),
        what(std::move(what)) {}

  boost::asio::steady_timer timer;
  store::job_pool& jobs;
  std::function<long long()> interval_ms;
  std::function<void(soci::session&)> work;
  std::string what;
  std::atomic<bool> stopped{false};

  // Sets the timer on its own executor: the run that re-arms it finishes on a database worker, and
  // stop() cancels it there too, so the timer is only ever touched from one place.
  void arm(long long delay_ms) {
    boost::asio::post(timer.get_executor(), [self = shared_from_this(), delay_ms] {
      if (self->stopped) return;
      self->timer.expires_after(std::chrono::milliseconds(delay_ms));
      self->timer.async_wait([self](const boost::system::error_code& ec) {
        if (!ec && !self->stopped) self->run();
      });
    });
  }

  void run() {
    auto self = shared_from_this();
    const bool queued = jobs.post([self](soci::session& sql) {
      try {
        self->work(sql);
      } catch (const std::exception& e) {
        log::warn(self->what + " failed; it runs again at the next interval", {{"error", e.what()}});
      }
      self->arm(self->interval_ms());
    });
    if (!queued) arm(interval_ms());
  }
};

periodic_work::periodic_work(boost::asio::io_context& ioc, store::job_pool& jobs, std::function<long long()> interval_ms,
                             std::function<void(soci::session&)> work, std::string what)
    : impl_(std::make_shared<impl>(ioc, jobs, std::move(interval_ms), std::move(work), std::move(what))) {}

periodic_work::~periodic_work() { stop(); }

void periodic_work::start(long long first_delay_ms) { impl_->arm(first_delay_ms); }

void periodic_work::stop() {
  impl_->stopped = true;
  boost::asio::post(impl_->timer.get_executor(), [impl = impl_] { impl->timer.cancel(); });
}

}  // namespace mediation::app
