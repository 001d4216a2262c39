#pragma once
// Requests of the agreements slice (see protocol/README.md, "Agreements").

#include "protocol/messages/common.hpp"

namespace mediation::protocol {

struct agreement_templates_request {
  static constexpr std::string_view type = "agreement.templates";
  static constexpr std::string_view doc =
      "Templates per category (labour_wages, family_neighbour, property_management, traffic, "
      "medical): a prefilled agreement structure with blanks. Reply: ok {templates: {category: "
      "content}}.";
  std::optional<std::string> category;
  template <class V>
  void fields(V& v) {
    v.code("category", category);
  }
};
struct agreement_draft_request {
  static constexpr std::string_view type = "agreement.draft";
  static constexpr std::string_view doc =
      "Saves a draft: a new agreement for the case (number '<case number>-协议N'), a new version "
      "of a draft ('agreement'), or a new agreement correcting one in force ('supersedes'). "
      "Every field of 'content' is validated (see protocol/README.md, Agreements); an error "
      "names the field, e.g. terms[0].deadline. By the owning or a handling organisation. "
      "Reply: ok {agreement}; conflict (in force, case closed); event agreement_drafted.";
  id_t case_id = 0;
  json content;                    // validated by the server (agreements/agreement)
  std::optional<id_t> agreement;   // a new version of this draft
  std::optional<id_t> supersedes;  // a new agreement correcting one in force
  template <class V>
  void fields(V& v) {
    v.id("case", case_id);
    v.object("content", content,
             {.doc = "parties [{role, name, id_number?, address?, phone?}] (a petitioner and a respondent at least), "
                     "facts, disputes [text], responsibilities [{party, text}], terms [{text, way, place, deadline "
                     "YYYY-MM-DD}], mediators [name], organisation."});
    v.id("agreement", agreement, {.doc = "A new version of this draft."});
    v.id("supersedes", supersedes, {.doc = "A new agreement correcting this one, which is in force."});
    v.exclusive("agreement", "supersedes", "is for a new agreement, not a new version");
  }
};
struct agreement_ref_request {
  id_t agreement = 0;
  template <class V>
  void fields(V& v) {
    v.id("agreement", agreement);
  }
};
struct agreement_get_request : agreement_ref_request {
  static constexpr std::string_view type = "agreement.get";
  static constexpr std::string_view doc =
      "The agreement object. Reply: ok {agreement}.";
};
struct agreement_verify_request : agreement_ref_request {
  static constexpr std::string_view type = "agreement.verify";
  static constexpr std::string_view doc =
      "Recomputes the SHA-256 chain over versions, signatures and the seal and compares each "
      "link with the rows it stands for. Reply: ok {ok, entries, head, first_break: {position, "
      "kind, reason} | null}.";
};
struct agreement_list_request : case_ref {
  static constexpr std::string_view type = "agreement.list";
  static constexpr std::string_view doc =
      "The agreements of a case, oldest first. Reply: ok {agreements: [...]}.";
};
struct agreement_version_request {
  static constexpr std::string_view type = "agreement.version";
  static constexpr std::string_view doc =
      "One version's content. Reply: ok {version, content, author, created_at}.";
  id_t agreement = 0;
  long long version = 0;
  template <class V>
  void fields(V& v) {
    v.id("agreement", agreement);
    v.integer("version", version, {.min = 1, .max = 100000});
  }
};
struct agreement_diff_request {
  static constexpr std::string_view type = "agreement.diff";
  static constexpr std::string_view doc =
      "Field-level differences between two versions. Reply: ok {from, to, changes: [{path, "
      "from, to}]}.";
  id_t agreement = 0;
  long long from = 0, to = 0;
  template <class V>
  void fields(V& v) {
    v.id("agreement", agreement);
    v.integer("from", from, {.min = 1, .max = 100000});
    v.integer("to", to, {.min = 1, .max = 100000});
  }
};
struct agreement_sign_request {
  static constexpr std::string_view type = "agreement.sign";
  static constexpr std::string_view doc =
      "Signs the current version: for a party who is not a user, on the mediator's device, with "
      "a drawn signature (PNG data URL) and confirmed=true; or as the mediator (a mediator of "
      "the owning or a handling organisation). Reply: ok {agreement}; conflict (not the current "
      "version, already signed, not a draft); forbidden; bad_request. Event agreement_signed.";
  id_t agreement = 0;
  long long version = 0;
  std::string role;             // party or mediator
  std::optional<long long> party;  // index into the content's parties
  std::string signature;        // a drawn signature: data:image/png;base64,...
  bool confirmed = false;       // the signer confirmed on screen
  template <class V>
  void fields(V& v) {
    v.id("agreement", agreement);
    v.integer("version", version, {.min = 1, .max = 100000});
    v.choice("role", role, {"party", "mediator"});
    v.integer("party", party, {.min = 0, .max = 49, .doc = "Index into the version's parties; required for role party."});
    v.text("signature", signature, {.max = 400000, .optional = true, .doc = "data:image/png;base64,... (at most 300 KB)."});
    v.flag("confirmed", confirmed, {.doc = "The party confirmed the text on screen; required for role party."});
    v.required_if("party", "role", {"party"}, "is required to sign for a party (its index)");
  }
};
struct agreement_sign_link_request {
  static constexpr std::string_view type = "agreement.sign_link";
  static constexpr std::string_view doc =
      "A one-time signing link for one party and the current version (GET/POST "
      "/api/sign/{token}), valid 7 days. Reply: ok {agreement, token, url, expires}; the token "
      "is only in this reply. Event agreement_sign_link_created.";
  id_t agreement = 0;
  long long version = 0;
  long long party = 0;
  template <class V>
  void fields(V& v) {
    v.id("agreement", agreement);
    v.integer("version", version, {.min = 1, .max = 100000});
    v.integer("party", party, {.min = 0, .max = 49});
  }
};
struct agreement_seal_request {
  static constexpr std::string_view type = "agreement.seal";
  static constexpr std::string_view doc =
      "Applies the organisation's seal to the current version, by a person with the seal right, "
      "after every party and the mediator signed it: the agreement takes effect (terms "
      "followed, 30-day judicial confirmation window opens, a superseded agreement is marked). "
      "Reply: ok {agreement}; conflict (missing signatures, listed); forbidden. Events "
      "agreement_sealed, agreement_in_force.";
  id_t agreement = 0;
  long long version = 0;
  template <class V>
  void fields(V& v) {
    v.id("agreement", agreement);
    v.integer("version", version, {.min = 1, .max = 100000});
  }
};
struct agreement_perform_request {
  static constexpr std::string_view type = "agreement.perform";
  static constexpr std::string_view doc =
      "Records that a term of an agreement in force was performed. Reply: ok {agreement}; "
      "conflict (already performed, not in force); not_found (no such term). Event "
      "term_performed.";
  id_t agreement = 0;
  long long term = 0;
  std::string note;
  template <class V>
  void fields(V& v) {
    v.id("agreement", agreement);
    v.integer("term", term, {.min = 0, .max = 99});
    v.text("note", note, {.max = limits::note, .optional = true});
  }
};
struct agreement_confirmation_request {
  static constexpr std::string_view type = "agreement.confirmation";
  static constexpr std::string_view doc =
      "Judicial confirmation (司法确认): record the joint application ('apply', with the court, "
      "within 30 days of taking effect) or the court's decision ('decide': confirmed or "
      "refused). Reply: ok {agreement}; conflict (window closed, no application, already "
      "recorded). Events confirmation_applied, confirmation_decided.";
  id_t agreement = 0;
  std::string action;  // apply or decide
  std::string court;
  std::optional<std::string> decision;  // confirmed or refused
  std::optional<std::string> date;
  template <class V>
  void fields(V& v) {
    v.id("agreement", agreement);
    v.choice("action", action, {"apply", "decide"});
    v.text("court", court, {.max = limits::title, .optional = true, .doc = "apply: the court applied to; required."});
    v.choice("decision", decision, {"confirmed", "refused"}, {.doc = "decide: the court's decision; required."});
    v.text("date", date, {.max = limits::when, .doc = "Date or date-time; default now."});
    v.required_if("court", "action", {"apply"});
    v.required_if("decision", "action", {"decide"});
  }
};

}  // namespace mediation::protocol
