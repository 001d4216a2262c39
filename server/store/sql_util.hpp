#pragma once
// Statements with a variable number of bound values (IN lists, multi-row INSERTs), for SOCI.
// Internal to server/store.

#include <cstddef>
#include <functional>
#include <string>

#include <soci/soci.h>

namespace mediation::store::sql_util {

// ":x0, :x1, ..., :x(n-1)"
inline std::string placeholders(const std::string& prefix, std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) {
    if (i) out += ", ";
    out += ":" + prefix + std::to_string(i);
  }
  return out;
}

// Prepares `query` on `sql` after `bind(st)` has exchanged every into/use element (they must stay
// alive and in place until the statement is done), and returns the statement ready to execute.
inline soci::statement prepare_dynamic(soci::session& sql, const std::string& query,
                                       const std::function<void(soci::statement&)>& bind) {
  soci::statement st(sql);
  bind(st);
  st.alloc();
  st.prepare(query);
  st.define_and_bind();
  return st;
}

}  // namespace mediation::store::sql_util
