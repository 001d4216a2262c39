#pragma once
// The oversight slice's verbs as plain functions of (store context, [environment,] actor, request):
// what each checks, stores and answers, without a connection. Each throws protocol::error
// (forbidden, not_found, conflict, bad_request) or a database error; nothing of a failed write is
// stored. read_verb and write_verb (core/verb_support.hpp) run them on a database worker (reads) or in
// the batched writer (writes); install.cpp registers them. Writes answer with the case as the actor
// sees it after the commit (case_outcome, cases/case_support.hpp).

#include <nlohmann/json.hpp>

#include "protocol/messages/oversight.hpp"
#include "server/base/time.hpp"
#include "server/cases/workflow_repo.hpp"
#include "server/core/actor.hpp"
#include "server/core/verb_checks.hpp"
#include "server/store/batched_writer.hpp"

namespace soci {
class session;
}

namespace mediation::app::oversight {

// A supervision document as the protocol shows it.
nlohmann::json supervision_json(soci::session& sql, const store::supervision_row& s, millis now);
// supervision.list: the network's staff who may see the case file. Result {supervisions}.
nlohmann::json supervision_list(soci::session& sql, const actor& who, const protocol::supervision_list_request& r);
// stats.summary: an organisation's figures, for its own staff and those above it, and administrators.
nlohmann::json stats_summary(soci::session& sql, const actor& who, const protocol::stats_summary_request& r);
// audit.list: for supervisors and administrators; addresses only to supervisors of the case. Result
// {entries, next}.
nlohmann::json audit_list(soci::session& sql, const actor& who, const protocol::audit_list_request& r);
// attachment.list: whoever may see the case file. Result {attachments}.
nlohmann::json attachment_list(soci::session& sql, const actor& who, const protocol::attachment_list_request& r);

// --- Supervision documents ---
// supervision.issue: a supervising organisation (can_supervise) sends the handling organisation a
// document of an open case, due at `due` (in the future) or after env.workflow's default days.
// Result {supervision, case}.
verb_outcome issue(store::write_context& ctx, const verb_env& env, const actor& who,
                   const protocol::supervision_issue_request& r);
// supervision.answer: the handling organisation answers a document once (conflict after).
// Result {supervision, case}.
verb_outcome answer(store::write_context& ctx, const verb_env& env, const actor& who,
                    const protocol::supervision_answer_request& r);

// --- Groups of similar cases ---
// group.create: a group case of the actor's organisation (case workers only) joined by the given
// cases, each one the organisation owns or handles, open and in no group. Result {members, case}.
verb_outcome group_create(store::write_context& ctx, const verb_env& env, const actor& who,
                          const protocol::group_create_request& r);
// group.add: one more case joins an open group of an organisation acting on it. Result {case}.
verb_outcome group_add(store::write_context& ctx, const verb_env& env, const actor& who,
                       const protocol::group_add_request& r);
// group.suggest: up to 20 cases like this one (respondent, category, place) the actor may see.
// Result {cases, basis}.
nlohmann::json group_suggest(soci::session& sql, const verb_env& env, const actor& who,
                             const protocol::group_suggest_request& r);
// group.resolve: closes the group and every open member the actor's organisation acts on (the
// others are skipped). Result {closed, skipped, case}; each closed member's people hear of it.
verb_outcome group_resolve(store::write_context& ctx, const verb_env& env, const actor& who,
                           const protocol::group_resolve_request& r);

}  // namespace mediation::app::oversight
