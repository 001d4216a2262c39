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

}  // namespace mediation::app::cases
