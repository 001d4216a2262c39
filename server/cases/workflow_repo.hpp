#pragma once
// SQL of the case workflow: the case's workflow state, pauses, escalations, leaders, supervision,
// evaluation links, attachments, the search index, lists, statistics rows, audit reads, groups and
// the organisation tree. Functions taking write_context run inside the batched writer's
// transaction; the others on any session. All throw soci errors on database failure.

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "protocol/messages/common.hpp"
#include "server/store/batched_writer.hpp"

namespace mediation::store {

// A case's row as the workflow reads and writes it.
struct case_state {
  long long id = 0, org = 0, created_at = 0, created_by = 0;
  std::string number, title, category;
  std::string kind, status, stage, level, location, urgency, respondent;
  long long handling_org = 0;
  std::optional<std::string> petitioner_key;
  std::optional<long long> accepted_at;
  std::optional<std::string> clock;
  std::optional<long long> clock_start;
  std::optional<int> clock_days;
  bool clock_working = false;
  int extended_days = 0;
  std::optional<long long> paused_at, due_at, overdue_handled_due, repeat_of;
  bool repeat_handled = false;
  std::optional<long long> merged_into;
  std::optional<std::string> route;
  std::optional<long long> group_id, closed_at;
  std::optional<std::string> outcome, closure_note;
  std::optional<int> closed_on_time;
  std::optional<std::string> closed_level;
  std::optional<long long> review_until;
  std::optional<std::string> evaluation, evaluation_comment;
  std::optional<long long> evaluated_at;
  bool evaluation_handled = false;
  int escalations = 0;
  bool open() const { return !closed_at.has_value(); }
};

std::optional<case_state> load_state(soci::session& sql, long long case_id);
// Writes every workflow column of the row (not number, title, owner or creation) and updated_at.
void save_state(write_context& ctx, const case_state& s);

struct pause_row {
  long long start = 0;
  std::optional<long long> end;
  std::string reason;
};
std::vector<pause_row> pauses(soci::session& sql, long long case_id);
void start_pause(write_context& ctx, long long case_id, const std::string& reason, long long by);
// Ends the open pause; false when none is open.
bool end_pause(write_context& ctx, long long case_id, long long by);

void insert_escalation(write_context& ctx, long long case_id, const std::string& rule, long long from_org,
                       long long to_org, const std::string& detail, long long by);
// Gives `org` the case as an accepted handler reached `via` ("escalation") and clears the access cache.
void insert_handler(write_context& ctx, long long case_id, long long org, long long from_org, const std::string& via,
                    const std::string& note, long long by);
struct handoff_row {
  long long id = 0, org = 0, from_org = 0;
  std::string status, via;
};
std::vector<handoff_row> handoffs(soci::session& sql, long long case_id);

bool insert_leader(write_context& ctx, long long case_id, long long user_id);
std::vector<protocol::person_ref> leaders(soci::session& sql, long long case_id);

struct supervision_row {
  long long id = 0, case_id = 0, from_org = 0, to_org = 0, issued_at = 0, due_at = 0;
  std::string kind, body;
  protocol::person_ref issued_by;
  std::optional<std::string> answer;
  std::optional<long long> answered_by, answered_at, escalated_at;
};
long long insert_supervision(write_context& ctx, long long case_id, const std::string& kind, const std::string& body,
                             long long from_org, long long to_org, long long by, long long due_at);
std::optional<supervision_row> find_supervision(soci::session& sql, long long id);
std::vector<supervision_row> supervisions(soci::session& sql, long long case_id);
void answer_supervision(write_context& ctx, long long id, const std::string& body, long long by);
void mark_supervision_escalated(write_context& ctx, long long id);

// Scheduler scans: candidates only, the rules decide inside the transaction.
std::vector<long long> overdue_case_candidates(soci::session& sql, long long now, int limit);
// Open cases whose deadline has passed (the same rule as case.list's overdue filter).
long long count_overdue_cases(soci::session& sql, long long now);
std::vector<long long> unsatisfied_case_candidates(soci::session& sql, int limit);
std::vector<long long> repeat_case_candidates(soci::session& sql, int limit);
std::vector<long long> overdue_supervision_candidates(soci::session& sql, long long now, int limit);

// The newest other case of the same petitioner and category created at or after `since`.
std::optional<long long> earlier_case_of_petitioner(soci::session& sql, const std::string& key,
                                                    const std::string& category, long long exclude, long long since);

struct evaluation_link_row {
  long long id = 0, case_id = 0, expires_at = 0;
  std::optional<long long> used_at;
};
void insert_evaluation_link(write_context& ctx, long long case_id, const std::string& token_hash, long long by,
                            long long expires_at);
std::optional<evaluation_link_row> find_evaluation_link(soci::session& sql, const std::string& token_hash);
void use_evaluation_link(write_context& ctx, long long id);

struct attachment_row {
  long long id = 0, case_id = 0, size = 0, uploaded_at = 0;
  std::string name, content_type, sha256;
  protocol::person_ref uploaded_by;
};
long long insert_attachment(write_context& ctx, const attachment_row& a);
std::vector<attachment_row> attachments(soci::session& sql, long long case_id);
std::optional<attachment_row> find_attachment(soci::session& sql, long long id);

// The search index.
void index_terms(write_context& ctx, long long case_id, const std::set<std::string>& terms);
struct indexable_event {
  long long id = 0, case_id = 0;
  std::string kind, data;
};
long long search_progress(soci::session& sql);
void set_search_progress(write_context& ctx, long long last_event_id);
std::vector<indexable_event> events_to_index(soci::session& sql, long long after_id, int limit);

struct case_filter {
  std::optional<std::string> status, kind, level, category;
  std::optional<long long> org, before;
  std::optional<long long> due_before;  // open with due_at <= this
  bool overdue = false;                 // open with due_at < now
  long long now = 0;
  std::optional<long long> handling_org;  // "mine"
  bool leader_owned = false;
  std::optional<long long> inbox_org;   // a pending hand-over to this organisation
  std::vector<std::string> terms;       // search: every term
  int limit = 50;
};
// Where a viewer may find cases: by organisation membership, invitation, leadership, supervision.
struct case_scope {
  long long user = 0;
  std::optional<long long> member_org;   // owner or pending/accepted handler
  std::vector<long long> supervised;     // organisations whose cases the viewer supervises
};
// Case ids matching the filter within the scope, newest first (candidates: app::can_see decides).
std::vector<long long> list_case_ids(soci::session& sql, const case_filter& f, const case_scope& scope);

struct stats_source {
  long long created_at = 0;
  std::string category, level;
  bool accepted = false;
  std::optional<long long> closed_at;
  std::string outcome, evaluation;
  std::optional<int> on_time;
  int escalations = 0;
};
// Cases (not groups) owned or handled now by one of `orgs`, created in [from, to).
std::vector<stats_source> stats_rows(soci::session& sql, const std::vector<long long>& orgs, long long from,
                                     long long to);

struct audit_row {
  long long id = 0, at = 0;
  std::optional<long long> user_id, case_id;
  std::string user_name, action, detail, remote;
};
// Newest first, id < before; by case, or by users of `orgs`, or all.
std::vector<audit_row> audit_rows(soci::session& sql, std::optional<long long> case_id,
                                  const std::vector<long long>* orgs, std::optional<long long> before, int limit);

std::vector<long long> group_members(soci::session& sql, long long group_id);
// Open cases with the same respondent (or, when it is empty, location) and category, newest first.
std::vector<long long> similar_cases(soci::session& sql, const case_state& like, int limit);

// The account automatic actions are recorded under ("system", 系统), created on first use in the
// top organisation above `org`.
long long system_user(write_context& ctx, long long org);


}  // namespace mediation::store
