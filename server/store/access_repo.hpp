#pragma once
// The access facts of cases (who owns, handles, leads, was invited to and supervises a case), read
// for the one visibility rule (core/visibility) on every request and delivery. Throws soci errors.

#include <optional>
#include <vector>

#include "server/store/batched_writer.hpp"
#include "server/store/case_access.hpp"

namespace mediation::store {

// The two threads of a case, joined to `c`: ti the internal one, tp the parties' one.
inline constexpr const char* case_threads =
    " JOIN threads ti ON ti.case_id = c.id AND ti.purpose = 'internal'"
    " LEFT JOIN threads tp ON tp.case_id = c.id AND tp.purpose = 'parties' ";

// The side a person was invited to a case for (a representative's or a meeting guest's), if any.
std::optional<std::string> invited_side(soci::session& sql, long long case_id, long long user_id);
// Moves a representative's or a guest's invitation to `side` (the mediator's correction in a meeting).
void set_invited_side(write_context& ctx, long long case_id, long long user_id, const std::string& side);
std::optional<case_access> access_by_case(soci::session& sql, long long case_id);
std::optional<case_access> access_by_thread(soci::session& sql, long long thread_id);
// The same inside the writer's transaction, cached for the transaction: many writes to one busy
// thread in a batch load its facts once. Writes that change access clear the cache.
std::optional<case_access> access_by_thread(write_context& ctx, long long thread_id);
std::optional<case_access> access_by_case(write_context& ctx, long long case_id);
// Loads the access facts of every thread in `threads` into memo.access in three queries per 200.
void prefetch_access(soci::session& sql, const std::vector<long long>& threads, transaction_memo& memo);

}  // namespace mediation::store
