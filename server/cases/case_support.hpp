#pragma once
// What the verbs of the cases slice and of the slices above it share.

#include <nlohmann/json.hpp>

#include "server/cases/workflow_repo.hpp"
#include "server/core/verb_checks.hpp"

namespace mediation::app {

// The workflow state of a case; not_found when there is none.
store::case_state require_state(soci::session& sql, long long case_id);
// The outcome of a write to a case: `extra` as the result, completed after the commit with
// {"case": the case as `who` sees it} (and the audit row when that shows personal data); notices of
// the job's events go to the case's people.
verb_outcome case_outcome(const verb_env& env, const actor& who, long long case_id,
                          nlohmann::json extra = nlohmann::json::object());
}  // namespace mediation::app
