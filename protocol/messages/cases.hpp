#pragma once
// Requests of the cases slice: intake, hand-over and invitations (case.create to case.invite), and
// the workflow from triage to the petitioner's evaluation.

#include "protocol/messages/common.hpp"

namespace mediation::protocol {

struct case_create_request {
  static constexpr std::string_view type = "case.create";
  static constexpr std::string_view doc =
      "Registers a case owned by the creator's organisation, with its thread. Case workers "
      "only. Reply: ok {case} (case.json); forbidden for roles that do not handle cases.";
  std::string title, category, channel, description;
  std::vector<party> parties;
  std::string location;            // area or address of the dispute
  std::string urgency = "normal";  // normal, urgent, critical
  template <class V>
  void fields(V& v) {
    v.text("title", title, {.max = limits::title, .doc = "Characters."});
    v.code("category", category,
           {.doc = "labour_wages, land, demolition, property_management, housing_certificate, medical, "
                   "family_neighbour, fund_raising, traffic, real_estate, other (or another lower-case identifier)."});
    v.choice("channel", channel, channels);
    v.text("description", description, {.max = limits::description, .optional = true, .doc = "Free text."});
    v.text("location", location, {.max = limits::title, .optional = true, .doc = "Area or address of the dispute."});
    v.choice("urgency", urgency, urgencies, {.optional = true});
    v.items("parties", parties, {.max = limits::parties, .over = errc::too_large, .optional = true});
  }
};
struct case_get_request : case_ref {
  static constexpr std::string_view type = "case.get";
  static constexpr std::string_view doc =
      "One case the user may see. Reply: ok {case}; not_found; forbidden.";
};
struct case_list_request {
  static constexpr std::string_view type = "case.list";
  static constexpr std::string_view doc =
      "The cases the user may see, newest first, filtered and paged. Reply: ok {cases: [...], "
      "next} where next is the 'before' of the following page or null.";
  std::optional<std::string> status, kind, level, category, q;
  std::optional<id_t> org;             // owned or handled now by this organisation
  bool overdue = false;                // open and past the deadline
  std::optional<int> due_within_days;  // open with a deadline within this many days
  bool mine = false;                   // handled now by the user's organisation
  bool leader_owned = false;           // owned by a leader (包案)
  bool inbox = false;                  // with a hand-over to the user's organisation awaiting its decision
  std::optional<id_t> before;          // paging: cases with a smaller id
  int limit = 50;
  template <class V>
  void fields(V& v) {
    v.code("status", status, {.doc = "registered, accepted, handed_over, in_progress, paused, closed, ..."});
    v.code("kind", kind, {.doc = "case or group."});
    v.code("level", level, {.doc = "The level of the handling organisation: street, district, city, ..."});
    v.code("category", category);
    v.text("q", q, {.max = 100,
                    .doc = "Full-text search over titles, descriptions, locations and messages; Chinese matched by "
                           "characters and character pairs. Blank is no search."});
    v.id("org", org);
    v.flag("overdue", overdue, {.doc = "Open and past the deadline."});
    v.integer("due_within_days", due_within_days, {.min = 0, .max = 366});
    v.flag("mine", mine, {.doc = "Handled now by the user's organisation."});
    v.flag("leader_owned", leader_owned);
    v.flag("inbox", inbox, {.doc = "With a hand-over to the user's organisation awaiting its decision (the hand-over inbox)."});
    v.id("before", before);
    v.integer("limit", limit, {.min = 1, .max = 200, .optional = true});
  }
  // A blank search is no search.
  void validate() {
    if (q && q->find_first_not_of(" \t") == std::string::npos) q.reset();
  }
};
struct case_handoff_request {
  static constexpr std::string_view type = "case.handoff";
  static constexpr std::string_view doc =
      "Hands the case over (交办/转办) to another organisation, which may then see it and accept or "
      "decline. By a case worker of the owning or an accepting organisation. Reply: ok {case}; "
      "not_found; forbidden; conflict (own organisation, already handed to it); bad_request "
      "(due).";
  id_t case_id = 0;
  id_t to_org = 0;
  std::string note;
  std::optional<std::string> due;  // RFC 3339 date-time or YYYY-MM-DD (end of that day, UTC+8)
  template <class V>
  void fields(V& v) {
    v.id("case", case_id);
    v.id("to_org", to_org);
    v.text("note", note, {.max = limits::note, .optional = true});
    v.text("due", due, {.max = limits::when, .doc = "RFC 3339 date-time, or YYYY-MM-DD meaning 23:59:59.999 that day in UTC+8."});
  }
};
struct case_accept_request : case_ref {
  static constexpr std::string_view type = "case.accept";
  static constexpr std::string_view doc =
      "Accepts the pending hand-over to the user's organisation; the first to accept is "
      "recorded as first handler (首办). Reply: ok {case}; conflict when nothing is pending for "
      "the organisation.";
};
struct case_decline_request {
  static constexpr std::string_view type = "case.decline";
  static constexpr std::string_view doc =
      "Declines the pending hand-over with a reason; the organisation stops seeing the case and "
      "its live subscriptions end. Reply: ok {case}; conflict; bad_request.";
  id_t case_id = 0;
  std::string reason;
  template <class V>
  void fields(V& v) {
    v.id("case", case_id);
    v.text("reason", reason, {.max = limits::note, .doc = "Why; required, not blank."});
  }
};
struct case_invite_request {
  static constexpr std::string_view type = "case.invite";
  static constexpr std::string_view doc =
      "Invites one person to the case in a capacity: a professional (judge, prosecutor, police "
      "officer, judicial mediator, a lawyer retained by the office) reads the case file and the "
      "internal thread; a party's representative (a party's lawyer, role lawyer) reads only the "
      "case's summary, the parties' thread and their own meetings, on the given party's side. "
      "Reply: ok {case}; conflict when already invited; not_found; bad_request without a "
      "capacity, or a representative without a side.";
  id_t case_id = 0;
  id_t user = 0;
  // professional (judge, prosecutor, police officer, judicial mediator, a lawyer retained by the
  // office: the internal thread) or representative (a party's lawyer: the parties' thread and that
  // party's side, given in `side`: petitioner or respondent).
  std::string capacity;
  std::optional<std::string> side;
  template <class V>
  void fields(V& v) {
    v.id("case", case_id);
    v.id("user", user);
    v.choice("capacity", capacity, {"professional", "representative"});
    v.choice("side", side, party_sides, {.doc = "Required for a representative, refused otherwise."});
    v.only_if("side", "capacity", {"representative"}, "is given only for a representative");
  }
};
// {case, reason}: return, escalate, pause, extend. The reason is required.
struct case_reason_fields {
  id_t case_id = 0;
  std::string reason;
  template <class V>
  void fields(V& v) {
    v.id("case", case_id);
    v.text("reason", reason, {.max = limits::note, .doc = "Why; required, not blank."});
  }
};
struct case_triage_request {
  static constexpr std::string_view type = "case.triage";
  static constexpr std::string_view doc =
      "Triage (甄别分流) of a case not yet accepted: accept it (the handling clock starts), divert "
      "it to a legal channel (诉访分离: the case closes with outcome 'diverted' and the suggested "
      "route) or merge it as a repeat into an earlier case by the same petitioner (closes with "
      "outcome 'merged'; 'repeat_merged' in the earlier case's thread). By a case worker of the "
      "owning or a handling organisation. Reply: ok {case}; conflict (already accepted, closed, "
      "not the same petitioner); forbidden; not_found.";
  id_t case_id = 0;
  std::string decision;  // accept, divert, merge
  std::string reason;    // required to divert or merge
  std::string route;     // divert: the suggested legal route
  std::optional<id_t> into;  // merge: the earlier case
  template <class V>
  void fields(V& v) {
    v.id("case", case_id);
    v.choice("decision", decision, triage_decisions);
    v.text("reason", reason, {.max = limits::note, .optional = true, .doc = "Required to divert or merge."});
    v.text("route", route, {.max = limits::title, .optional = true,
                            .doc = "divert: the legal route suggested to the petitioner, e.g. 向人民法院起诉."});
    v.id("into", into, {.doc = "merge: the earlier case this one joins."});
    v.required_unless("reason", "decision", {"accept"});
    v.required_if("route", "decision", {"divert"});
    v.required_if("into", "decision", {"merge"});
  }
};
struct case_return_request : case_reason_fields {
  static constexpr std::string_view type = "case.return";
  static constexpr std::string_view doc =
      "Returns a case handed to the user's organisation (pending or accepted) to the "
      "organisation that sent it; the returning organisation loses sight of it. Reply: ok "
      "{case}; conflict; forbidden.";
};
struct case_escalate_request : case_reason_fields {
  static constexpr std::string_view type = "case.escalate";
  static constexpr std::string_view doc =
      "Manual escalation (提级办理) one level up the organisation tree: the parent of the handling "
      "organisation takes the case over; both levels keep it. By a handling or a supervising "
      "organisation. Reply: ok {case}; conflict (no level above, closed); forbidden.";
};
struct case_pause_request : case_reason_fields {
  static constexpr std::string_view type = "case.pause";
  static constexpr std::string_view doc =
      "Pauses the running clock (hearing, medical appraisal); paused days do not count. Reply: "
      "ok {case}; conflict (no clock, already paused).";
};
struct case_resume_request : case_ref {
  static constexpr std::string_view type = "case.resume";
  static constexpr std::string_view doc =
      "Resumes a paused clock; the deadline moves by the paused days. Reply: ok {case}; "
      "conflict (not paused).";
};
struct case_extend_request : case_reason_fields {
  static constexpr std::string_view type = "case.extend";
  static constexpr std::string_view doc =
      "Extends the handling (or review/re-check answer) deadline once, by the 'extension' "
      "policy (default 30 days). Approved by a leader of the handling organisation or an "
      "organisation above it. Reply: ok {case}; conflict (already extended, acceptance clock); "
      "forbidden.";
};
struct case_own_request : case_ref {
  static constexpr std::string_view type = "case.own";
  static constexpr std::string_view doc =
      "A leader takes the case (包案): they see it and receive a notice of every change. Reply: "
      "ok {case}; conflict (already owned by them); forbidden (not a leader).";
};
struct case_close_request {
  static constexpr std::string_view type = "case.close";
  static constexpr std::string_view doc =
      "Closes a case with an outcome and a closing note (required: what was done and why); records "
      "whether it closed on time and at which level, and opens the review request window "
      "(review_until). A case not yet accepted closes only as withdrawn, not_accepted or referral. "
      "Reply: ok {case}; conflict (closed, a group, not yet accepted); forbidden.";
  id_t case_id = 0;
  std::string outcome;
  std::string note;
  template <class V>
  void fields(V& v) {
    v.id("case", case_id);
    v.choice("outcome", outcome, outcomes);
    v.text("note", note, {.max = limits::note});
  }
};
struct case_evaluate_request {
  static constexpr std::string_view type = "case.evaluate";
  static constexpr std::string_view doc =
      "Records the petitioner's evaluation of a closed case (by the officer). 'unsatisfied' "
      "within the review window starts the review path: the scheduler escalates the case (rule "
      "'unsatisfied'). Reply: ok {case}; conflict (open, already evaluated).";
  id_t case_id = 0;
  std::string evaluation;
  std::string comment;
  template <class V>
  void fields(V& v) {
    v.id("case", case_id);
    v.choice("evaluation", evaluation, evaluations);
    v.text("comment", comment, {.max = limits::note, .optional = true});
  }
};
struct case_evaluation_link_request : case_ref {
  static constexpr std::string_view type = "case.evaluation_link";
  static constexpr std::string_view doc =
      "Mints a one-time evaluation link for the petitioner (GET/POST /api/evaluation/{token}). "
      "Reply: ok {case, token, url, expires}; the token appears only in this reply.";
};

}  // namespace mediation::protocol
