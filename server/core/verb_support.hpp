#pragma once
// What every slice's verb handlers share: who is acting (write_as), the visibility checks that load a
// case's access facts and throw not_found or forbidden, the reply after a commit with its notices,
// the audit row of a personal data read, and the due-date field. Handlers check the user's right to act
// in one place (core/visibility), run their SQL through client::query or client::write, and answer
// `rid` exactly once.

#include <string>

#include "protocol/messages/common.hpp"
#include "server/core/client.hpp"
#include "server/store/event_repo.hpp"

namespace mediation::app {

// Who is writing: the connection, the request and the user, captured for a writer job.
struct acting {
  std::shared_ptr<client> self;
  std::string rid;
  viewer v;
  store::author by;
  std::string remote;
};
// Runs `apply(ctx, who)` inside the batched writer's transaction as the connection's user; the
// continuation it returns runs after the commit (client::write).
template <class Fn>
void write_as(client& c, const std::string& rid, Fn apply) {
  acting who{c.shared_from_this(), rid, c.as_viewer(), store::author{c.user().id, c.user().name}, c.remote()};
  c.write(rid, [who = std::move(who), apply = std::move(apply)](store::write_context& ctx) -> client::continuation {
    return apply(ctx, who);
  });
}
// An optional deadline field: RFC 3339 or a date; bad_request naming `field` otherwise.
std::optional<long long> parse_due_field(const std::optional<std::string>& text, const char* field = "due");

// After the commit of a write: on a database worker (so that the writer's transaction does no
// read-only work), builds the reply's object with `build`, replies `extra` plus {key: object}, and
// sends notices of the job's events to the people of `case_id` as they are after the change.
client::continuation reply_after_commit(std::shared_ptr<client> self, store::write_context& ctx, const std::string& rid,
                                        long long case_id, std::string key,
                                        std::function<nlohmann::json(soci::session&)> build, nlohmann::json extra);
// Records in the audit table that `user` read a case's unmasked personal data (`what`: how), in a
// write of its own after the read. A failure is logged, never reported to the reader.
void audit_personal_read(services& svc, long long user, long long case_id, const std::string& what,
                         const std::string& remote);

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
