#pragma once
// The checks every verb's logic starts with, free of the network: load a case's access facts and
// apply the one visibility rule (core/visibility), throwing protocol::error not_found or forbidden;
// and what a write verb's logic returns. Used by the plain verb functions of the slices
// (<slice>/*_logic.cpp) and by the connection-bound handlers alike.

#include <functional>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "protocol/errors.hpp"
#include "server/core/actor.hpp"
#include "server/core/visibility.hpp"
#include "server/store/batched_writer.hpp"

namespace soci {
class session;
}

namespace mediation::app {

class services;
class personal_data;
struct settings;
namespace deadlines {
struct workflow_config;
}

// What a verb's logic may read of the server besides the database: the key that seals and opens
// parties' numbers, the workflow's deadlines and policies, and the settings. A test builds one from
// its own parts (tests/server/store/store_fixture.hpp); the server's is services::env().
struct verb_env {
  const personal_data& personal;
  const deadlines::workflow_config& workflow;
  const settings& cfg;
};

// What a verb's logic returns. The adapter (core/verb_support.hpp: finish_verb) answers once the change
// is committed (a read: at once):
// - without `read_back` and `notify_case`: the ok reply with `result`, then `after_commit`;
// - otherwise `after_commit` runs at once (so that ending a revoked guest's sessions or notices to other
//   cases never depend on what follows), then on a database worker `read_back` completes the result
//   from what is now stored (the case or agreement as the user sees it), then the ok reply, notices of
//   the job's case-changing events to the people of `notify_case` as they are after the change
//   (notify_case in core/services.hpp), and the steps `read_back` added (the audit row of a personal
//   data read). If the read-back fails or the server is too busy for it, the reply says that the change
//   was saved but could not be read back, and no notice goes out.
struct verb_outcome {
  nlohmann::json result = nlohmann::json::object();
  std::function<void(soci::session&, verb_outcome&)> read_back;
  long long notify_case = 0;
  std::function<void(services&)> after_commit;
  // Adds `step` after whatever after_commit already does.
  void then(std::function<void(services&)> step);
};

// An after_commit step that writes the audit row of `who` reading a case's unmasked personal data
// (`what`: how), in a write of its own; a failure is logged, never reported to the reader.
std::function<void(services&)> audit_read(const actor& who, long long case_id, std::string what);

// Records in the audit table that `user` read a case's unmasked personal data (`what`: how), in a
// write of its own after the read. A failure is logged, never reported to the reader.
void audit_personal_read(services& svc, long long user, long long case_id, const std::string& what,
                         const std::string& remote);

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
