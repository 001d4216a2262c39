#include "server/net/delivery_batch.hpp"

#include <algorithm>
#include <cstdint>
#include <future>
#include <iterator>

#include <boost/asio/post.hpp>

#include "server/base/log.hpp"

namespace mediation::net {

namespace {
thread_local delivery_batch* open_batch = nullptr;
}

delivery_parts::delivery_parts(boost::asio::io_context& ioc, std::size_t parts) {
  if (parts == 0) parts = 1;
  strands_.reserve(parts);
  for (std::size_t i = 0; i < parts; ++i) strands_.push_back(boost::asio::make_strand(ioc));
}

delivery_batch::delivery_batch(delivery_parts& parts) : parts_(parts), owner_(open_batch == nullptr) {
  if (!owner_) return;  // collected into the batch already open
  items_.resize(parts.size());
  open_batch = this;
}

delivery_batch::~delivery_batch() {
  if (!owner_) return;
  open_batch = nullptr;
  // At most this many items per post, so that one post does not hold an I/O thread for a whole
  // large batch (reads and pings of the thread's other connections wait meanwhile). The posts of
  // a part go to its strand in order.
  constexpr std::size_t per_post = 256;
  for (std::size_t i = 0; i < items_.size(); ++i) {
    auto& list = items_[i];
    for (std::size_t from = 0; from < list.size(); from += per_post) {
      // Shared with the catch below, which must still have the items if the post fails.
      auto chunk = std::make_shared<std::vector<item>>(
          std::make_move_iterator(list.begin() + from),
          std::make_move_iterator(list.begin() + std::min(list.size(), from + per_post)));
      try {
        boost::asio::post(parts_.part(i), [chunk] {
          // On an I/O thread: a connection's strand that is idle runs its work here, at once.
          for (auto& it : *chunk) it.run();
        });
      } catch (const std::exception& e) {
        // Never dropped (an acknowledgement unanswered would count against the client for good):
        // each goes on its own, as without a batch.
        log::error("deliveries handed to the I/O threads one by one", {{"error", e.what()}});
        for (auto& it : *chunk) it.run();
      }
    }
  }
}

void delivery_batch::item::run() {
  if (!fn && !p.frame) return;  // nothing left in it (never run twice)
  if (fn)
    to->dispatch(std::move(fn));
  else
    to->dispatch_push(std::move(p));
}

void delivery_parts::drain() {
  std::vector<std::future<void>> done;
  for (auto& strand : strands_) {
    auto p = std::make_shared<std::promise<void>>();
    done.push_back(p->get_future());
    boost::asio::post(strand, [p] { p->set_value(); });
  }
  for (auto& f : done) f.wait();
}

delivery_batch* delivery_batch::current() noexcept { return open_batch; }

std::size_t delivery_batch::part_of(const connection* c, std::size_t parts) noexcept {
  // The address, mixed (splitmix64's finaliser): allocations share their alignment, so the address
  // itself modulo the parts would put every connection in one part.
  auto x = static_cast<std::uint64_t>(reinterpret_cast<std::uintptr_t>(c)) >> 4;
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return parts ? static_cast<std::size_t>(x % parts) : 0;
}

void dispatch_batched(const std::shared_ptr<connection>& to, std::function<void()> fn) {
  if (auto* batch = open_batch)
    batch->add(to, std::move(fn));
  else
    to->dispatch(std::move(fn));
}

void dispatch_batched(const std::shared_ptr<connection>& to, push p) {
  if (auto* batch = open_batch)
    batch->add(to, std::move(p));
  else
    to->dispatch_push(std::move(p));
}

void delivery_batch::add(std::shared_ptr<connection> to, std::function<void()> fn) {
  auto& list = items_[part_of(to.get(), items_.size())];
  list.push_back(item{std::move(to), std::move(fn), {}});
}

void delivery_batch::add(std::shared_ptr<connection> to, push p) {
  auto& list = items_[part_of(to.get(), items_.size())];
  list.push_back(item{std::move(to), {}, std::move(p)});
}

}  // namespace mediation::net
