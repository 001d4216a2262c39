#pragma once
// Who may see and act on a case: the one place where case visibility is decided. Pure functions
// over facts loaded by store::access_by_case/access_by_thread; thread-safe.
//
// - Staff of an organisation that owns the case, or to which it was handed (pending or accepted),
//   see it by membership. A declined or returned hand-over no longer grants it.
// - Lawyers and judicial staff see only the cases they are personally invited to, whatever their
//   organisation. Administrators set up the network and do not read case files by membership.
// - Anyone invited to the case sees it, and so does a leader who owns it (包案).
// - Petition officers and leaders of an organisation above the owner or a handler (by the
//   organisation tree) see it as supervisors; they may issue supervision documents and read its
//   audit trail, but not act for the handling organisation.
// - Personal data of parties (ID and phone numbers) is shown unmasked only to those who may act.
// - A case has two threads. The internal one (case.thread: staff notes, every workflow event) is
//   for everyone above. The parties' one (case.parties_thread) is shared by the staff with the
//   people on a party's side: meeting guests (role guest) and people invited as a party's
//   representative. Those see only the parties' thread, a summary of the case and their own
//   meetings; can_see() is false for them.

#include <string>
#include <string_view>

#include "server/store/access_repo.hpp"

namespace mediation::app {

namespace roles {
inline constexpr std::string_view administrator = "administrator";
inline constexpr std::string_view petition_officer = "petition_officer";
inline constexpr std::string_view leader = "leader";
inline constexpr std::string_view mediator = "mediator";
inline constexpr std::string_view committee_mediator = "committee_mediator";
inline constexpr std::string_view grid_worker = "grid_worker";
inline constexpr std::string_view lawyer = "lawyer";
inline constexpr std::string_view judicial = "judicial";
}  // namespace roles

struct viewer {
  long long user_id = 0;
  long long org_id = 0;
  std::string role;
};

// Whether membership of an organisation lets this role see that organisation's cases.
bool sees_by_membership(std::string_view role) noexcept;
// Whether the role may register cases and hand them over, accept, decline and invite.
bool is_case_worker(std::string_view role) noexcept;

// Whether `v` may see the case file and its internal thread (staff, supervisors, leaders, invited
// professionals). False for people on a party's side.
bool can_see(const viewer& v, const store::case_access& c) noexcept;
// Whether `v` is on a party's side of the case: a guest, or invited as a party's representative.
bool on_party_side(const viewer& v, const store::case_access& c) noexcept;
// Whether `v` may know the case at all: can_see, or on a party's side (a summary of the case, the
// parties' thread and their own meetings).
bool knows_case(const viewer& v, const store::case_access& c) noexcept;
// Whether `v` may read `thread` of the case `c` (subscribe, history, post, its events, notices,
// typing and read markers): the one rule applied to every request and every delivery.
bool can_see_thread(const viewer& v, const store::case_access& c, long long thread) noexcept;
// Hand over, invite: a case worker of the owning organisation or of an accepting handler.
bool can_act(const viewer& v, const store::case_access& c) noexcept;
// Accept or decline: a case worker of an organisation with a pending hand-over.
bool can_decide_handoff(const viewer& v, const store::case_access& c) noexcept;
// Whether the role supervises (petition officers and leaders).
bool is_supervisor_role(std::string_view role) noexcept;
// Issue supervision documents, read the audit trail: a petition officer or leader of an
// organisation above the case's organisations, or of the owning organisation when another one
// handles the case.
bool can_supervise(const viewer& v, const store::case_access& c) noexcept;
// Unmasked ID and phone numbers of parties.
bool sees_personal_data(const viewer& v, const store::case_access& c) noexcept;

}  // namespace mediation::app
