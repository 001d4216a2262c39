#pragma once
// The checks every verb's logic starts with, free of the network: load a case's access facts and
// apply the one visibility rule (core/visibility), throwing protocol::error not_found or forbidden;
// and what a write verb's logic returns. Used by the plain verb functions of the slices
// (<slice>/*_logic.cpp) and by the connection-bound handlers alike.

#include <functional>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "server/core/visibility.hpp"
#include "server/store/batched_writer.hpp"

namespace soci {
class session;
}

namespace mediation::app {

class services;

// What a write verb's logic returns: the ok reply's result, and optionally what to do once the
// change is committed (live pushes such as a read marker), run on the connection's strand.
struct verb_outcome {
  nlohmann::json result = nlohmann::json::object();
  std::function<void(services&)> after_commit;
};

// An optional deadline field: RFC 3339 or a date; bad_request naming `field` otherwise.
std::optional<long long> parse_due_field(const std::optional<std::string>& text, const char* field = "due");

// Loads the case behind `thread` and checks that `v` may read that thread (can_see_thread). Throws
// not_found or forbidden.
store::case_access require_visible_thread(soci::session& sql, const viewer& v, long long thread);
// Loads the case and checks that `v` may know it (knows_case: staff, or on a party's side).
store::case_access require_known_case(soci::session& sql, const viewer& v, long long case_id);
store::case_access require_known_case(store::write_context& ctx, const viewer& v, long long case_id);
// Loads the case and checks that `v` may see the case file (can_see: not people on a party's side).
store::case_access require_visible_case(soci::session& sql, const viewer& v, long long case_id);
// The same inside the batched writer's transaction (cached for the transaction).
store::case_access require_visible_thread(store::write_context& ctx, const viewer& v, long long thread);
store::case_access require_visible_case(store::write_context& ctx, const viewer& v, long long case_id);

}  // namespace mediation::app
