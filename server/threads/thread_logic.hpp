#pragma once
// The threads slice's verbs as plain functions of (store context, actor, request): what they check,
// store and answer, without a connection. Each throws protocol::error (not_found, forbidden,
// bad_request) or a database error; nothing of a failed write is stored. The WebSocket adapters
// (core/verb_support.hpp) run them on a database worker (reads) or in the batched writer (writes).

#include <vector>

#include <nlohmann/json.hpp>

#include "protocol/messages/threads.hpp"
#include "server/core/actor.hpp"
#include "server/core/verb_checks.hpp"
#include "server/store/batched_writer.hpp"

namespace soci {
class session;
}

namespace mediation::app::threads {

// post: a message in a thread the actor may read; a repeated cmid returns the stored seq with
// "duplicate": true. Result {thread, seq[, duplicate]}.
verb_outcome post(store::write_context& ctx, const actor& who, const protocol::post_request& r);
std::vector<store::write_hint> post_hint(const protocol::post_request& r, const actor& who);
// history: up to `limit` events before `before` (newest first as stored). Result {thread, events}.
nlohmann::json history(soci::session& sql, const actor& who, const protocol::history_request& r);
// read: moves the actor's read marker (never backwards); after the commit every subscriber hears of
// it (an ephemeral "read" event). Result {thread, seq}.
verb_outcome read(store::write_context& ctx, const actor& who, const protocol::read_request& r);
std::vector<store::write_hint> read_hint(const protocol::read_request& r, const actor& who);
// read.list: the readers' markers. Result {thread, reads}.
nlohmann::json read_list(soci::session& sql, const actor& who, const protocol::read_list_request& r);

}  // namespace mediation::app::threads
