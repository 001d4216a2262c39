#pragma once
// The automatic escalation rules (提级办理), as pure functions of a case's stored facts and the
// time. The scheduler asks them which rule fires; the same answer inside the write transaction
// makes a firing happen once, even across restarts. Thread-safe.

#include <optional>
#include <string>
#include <string_view>

#include "server/base/time.hpp"

namespace mediation::app::escalation {

// Rule names as they appear in `escalated` events and the escalations table.
inline constexpr std::string_view overdue = "overdue";                          // 超期未办结
inline constexpr std::string_view unsatisfied = "unsatisfied";                  // 办结不满意
inline constexpr std::string_view repeat = "repeat";                            // 群众不息访
inline constexpr std::string_view supervision_overdue = "supervision_overdue";  // 督办逾期
inline constexpr std::string_view manual = "manual";

struct case_facts {
  bool open = true;                                // not closed
  std::optional<millis> due;                       // the active clock's deadline (none while paused)
  std::optional<millis> overdue_handled_due;       // the deadline the overdue rule already acted on
  std::optional<std::string> evaluation;           // satisfied, basically_satisfied, unsatisfied
  std::optional<millis> evaluated_at;
  std::optional<millis> review_until;              // end of the review request window
  bool evaluation_handled = false;
  bool repeat_of_known = false;                    // an earlier case by the same petitioner matched
  bool repeat_handled = false;
};

// Overdue: open, past its deadline, and that deadline not yet acted on.
bool overdue_fires(const case_facts& c, millis now) noexcept;
// Closed with an unsatisfied evaluation recorded within the review request window, not yet acted on.
bool unsatisfied_fires(const case_facts& c) noexcept;
// A repeat petition on the same matter, open and not yet acted on.
bool repeat_fires(const case_facts& c) noexcept;
// Whether an earlier case created at `earlier` makes one created at `later` a repeat, given the
// window in days.
bool within_repeat_window(millis earlier, millis later, int window_days) noexcept;
// The stage after an escalation because of dissatisfaction: first -> review (复查) -> recheck (复核).
std::string next_stage(std::string_view stage);
// The clock that runs in a stage: handling for the first handling, else the stage's answer clock.
std::string_view stage_clock(std::string_view stage) noexcept;

}  // namespace mediation::app::escalation
