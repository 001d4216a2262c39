#include "server/net/delivery_batch.hpp"

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
  for (std::size_t i = 0; i < items_.size(); ++i) {
    if (items_[i].empty()) continue;
    try {
      boost::asio::post(parts_.part(i), [items = std::move(items_[i])]() mutable {
        // On an I/O thread: a connection's strand that is idle runs its work here, at once.
        for (auto& it : items) it.to->dispatch(std::move(it.fn));
      });
    } catch (const std::exception& e) {
      log::error("deliveries could not be handed to the I/O threads", {{"error", e.what()}});
    }
  }
}

delivery_batch* delivery_batch::current() noexcept { return open_batch; }

void dispatch_batched(const std::shared_ptr<connection>& to, std::function<void()> fn) {
  if (auto* batch = open_batch)
    batch->add(to, std::move(fn));
  else
    to->dispatch(std::move(fn));
}

void delivery_batch::add(std::shared_ptr<connection> to, std::function<void()> fn) {
  const std::size_t part = std::hash<const connection*>{}(to.get()) % items_.size();
  items_[part].push_back(item{std::move(to), std::move(fn)});
}

}  // namespace mediation::net
