#include "server/agreements/agreement_service.hpp"

#include <soci/soci.h>

#include "protocol/frames.hpp"
#include "server/agreements/agreement.hpp"
#include "server/core/credentials.hpp"
#include "server/core/masking.hpp"
#include "server/cases/case_repo.hpp"
#include "server/store/identity_repo.hpp"
#include "server/base/time.hpp"

namespace mediation::app::agreements {

using nlohmann::json;
using protocol::errc;
using protocol::id_to_wire;

namespace {

json version_payload(const store::version_row& v) {
  return {{"agreement", v.agreement_id}, {"version", v.version}, {"content", json::parse(v.content)},
          {"author", v.author_id}, {"at", v.created_at}};
}

json signature_payload(const store::signature_row& s) {
  return {{"agreement", s.agreement_id},
          {"version_id", s.version_id},
          {"role", s.role},
          {"party", s.party_index},
          {"name", s.signer_name},
          {"user", s.user_id ? json(*s.user_id) : json(nullptr)},
          {"method", s.method},
          {"image_sha256", s.image.empty() ? std::string() : token_hash(s.image)},
          {"at", s.signed_at}};
}

void append_link(store::write_context& ctx, long long agreement_id, const std::string& kind, long long ref_id,
                 const json& payload) {
  auto last = store::last_chain_row(ctx.sql, agreement_id);
  store::chain_row r;
  r.agreement_id = agreement_id;
  r.position = last ? last->position + 1 : 1;
  r.kind = kind;
  r.ref_id = ref_id;
  r.payload = agreement::canonical(payload);
  r.prev_hash = last ? last->hash : agreement::genesis;
  r.hash = agreement::link_hash(r.prev_hash, kind, r.payload);
  r.at = ctx.now;
  store::insert_chain_row(ctx, r);
}

json ref(const store::agreement_row& a) { return {{"id", id_to_wire(a.id)}, {"number", a.number}}; }

json time_or_null(const std::optional<long long>& t) { return t ? json(format_rfc3339(*t)) : json(nullptr); }

std::string escape_html(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

}  // namespace

long long add_version(store::write_context& ctx, const personal_data& pd, long long agreement_id, const json& content,
                      long long by) {
  auto existing = store::versions(ctx.sql, agreement_id);
  const long long number = existing.empty() ? 1 : existing.back().version + 1;
  const std::string text = agreement::canonical(pd.seal_parties(content));
  long long id = store::insert_version(ctx, agreement_id, number, text, by);
  store::version_row v{id, agreement_id, number, by, ctx.now, text, ""};
  append_link(ctx, agreement_id, "version", id, version_payload(v));
  return number;
}

store::version_row signable_version(soci::session& sql, const store::agreement_row& a, long long version) {
  if (a.status != "draft")
    throw protocol::error(errc::conflict, "the agreement is " + a.status + "; nothing more is signed on it");
  auto all = store::versions(sql, a.id);
  auto it = std::find_if(all.begin(), all.end(), [&](const auto& v) { return v.version == version; });
  if (it == all.end()) throw protocol::error(errc::not_found, "no such version");
  if (all.back().version != version)
    throw protocol::error(errc::conflict, "version " + std::to_string(version) + " is not the current one; sign version " +
                                              std::to_string(all.back().version));
  // Nobody signs or seals a legal document with a template's blanks still in it.
  if (auto at = agreement::first_blank(json::parse(it->content)))
    throw protocol::error(errc::conflict, "the agreement still has blanks to fill in (" + *at +
                                              "): write a new version without them before anyone signs");
  return *it;
}

void add_signature(store::write_context& ctx, const store::agreement_row& a, const store::signature_row& s,
                   long long thread, const store::author& by, const std::string& remote) {
  for (const auto& other : store::signatures(ctx.sql, a.id))
    if (other.version_id == s.version_id && other.role == s.role && other.party_index == s.party_index)
      throw protocol::error(errc::conflict, s.role == "seal" ? "the seal is already on this version"
                                                             : s.signer_name + " has already signed this version");
  store::signature_row stored = s;
  stored.id = store::insert_signature(ctx, s);
  append_link(ctx, a.id, s.role == "seal" ? "seal" : "signature", stored.id, signature_payload(stored));
  auto ver = store::find_version_by_id(ctx.sql, s.version_id);
  json data{{"agreement", ref(a)}, {"version", ver ? ver->version : 0}, {"role", s.role},
            {"name", s.signer_name}, {"method", s.method}};
  if (s.role == "party") data["party"] = s.party_index;
  store::append_event(ctx, thread, s.role == "seal" ? "agreement_sealed" : "agreement_signed", by, protocol::dump(data));
  store::audit(ctx, by.id, s.role == "seal" ? "agreement.seal" : "agreement.sign", a.case_id,
               a.number + " v" + std::to_string(ver ? ver->version : 0) + " " + s.role + " " + s.signer_name, remote);
}

std::string missing_signatures(soci::session& sql, long long agreement_id, const store::version_row& ver) {
  json content = json::parse(ver.content);
  auto sigs = store::signatures(sql, agreement_id);
  auto has = [&](const std::string& role, long long party) {
    return std::any_of(sigs.begin(), sigs.end(), [&](const auto& s) {
      return s.version_id == ver.id && s.role == role && s.party_index == party;
    });
  };
  std::string out;
  for (std::size_t i = 0; i < content["parties"].size(); ++i)
    if (!has("party", static_cast<long long>(i)))
      out += (out.empty() ? "" : ", ") + content["parties"][i]["name"].get<std::string>();
  if (!has("mediator", -1)) out += std::string(out.empty() ? "" : ", ") + "the mediator";
  return out;
}

void take_effect(store::write_context& ctx, store::agreement_row& a, const store::version_row& ver, long long thread,
                 const store::author& by, const deadlines::workflow_config& cfg, const std::string& remote) {
  a.status = "in_force";
  a.in_force_version = ver.version;
  a.in_force_at = ctx.now;
  // 司法确认: the parties may apply jointly within 30 days of the agreement taking effect.
  a.confirmation_due_at = deadlines::due({ctx.now, 30, false}, {}, cfg.cal);
  store::save_agreement(ctx, a);
  json content = json::parse(ver.content);
  json terms = json::array();
  long long position = 0;
  for (const auto& t : content["terms"]) {
    store::term_row row;
    row.agreement_id = a.id;
    row.position = position++;
    row.text = t["text"];
    // A term without a date (waiving further claims) has nothing to perform by a day: not tracked.
    if (t["deadline"].get<std::string>().empty()) continue;
    row.due_at = deadlines::end_of_day(*deadlines::parse_date(t["deadline"].get<std::string>()));
    row.status = "pending";
    store::insert_term(ctx, row);
    terms.push_back({{"text", row.text}, {"due", format_rfc3339(row.due_at)}});
  }
  json data{{"agreement", ref(a)}, {"version", ver.version}, {"confirmation_due", time_or_null(a.confirmation_due_at)},
            {"terms", terms}};
  if (a.supersedes) {
    if (auto old = store::find_agreement(ctx.sql, *a.supersedes); old && old->status == "in_force") {
      old->status = "superseded";
      old->superseded_by = a.id;
      store::save_agreement(ctx, *old);
      data["superseded"] = ref(*old);
    }
  }
  store::append_event(ctx, thread, "agreement_in_force", by, protocol::dump(data));
  store::audit(ctx, by.id, "agreement.in_force", a.case_id, a.number + " v" + std::to_string(ver.version), remote);
}

void check_signature_image(const std::string& image, bool required) {
  if (image.empty()) {
    if (required) throw protocol::error(errc::bad_request, "field 'signature' is required: the drawn signature");
    return;
  }
  const std::string prefix = "data:image/png;base64,";
  if (image.compare(0, prefix.size(), prefix) != 0)
    throw protocol::error(errc::bad_request, "field 'signature' must be a PNG data URL (data:image/png;base64,...)");
  if (image.size() > 300000) throw protocol::error(errc::too_large, "field 'signature' is larger than 300 KB");
  if (image.size() == prefix.size() ||
      image.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=", prefix.size()) !=
          std::string::npos)
    throw protocol::error(errc::bad_request, "field 'signature' is not valid base64");
}

json content_for(const personal_data& pd, json content, bool full) {
  content = pd.open_parties(std::move(content));
  if (full || !content.contains("parties")) return content;
  for (auto& p : content["parties"]) {
    if (p.contains("id_number")) p["id_number"] = mask_id_number(p["id_number"].get<std::string>());
    if (p.contains("phone")) p["phone"] = mask_phone(p["phone"].get<std::string>());
    if (p.contains("address") && p["address"].is_string()) p["address"] = mask_address(p["address"].get<std::string>());
  }
  return content;
}

json agreement_json(soci::session& sql, const personal_data& pd, long long agreement_id, const viewer* v, long long now) {
  auto a = store::find_agreement(sql, agreement_id);
  if (!a) return nullptr;
  bool full = true;
  if (v) {
    auto access = store::access_by_case(sql, a->case_id);
    full = access && sees_personal_data(*v, *access);
  }
  auto vs = store::versions(sql, a->id);
  json versions = json::array();
  for (const auto& x : vs)
    versions.push_back({{"version", x.version},
                        {"author", {{"id", id_to_wire(x.author_id)}, {"name", x.author_name}}},
                        {"created_at", format_rfc3339(x.created_at)}});
  const store::version_row* current = nullptr;
  for (const auto& x : vs)
    if ((a->in_force_version && x.version == *a->in_force_version) || (!a->in_force_version && &x == &vs.back()))
      current = &x;
  auto sigs = store::signatures(sql, a->id);
  json signatures = json::array();
  for (const auto& s : sigs) {
    auto ver = std::find_if(vs.begin(), vs.end(), [&](const auto& x) { return x.id == s.version_id; });
    json j{{"version", ver == vs.end() ? 0 : ver->version}, {"role", s.role}, {"name", s.signer_name},
           {"method", s.method}, {"at", format_rfc3339(s.signed_at)}, {"drawn", !s.image.empty()}};
    if (s.role == "party") j["party"] = s.party_index;
    signatures.push_back(std::move(j));
  }
  json terms = json::array();
  for (const auto& t : store::terms(sql, a->id))
    terms.push_back({{"term", t.position}, {"text", t.text}, {"due", format_rfc3339(t.due_at)}, {"status", t.status},
                     {"performed_at", time_or_null(t.performed_at)}, {"note", t.note}});
  auto last = store::last_chain_row(sql, a->id);
  json missing = nullptr;
  if (current && a->status == "draft") missing = missing_signatures(sql, a->id, *current);
  return {{"id", id_to_wire(a->id)},
          {"number", a->number},
          {"case", id_to_wire(a->case_id)},
          {"status", a->status},
          {"supersedes", a->supersedes ? json(id_to_wire(*a->supersedes)) : json(nullptr)},
          {"superseded_by", a->superseded_by ? json(id_to_wire(*a->superseded_by)) : json(nullptr)},
          {"versions", versions},
          {"current", current ? json{{"version", current->version},
                                     {"content", content_for(pd, json::parse(current->content), full)}}
                              : json(nullptr)},
          {"signatures", signatures},
          {"missing", missing},
          {"in_force_version", a->in_force_version ? json(*a->in_force_version) : json(nullptr)},
          {"in_force_at", time_or_null(a->in_force_at)},
          {"terms", terms},
          {"confirmation",
           {{"due", time_or_null(a->confirmation_due_at)},
            {"open", a->status == "in_force" && !a->confirmation_applied_at && a->confirmation_due_at &&
                         now <= *a->confirmation_due_at},
            {"applied_at", time_or_null(a->confirmation_applied_at)},
            {"court", a->confirmation_court ? json(*a->confirmation_court) : json(nullptr)},
            {"decision", a->confirmation_decision ? json(*a->confirmation_decision) : json(nullptr)},
            {"decided_at", time_or_null(a->confirmation_decided_at)}}},
          {"hash", last ? json(last->hash) : json(nullptr)},
          {"personal_data", full ? "full" : "masked"}};
}

json verify_json(soci::session& sql, long long agreement_id) {
  auto rows = store::chain(sql, agreement_id);
  std::vector<agreement::chain_entry> entries;
  for (const auto& r : rows) {
    agreement::chain_entry e{r.kind, r.payload, r.prev_hash, r.hash, ""};
    if (r.kind == "version") {
      if (auto v = store::find_version_by_id(sql, r.ref_id)) {
        // The chain covers the text as stored at insertion, not the numbers sealed anew by a key rotation.
        json parsed = json::parse(v->stored, nullptr, false);
        if (!parsed.is_discarded()) {
          auto payload = version_payload(store::version_row{v->id, v->agreement_id, v->version, v->author_id,
                                                            v->created_at, v->stored, ""});
          e.source = agreement::canonical(payload);
        } else {
          e.source = "(unreadable)";
        }
      }
    } else if (auto s = store::find_signature(sql, r.ref_id)) {
      e.source = agreement::canonical(signature_payload(*s));
    }
    entries.push_back(std::move(e));
  }
  auto verdict = agreement::verify(entries);
  json first = nullptr;
  if (!verdict.ok)
    first = {{"position", rows[static_cast<std::size_t>(verdict.first_break)].position},
             {"kind", rows[static_cast<std::size_t>(verdict.first_break)].kind},
             {"reason", verdict.reason}};
  // Every version and signature must be in the chain too: a row added behind the server's back is a break.
  std::size_t versions_count = store::versions(sql, agreement_id).size(), sig_count = store::signatures(sql, agreement_id).size();
  std::size_t in_chain_versions = 0, in_chain_sigs = 0;
  for (const auto& r : rows) (r.kind == "version" ? in_chain_versions : in_chain_sigs) += 1;
  if (verdict.ok && (versions_count != in_chain_versions || sig_count != in_chain_sigs)) {
    verdict.ok = false;
    first = {{"position", static_cast<long long>(rows.size()) + 1}, {"kind", "chain"},
             {"reason", "a version or signature is not recorded in the chain"}};
  }
  return {{"ok", verdict.ok}, {"entries", rows.size()}, {"head", rows.empty() ? json(nullptr) : json(rows.back().hash)},
          {"first_break", first}};
}

std::string print_html(soci::session& sql, const personal_data& pd, long long agreement_id, int tz_offset) {
  auto a = store::find_agreement(sql, agreement_id);
  if (!a) return {};
  json aj = agreement_json(sql, pd, agreement_id, nullptr, 0);
  auto kase = store::find_case(sql, a->case_id);
  const json& cur = aj["current"];
  if (cur.is_null()) return {};
  const json& c = cur["content"];
  auto h = [](const json& j) { return escape_html(j.is_string() ? j.get<std::string>() : j.dump()); };
  std::string out =
      "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>人民调解协议书 " + escape_html(a->number) +
      "</title><style>"
      "@page{size:A4;margin:25mm 20mm}body{font-family:\"Noto Serif CJK SC\",\"SimSun\",serif;font-size:12pt;"
      "line-height:1.8;max-width:170mm;margin:auto;color:#000}h1{text-align:center;font-size:20pt;letter-spacing:.5em;"
      "margin:0 0 .2em}.no{text-align:right}h2{font-size:13pt;margin:1em 0 .3em}ol{padding-left:1.5em}"
      "p,li{white-space:pre-wrap}"
      ".sig{display:flex;flex-wrap:wrap;gap:1.5em;margin-top:1.5em}.sig div{min-width:40mm}.sig img{height:18mm;display:block}.sig small{display:block}"
      ".seal{border:2px solid #c00;color:#c00;border-radius:50%;width:38mm;height:38mm;display:flex;align-items:center;"
      "justify-content:center;text-align:center;font-weight:bold}.hash{font-family:monospace;font-size:8pt;word-break:break-all;"
      "color:#444;margin-top:2em}.draft{color:#c00;text-align:center;font-weight:bold}"
      "@media print{.noprint{display:none}}</style></head><body>";
  out += "<h1>人民调解协议书</h1><p class=\"no\">编号：" + escape_html(a->number) + "</p>";
  if (a->status != "in_force") out += "<p class=\"draft\">" + std::string(a->status == "draft" ? "草稿 · 尚未生效" : "已被更正协议取代") + "</p>";
  out += "<h2>当事人</h2>";
  for (const auto& p : c["parties"]) {
    std::string role = p["role"] == "petitioner" ? "申请人" : p["role"] == "respondent" ? "被申请人"
                       : p["role"] == "agent" ? "代理人" : "第三人";
    out += "<p>" + role + "：" + h(p["name"]);
    if (p.contains("id_number")) out += "，身份证号码：" + h(p["id_number"]);
    if (p.contains("address")) out += "，住址：" + h(p["address"]);
    if (p.contains("phone")) out += "，联系电话：" + h(p["phone"]);
    out += "</p>";
  }
  out += "<h2>纠纷主要事实</h2><p>" + h(c["facts"]) + "</p><h2>争议事项</h2><ol>";
  for (const auto& d : c["disputes"]) out += "<li>" + h(d) + "</li>";
  out += "</ol>";
  if (!c["responsibilities"].empty()) {
    out += "<h2>各方责任</h2>";
    for (const auto& r : c["responsibilities"])
      out += "<p>" + h(c["parties"][r["party"].get<std::size_t>()]["name"]) + "：" + h(r["text"]) + "</p>";
  }
  out += "<h2>经调解，自愿达成如下协议</h2><ol>";
  for (const auto& t : c["terms"])
    out += "<li>" + h(t["text"]) + "（履行方式：" + h(t["way"]) + "；履行地点：" + h(t["place"]) +
           (t["deadline"].get<std::string>().empty() ? std::string() : "；履行期限：" + h(t["deadline"]) + "前") +
           "）</li>";
  out += "</ol><p>本协议自各方当事人签名、调解员签名并加盖调解组织印章之日起生效。当事人可以自协议生效之日起三十日内共同向人民法院申请司法确认。</p>";
  out += "<p>调解员：";
  for (const auto& m : c["mediators"]) out += h(m) + " ";
  out += "</p><p>调解组织：" + h(c["organisation"]) + "</p>";
  if (kase) out += "<p>案件编号：" + escape_html(kase->number) + "</p>";
  out += "<div class=\"sig\">";
  const long long shown = cur["version"];
  auto sigs = store::signatures(sql, a->id);
  for (const auto& s : sigs) {
    auto ver = store::find_version_by_id(sql, s.version_id);
    if (!ver || ver->version != shown) continue;
    std::string label = s.role == "party" ? "当事人" : s.role == "mediator" ? "调解员" : "调解组织（盖章）";
    if (s.role == "seal") {
      out += "<div><div class=\"seal\">" + h(c["organisation"]) + "<br>调解专用章</div><small>" + format_date_zh(s.signed_at, tz_offset) + "</small></div>";
      continue;
    }
    out += "<div>" + label + "：" + escape_html(s.signer_name);
    if (!s.image.empty()) out += "<img alt=\"签名 " + escape_html(s.signer_name) + "\" src=\"" + escape_html(s.image) + "\">";
    out += "<small>" + format_date_zh(s.signed_at, tz_offset) + "</small></div>";
  }
  out += "</div>";
  if (a->in_force_at) out += "<p>生效日期：" + format_date_zh(*a->in_force_at, tz_offset) + "</p>";
  out += "<p class=\"hash\">校验值（SHA-256 哈希链）：" + h(aj["hash"]) + "</p>";
  out += "<p class=\"noprint\"><button onclick=\"print()\">打印 Print</button></p></body></html>";
  return out;
}

}  // namespace mediation::app::agreements
