#include "server/agreements/agreement.hpp"

#include <algorithm>
#include <map>

#include "protocol/errors.hpp"
#include "protocol/identifiers.hpp"
#include "protocol/messages/common.hpp"
#include "server/core/credentials.hpp"
#include "server/core/deadlines.hpp"

namespace mediation::app::agreement {

namespace {

using protocol::errc;

[[noreturn]] void bad(const std::string& path, const std::string& what) {
  throw protocol::error(errc::bad_request, "agreement field '" + path + "' " + what, "content." + path);
}

std::string text(const json& obj, const std::string& key, const std::string& path, std::size_t max,
                 bool required = true) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) {
    if (required) bad(path, "is required");
    return {};
  }
  if (!it->is_string()) bad(path, "must be a string");
  std::string s = it->get<std::string>();
  auto first = s.find_first_not_of(" \t\r\n");
  auto last = s.find_last_not_of(" \t\r\n");
  s = first == std::string::npos ? "" : s.substr(first, last - first + 1);
  if (required && s.empty()) bad(path, "must not be empty");
  if (protocol::utf8_length(s) > max) bad(path, "is longer than " + std::to_string(max) + " characters");
  return s;
}

const json& list(const json& obj, const std::string& key, std::size_t min, std::size_t max) {
  auto it = obj.find(key);
  if (it == obj.end() || !it->is_array()) bad(key, "must be a list");
  if (it->size() < min) bad(key, "needs at least " + std::to_string(min) + " entr" + (min == 1 ? "y" : "ies"));
  if (it->size() > max) bad(key, "has more than " + std::to_string(max) + " entries");
  return *it;
}

std::string at(const std::string& key, std::size_t i) { return key + "[" + std::to_string(i) + "]"; }

constexpr std::string_view party_roles[] = {"petitioner", "respondent", "third_party", "agent"};

}  // namespace

json validate(const json& content) {
  if (!content.is_object()) throw protocol::error(errc::bad_request, "the agreement must be a JSON object");
  json out = json::object();
  json parties = json::array();
  bool petitioner = false, respondent = false;
  const json& ps = list(content, "parties", 2, 50);
  for (std::size_t i = 0; i < ps.size(); ++i) {
    const std::string p = at("parties", i);
    if (!ps[i].is_object()) bad(p, "must be an object");
    std::string role = text(ps[i], "role", p + ".role", 32);
    if (std::find(std::begin(party_roles), std::end(party_roles), role) == std::end(party_roles))
      bad(p + ".role", "must be petitioner, respondent, third_party or agent");
    petitioner |= role == "petitioner";
    respondent |= role == "respondent";
    json party{{"role", role}, {"name", text(ps[i], "name", p + ".name", 100)}};
    for (const char* f : {"id_number", "address", "phone"}) {
      std::string v = text(ps[i], f, p + "." + f, f == std::string("address") ? 200 : 40, false);
      // Checked as the client checks them (protocol/identifiers.hpp).
      if (f == std::string("id_number")) protocol::check_party_id(v, "content." + p + ".id_number");
      if (f == std::string("phone")) protocol::check_phone(v, "content." + p + ".phone");
      if (!v.empty()) party[f] = v;
    }
    parties.push_back(std::move(party));
  }
  if (!petitioner || !respondent) bad("parties", "needs a petitioner (申请人) and a respondent (被申请人)");
  out["parties"] = parties;
  out["facts"] = text(content, "facts", "facts", 20000);
  json disputes = json::array();
  const json& ds = list(content, "disputes", 1, 50);
  for (std::size_t i = 0; i < ds.size(); ++i) {
    json wrap{{"v", ds[i]}};
    disputes.push_back(text(wrap, "v", at("disputes", i), 2000));
  }
  out["disputes"] = disputes;
  json responsibilities = json::array();
  if (content.contains("responsibilities")) {
    const json& rs = list(content, "responsibilities", 0, 50);
    for (std::size_t i = 0; i < rs.size(); ++i) {
      const std::string p = at("responsibilities", i);
      if (!rs[i].is_object()) bad(p, "must be an object");
      auto idx = rs[i].find("party");
      if (idx == rs[i].end() || !idx->is_number_integer() || idx->get<long long>() < 0 ||
          idx->get<long long>() >= static_cast<long long>(parties.size()))
        bad(p + ".party", "must be the index of a party (0 to " + std::to_string(parties.size() - 1) + ")");
      responsibilities.push_back({{"party", idx->get<long long>()}, {"text", text(rs[i], "text", p + ".text", 2000)}});
    }
  }
  out["responsibilities"] = responsibilities;
  json terms = json::array();
  const json& ts = list(content, "terms", 1, 100);
  for (std::size_t i = 0; i < ts.size(); ++i) {
    const std::string p = at("terms", i);
    if (!ts[i].is_object()) bad(p, "must be an object");
    // A term may have nothing to perform by a date (waiving further claims): its deadline is empty.
    std::string deadline;
    if (ts[i].contains("deadline") && !(ts[i]["deadline"].is_string() && ts[i]["deadline"].get<std::string>().empty()))
      deadline = text(ts[i], "deadline", p + ".deadline", 10);
    if (!deadline.empty() && !deadlines::parse_date(deadline)) bad(p + ".deadline", "must be a date YYYY-MM-DD");
    terms.push_back({{"text", text(ts[i], "text", p + ".text", 2000)},
                     {"way", text(ts[i], "way", p + ".way", 200)},
                     {"place", text(ts[i], "place", p + ".place", 200)},
                     {"deadline", deadline}});
  }
  out["terms"] = terms;
  json mediators = json::array();
  const json& ms = list(content, "mediators", 1, 20);
  for (std::size_t i = 0; i < ms.size(); ++i) {
    json wrap{{"v", ms[i]}};
    mediators.push_back(text(wrap, "v", at("mediators", i), 100));
  }
  out["mediators"] = mediators;
  out["organisation"] = text(content, "organisation", "organisation", 200);
  return out;
}

std::optional<std::string> first_blank(const json& content) {
  auto blank = [](const json& v) {
    if (!v.is_string()) return false;
    const std::string& s = v.get_ref<const std::string&>();
    // ＿ (U+FF3F), ﹏ (U+FE4F), ‗ (U+2017), and two ASCII underscores (with or without a space).
    for (const char* mark : {"\xEF\xBC\xBF", "\xEF\xB9\x8F", "\xE2\x80\x97", "__", "_ _"})
      if (s.find(mark) != std::string::npos) return true;
    return false;
  };
  const auto list = [&](const char* name, const char* field) -> std::optional<std::string> {
    if (!content.contains(name) || !content[name].is_array()) return std::nullopt;
    for (std::size_t i = 0; i < content[name].size(); ++i) {
      const json& item = content[name][i];
      if (field == nullptr ? blank(item) : item.is_object() && item.contains(field) && blank(item[field]))
        return std::string(name) + "[" + std::to_string(i) + "]" + (field ? std::string(".") + field : "");
    }
    return std::nullopt;
  };
  for (const char* f : {"facts", "organisation"})
    if (content.contains(f) && blank(content[f])) return std::string(f);
  for (auto found : {list("parties", "name"), list("parties", "address"), list("disputes", nullptr), list("responsibilities", "text"),
                     list("terms", "text"), list("terms", "way"), list("terms", "place"), list("mediators", nullptr)})
    if (found) return found;
  return std::nullopt;
}

namespace {

json make_template(std::vector<std::string> disputes, std::vector<json> terms, std::string facts) {
  return {{"parties", {{{"role", "petitioner"}, {"name", ""}}, {{"role", "respondent"}, {"name", ""}}}},
          {"facts", facts},
          {"disputes", disputes},
          {"responsibilities", json::array()},
          {"terms", terms},
          {"mediators", json::array({""})},
          {"organisation", ""}};
}

json term(const char* text, const char* way, const char* place) {
  return {{"text", text}, {"way", way}, {"place", place}, {"deadline", ""}};
}

const std::map<std::string, json>& templates() {
  static const std::map<std::string, json> t{
      {"labour_wages",
       make_template({"拖欠工资数额", "支付期限"},
                     {term("被申请人向申请人支付拖欠工资人民币＿＿元", "银行转账", "申请人指定账户"),
                      term("申请人收到款项后不再就本纠纷主张其他权利", "书面确认", "调解委员会")},
                     "申请人于＿＿年＿＿月至＿＿年＿＿月在被申请人处工作，被申请人拖欠工资＿＿元。")},
      {"family_neighbour",
       make_template({"相邻关系的具体争议"},
                     {term("被申请人于＿＿日前修复＿＿，恢复原状", "自行修复", "争议地点"),
                      term("双方今后互谅互让，和睦相处", "双方遵守", "—")},
                     "双方系邻居，因＿＿发生纠纷。")},
      {"property_management",
       make_template({"物业服务费数额", "服务质量"},
                     {term("业主向物业公司缴纳物业费人民币＿＿元", "银行转账或现金", "物业服务中心"),
                      term("物业公司于＿＿日前整改＿＿问题", "现场整改", "小区")},
                     "申请人系＿＿小区业主，被申请人为该小区物业服务企业。")},
      {"traffic",
       make_template({"事故责任", "赔偿项目和数额"},
                     {term("被申请人赔偿申请人医疗费、误工费等共计人民币＿＿元", "银行转账", "申请人指定账户")},
                     "＿＿年＿＿月＿＿日，双方在＿＿发生交通事故，交警部门认定＿＿。")},
      {"medical",
       make_template({"医疗过错与损害后果", "赔偿数额"},
                     {term("医疗机构一次性补偿患方人民币＿＿元", "银行转账", "患方指定账户"),
                      term("患方收到款项后，双方就本次医疗纠纷再无其他争议", "书面确认", "医调委")},
                     "患者＿＿于＿＿年＿＿月＿＿日在＿＿医院就诊，后发生＿＿。")},
  };
  return t;
}

void diff_into(const json& a, const json& b, const std::string& path, json& out) {
  if (a == b) return;
  if (a.is_object() && b.is_object()) {
    std::vector<std::string> keys;
    for (auto it = a.begin(); it != a.end(); ++it) keys.push_back(it.key());
    for (auto it = b.begin(); it != b.end(); ++it)
      if (!a.contains(it.key())) keys.push_back(it.key());
    for (const auto& k : keys)
      diff_into(a.contains(k) ? a[k] : json(nullptr), b.contains(k) ? b[k] : json(nullptr),
                path.empty() ? k : path + "." + k, out);
    return;
  }
  if (a.is_array() && b.is_array()) {
    for (std::size_t i = 0; i < std::max(a.size(), b.size()); ++i)
      diff_into(i < a.size() ? a[i] : json(nullptr), i < b.size() ? b[i] : json(nullptr), at(path, i), out);
    return;
  }
  out.push_back({{"path", path}, {"from", a}, {"to", b}});
}

}  // namespace

std::vector<std::string> template_categories() {
  std::vector<std::string> out;
  for (const auto& [k, _] : templates()) out.push_back(k);
  return out;
}

std::optional<json> template_for(std::string_view category) {
  auto it = templates().find(std::string(category));
  if (it == templates().end()) return std::nullopt;
  return it->second;
}

json diff(const json& a, const json& b) {
  json out = json::array();
  diff_into(a, b, "", out);
  return out;
}

std::string canonical(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

std::string link_hash(const std::string& prev_hash, std::string_view kind, const std::string& canonical_payload) {
  return token_hash(prev_hash + "\n" + std::string(kind) + "\n" + canonical_payload);
}

verdict verify(const std::vector<chain_entry>& chain) {
  std::string prev = genesis;
  for (std::size_t i = 0; i < chain.size(); ++i) {
    const auto& e = chain[i];
    auto broken = [&](std::string why) {
      return verdict{false, static_cast<int>(i), std::move(why)};
    };
    if (e.prev_hash != prev) return broken("does not link to the previous entry");
    if (link_hash(e.prev_hash, e.kind, e.payload) != e.hash) return broken("its hash does not match its content");
    if (e.source.empty()) return broken("the " + e.kind + " it records is missing");
    if (e.source != e.payload) return broken("the stored " + e.kind + " differs from what was signed into the chain");
    prev = e.hash;
  }
  return {};
}

}  // namespace mediation::app::agreement
