#pragma once
// Requests of the oversight slice: supervision documents, similar-case groups, statistics, the
// audit trail and the list of a case's files.

#include "protocol/messages/common.hpp"

namespace mediation::protocol {

struct supervision_issue_request {
  static constexpr std::string_view type = "supervision.issue";
  static constexpr std::string_view doc =
      "Issues a supervision document (一单三函) against a case to its handling organisation, with a "
      "due date (default 7 days). By a petition officer or leader of a supervising "
      "organisation. Unanswered by the due date, the scheduler escalates the case (rule "
      "'supervision_overdue'). Reply: ok {case, supervision}; forbidden; conflict (closed); "
      "bad_request (due).";
  id_t case_id = 0;
  std::string kind, body;
  std::optional<std::string> due;
  template <class V>
  void fields(V& v) {
    v.id("case", case_id);
    v.choice("kind", kind, supervision_kinds);
    v.text("body", body, {.max = limits::body, .over = errc::too_large});
    v.text("due", due, {.max = limits::when, .doc = "RFC 3339 date-time, or YYYY-MM-DD meaning 23:59:59.999 that day in UTC+8."});
  }
};
struct supervision_answer_request {
  static constexpr std::string_view type = "supervision.answer";
  static constexpr std::string_view doc =
      "The handling organisation answers a supervision document. Reply: ok {case, supervision}; "
      "conflict (already answered); forbidden.";
  id_t supervision = 0;
  std::string body;
  template <class V>
  void fields(V& v) {
    v.id("supervision", supervision);
    v.text("body", body, {.max = limits::body, .over = errc::too_large});
  }
};
struct supervision_list_request : case_ref {
  static constexpr std::string_view type = "supervision.list";
  static constexpr std::string_view doc =
      "The supervision documents of a case, for the network's staff (not invited lawyers or "
      "guests). Reply: ok {supervisions: [...]}; forbidden.";
};
struct group_create_request {
  static constexpr std::string_view type = "group.create";
  static constexpr std::string_view doc =
      "Creates a similar-case group (类案): a case of kind 'group' with its own thread, owned by "
      "the user's organisation; the members' handling organisations join it. Reply: ok {case "
      "(the group), members}; conflict (closed, already grouped); forbidden.";
  std::string title, note;
  std::vector<id_t> cases;
  template <class V>
  void fields(V& v) {
    v.text("title", title, {.max = limits::title});
    v.text("note", note, {.max = limits::note, .optional = true});
    v.ids("cases", cases, {.min = 1, .max = 500, .over = errc::too_large, .doc = "The cases; duplicates count once."});
  }
};
struct group_add_request {
  static constexpr std::string_view type = "group.add";
  static constexpr std::string_view doc =
      "Adds a case to a group. Reply: ok {case (the group)}.";
  id_t group = 0;
  id_t case_id = 0;
  template <class V>
  void fields(V& v) {
    v.id("group", group);
    v.id("case", case_id);
  }
};
struct group_suggest_request : case_ref {
  static constexpr std::string_view type = "group.suggest";
  static constexpr std::string_view doc =
      "Open cases like this one: same category and respondent (or location when there is no "
      "respondent). Reply: ok {cases: [...], basis}.";
};
struct group_resolve_request {
  static constexpr std::string_view type = "group.resolve";
  static constexpr std::string_view doc =
      "A joint resolution: closes every open member the user may act on, then the group. Reply: "
      "ok {case (the group), closed: [ids], skipped: [ids]}.";
  id_t group = 0;
  std::string outcome, note;
  template <class V>
  void fields(V& v) {
    v.id("group", group);
    v.choice("outcome", outcome, outcomes);
    v.text("note", note, {.max = limits::note});
  }
};
struct stats_summary_request {
  static constexpr std::string_view type = "stats.summary";
  static constexpr std::string_view doc =
      "The dashboard figures for an organisation and every organisation below it, over cases "
      "registered in [from, to) (default: the last 365 days). Reply: ok {org, orgs, from, to, "
      "totals, by_category, by_level, overdue_open}; each figure set has received, accepted, "
      "closed, resolved, resolution_rate, on_time_rate, average_handling_days, evaluated, "
      "satisfaction_rate, grassroots_share, escalations. Rates are 0..1 or null.";
  std::optional<id_t> org;
  std::optional<std::string> from, to;  // dates or date-times; default: the last 365 days
  template <class V>
  void fields(V& v) {
    v.id("org", org);
    v.text("from", from, {.max = limits::when, .doc = "Date or date-time."});
    v.text("to", to, {.max = limits::when, .doc = "Date or date-time."});
  }
};
struct audit_list_request {
  static constexpr std::string_view type = "audit.list";
  static constexpr std::string_view doc =
      "The audit trail, newest first: by case (someone who may see it), by organisation "
      "subtree, or everything (administrators). Read by petition officers, leaders and "
      "administrators. Reply: ok {entries: [{id, at, user, action, case, detail, remote}], "
      "next}.";
  std::optional<id_t> case_id, org, before;
  int limit = 100;
  template <class V>
  void fields(V& v) {
    v.id("case", case_id);
    v.id("org", org);
    v.id("before", before);
    v.integer("limit", limit, {.min = 1, .max = 500, .optional = true});
  }
};
struct attachment_list_request : case_ref {
  static constexpr std::string_view type = "attachment.list";
  static constexpr std::string_view doc =
      "The files attached to a case (uploaded with POST /api/cases/{id}/attachments). Reply: ok "
      "{attachments: [{id, name, content_type, size, sha256, uploaded_by, uploaded_at, url}]}.";
};

}  // namespace mediation::protocol
