#pragma once
// The agreements slice's verbs as plain functions of (store context, environment, actor, request):
// what they check, store and answer, without a connection. Each throws protocol::error (not_found,
// forbidden, conflict, bad_request) or a database error; nothing of a failed write is stored. The
// WebSocket adapters (core/verb_support.hpp: read_verb, write_verb) run them on a database worker
// (reads) or in the batched writer (writes); install.cpp registers them. Writes answer with the
// agreement as the actor sees it after the commit, and notify the case's people of their events.
// Reads and replies that show parties' unmasked numbers write a personal_data.read audit row after
// the reply (verb_outcome::after_commit).

#include <nlohmann/json.hpp>

#include "protocol/messages/agreements.hpp"
#include "server/core/actor.hpp"
#include "server/core/verb_checks.hpp"
#include "server/store/batched_writer.hpp"

namespace soci {
class session;
}

namespace mediation::app::agreements {

// agreement.templates: {templates: {category: content}}, of one category or all. Needs no database.
nlohmann::json templates(const protocol::agreement_templates_request& r);
// agreement.draft: validates the content, then stores a new agreement of an open case (numbered
// '<case>-协议N', possibly superseding one in force) or the next version of a draft. By the owning or
// a handling organisation. Result {agreement}; event agreement_drafted.
verb_outcome draft(store::write_context& ctx, const verb_env& env, const actor& who,
                   const protocol::agreement_draft_request& r);
// agreement.get: {agreement} of a case the actor may see. Audits unmasked numbers.
verb_outcome get(soci::session& sql, const verb_env& env, const actor& who,
                 const protocol::agreement_get_request& r);
// agreement.list: {agreements} of a case the actor may see, oldest first. Audits unmasked numbers.
verb_outcome list(soci::session& sql, const verb_env& env, const actor& who,
                  const protocol::agreement_list_request& r);
// agreement.version: {version, content, author, created_at} of one stored version. Audits unmasked numbers.
verb_outcome version(soci::session& sql, const verb_env& env, const actor& who,
                     const protocol::agreement_version_request& r);
// agreement.diff: {from, to, changes} between two stored versions. Audits unmasked numbers.
verb_outcome diff(soci::session& sql, const verb_env& env, const actor& who,
                  const protocol::agreement_diff_request& r);
// agreement.sign: checks the drawn signature (a party's is required and confirmed on screen) and
// stores a party's or the mediator's signature on the current version. Result {agreement}.
verb_outcome sign(store::write_context& ctx, const verb_env& env, const actor& who,
                  const protocol::agreement_sign_request& r);
// agreement.sign_link: stores a one-time signing link (7 days) for a party who has not signed the
// current version. Result {agreement, token, url, expires}; the token is nowhere else.
verb_outcome sign_link(store::write_context& ctx, const verb_env& env, const actor& who,
                       const protocol::agreement_sign_link_request& r);
// agreement.seal: by a holder of the seal right once every signature is on; the agreement takes
// effect (terms followed, confirmation window, supersession). Result {agreement}.
verb_outcome seal(store::write_context& ctx, const verb_env& env, const actor& who,
                  const protocol::agreement_seal_request& r);
// agreement.verify: {ok, entries, head, first_break} of the agreement's hash chain.
nlohmann::json verify(soci::session& sql, const actor& who, const protocol::agreement_verify_request& r);
// agreement.perform: marks a term of an agreement in force performed (late or not). Result {agreement}.
verb_outcome perform(store::write_context& ctx, const verb_env& env, const actor& who,
                     const protocol::agreement_perform_request& r);
// agreement.confirmation: records the application for judicial confirmation (within its window) or
// the court's decision, at `date` or now. Result {agreement}.
verb_outcome confirmation(store::write_context& ctx, const verb_env& env, const actor& who,
                          const protocol::agreement_confirmation_request& r);

}  // namespace mediation::app::agreements
