#include "server/oversight/stats.hpp"

#include <map>

namespace mediation::app {

namespace {

struct tally {
  long long received = 0, accepted = 0, closed = 0, resolved = 0, on_time = 0, evaluated = 0, satisfied = 0,
            grassroots = 0, escalations = 0;
  double handling_days = 0;

  void add(const stats_row& r) {
    ++received;
    accepted += r.accepted;
    escalations += r.escalations;
    if (r.closed_at) {
      ++closed;
      handling_days += static_cast<double>(*r.closed_at - r.created_at) / 86400000.0;
      if (r.on_time.value_or(false)) ++on_time;
      if (is_resolved_outcome(r.outcome)) {
        ++resolved;
        if (is_grassroots_level(r.level)) ++grassroots;
      }
    }
    if (!r.evaluation.empty()) {
      ++evaluated;
      if (r.evaluation == "satisfied" || r.evaluation == "basically_satisfied") ++satisfied;
    }
  }

  static nlohmann::json rate(long long num, long long den) {
    if (den == 0) return nullptr;
    return static_cast<double>(num) / static_cast<double>(den);
  }

  nlohmann::json to_json() const {
    nlohmann::json avg = nullptr;
    if (closed) avg = handling_days / static_cast<double>(closed);
    return {{"received", received},
            {"accepted", accepted},
            {"closed", closed},
            {"resolved", resolved},
            {"resolution_rate", rate(resolved, received)},
            {"on_time_rate", rate(on_time, closed)},
            {"average_handling_days", avg},
            {"evaluated", evaluated},
            {"satisfaction_rate", rate(satisfied, evaluated)},
            {"grassroots_share", rate(grassroots, resolved)},
            {"escalations", escalations}};
  }
};

}  // namespace

bool is_resolved_outcome(const std::string& outcome) noexcept {
  return outcome == "mediated" || outcome == "agreement";
}

bool is_grassroots_level(const std::string& level) noexcept {
  return level == "grid" || level == "village" || level == "community" || level == "street" || level == "town";
}

nlohmann::json summarize(const std::vector<stats_row>& rows) {
  tally total;
  std::map<std::string, tally> by_category, by_level;
  for (const auto& r : rows) {
    total.add(r);
    by_category[r.category].add(r);
    by_level[r.level].add(r);
  }
  nlohmann::json cats = nlohmann::json::object(), levels = nlohmann::json::object();
  for (const auto& [k, t] : by_category) cats[k] = t.to_json();
  for (const auto& [k, t] : by_level) levels[k] = t.to_json();
  return {{"totals", total.to_json()}, {"by_category", cats}, {"by_level", levels}};
}

}  // namespace mediation::app
