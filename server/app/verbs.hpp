#pragma once
// One handler per verb, called on the client's strand after the frame was parsed. Handlers check
// the user's right to act in one place (app/visibility), run their SQL through client::query or
// client::write, and answer `rid` exactly once.
//   session_verbs.cpp: auth, orgs.list, users.list
//   case_verbs.cpp:    case.create, case.get, case.list, case.handoff, case.accept, case.decline, case.invite
//   thread_verbs.cpp:  subscribe, unsubscribe, post, history, typing, read, read.list

#include <string>

#include "protocol/messages.hpp"
#include "server/app/client.hpp"

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

// Loads the case behind `thread` and checks that `v` may see it. Throws not_found or forbidden.
store::case_access require_visible_thread(soci::session& sql, const viewer& v, long long thread);
// The same for a case id.
store::case_access require_visible_case(soci::session& sql, const viewer& v, long long case_id);
// The same inside the batched writer's transaction (cached for the transaction).
store::case_access require_visible_thread(store::write_context& ctx, const viewer& v, long long thread);
store::case_access require_visible_case(store::write_context& ctx, const viewer& v, long long case_id);

}  // namespace mediation::app
