#pragma once
// The oversight slice's reads as plain functions of (database, actor, request): what each checks and
// answers, without a connection. Each throws protocol::error (forbidden, not_found, bad_request) or a
// database error. read_verb (core/verb_support.hpp) runs them on a database worker.

#include <nlohmann/json.hpp>

#include "protocol/messages/oversight.hpp"
#include "server/base/time.hpp"
#include "server/cases/workflow_repo.hpp"
#include "server/core/actor.hpp"

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

}  // namespace mediation::app::oversight
