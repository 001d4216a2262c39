#pragma once
// What every slice's verb handlers share: who is acting (write_as), the visibility checks that load a
// case's access facts and throw not_found or forbidden, the reply after a commit with its notices,
// the audit row of a personal data read, and the due-date field. Handlers check the user's right to act
// in one place (core/visibility), run their SQL through client::query or client::write, and answer
// `rid` exactly once.

#include <string>

#include "protocol/messages/common.hpp"
#include "server/core/client.hpp"
#include "server/core/verb_checks.hpp"
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
// The actor of a write (what domain services take: no connection).
inline actor actor_of(const acting& who) { return actor{who.v, who.by, who.remote}; }
// Runs `apply(ctx, who)` inside the batched writer's transaction as the connection's user; the
// continuation it returns runs after the commit (client::write).
template <class Fn>
void write_as(client& c, const std::string& rid, Fn apply) {
  acting who{c.shared_from_this(), rid, c.as_viewer(), store::author{c.user().id, c.user().name}, c.remote()};
  c.write(rid, [who = std::move(who), apply = std::move(apply)](store::write_context& ctx) -> client::continuation {
    return apply(ctx, who);
  });
}


// The adapter of a read verb: `logic(sql, actor, request)` runs on a database worker and its result
// is the ok reply. An exception is the error reply.
template <class Request>
auto read_verb(nlohmann::json (*logic)(soci::session&, const actor&, const Request&)) {
  return [logic](client& c, const std::string& rid, const Request& r) {
    auto self = c.shared_from_this();
    c.query(rid, [self, rid, r, who = c.as_actor(), logic](soci::session& sql) -> client::continuation {
      auto result = logic(sql, who, r);
      return [self, rid, result = std::move(result)] { self->reply_ok(rid, result); };
    });
  };
}

// The adapter of a write verb: `logic(ctx, actor, request)` runs inside the batched writer's
// transaction; after the commit its result is the ok reply and its after_commit runs. `hint(r, who)`
// tells the writer what the job will read (client::write).
template <class Request>
auto write_verb(verb_outcome (*logic)(store::write_context&, const actor&, const Request&),
                std::vector<store::write_hint> (*hint)(const Request&, const actor&) = nullptr) {
  return [logic, hint](client& c, const std::string& rid, const Request& r) {
    auto self = c.shared_from_this();
    const actor who = c.as_actor();
    c.write(rid, [self, rid, r, who, logic](store::write_context& ctx) -> client::continuation {
      auto out = logic(ctx, who, r);
      return [self, rid, out = std::move(out)] {
        self->reply_ok(rid, out.result);
        if (out.after_commit) out.after_commit(self->svc());
      };
    }, hint ? hint(r, who) : std::vector<store::write_hint>{});
  };
}



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



}  // namespace mediation::app
