#pragma once
// Statements a connection prepares once and runs many times. Each cached holder is a struct whose
// constructor prepares its statement bound to the struct's own members; the caller sets the members
// and executes. For SQLite, where preparing parses the statement's text every time (SOCI's MySQL
// backend prepares nothing on the server: it sends the text with the values on every run, so a
// cache would save nothing there, and a reconnect would leave its statements dangling).
// Internal to server/store. One thread at a time, as its session.

#include <memory>
#include <typeindex>
#include <unordered_map>

namespace soci {
class session;
}

namespace mediation::store {

class statement_cache {
 public:
  // The holder of type T for this connection, made (T(sql)) on first use.
  template <typename T>
  T& get(soci::session& sql) {
    auto& slot = items_[std::type_index(typeid(T))];
    if (!slot) slot = std::make_shared<T>(sql);
    return *static_cast<T*>(slot.get());
  }

 private:
  std::unordered_map<std::type_index, std::shared_ptr<void>> items_;
};

}  // namespace mediation::store
