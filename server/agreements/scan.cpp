// The agreements slice's scan (core/scheduler.hpp): overdue terms and the judicial confirmation window.
#include <soci/soci.h>

#include "protocol/frames.hpp"
#include "server/agreements/agreement_repo.hpp"
#include "server/base/time.hpp"
#include "server/cases/workflow_repo.hpp"
#include "server/core/scheduler.hpp"
#include "server/core/services.hpp"
#include "server/store/access_repo.hpp"
#include "server/store/event_repo.hpp"

namespace mediation::app {

using nlohmann::json;

namespace {

constexpr int scan_batch = 200;

// Terms of agreements in force past their deadline: overdue, with an event in the case thread.
void mark_overdue_terms(services& svc, long long agreement_id) {
  scheduled_write(svc, "overdue terms", [agreement_id](store::write_context& ctx) -> std::optional<store::case_access> {
    auto a = store::find_agreement(ctx.sql, agreement_id);
    if (!a || a->status != "in_force") return std::nullopt;
    auto access = store::access_by_case(ctx.sql, a->case_id);
    if (!access) return std::nullopt;
    const long long system = store::system_user(ctx, access->owner_org);
    for (auto t : store::terms(ctx.sql, agreement_id)) {
      if (t.status != "pending" || t.due_at >= ctx.now) continue;
      t.status = "overdue";
      store::save_term(ctx, t);
      json data{{"agreement", {{"id", protocol::id_to_wire(a->id)}, {"number", a->number}}},
                {"term", t.position}, {"text", t.text}, {"due", format_rfc3339(t.due_at)}};
      store::append_event(ctx, access->thread_id, "term_overdue", {system, "系统"}, protocol::dump(data));
      store::audit(ctx, system, "agreement.term_overdue", a->case_id, a->number + " term " + std::to_string(t.position));
    }
    return store::access_by_case(ctx.sql, a->case_id);
  });
}

// The 30-day window for judicial confirmation: a reminder a week before it closes, and a note
// when it has closed without an application.
void remind_confirmation(services& svc, long long agreement_id) {
  scheduled_write(svc, "confirmation reminder", [agreement_id](store::write_context& ctx) -> std::optional<store::case_access> {
    auto a = store::find_agreement(ctx.sql, agreement_id);
    if (!a || a->status != "in_force" || a->confirmation_applied_at || !a->confirmation_due_at) return std::nullopt;
    auto access = store::access_by_case(ctx.sql, a->case_id);
    if (!access) return std::nullopt;
    std::string kind;
    if (ctx.now > *a->confirmation_due_at && a->confirmation_reminded < 2) {
      kind = "confirmation_window_closed";
      a->confirmation_reminded = 2;
    } else if (ctx.now > *a->confirmation_due_at - 7 * 86400000LL && a->confirmation_reminded < 1) {
      kind = "confirmation_reminder";
      a->confirmation_reminded = 1;
    } else {
      return std::nullopt;
    }
    store::save_agreement(ctx, *a);
    const long long system = store::system_user(ctx, access->owner_org);
    json data{{"agreement", {{"id", protocol::id_to_wire(a->id)}, {"number", a->number}}},
              {"due", format_rfc3339(*a->confirmation_due_at)}};
    store::append_event(ctx, access->thread_id, kind, {system, "系统"}, protocol::dump(data));
    return store::access_by_case(ctx.sql, a->case_id);
  });
}

}  // namespace

void scan_agreements(services& svc, soci::session& sql, millis now) {
  for (long long aid : store::overdue_term_agreements(sql, now, scan_batch)) mark_overdue_terms(svc, aid);
  for (long long aid : store::confirmation_candidates(sql, now + 7 * 86400000LL, scan_batch)) remind_confirmation(svc, aid);
}

}  // namespace mediation::app
