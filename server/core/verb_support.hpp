#pragma once
// What every slice's verb handlers share: who is acting (write_as), the visibility checks that load a
// case's access facts and throw not_found or forbidden, the reply after a commit with its notices,
// the audit row of a personal data read, and the due-date field. Handlers check the user's right to act
// in one place (core/visibility), run their SQL through client::query or client::write, and answer
// `rid` exactly once.

#include <string>
#include <type_traits>
#include <vector>

#include "protocol/messages/common.hpp"
#include "server/core/client.hpp"
#include "server/core/services.hpp"
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


// Finishes a verb whose logic has run (committed, for a write): read_back, the ok reply, notices
// of `events` to the people of out.notify_case, after_commit (verb_outcome). Any thread.
void finish_verb(std::shared_ptr<client> self, const std::string& rid, verb_outcome out,
                 std::vector<store::stored_event> events);

namespace detail {

inline verb_outcome verb_outcome_of(verb_outcome out) { return out; }
inline verb_outcome verb_outcome_of(nlohmann::json result) {
  verb_outcome out;
  out.result = std::move(result);
  return out;
}

// Calls a verb's logic with the environment when it takes one: logic(db, env, who, r) or
// logic(db, who, r); a result that is plain JSON becomes an outcome.
template <class Logic, class Db, class Request>
verb_outcome run_logic(const Logic& logic, Db& db, const verb_env& env, const actor& who, const Request& r) {
  if constexpr (std::is_invocable_v<const Logic&, Db&, const verb_env&, const actor&, const Request&>) {
    return verb_outcome_of(logic(db, env, who, r));
  } else {
    return verb_outcome_of(logic(db, who, r));
  }
}

}  // namespace detail

// The adapter of a read verb: `logic(sql, [env,] actor, request)` runs on a database worker; its
// result (JSON, or a verb_outcome) is the ok reply. An exception is the error reply.
template <class Logic>
auto read_verb(Logic logic) {
  return [logic](client& c, const std::string& rid, const auto& r) {
    auto self = c.shared_from_this();
    c.query(rid, [self, rid, r, who = c.as_actor(), logic](soci::session& sql) -> client::continuation {
      auto out = detail::run_logic(logic, sql, self->svc().env(), who, r);
      return [self, rid, out = std::move(out)]() mutable { finish_verb(self, rid, std::move(out), {}); };
    });
  };
}

// The adapter of a write verb: `logic(ctx, [env,] actor, request)` runs inside the batched writer's
// transaction; after the commit the outcome is finished (finish_verb). `hint(r, who)` tells the
// writer what the job will read (client::write).
template <class Logic, class Hint = std::nullptr_t>
auto write_verb(Logic logic, Hint hint = nullptr) {
  return [logic, hint](client& c, const std::string& rid, const auto& r) {
    auto self = c.shared_from_this();
    const actor who = c.as_actor();
    std::vector<store::write_hint> hints;
    if constexpr (!std::is_same_v<Hint, std::nullptr_t>) hints = hint(r, who);
    c.write(rid, [self, rid, r, who, logic](store::write_context& ctx) -> client::continuation {
      auto out = detail::run_logic(logic, ctx, self->svc().env(), who, r);
      return [self, rid, out = std::move(out), events = ctx.events]() mutable {
        finish_verb(self, rid, std::move(out), std::move(events));
      };
    }, std::move(hints));
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
