#pragma once
// One handler per verb, called on the client's strand after the frame was parsed. Handlers check
// the user's right to act in one place (app/visibility), run their SQL through client::query or
// client::write, and answer `rid` exactly once.
//   session_verbs.cpp: auth, orgs.list, users.list
//   case_verbs.cpp:    case.create, case.get, case.list, case.handoff, case.accept, case.decline, case.invite
//   thread_verbs.cpp:  subscribe, unsubscribe, post, history, typing, read, read.list
//   workflow_verbs.cpp: case.triage, case.return, case.escalate, case.pause, case.resume, case.extend,
//                      case.own, case.close, case.evaluate, case.evaluation_link
//   oversight_verbs.cpp: supervision.issue/answer/list, group.create/add/suggest/resolve,
//                      stats.summary, audit.list, attachment.list
//   agreement_verbs.cpp: agreement.templates/draft/get/list/version/diff/sign/sign_link/seal/verify/
//                      perform/confirmation
//   meeting_verbs.cpp: meeting.schedule/reschedule/cancel/get/list/suggest/respond/invite_guest/
//                      revoke_guest/join/leave/caucus/set_side/say/signal, calendar.feed

#include <string>

#include "protocol/messages.hpp"
#include "server/app/client.hpp"
#include "server/store/event_repo.hpp"
#include "server/store/workflow_repo.hpp"

namespace mediation::app {

void handle(client& c, const std::string& rid, const protocol::auth_request& r);
void handle(client& c, const std::string& rid, const protocol::orgs_list_request& r);
void handle(client& c, const std::string& rid, const protocol::users_list_request& r);

void handle(client& c, const std::string& rid, const protocol::case_create_request& r);
void handle(client& c, const std::string& rid, const protocol::case_get_request& r);
void handle(client& c, const std::string& rid, const protocol::case_list_request& r);
void handle(client& c, const std::string& rid, const protocol::case_handoff_request& r);
void handle(client& c, const std::string& rid, const protocol::case_accept_request& r);
void handle(client& c, const std::string& rid, const protocol::case_decline_request& r);
void handle(client& c, const std::string& rid, const protocol::case_invite_request& r);

void handle(client& c, const std::string& rid, const protocol::subscribe_request& r);
void handle(client& c, const std::string& rid, const protocol::unsubscribe_request& r);
void handle(client& c, const std::string& rid, const protocol::post_request& r);
void handle(client& c, const std::string& rid, const protocol::history_request& r);
void handle(client& c, const std::string& rid, const protocol::typing_request& r);
void handle(client& c, const std::string& rid, const protocol::read_request& r);
void handle(client& c, const std::string& rid, const protocol::read_list_request& r);

void handle(client& c, const std::string& rid, const protocol::case_triage_request& r);
void handle(client& c, const std::string& rid, const protocol::case_return_request& r);
void handle(client& c, const std::string& rid, const protocol::case_escalate_request& r);
void handle(client& c, const std::string& rid, const protocol::case_pause_request& r);
void handle(client& c, const std::string& rid, const protocol::case_resume_request& r);
void handle(client& c, const std::string& rid, const protocol::case_extend_request& r);
void handle(client& c, const std::string& rid, const protocol::case_own_request& r);
void handle(client& c, const std::string& rid, const protocol::case_close_request& r);
void handle(client& c, const std::string& rid, const protocol::case_evaluate_request& r);
void handle(client& c, const std::string& rid, const protocol::case_evaluation_link_request& r);
void handle(client& c, const std::string& rid, const protocol::supervision_issue_request& r);
void handle(client& c, const std::string& rid, const protocol::supervision_answer_request& r);
void handle(client& c, const std::string& rid, const protocol::supervision_list_request& r);
void handle(client& c, const std::string& rid, const protocol::group_create_request& r);
void handle(client& c, const std::string& rid, const protocol::group_add_request& r);
void handle(client& c, const std::string& rid, const protocol::group_suggest_request& r);
void handle(client& c, const std::string& rid, const protocol::group_resolve_request& r);
void handle(client& c, const std::string& rid, const protocol::stats_summary_request& r);
void handle(client& c, const std::string& rid, const protocol::audit_list_request& r);
void handle(client& c, const std::string& rid, const protocol::attachment_list_request& r);
void handle(client& c, const std::string& rid, const protocol::agreement_templates_request& r);
void handle(client& c, const std::string& rid, const protocol::agreement_draft_request& r);
void handle(client& c, const std::string& rid, const protocol::agreement_get_request& r);
void handle(client& c, const std::string& rid, const protocol::agreement_verify_request& r);
void handle(client& c, const std::string& rid, const protocol::agreement_list_request& r);
void handle(client& c, const std::string& rid, const protocol::agreement_version_request& r);
void handle(client& c, const std::string& rid, const protocol::agreement_diff_request& r);
void handle(client& c, const std::string& rid, const protocol::agreement_sign_request& r);
void handle(client& c, const std::string& rid, const protocol::agreement_sign_link_request& r);
void handle(client& c, const std::string& rid, const protocol::agreement_seal_request& r);
void handle(client& c, const std::string& rid, const protocol::agreement_perform_request& r);
void handle(client& c, const std::string& rid, const protocol::agreement_confirmation_request& r);

// Who is writing: the connection, the request and the user, captured for a writer job.
struct acting {
  std::shared_ptr<client> self;
  std::string rid;
  viewer v;
  store::author by;
  std::string remote;
};
// Runs `apply(ctx, who)` inside the batched writer's transaction as the connection's user; the
// continuation it returns runs after the commit (client::write).
template <class Fn>
void write_as(client& c, const std::string& rid, Fn apply) {
  acting who{c.shared_from_this(), rid, c.as_viewer(), store::author{c.user().id, c.user().name}, c.remote()};
  c.write(rid, [who = std::move(who), apply = std::move(apply)](store::write_context& ctx) -> client::continuation {
    return apply(ctx, who);
  });
}
// An optional deadline field: RFC 3339 or a date; bad_request naming `field` otherwise.
std::optional<long long> parse_due_field(const std::optional<std::string>& text, const char* field = "due");

void handle(client& c, const std::string& rid, const protocol::meeting_schedule_request& r);
void handle(client& c, const std::string& rid, const protocol::meeting_reschedule_request& r);
void handle(client& c, const std::string& rid, const protocol::meeting_cancel_request& r);
void handle(client& c, const std::string& rid, const protocol::meeting_get_request& r);
void handle(client& c, const std::string& rid, const protocol::meeting_join_request& r);
void handle(client& c, const std::string& rid, const protocol::meeting_leave_request& r);
void handle(client& c, const std::string& rid, const protocol::meeting_list_request& r);
void handle(client& c, const std::string& rid, const protocol::meeting_suggest_request& r);
void handle(client& c, const std::string& rid, const protocol::meeting_respond_request& r);
void handle(client& c, const std::string& rid, const protocol::meeting_invite_guest_request& r);
void handle(client& c, const std::string& rid, const protocol::meeting_revoke_guest_request& r);
void handle(client& c, const std::string& rid, const protocol::calendar_feed_request& r);
void handle(client& c, const std::string& rid, const protocol::meeting_caucus_request& r);
void handle(client& c, const std::string& rid, const protocol::meeting_set_side_request& r);
void handle(client& c, const std::string& rid, const protocol::meeting_say_request& r);
void handle(client& c, const std::string& rid, const protocol::meeting_signal_request& r);

// The workflow state of a case; not_found when there is none.
store::case_state require_state(soci::session& sql, long long case_id);
// After the commit of a write: on a database worker (so that the writer's transaction does no
// read-only work), builds the reply's object with `build`, replies `extra` plus {key: object}, and
// sends notices of the job's events to the people of `case_id` as they are after the change.
client::continuation reply_after_commit(std::shared_ptr<client> self, store::write_context& ctx, const std::string& rid,
                                        long long case_id, std::string key,
                                        std::function<nlohmann::json(soci::session&)> build, nlohmann::json extra);
// Records in the audit table that `user` read a case's unmasked personal data (`what`: how), in a
// write of its own after the read. A failure is logged, never reported to the reader.
void audit_personal_read(services& svc, long long user, long long case_id, const std::string& what,
                         const std::string& remote);

// reply_after_commit with {"case": the case as the user sees it}.
client::continuation reply_case_after(std::shared_ptr<client> self, store::write_context& ctx, const std::string& rid,
                                      long long case_id, nlohmann::json extra);

// Loads the case behind `thread` and checks that `v` may read that thread (can_see_thread). Throws
// not_found or forbidden.
store::case_access require_visible_thread(soci::session& sql, const viewer& v, long long thread);
// Loads the case and checks that `v` may know it (knows_case: staff, or on a party's side).
store::case_access require_known_case(soci::session& sql, const viewer& v, long long case_id);
store::case_access require_known_case(store::write_context& ctx, const viewer& v, long long case_id);
// Loads the case and checks that `v` may see the case file (can_see: not people on a party's side).
store::case_access require_visible_case(soci::session& sql, const viewer& v, long long case_id);
// The same inside the batched writer's transaction (cached for the transaction).
store::case_access require_visible_thread(store::write_context& ctx, const viewer& v, long long thread);
store::case_access require_visible_case(store::write_context& ctx, const viewer& v, long long case_id);

}  // namespace mediation::app
