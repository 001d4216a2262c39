#pragma once
// SQL for cases, their parties, hand-overs (case_orgs), invitations and threads.
// Write functions run inside the batched writer's transaction. Throws soci errors.

#include <optional>
#include <string>
#include <vector>

#include "protocol/messages/cases.hpp"
#include "server/store/batched_writer.hpp"
#include "server/store/access_repo.hpp"

namespace mediation::store {

struct created_case {
  long long id = 0, thread = 0, parties_thread = 0;
  std::string number;
};
// Inserts the case, its parties, its thread and a case number "<org short name>-<year>-<NNNNNN>"
// counted per organisation and year (China Standard Time).
// `kind`: "case", or "group" for a similar-case group.
created_case insert_case(write_context& ctx, long long org_id, long long created_by,
                         const protocol::case_create_request& c, const std::string& kind = "case");

std::optional<protocol::case_view> find_case(soci::session& sql, long long case_id);
void set_case_status(write_context& ctx, long long case_id, const std::string& status);
// Records the first organisation to accept the case (首办责任), if none is recorded yet.
void set_first_handler(write_context& ctx, long long case_id, long long org_id);

void insert_handoff(write_context& ctx, long long case_id, long long to_org, long long from_org,
                    const std::string& note, std::optional<long long> due_at, long long by);
// The id of the hand-over of `case_id` to `org_id` in `status`, if any.
std::optional<long long> find_handoff(soci::session& sql, long long case_id, long long org_id,
                                      const std::string& status);
void decide_handoff(write_context& ctx, long long handoff_id, const std::string& status,
                    const std::optional<std::string>& reason, long long by);

// Returns false when the user was already invited. `capacity`: professional (the internal thread),
// representative (a party's lawyer, on `side`: the parties' thread), party (a meeting's guest).
bool insert_invite(write_context& ctx, long long case_id, long long user_id, long long by,
                   const std::string& capacity = "professional", const std::optional<std::string>& side = std::nullopt);

}  // namespace mediation::store
