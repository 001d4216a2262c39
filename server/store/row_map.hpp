#pragma once
// Maps the columns of one row to fields of a struct, optionals included, so that one list of
// columns serves the SELECT and the UPDATE of that row. Internal to server/store.

#include <deque>
#include <optional>
#include <string>
#include <variant>

#include <soci/soci.h>

namespace mediation::store {

class row_map {
 public:
  using target = std::variant<long long*, std::string*, int*, bool*, std::optional<long long>*,
                              std::optional<std::string>*, std::optional<int>*>;
  void add(const char* column, target t) { cols_.push_back({column, t}); }

  // "c.a, c.b" with the given table alias.
  std::string select_list(const std::string& alias) const {
    std::string out;
    for (const auto& c : cols_) out += (out.empty() ? "" : ", ") + alias + "." + c.name;
    return out;
  }
  // "a = :a, b = :b"
  std::string assignments() const {
    std::string out;
    for (const auto& c : cols_) out += (out.empty() ? "" : ", ") + std::string(c.name) + " = :" + c.name;
    return out;
  }
  // Exchanges an into element per column; call fetched() after each fetch.
  void bind_into(soci::statement& st) {
    for (auto& c : cols_) {
      std::visit([&](auto* p) { into(st, c, p); }, c.t);
    }
  }
  void fetched() {
    for (auto& c : cols_) std::visit([&](auto* p) { take(c, p); }, c.t);
  }
  // Exchanges a use element per column, named after the column.
  void bind_use(soci::statement& st) {
    for (auto& c : cols_) std::visit([&](auto* p) { use(st, c, p); }, c.t);
  }

 private:
  struct col {
    const char* name;
    target t;
    long long ll = 0;
    std::string s;
    int i = 0;
    soci::indicator ind = soci::i_ok;
  };

  static void into(soci::statement& st, col& c, long long* p) { st.exchange(soci::into(*p)); }
  static void into(soci::statement& st, col& c, std::string* p) { st.exchange(soci::into(*p)); }
  static void into(soci::statement& st, col& c, int* p) { st.exchange(soci::into(*p)); }
  static void into(soci::statement& st, col& c, bool*) { st.exchange(soci::into(c.i)); }
  static void into(soci::statement& st, col& c, std::optional<long long>*) { st.exchange(soci::into(c.ll, c.ind)); }
  static void into(soci::statement& st, col& c, std::optional<std::string>*) { st.exchange(soci::into(c.s, c.ind)); }
  static void into(soci::statement& st, col& c, std::optional<int>*) { st.exchange(soci::into(c.i, c.ind)); }

  static void take(col&, long long*) {}
  static void take(col&, std::string*) {}
  static void take(col&, int*) {}
  static void take(col& c, bool* p) { *p = c.i != 0; }
  static void take(col& c, std::optional<long long>* p) {
    *p = c.ind == soci::i_ok ? std::optional<long long>(c.ll) : std::nullopt;
  }
  static void take(col& c, std::optional<std::string>* p) {
    *p = c.ind == soci::i_ok ? std::optional<std::string>(c.s) : std::nullopt;
  }
  static void take(col& c, std::optional<int>* p) { *p = c.ind == soci::i_ok ? std::optional<int>(c.i) : std::nullopt; }

  static void use(soci::statement& st, col& c, long long* p) { st.exchange(soci::use(*p, c.name)); }
  static void use(soci::statement& st, col& c, std::string* p) { st.exchange(soci::use(*p, c.name)); }
  static void use(soci::statement& st, col& c, int* p) { st.exchange(soci::use(*p, c.name)); }
  static void use(soci::statement& st, col& c, bool* p) {
    c.i = *p ? 1 : 0;
    st.exchange(soci::use(c.i, c.name));
  }
  static void use(soci::statement& st, col& c, std::optional<long long>* p) {
    c.ll = p->value_or(0);
    c.ind = *p ? soci::i_ok : soci::i_null;
    st.exchange(soci::use(c.ll, c.ind, c.name));
  }
  static void use(soci::statement& st, col& c, std::optional<std::string>* p) {
    c.s = p->value_or("");
    c.ind = *p ? soci::i_ok : soci::i_null;
    st.exchange(soci::use(c.s, c.ind, c.name));
  }
  static void use(soci::statement& st, col& c, std::optional<int>* p) {
    c.i = p->value_or(0);
    c.ind = *p ? soci::i_ok : soci::i_null;
    st.exchange(soci::use(c.i, c.ind, c.name));
  }

  std::deque<col> cols_;  // stable addresses: soci keeps pointers to the temporaries
};

}  // namespace mediation::store
