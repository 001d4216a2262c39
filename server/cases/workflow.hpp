#pragma once
// The case workflow's shared steps, used by the verbs and by the scheduler: clocks, escalation
// and the case object as a given person may see it. Run inside a write transaction or on a
// database worker; no shared state.

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "server/core/deadlines.hpp"
#include "server/core/personal_data.hpp"
#include "server/core/visibility.hpp"
#include "server/store/event_repo.hpp"
#include "server/cases/workflow_repo.hpp"

namespace mediation::app::workflow {

// Starts `clock` at `start` for the case at its handling organisation (policy by category and
// organisation) and computes its deadline. Clears the pause mark.
void start_clock(soci::session& sql, store::case_state& s, std::string_view clock, millis start,
                 const deadlines::workflow_config& cfg);
// Recomputes the deadline of the running clock from its start, length, extension and pauses.
void recompute_due(soci::session& sql, store::case_state& s, const deadlines::workflow_config& cfg);
// Stops the clock (closure).
void stop_clock(store::case_state& s);

// Escalates the case one level up the organisation tree (the handling organisation's parent),
// which receives it as an accepted handler and becomes the handling organisation; the clock of
// the stage restarts there; a closed case reopens. Appends the `escalated` event and the audit
// row. Returns false (changing nothing) when there is no level above.
bool escalate(store::write_context& ctx, store::case_state& s, long long thread, std::string_view rule,
              const std::string& detail, const store::author& by, const deadlines::workflow_config& cfg,
              const std::string& remote = "");

// Closes the case with `outcome`: stops the clock, records whether it closed on time and at which
// level, opens the review request window, appends the `closed` event (with `extra` merged into
// its data) and the audit row.
void close_case(store::write_context& ctx, store::case_state& s, long long thread, const std::string& outcome,
                const std::string& note, const store::author& by, const deadlines::workflow_config& cfg,
                const nlohmann::json& extra = nlohmann::json::object(), const std::string& remote = "");

// Records the petitioner's evaluation of a closed case (`evaluated` event, audit). Conflict when
// the case is open or already evaluated in this stage. An unsatisfied evaluation is escalated by
// the scheduler (rule "unsatisfied").
void evaluate(store::write_context& ctx, store::case_state& s, long long thread, const std::string& value,
              const std::string& comment, const store::author& by, const std::string& via,
              const std::string& remote = "");

// The case object (protocol/README.md) as `v` may see it: parties' ID and phone numbers opened with
// `pd`, then masked unless `v` may act on the case (and always in a `list_view`: lists never carry
// them). With no viewer, unmasked. `access`: the case's access facts when the caller has them already.
// Its "personal_data" is "full" or "masked"; see discloses_personal_data.
nlohmann::json case_json(soci::session& sql, const personal_data& pd, long long case_id, const viewer* v, millis now,
                         const store::case_access* access = nullptr, bool list_view = false);
// Whether a case object from case_json shows some party's ID or phone number unmasked (a read to audit).
bool discloses_personal_data(const nlohmann::json& kase);

// {"id", "name"} of an organisation.
nlohmann::json org_ref(soci::session& sql, long long org);

}  // namespace mediation::app::workflow
