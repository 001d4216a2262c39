#pragma once
// The adapters between the WebSocket client and a verb's logic (a plain function of store context,
// environment, actor and request: core/verb_checks.hpp): read_verb runs it on a database worker,
// write_verb in the batched writer's transaction, and finish_verb answers `rid` exactly once with its
// outcome. Only install.cpp files and the connection-bound handlers (*_verbs.cpp) include this.

#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "protocol/messages/common.hpp"
#include "server/core/client.hpp"
#include "server/core/services.hpp"
#include "server/core/verb_checks.hpp"
#include "server/store/event_repo.hpp"

namespace mediation::app {

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
      // A read's after_commit (the audit row of a personal data read) is submitted before the reply.
      if (out.after_commit) std::exchange(out.after_commit, nullptr)(self->svc());
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
    if constexpr (!std::is_same_v<Hint, std::nullptr_t>) {
      hints = hint(r, who);
    } else {
      (void)hint;  // no hint: the writer reads what the job asks for as it runs
    }
    c.write(rid, [self, rid, r, who, logic](store::write_context& ctx) -> client::continuation {
      auto out = detail::run_logic(logic, ctx, self->svc().env(), who, r);
      return [self, rid, out = std::move(out), events = ctx.events]() mutable {
        finish_verb(self, rid, std::move(out), std::move(events));
      };
    }, std::move(hints));
  };
}

}  // namespace mediation::app
