#pragma once
// Every message of the wire protocol. Requests are declared once each, by feature, in
// protocol/messages/<slice>.hpp: a struct whose `fields` list gives each field's name, type and
// limits, from which parsing (from_json, validating every field and throwing protocol::error
// {bad_request or too_large} naming it), serialisation (to_json) and the JSON Schemas in
// protocol/schema/ are made (protocol/spec.hpp; protocol/schema_gen.cpp). Views (server -> client) are in
// protocol/messages/common.hpp. Identifiers are 64-bit integers inside the server and decimal
// strings on the wire; a non-negative JSON integer is accepted for an id too.
// A slice includes only its own requests' header; this one is for what needs them all (the frame
// parser's table, the schema generator, the fuzzers and tests). Pure code; thread-safe.

#include <variant>

#include "protocol/messages/agreements.hpp"
#include "protocol/messages/cases.hpp"
#include "protocol/messages/common.hpp"
#include "protocol/messages/identity.hpp"
#include "protocol/messages/meetings.hpp"
#include "protocol/messages/oversight.hpp"
#include "protocol/messages/threads.hpp"

namespace mediation::protocol {

using request = std::variant<auth_request, orgs_list_request, users_list_request, case_create_request,
                             case_get_request, case_list_request, case_handoff_request,
                             case_accept_request, case_decline_request, case_invite_request,
                             subscribe_request, unsubscribe_request, post_request, history_request,
                             typing_request, read_request, read_list_request, case_triage_request,
                             case_return_request, case_escalate_request, case_pause_request,
                             case_resume_request, case_extend_request, case_own_request, case_close_request,
                             case_evaluate_request, case_evaluation_link_request, supervision_issue_request,
                             supervision_answer_request, supervision_list_request, group_create_request,
                             group_add_request, group_suggest_request, group_resolve_request,
                             stats_summary_request, audit_list_request, attachment_list_request,
                             agreement_templates_request, agreement_draft_request, agreement_get_request,
                             agreement_verify_request, agreement_list_request, agreement_version_request,
                             agreement_diff_request, agreement_sign_request, agreement_sign_link_request,
                             agreement_seal_request, agreement_perform_request, agreement_confirmation_request,
                             meeting_schedule_request, meeting_reschedule_request, meeting_cancel_request,
                             meeting_get_request, meeting_join_request, meeting_leave_request, meeting_list_request,
                             meeting_suggest_request, meeting_respond_request, meeting_invite_guest_request,
                             meeting_revoke_guest_request, calendar_feed_request, meeting_caucus_request,
                             meeting_say_request, meeting_signal_request, meeting_set_side_request>;

}  // namespace mediation::protocol
