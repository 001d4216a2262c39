#include "server/cases/escalation.hpp"

namespace mediation::app::escalation {

bool overdue_fires(const case_facts& c, millis now) noexcept {
  return c.open && c.due && *c.due < now && c.overdue_handled_due != c.due;
}

bool unsatisfied_fires(const case_facts& c) noexcept {
  return !c.open && c.evaluation && *c.evaluation == "unsatisfied" && !c.evaluation_handled && c.evaluated_at &&
         (!c.review_until || *c.evaluated_at <= *c.review_until);
}

bool repeat_fires(const case_facts& c) noexcept { return c.open && c.repeat_of_known && !c.repeat_handled; }

bool within_repeat_window(millis earlier, millis later, int window_days) noexcept {
  return earlier <= later && later - earlier <= static_cast<millis>(window_days) * 86400000LL;
}

std::string next_stage(std::string_view stage) {
  if (stage == "first") return "review";
  return "recheck";
}

std::string_view stage_clock(std::string_view stage) noexcept {
  if (stage == "review") return "review";
  if (stage == "recheck") return "recheck";
  return "handling";
}

}  // namespace mediation::app::escalation
