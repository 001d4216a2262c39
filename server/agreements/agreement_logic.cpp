// agreement.templates, agreement.draft, agreement.get, agreement.list, agreement.version,
// agreement.diff, agreement.sign, agreement.sign_link, agreement.seal, agreement.verify,
// agreement.perform, agreement.confirmation: plain functions of (store context, environment, actor,
// request), run by the adapters of core/verb_support.hpp and by tests on SQLite and MariaDB
// (tests/server/agreements/agreement_logic_test.cpp).
#include "server/agreements/agreement_logic.hpp"

#include <soci/soci.h>

#include "protocol/frames.hpp"
#include "server/agreements/agreement.hpp"
#include "server/agreements/agreement_repo.hpp"
#include "server/agreements/agreement_service.hpp"
#include "server/base/time.hpp"
#include "server/cases/case_support.hpp"
#include "server/core/credentials.hpp"
#include "server/core/personal_data.hpp"
#include "server/store/event_repo.hpp"

namespace mediation::app::agreements {

using nlohmann::json;
using protocol::errc;
using protocol::id_to_wire;

namespace {

// Loads the agreement and checks that `v` may see its case.
std::pair<store::agreement_row, store::case_access> visible_agreement(soci::session& sql, const viewer& v,
                                                                      long long id) {
  auto a = store::find_agreement(sql, id);
  if (!a) throw protocol::error(errc::not_found, "no such agreement");
  auto access = require_visible_case(sql, v, a->case_id);
  return {*a, access};
}
std::pair<store::agreement_row, store::case_access> visible_agreement(store::write_context& ctx, const viewer& v,
                                                                      long long id) {
  auto a = store::find_agreement(ctx.sql, id);
  if (!a) throw protocol::error(errc::not_found, "no such agreement");
  auto access = require_visible_case(ctx, v, a->case_id);
  return {*a, access};
}

void require_act(const viewer& v, const store::case_access& access, const char* what) {
  if (!can_act(v, access))
    throw protocol::error(errc::forbidden, std::string("only the owning or a handling organisation may ") + what);
}

// Whether the agreement's current content names some party's ID or phone number.
bool discloses_party_numbers(const json& a) {
  return a.is_object() && a.contains("current") && a["current"].is_object() &&
         personal_data::names_numbers(a["current"]["content"].value("parties", json::array()));
}

// The outcome of a write to an agreement: `extra` as the result, completed after the commit with
// {"agreement": the agreement as `who` sees it} (and the audit row when that shows the parties'
// numbers to someone who may see them); notices of the job's events go to the case's people.
verb_outcome agreement_outcome(const verb_env& env, const actor& who, long long agreement_id,
                               const store::case_access& access, json extra = json::object()) {
  verb_outcome out;
  out.result = std::move(extra);
  out.notify_case = access.case_id;
  const bool full = sees_personal_data(who.v, access);
  out.read_back = [pd = &env.personal, who, agreement_id, full, case_id = access.case_id](soci::session& sql,
                                                                                          verb_outcome& o) {
    json a = agreement_json(sql, *pd, agreement_id, &who.v, now_millis());
    if (full && discloses_party_numbers(a)) o.then(audit_read(who, case_id, "agreement reply"));
    o.result["agreement"] = std::move(a);
  };
  return out;
}

}  // namespace

json templates(const protocol::agreement_templates_request& r) {
  json out = json::object();
  for (const auto& cat : agreement::template_categories())
    if (!r.category || *r.category == cat) out[cat] = *agreement::template_for(cat);
  return {{"templates", out}};
}

verb_outcome draft(store::write_context& ctx, const verb_env& env, const actor& who,
                   const protocol::agreement_draft_request& r) {
  json content = agreement::validate(r.content);  // bad_request before anything is read
  auto access = require_visible_case(ctx, who.v, r.case_id);
  require_act(who.v, access, "draft agreements");
  auto s = require_state(ctx.sql, r.case_id);
  if (!s.open()) throw protocol::error(errc::conflict, "the case is closed");
  long long agreement_id = 0;
  if (r.agreement) {
    auto a = store::find_agreement(ctx.sql, *r.agreement);
    if (!a || a->case_id != r.case_id) throw protocol::error(errc::not_found, "no such agreement in this case");
    if (a->status != "draft")
      throw protocol::error(errc::conflict,
                            "an agreement in force never changes; a correction is a new agreement that supersedes it");
    agreement_id = a->id;
  } else {
    if (r.supersedes) {
      auto old = store::find_agreement(ctx.sql, *r.supersedes);
      if (!old || old->case_id != r.case_id) throw protocol::error(errc::not_found, "no such agreement in this case");
      if (old->status != "in_force") throw protocol::error(errc::conflict, "only an agreement in force is superseded");
    }
    auto existing = store::agreements_of_case(ctx.sql, r.case_id);
    std::string number = s.number + "-协议" + std::to_string(existing.size() + 1);
    agreement_id = store::insert_agreement(ctx, r.case_id, number, r.supersedes, who.by.id);
  }
  long long added = add_version(ctx, env.personal, agreement_id, content, who.by.id);
  auto a = store::find_agreement(ctx.sql, agreement_id);
  json data{{"agreement", {{"id", id_to_wire(a->id)}, {"number", a->number}}}, {"version", added}};
  if (a->supersedes) data["supersedes"] = id_to_wire(*a->supersedes);
  store::append_event(ctx, access.thread_id, "agreement_drafted", who.by, protocol::dump(data));
  store::audit(ctx, who.by.id, "agreement.draft", r.case_id, a->number + " v" + std::to_string(added), who.remote);
  return agreement_outcome(env, who, agreement_id, access);
}

verb_outcome get(soci::session& sql, const verb_env& env, const actor& who,
                 const protocol::agreement_get_request& r) {
  auto [row, access] = visible_agreement(sql, who.v, r.agreement);
  verb_outcome out;
  json a = agreement_json(sql, env.personal, r.agreement, &who.v, now_millis());
  if (sees_personal_data(who.v, access) && discloses_party_numbers(a))
    out.then(audit_read(who, row.case_id, "agreement.get " + row.number));
  out.result = {{"agreement", std::move(a)}};
  return out;
}

verb_outcome list(soci::session& sql, const verb_env& env, const actor& who,
                  const protocol::agreement_list_request& r) {
  json items = json::array();
  const millis now = now_millis();
  auto access = require_visible_case(sql, who.v, r.case_id);
  bool disclosed = false;
  for (const auto& a : store::agreements_of_case(sql, r.case_id)) {
    items.push_back(agreement_json(sql, env.personal, a.id, &who.v, now));
    disclosed |= discloses_party_numbers(items.back());
  }
  verb_outcome out;
  if (disclosed && sees_personal_data(who.v, access)) out.then(audit_read(who, r.case_id, "agreement.list"));
  out.result = {{"agreements", std::move(items)}};
  return out;
}

verb_outcome version(soci::session& sql, const verb_env& env, const actor& who,
                     const protocol::agreement_version_request& r) {
  auto [a, access] = visible_agreement(sql, who.v, r.agreement);
  auto ver = store::find_version(sql, a.id, r.version);
  if (!ver) throw protocol::error(errc::not_found, "no such version");
  const bool full = sees_personal_data(who.v, access);
  json content = content_for(env.personal, json::parse(ver->content), full);
  verb_outcome out;
  if (full && personal_data::names_numbers(content.value("parties", json::array())))
    out.then(audit_read(who, a.case_id, "agreement.version " + a.number + " v" + std::to_string(r.version)));
  out.result = {{"version", ver->version},
                {"content", content},
                {"author", {{"id", id_to_wire(ver->author_id)}, {"name", ver->author_name}}},
                {"created_at", format_rfc3339(ver->created_at)}};
  return out;
}

verb_outcome diff(soci::session& sql, const verb_env& env, const actor& who,
                  const protocol::agreement_diff_request& r) {
  auto [a, access] = visible_agreement(sql, who.v, r.agreement);
  auto from = store::find_version(sql, a.id, r.from);
  auto to = store::find_version(sql, a.id, r.to);
  if (!from || !to) throw protocol::error(errc::not_found, "no such version");
  const bool full = sees_personal_data(who.v, access);
  json before = content_for(env.personal, json::parse(from->content), full);
  json after = content_for(env.personal, json::parse(to->content), full);
  verb_outcome out;
  if (full && (personal_data::names_numbers(before.value("parties", json::array())) ||
               personal_data::names_numbers(after.value("parties", json::array()))))
    out.then(audit_read(who, a.case_id,
                        "agreement.diff " + a.number + " v" + std::to_string(r.from) + "-v" + std::to_string(r.to)));
  out.result = {{"from", r.from}, {"to", r.to}, {"changes", agreement::diff(before, after)}};
  return out;
}

verb_outcome sign(store::write_context& ctx, const verb_env& env, const actor& who,
                  const protocol::agreement_sign_request& r) {
  // The request's own faults first, before anything is read.
  if (r.role == "party") {
    if (!r.confirmed)
      throw protocol::error(errc::bad_request, "field 'confirmed' must be true: the party confirms on screen");
    check_signature_image(r.signature, true);
  } else if (!r.signature.empty()) {
    check_signature_image(r.signature, false);
  }
  auto [a, access] = visible_agreement(ctx, who.v, r.agreement);
  require_act(who.v, access, "take signatures");
  if (r.role == "mediator" && who.v.role != roles::mediator && who.v.role != roles::committee_mediator)
    throw protocol::error(errc::forbidden, "the mediator's signature is given by a mediator");
  auto ver = signable_version(ctx.sql, a, r.version);
  store::signature_row sig;
  sig.agreement_id = a.id;
  sig.version_id = ver.id;
  sig.role = r.role;
  sig.image = r.signature;
  sig.signed_at = ctx.now;
  if (r.role == "party") {
    json content = json::parse(ver.content);
    if (*r.party >= static_cast<long long>(content["parties"].size()))
      throw protocol::error(errc::bad_request, "field 'party' is not a party of this version");
    sig.party_index = *r.party;
    sig.signer_name = content["parties"][*r.party]["name"];
    sig.method = "drawn";  // on the mediator's device, with an on-screen confirmation
  } else {
    sig.party_index = -1;
    sig.signer_name = who.by.name;
    sig.user_id = who.by.id;
    sig.method = r.signature.empty() ? "account" : "drawn";
  }
  add_signature(ctx, a, sig, access.thread_id, who.by, who.remote);
  return agreement_outcome(env, who, a.id, access);
}

verb_outcome sign_link(store::write_context& ctx, const verb_env& env, const actor& who,
                       const protocol::agreement_sign_link_request& r) {
  auto [a, access] = visible_agreement(ctx, who.v, r.agreement);
  require_act(who.v, access, "send signing links");
  auto ver = signable_version(ctx.sql, a, r.version);
  json content = json::parse(ver.content);
  if (r.party >= static_cast<long long>(content["parties"].size()))
    throw protocol::error(errc::bad_request, "field 'party' is not a party of this version");
  for (const auto& s : store::signatures(ctx.sql, a.id))
    if (s.version_id == ver.id && s.role == "party" && s.party_index == r.party)
      throw protocol::error(errc::conflict, "that party has already signed this version");
  std::string token = new_token();
  store::sign_link_row link;
  link.agreement_id = a.id;
  link.version_id = ver.id;
  link.party_index = r.party;
  link.expires_at = ctx.now + 7LL * 86400000;
  store::insert_sign_link(ctx, link, token_hash(token), who.by.id);
  json data{{"agreement", {{"id", id_to_wire(a.id)}, {"number", a.number}}}, {"version", r.version},
            {"party", r.party}, {"name", content["parties"][r.party]["name"]},
            {"expires", format_rfc3339(link.expires_at)}};
  store::append_event(ctx, access.thread_id, "agreement_sign_link_created", who.by, protocol::dump(data));
  store::audit(ctx, who.by.id, "agreement.sign_link", a.case_id, a.number, who.remote);
  json extra{{"token", token}, {"url", "/sign.html#" + token}, {"expires", format_rfc3339(link.expires_at)}};
  return agreement_outcome(env, who, a.id, access, std::move(extra));
}

verb_outcome seal(store::write_context& ctx, const verb_env& env, const actor& who,
                  const protocol::agreement_seal_request& r) {
  auto [a, access] = visible_agreement(ctx, who.v, r.agreement);
  require_act(who.v, access, "seal agreements");
  if (!store::can_seal(ctx.sql, who.by.id))
    throw protocol::error(errc::forbidden, "you do not hold the right to apply the organisation's seal");
  auto ver = signable_version(ctx.sql, a, r.version);
  auto missing = missing_signatures(ctx.sql, a.id, ver);
  if (!missing.empty())
    throw protocol::error(errc::conflict, "the seal comes after every signature; still missing: " + missing);
  store::signature_row stamp;
  stamp.agreement_id = a.id;
  stamp.version_id = ver.id;
  stamp.role = "seal";
  stamp.party_index = -1;
  stamp.signer_name = who.by.name;
  stamp.user_id = who.by.id;
  stamp.method = "account";
  stamp.signed_at = ctx.now;
  add_signature(ctx, a, stamp, access.thread_id, who.by, who.remote);
  take_effect(ctx, a, ver, access.thread_id, who.by, env.workflow, who.remote);
  return agreement_outcome(env, who, a.id, access);
}

json verify(soci::session& sql, const actor& who, const protocol::agreement_verify_request& r) {
  visible_agreement(sql, who.v, r.agreement);
  return verify_json(sql, r.agreement);
}

verb_outcome perform(store::write_context& ctx, const verb_env& env, const actor& who,
                     const protocol::agreement_perform_request& r) {
  auto [a, access] = visible_agreement(ctx, who.v, r.agreement);
  require_act(who.v, access, "record performance");
  if (a.status != "in_force") throw protocol::error(errc::conflict, "the agreement is not in force");
  auto ts = store::terms(ctx.sql, a.id);
  if (r.term >= static_cast<long long>(ts.size())) throw protocol::error(errc::not_found, "no such term");
  auto t = ts[static_cast<std::size_t>(r.term)];
  if (t.status == "performed") throw protocol::error(errc::conflict, "that term is already performed");
  const bool late = t.status == "overdue" || ctx.now > t.due_at;
  t.status = "performed";
  t.performed_at = ctx.now;
  t.performed_by = who.by.id;
  t.note = r.note;
  store::save_term(ctx, t);
  json data{{"agreement", {{"id", id_to_wire(a.id)}, {"number", a.number}}}, {"term", r.term}, {"text", t.text},
            {"note", r.note}, {"late", late}};
  store::append_event(ctx, access.thread_id, "term_performed", who.by, protocol::dump(data));
  store::audit(ctx, who.by.id, "agreement.perform", a.case_id, a.number + " term " + std::to_string(r.term),
               who.remote);
  return agreement_outcome(env, who, a.id, access);
}

verb_outcome confirmation(store::write_context& ctx, const verb_env& env, const actor& who,
                          const protocol::agreement_confirmation_request& r) {
  const std::optional<millis> date = parse_due_field(r.date, "date");
  auto [a, access] = visible_agreement(ctx, who.v, r.agreement);
  require_act(who.v, access, "record judicial confirmation");
  if (a.status != "in_force") throw protocol::error(errc::conflict, "the agreement is not in force");
  json data{{"agreement", {{"id", id_to_wire(a.id)}, {"number", a.number}}}};
  const millis when = date.value_or(ctx.now);
  if (r.action == "apply") {
    if (a.confirmation_applied_at) throw protocol::error(errc::conflict, "the application is already recorded");
    if (a.confirmation_due_at && when > *a.confirmation_due_at)
      throw protocol::error(errc::conflict, "the 30-day window for judicial confirmation closed on " +
                                                 format_rfc3339(*a.confirmation_due_at));
    a.confirmation_applied_at = when;
    a.confirmation_court = r.court;
    data["court"] = r.court;
    data["applied_at"] = format_rfc3339(when);
  } else {
    if (!a.confirmation_applied_at) throw protocol::error(errc::conflict, "no application has been recorded");
    if (a.confirmation_decision) throw protocol::error(errc::conflict, "the court's decision is already recorded");
    a.confirmation_decision = r.decision;
    a.confirmation_decided_at = when;
    data["decision"] = *r.decision;
    data["decided_at"] = format_rfc3339(when);
  }
  store::save_agreement(ctx, a);
  store::append_event(ctx, access.thread_id, r.action == "apply" ? "confirmation_applied" : "confirmation_decided",
                      who.by, protocol::dump(data));
  store::audit(ctx, who.by.id, "agreement.confirmation", a.case_id, a.number + " " + r.action, who.remote);
  return agreement_outcome(env, who, a.id, access);
}

}  // namespace mediation::app::agreements
