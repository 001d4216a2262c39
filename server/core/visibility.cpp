#include "server/core/visibility.hpp"

#include <algorithm>

namespace mediation::app {

namespace {

bool handler_with(const store::case_access& c, long long org, std::initializer_list<std::string_view> statuses) {
  return std::any_of(c.handlers.begin(), c.handlers.end(), [&](const auto& h) {
    return h.org == org && std::find(statuses.begin(), statuses.end(), h.status) != statuses.end();
  });
}

}  // namespace

bool sees_by_membership(std::string_view role) noexcept {
  return is_case_worker(role);
}

bool is_case_worker(std::string_view role) noexcept {
  return role == roles::petition_officer || role == roles::leader || role == roles::mediator ||
         role == roles::committee_mediator || role == roles::grid_worker;
}

bool on_party_side(const viewer& v, const store::case_access& c) noexcept {
  if (v.role == "guest") return std::find(c.invited.begin(), c.invited.end(), v.user_id) != c.invited.end();
  return std::find(c.party_side.begin(), c.party_side.end(), v.user_id) != c.party_side.end();
}

bool knows_case(const viewer& v, const store::case_access& c) noexcept { return on_party_side(v, c) || can_see(v, c); }

bool can_see(const viewer& v, const store::case_access& c) noexcept {
  // A guest or a party's representative never reads the case file or the staff's notes.
  if (v.role == "guest") return false;
  if (std::find(c.party_side.begin(), c.party_side.end(), v.user_id) != c.party_side.end()) return false;
  if (std::find(c.invited.begin(), c.invited.end(), v.user_id) != c.invited.end()) return true;
  if (std::find(c.leaders.begin(), c.leaders.end(), v.user_id) != c.leaders.end()) return true;
  if (is_supervisor_role(v.role) &&
      std::find(c.supervisors.begin(), c.supervisors.end(), v.org_id) != c.supervisors.end())
    return true;
  if (!sees_by_membership(v.role)) return false;
  return c.owner_org == v.org_id || handler_with(c, v.org_id, {"pending", "accepted"});
}

bool can_see_thread(const viewer& v, const store::case_access& c, long long thread) noexcept {
  if (thread == c.thread_id) return can_see(v, c);
  if (c.parties_thread_id && thread == c.parties_thread_id) return knows_case(v, c);
  return false;
}

bool is_supervisor_role(std::string_view role) noexcept {
  return role == roles::petition_officer || role == roles::leader;
}

bool can_supervise(const viewer& v, const store::case_access& c) noexcept {
  if (!is_supervisor_role(v.role)) return false;
  if (std::find(c.supervisors.begin(), c.supervisors.end(), v.org_id) != c.supervisors.end()) return true;
  return c.owner_org == v.org_id && c.handling_org != c.owner_org;
}

bool sees_personal_data(const viewer& v, const store::case_access& c) noexcept { return can_act(v, c); }

bool can_act(const viewer& v, const store::case_access& c) noexcept {
  if (!is_case_worker(v.role)) return false;
  return c.owner_org == v.org_id || handler_with(c, v.org_id, {"accepted"});
}

bool can_decide_handoff(const viewer& v, const store::case_access& c) noexcept {
  return is_case_worker(v.role) && handler_with(c, v.org_id, {"pending"});
}

}  // namespace mediation::app
