#pragma once
// The cases slice's verbs as plain functions of (store context, environment, actor, request): what
// they check, store and answer, without a connection. Each throws protocol::error (not_found,
// forbidden, conflict, bad_request) or a database error; nothing of a failed write is stored. The
// WebSocket adapters (core/verb_support.hpp: read_verb, write_verb) run them on a database worker
// (reads) or in the batched writer (writes); install.cpp registers them. Writes answer with the case
// as the actor sees it after the commit (case_outcome).

#include <nlohmann/json.hpp>

#include "protocol/messages/cases.hpp"
#include "server/core/actor.hpp"
#include "server/core/verb_checks.hpp"
#include "server/store/batched_writer.hpp"

namespace soci {
class session;
}

namespace mediation::app::cases {

// --- Intake, hand-over, invitations (case_logic.cpp) ---
// case.create: a new case of the actor's organisation; parties' numbers sealed, the acceptance clock
// started, a repeat petition found by the petitioner key. Case workers only.
verb_outcome create(store::write_context& ctx, const verb_env& env, const actor& who,
                    const protocol::case_create_request& r);
// case.get: {case} as the actor may see it (a party's side: the summary). Audits unmasked numbers.
verb_outcome get(soci::session& sql, const verb_env& env, const actor& who, const protocol::case_get_request& r);
// case.list: {cases, next}, filtered, each case as the actor may see it.
nlohmann::json list(soci::session& sql, const verb_env& env, const actor& who, const protocol::case_list_request& r);
// case.handoff: hands the case to another organisation, with a due date from the receiver's policy.
verb_outcome handoff(store::write_context& ctx, const verb_env& env, const actor& who,
                     const protocol::case_handoff_request& r);
// case.accept and case.decline: decide the pending hand-over to the actor's organisation.
verb_outcome accept(store::write_context& ctx, const verb_env& env, const actor& who,
                    const protocol::case_accept_request& r);
verb_outcome decline(store::write_context& ctx, const verb_env& env, const actor& who,
                     const protocol::case_decline_request& r);
// case.invite: a user of the network joins the case (a professional, a party's representative).
verb_outcome invite(store::write_context& ctx, const verb_env& env, const actor& who,
                    const protocol::case_invite_request& r);

// --- The workflow, triage to evaluation (workflow_logic.cpp) ---
// case.triage: accept (the handling clock starts), divert to a legal channel, or merge into an
// earlier case of the same petitioner (both close the case).
verb_outcome triage(store::write_context& ctx, const verb_env& env, const actor& who,
                    const protocol::case_triage_request& r);
// case.return: the organisation the case was handed to gives it back, with a reason.
verb_outcome return_case(store::write_context& ctx, const verb_env& env, const actor& who,
                         const protocol::case_return_request& r);
// case.escalate: to the level above the handling organisation (a handling or supervising one).
verb_outcome escalate(store::write_context& ctx, const verb_env& env, const actor& who,
                      const protocol::case_escalate_request& r);
// case.pause and case.resume: the running clock stops (with a reason) and starts again.
verb_outcome pause(store::write_context& ctx, const verb_env& env, const actor& who,
                   const protocol::case_pause_request& r);
verb_outcome resume(store::write_context& ctx, const verb_env& env, const actor& who,
                    const protocol::case_resume_request& r);
// case.extend: once, approved by a leader of the handling organisation or above.
verb_outcome extend(store::write_context& ctx, const verb_env& env, const actor& who,
                    const protocol::case_extend_request& r);
// case.own: a leader takes the case (包案).
verb_outcome own(store::write_context& ctx, const verb_env& env, const actor& who, const protocol::case_own_request& r);
// case.close: with an outcome and a note; the answer clock and the review window follow.
verb_outcome close(store::write_context& ctx, const verb_env& env, const actor& who,
                   const protocol::case_close_request& r);
// case.evaluate: the petitioner's evaluation recorded by an officer.
verb_outcome evaluate(store::write_context& ctx, const verb_env& env, const actor& who,
                      const protocol::case_evaluate_request& r);
// case.evaluation_link: a link for the petitioner to evaluate a closed case; the token is in this
// reply only ({token, url, expires}).
verb_outcome evaluation_link(store::write_context& ctx, const verb_env& env, const actor& who,
                             const protocol::case_evaluation_link_request& r);

}  // namespace mediation::app::cases
