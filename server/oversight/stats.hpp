#pragma once
// The figures of a supervisor's dashboard (DOMAIN.md), computed from case rows. Pure, thread-safe.
//
//   received              cases registered in the period
//   accepted              of those, accepted for handling (受理)
//   closed, resolved      closed; closed with outcome mediated or agreement (化解)
//   resolution_rate       resolved / received (化解率)
//   on_time_rate          closed by their deadline / closed (按期办结率)
//   average_handling_days mean of closed_at - created_at over closed cases, in days
//   satisfaction_rate     (satisfied + basically_satisfied) / evaluated (满意率)
//   grassroots_share      resolved at grid, community or street level / resolved
//   escalations           escalations of these cases
// Rates are fractions from 0 to 1, or null when nothing is counted below the line.

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "server/base/time.hpp"

namespace mediation::app {

struct stats_row {
  millis created_at = 0;
  std::string category;
  std::string level;  // the level handling it now (or that closed it)
  bool accepted = false;
  std::optional<millis> closed_at;
  std::string outcome;
  std::optional<bool> on_time;
  std::string evaluation;
  int escalations = 0;
};

bool is_resolved_outcome(const std::string& outcome) noexcept;
bool is_grassroots_level(const std::string& level) noexcept;

// {"totals": {...figures}, "by_category": {"labour_wages": {...}}, "by_level": {"street": {...}}}
nlohmann::json summarize(const std::vector<stats_row>& rows);

}  // namespace mediation::app
