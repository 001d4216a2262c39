#pragma once
// Work for many connections' strands handed to the I/O threads in a few posts instead of one per
// connection. The batched writer's thread opens a delivery_batch around a batch's completions (its
// events' pushes and its acknowledgements): each net::dispatch_batched() made inside it is
// collected, and at its end the work goes to the I/O threads in one post per part (per 256 items,
// so that one post never holds an I/O thread for long). Without this,
// every recipient of every event cost a post from the writer's thread to the I/O threads: a lock,
// and often a wake-up and a context switch, per recipient.
//
// Order: a connection's work keeps the order it was dispatched in, within a batch and across the
// batches of every thread that opens them: a connection always falls in the same part, and each
// part is a strand that runs the batches' work in the order the batches ended. Work dispatched
// directly (connection::dispatch, not batched) is not ordered with batched work: what must reach a
// connection before a batched push (a hold on a thread whose access may change) goes directly, at
// once, and so ahead of the batch, which ends later.

#include <cstddef>
#include <functional>
#include <memory>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>

#include "server/net/connection.hpp"

namespace mediation::net {

// The I/O threads' side: one strand per part (one part per I/O thread, so that a large batch is
// spread over them).
class delivery_parts {
 public:
  delivery_parts(boost::asio::io_context& ioc, std::size_t parts);
  std::size_t size() const noexcept { return strands_.size(); }
  // Returns once every part has run what was posted to it before the call (at shutdown: the
  // writer's last acknowledgements reach their connections before these close). The I/O threads
  // must be running.
  void drain();
  boost::asio::strand<boost::asio::io_context::executor_type>& part(std::size_t i) { return strands_[i]; }

 private:
  std::vector<boost::asio::strand<boost::asio::io_context::executor_type>> strands_;
};

class delivery_batch {
 public:
  // Opens the batch on the calling thread (a batch opened inside another collects into it).
  explicit delivery_batch(delivery_parts& parts);
  // Hands what was collected to the I/O threads, and closes the batch.
  ~delivery_batch();
  delivery_batch(const delivery_batch&) = delete;
  delivery_batch& operator=(const delivery_batch&) = delete;

  // The batch open on the calling thread, or null.
  static delivery_batch* current() noexcept;
  // The part a connection's work goes to, among `parts`.
  static std::size_t part_of(const connection* c, std::size_t parts) noexcept;
  void add(std::shared_ptr<connection> to, std::function<void()> fn);
  void add(std::shared_ptr<connection> to, push p);

 private:
  struct item {
    std::shared_ptr<connection> to;
    std::function<void()> fn;  // empty for a push, which allocates nothing per recipient
    push p;
    void run();
  };
  delivery_parts& parts_;
  bool owner_;  // false: opened inside another, which collects
  std::vector<std::vector<item>> items_;  // per part
};

}  // namespace mediation::net
