#pragma once
// A bounded queue that serves its keys in turn (round robin), so that one key with many items
// waiting (one user's flood of requests) does not delay the items of the others: each key's items
// stay in order, and a key with one item waiting is served within one turn of every other key.
// Bounded in total and per key; key 0 (the server's own work) is exempt from the per-key bound.
// Not thread-safe: the owner guards it with its own mutex.

#include <cstddef>
#include <deque>
#include <unordered_map>
#include <utility>

namespace mediation::store {

template <class T>
class fair_queue {
 public:
  fair_queue(std::size_t max_total, std::size_t max_per_key) : max_total_(max_total), max_per_key_(max_per_key) {}

  // Appends `item` to `key`'s items; false (and nothing queued) when the queue or the key is full.
  bool push(long long key, T item) {
    if (size_ >= max_total_) return false;
    auto& q = by_key_[key];
    if (key != 0 && max_per_key_ && q.size() >= max_per_key_) {
      if (q.empty()) by_key_.erase(key);
      return false;
    }
    if (q.empty()) ring_.push_back(key);
    q.push_back(std::move(item));
    ++size_;
    return true;
  }
  bool empty() const noexcept { return size_ == 0; }
  std::size_t size() const noexcept { return size_; }
  // The next item in turn. The queue must not be empty.
  T pop() {
    const long long key = ring_.front();
    ring_.pop_front();
    auto it = by_key_.find(key);
    T item = std::move(it->second.front());
    it->second.pop_front();
    if (it->second.empty())
      by_key_.erase(it);
    else
      ring_.push_back(key);
    --size_;
    return item;
  }

 private:
  std::size_t max_total_, max_per_key_;
  std::unordered_map<long long, std::deque<T>> by_key_;
  std::deque<long long> ring_;  // keys with items waiting, in turn order
  std::size_t size_ = 0;
};

}  // namespace mediation::store
