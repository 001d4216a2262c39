// The logic of the oversight slice's reads: plain functions of (database, actor, request), run by
// read_verb (core/verb_support.hpp) and by tests on SQLite and MariaDB.
#include "server/oversight/oversight_logic.hpp"

#include <algorithm>

#include <soci/soci.h>

#include "server/base/time.hpp"
#include "server/cases/case_repo.hpp"
#include "server/cases/workflow.hpp"
#include "server/cases/workflow_repo.hpp"
#include "server/core/verb_checks.hpp"
#include "server/oversight/stats.hpp"
#include "server/store/identity_repo.hpp"

namespace mediation::app::oversight {

using nlohmann::json;
using protocol::errc;
using protocol::id_to_wire;

namespace {

json time_or_null(const std::optional<long long>& t) { return t ? json(format_rfc3339(*t)) : json(nullptr); }

}  // namespace

json supervision_json(soci::session& sql, const store::supervision_row& s, millis now) {
  return {{"id", id_to_wire(s.id)},
          {"case", id_to_wire(s.case_id)},
          {"kind", s.kind},
          {"body", s.body},
          {"from_org", workflow::org_ref(sql, s.from_org)},
          {"to_org", workflow::org_ref(sql, s.to_org)},
          {"issued_by", s.issued_by},
          {"issued_at", format_rfc3339(s.issued_at)},
          {"due", format_rfc3339(s.due_at)},
          {"answer", s.answer ? json(*s.answer) : json(nullptr)},
          {"answered_at", time_or_null(s.answered_at)},
          {"escalated_at", time_or_null(s.escalated_at)},
          {"overdue", !s.answered_at && s.due_at < now}};
}

json supervision_list(soci::session& sql, const actor& who, const protocol::supervision_list_request& r) {
  const viewer& v = who.v;
  // Supervision is between the network's offices: invited outsiders (lawyers, guests) do not read it.
  if (!is_case_worker(v.role) && v.role != roles::administrator)
    throw protocol::error(errc::forbidden, "supervision documents are read by the network's staff");
  require_visible_case(sql, v, r.case_id);
  json list = json::array();
  const millis now = now_millis();
  for (const auto& s : store::supervisions(sql, r.case_id)) list.push_back(supervision_json(sql, s, now));
  return {{"supervisions", list}};
}

json stats_summary(soci::session& sql, const actor& who, const protocol::stats_summary_request& r) {
  const viewer& v = who.v;
  std::optional<millis> from = parse_due_field(r.from, "from"), to = parse_due_field(r.to, "to");
  // A plain date means the whole day: `from` starts at its beginning.
  if (from && r.from->size() == 10) *from -= 86400000LL - 1;

  const long long org = r.org.value_or(v.org_id);
  auto o = store::find_org(sql, org);
  if (!o) throw protocol::error(errc::not_found, "no such organisation");
  auto mine = store::subtree(sql, v.org_id);
  bool allowed = v.role == roles::administrator ||
                 ((is_case_worker(v.role)) && std::find(mine.begin(), mine.end(), org) != mine.end());
  if (!allowed)
    throw protocol::error(errc::forbidden, "statistics cover your own organisation and the ones below it");
  const millis end = to.value_or(now_millis());
  const millis start = from.value_or(end - 365LL * 86400000);
  if (start >= end) throw protocol::error(errc::bad_request, "'from' must be before 'to'");
  auto orgs = store::subtree(sql, org);
  std::vector<stats_row> rows;
  for (auto& s : store::stats_rows(sql, orgs, start, end))
    rows.push_back({s.created_at, s.category, s.level, s.accepted, s.closed_at, s.outcome,
                    s.on_time ? std::optional<bool>(*s.on_time != 0) : std::nullopt, s.evaluation, s.escalations});
  json out = summarize(rows);
  store::case_filter f;
  f.overdue = true;
  f.now = now_millis();
  f.limit = 1000;
  store::case_scope scope;
  scope.supervised = orgs;
  out["overdue_open"] = store::list_case_ids(sql, f, scope).size();
  out["org"] = workflow::org_ref(sql, org);
  out["orgs"] = orgs.size();
  out["from"] = format_rfc3339(start);
  out["to"] = format_rfc3339(end);
  return out;
}

json audit_list(soci::session& sql, const actor& who, const protocol::audit_list_request& r) {
  const viewer& v = who.v;
  const bool admin = v.role == roles::administrator;
  if (!admin && !is_supervisor_role(v.role))
    throw protocol::error(errc::forbidden, "the audit trail is read by supervisors and administrators");
  std::optional<std::vector<long long>> orgs;
  // Addresses are personal data: shown only to supervisors of the case (or, for the audit of an
  // organisation's subtree, to its supervisors and administrators), not to someone who sees the
  // case through a pending hand-over.
  bool addresses = true;
  if (r.case_id) {
    if (!admin) {
      auto access = require_visible_case(sql, v, *r.case_id);
      addresses = can_supervise(v, access);
    } else if (!store::access_by_case(sql, *r.case_id)) {
      throw protocol::error(errc::not_found, "no such case");
    }
  } else {
    auto mine = store::subtree(sql, v.org_id);
    if (r.org) {
      if (!store::find_org(sql, *r.org)) throw protocol::error(errc::not_found, "no such organisation");
      if (!admin && std::find(mine.begin(), mine.end(), *r.org) == mine.end())
        throw protocol::error(errc::forbidden, "you may read the audit of your organisation and those below it");
      orgs = store::subtree(sql, *r.org);
    } else if (!admin) {
      orgs = mine;
    }
  }
  json list = json::array();
  auto rows = store::audit_rows(sql, r.case_id, orgs ? &*orgs : nullptr, r.before, r.limit);
  for (const auto& a : rows)
    list.push_back({{"id", id_to_wire(a.id)},
                    {"at", format_rfc3339(a.at)},
                    {"user", a.user_id ? json{{"id", id_to_wire(*a.user_id)}, {"name", a.user_name}} : json(nullptr)},
                    {"action", a.action},
                    {"case", a.case_id ? json(id_to_wire(*a.case_id)) : json(nullptr)},
                    {"detail", a.detail},
                    {"remote", addresses ? json(a.remote) : json(nullptr)}});
  json next = static_cast<int>(rows.size()) == r.limit && !rows.empty() ? json(id_to_wire(rows.back().id)) : json(nullptr);
  return {{"entries", list}, {"next", next}};
}

json attachment_list(soci::session& sql, const actor& who, const protocol::attachment_list_request& r) {
  const viewer& v = who.v;
  require_visible_case(sql, v, r.case_id);
  json list = json::array();
  for (const auto& a : store::attachments(sql, r.case_id))
    list.push_back({{"id", id_to_wire(a.id)}, {"name", a.name}, {"content_type", a.content_type},
                    {"size", a.size}, {"sha256", a.sha256}, {"uploaded_by", a.uploaded_by},
                    {"uploaded_at", format_rfc3339(a.uploaded_at)},
                    {"url", "/api/attachments/" + id_to_wire(a.id)}});
  return {{"attachments", list}};
}

}  // namespace mediation::app::oversight
