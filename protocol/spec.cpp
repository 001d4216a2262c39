#include "protocol/spec.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <stdexcept>

namespace mediation::protocol {

std::size_t utf8_length(std::string_view s) noexcept {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

namespace spec {

namespace {

[[noreturn]] void bad(std::string_view field, std::string_view what) {
  throw error(errc::bad_request, "field '" + std::string(field) + "' " + std::string(what));
}

constexpr std::size_t code_max = 32;  // identifiers: a category, a role, a choice

id_t to_id(std::string_view field, const json& v) {
  if (v.is_number_integer()) {
    // Ids are positive: 0 is refused as a number as it is as a string ("0"), which is what the id
    // is written back as (found by fuzz/parse_frame_fuzz).
    if (v.is_number_unsigned()) {
      const auto u = v.get<unsigned long long>();
      if (u == 0 || u > 9223372036854775807ULL) bad(field, "is not a valid id");
      return static_cast<id_t>(u);
    }
    if (v.get<long long>() > 0) return v.get<long long>();
    bad(field, "is not a valid id");
  }
  if (!v.is_string()) bad(field, "must be an id (a string of digits)");
  const auto& s = v.get_ref<const std::string&>();
  id_t out = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  if (s.empty() || s.size() > 19 || ec != std::errc{} || p != s.data() + s.size() || out <= 0)
    bad(field, "is not a valid id");
  return out;
}

// White space as JSON Schema patterns (ECMA-262 \\s) see it, so that the parser and the schemas agree:
// a reason of ideographic spaces (U+3000) is as blank as one of ASCII spaces.
bool is_space(char32_t c) {
  return (c >= 0x09 && c <= 0x0D) || c == 0x20 || c == 0xA0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200A) ||
         c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000 || c == 0xFEFF;
}

bool is_blank(const std::string& s) {
  for (std::size_t i = 0; i < s.size();) {
    const auto b = static_cast<unsigned char>(s[i]);
    const std::size_t n = b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
    if (i + n > s.size()) return false;
    char32_t c = n == 1 ? b : n == 2 ? (b & 0x1F) : n == 3 ? (b & 0x0F) : (b & 0x07);
    for (std::size_t k = 1; k < n; ++k) c = (c << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    if (!is_space(c)) return false;
    i += n;
  }
  return true;
}

std::string join(choices list) {
  std::string all;
  for (auto c : list) all += (all.empty() ? "" : ", ") + std::string(c);
  return all;
}

}  // namespace

// ---- field_reader ------------------------------------------------------------------------------

field_reader::field_reader(const json& j) : j_(j) {
  if (!j.is_object()) throw error(errc::bad_request, "a request must be a JSON object");
}

const json* field_reader::find(std::string_view name) const {
  auto it = j_.find(name);
  if (it == j_.end() || it->is_null()) return nullptr;
  return &*it;
}

std::string field_reader::read_text(std::string_view name, const json& v, const text_opt& o) const {
  if (!v.is_string()) bad(name, "must be a string");
  const auto& s = v.get_ref<const std::string&>();
  if (!o.optional && is_blank(s)) bad(name, "must not be empty");
  if (utf8_length(s) > o.max)
    throw error(o.over, "field '" + std::string(name) + "' is longer than " + std::to_string(o.max) + " characters");
  return s;
}

void field_reader::text(std::string_view name, std::string& out, text_opt o) {
  const json* v = find(name);
  if (!v) {
    if (!o.optional) bad(name, "is required");
    return;
  }
  out = read_text(name, *v, o);
}

void field_reader::text(std::string_view name, std::optional<std::string>& out, text_opt o) {
  const json* v = find(name);
  if (!v) return out.reset();
  o.optional = true;  // an optional text may be empty
  out = read_text(name, *v, o);
}

void field_reader::code(std::string_view name, std::string& out, opt o) {
  const json* v = find(name);
  if (!v) {
    if (!o.optional) bad(name, "is required");
    return;
  }
  std::string s = read_text(name, *v, {.max = code_max});
  bool ok = !s.empty() && s[0] >= 'a' && s[0] <= 'z' && std::all_of(s.begin(), s.end(), [](char c) {
              return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
            });
  if (!ok) bad(name, "must be a lower-case identifier such as \"labour_wages\"");
  out = std::move(s);
}

void field_reader::code(std::string_view name, std::optional<std::string>& out, opt o) {
  if (!find(name)) return out.reset();
  std::string s;
  o.optional = false;
  code(name, s, o);
  out = std::move(s);
}

std::string field_reader::read_choice(std::string_view name, const json& v, choices list) const {
  std::string s = read_text(name, v, {.max = code_max});
  if (std::find(list.begin(), list.end(), s) == list.end()) bad(name, "must be one of " + join(list));
  return s;
}

void field_reader::choice(std::string_view name, std::string& out, choices list, opt o) {
  const json* v = find(name);
  if (!v) {
    if (!o.optional) bad(name, "is required");
    return;
  }
  out = read_choice(name, *v, list);
}

void field_reader::choice(std::string_view name, std::optional<std::string>& out, choices list, opt) {
  const json* v = find(name);
  if (!v) return out.reset();
  out = read_choice(name, *v, list);
}

void field_reader::id(std::string_view name, id_t& out, opt o) {
  const json* v = find(name);
  if (!v) {
    if (!o.optional) bad(name, "is required");
    return;
  }
  out = to_id(name, *v);
}

void field_reader::id(std::string_view name, std::optional<id_t>& out, opt) {
  const json* v = find(name);
  if (!v) return out.reset();
  out = to_id(name, *v);
}

long long field_reader::read_integer(std::string_view name, const json& v, long long min, long long max) const {
  if (!v.is_number_integer()) bad(name, "must be an integer");
  long long n = v.is_number_unsigned() && v.get<unsigned long long>() > 9007199254740991ULL ? max + 1 : v.get<long long>();
  if (n < min || n > max) bad(name, "must be between " + std::to_string(min) + " and " + std::to_string(max));
  return n;
}

void field_reader::integer(std::string_view name, long long& out, int_opt o) {
  const json* v = find(name);
  if (!v) {
    if (!o.optional) bad(name, "is required");
    return;
  }
  out = read_integer(name, *v, o.min, o.max);
}

void field_reader::integer(std::string_view name, int& out, int_opt o) {
  long long n = out;
  integer(name, n, o);
  out = static_cast<int>(n);
}

void field_reader::integer(std::string_view name, std::optional<long long>& out, int_opt o) {
  const json* v = find(name);
  if (!v) return out.reset();
  out = read_integer(name, *v, o.min, o.max);
}

void field_reader::integer(std::string_view name, std::optional<int>& out, int_opt o) {
  std::optional<long long> n;
  integer(name, n, o);
  if (n) out = static_cast<int>(*n);
  else out.reset();
}

void field_reader::flag(std::string_view name, bool& out, opt) {
  const json* v = find(name);
  if (!v) return;
  if (!v->is_boolean()) bad(name, "must be true or false");
  out = v->get<bool>();
}

void field_reader::flag(std::string_view name, std::optional<bool>& out, opt) {
  const json* v = find(name);
  if (!v) return out.reset();
  if (!v->is_boolean()) bad(name, "must be true or false");
  out = v->get<bool>();
}

void field_reader::object(std::string_view name, json& out, opt o) {
  const json* v = find(name);
  if (!v) {
    if (!o.optional) bad(name, "is required and must be an object");
    return;
  }
  if (!v->is_object()) bad(name, "must be an object");
  out = *v;
}

const json* field_reader::list_of(std::string_view name, const list_opt& o) const {
  const json* v = find(name);
  if (!v) {
    if (!o.optional) bad(name, o.min > 0 ? "must be a non-empty list" : "is required");
    return nullptr;
  }
  if (!v->is_array()) bad(name, "must be a list");
  if (v->size() < o.min) bad(name, o.min == 1 ? "must be a non-empty list" : "has too few entries");
  if (o.max && v->size() > o.max)
    throw error(o.over, "field '" + std::string(name) + "' has more than " + std::to_string(o.max) + " entries");
  return v;
}

void field_reader::ids(std::string_view name, std::vector<id_t>& out, list_opt o) {
  const json* list = list_of(name, o);
  if (!list) return;
  out.clear();
  for (std::size_t i = 0; i < list->size(); ++i) {
    id_t id = to_id(std::string(name) + "[" + std::to_string(i) + "]", (*list)[i]);
    if (std::find(out.begin(), out.end(), id) == out.end()) out.push_back(id);
  }
}

void field_reader::integers(std::string_view name, std::vector<int>& out, long long lo, long long hi, list_opt o) {
  const json* list = list_of(name, o);
  if (!list) return;
  out.clear();
  for (std::size_t i = 0; i < list->size(); ++i) {
    int n = static_cast<int>(read_integer(std::string(name) + "[" + std::to_string(i) + "]", (*list)[i], lo, hi));
    if (std::find(out.begin(), out.end(), n) == out.end()) out.push_back(n);
  }
}

bool field_reader::blank(std::string_view name) const {
  const json* v = find(name);
  return v && v->is_string() && is_blank(v->get_ref<const std::string&>());
}

bool field_reader::value_in(std::string_view name, choices values) const {
  const json* v = find(name);
  return v && v->is_string() &&
         std::find(values.begin(), values.end(), v->get_ref<const std::string&>()) != values.end();
}

void field_reader::required_if(std::string_view field, std::string_view when, choices values, std::string_view message) {
  if (!value_in(when, values)) return;
  if (!present(field)) bad(field, message.empty() ? "is required" : message);
  if (blank(field)) bad(field, "must not be empty");
}

void field_reader::required_unless(std::string_view field, std::string_view when, choices values) {
  if (!present(when) || value_in(when, values)) return;
  if (!present(field)) bad(field, "is required");
  if (blank(field)) bad(field, "must not be empty");
}

void field_reader::required_without(std::string_view field, std::string_view other) {
  if (present(other)) return;
  if (!present(field)) bad(field, "is required");
  if (blank(field)) bad(field, "must not be empty");
}

void field_reader::only_if(std::string_view field, std::string_view when, choices values, std::string_view message) {
  if (value_in(when, values)) return required_if(field, when, values);
  if (present(field)) bad(field, message);
}

void field_reader::together(std::string_view a, std::string_view b) {
  if (present(a) != present(b)) bad(b, "and '" + std::string(a) + "' go together");
}

void field_reader::exclusive(std::string_view a, std::string_view b, std::string_view message) {
  if (present(a) && present(b)) bad(b, message);
}

// ---- schema_writer -----------------------------------------------------------------------------

ojson id_schema() {
  return {{"oneOf",
           {{{"type", "string"},
             {"pattern", "^(?=[0-9]{1,19}$)0*[1-9][0-9]*$"},
             {"description", "An id: a decimal string of a positive 64-bit integer (a positive JSON integer is also "
                             "accepted on input)."}},
            {{"type", "integer"}, {"minimum", 1}, {"maximum", 9223372036854775807LL}}}}};
}

schema_writer::schema_writer() = default;

void schema_writer::add(std::string_view n, ojson schema, std::string_view doc, bool optional) {
  // The parser reads null as absent: an optional field may be null.
  if (optional) {
    if (schema.contains("type")) schema["type"] = {schema["type"], "null"};
    else if (schema.contains("enum")) schema["enum"].push_back(nullptr);
    else if (schema.contains("oneOf")) schema["oneOf"].push_back({{"type", "null"}});
  }
  if (!doc.empty()) schema["description"] = doc;
  properties_[std::string(n)] = std::move(schema);
  if (!optional) required_.push_back(n);
}

void schema_writer::add_text(std::string_view n, const text_opt& o, bool optional) {
  if (o.max == 0) throw std::logic_error("field '" + std::string(n) + "' declares no .max");
  ojson s = {{"type", "string"}, {"maxLength", o.max}};
  const bool required = !(optional || o.optional);
  if (required) s["pattern"] = "\\S";  // not blank
  add(n, std::move(s), o.doc, !required);
}

void schema_writer::add_code(std::string_view n, const opt& o, bool optional) {
  add(n, {{"type", "string"}, {"pattern", "^[a-z][a-z0-9_]{0,31}$"}}, o.doc, optional || o.optional);
}

void schema_writer::add_choice(std::string_view n, choices list, const opt& o, bool optional) {
  ojson values = ojson::array();
  for (auto c : list) values.push_back(c);
  add(n, {{"enum", values}}, o.doc, optional || o.optional);
}

void schema_writer::add_id(std::string_view n, const opt& o, bool optional) { add(n, id_schema(), o.doc, optional || o.optional); }

void schema_writer::add_integer(std::string_view n, const int_opt& o, bool optional) {
  add(n, {{"type", "integer"}, {"minimum", o.min}, {"maximum", o.max}}, o.doc, optional || o.optional);
}

void schema_writer::add_list(std::string_view n, ojson items, const list_opt& o) {
  ojson s = {{"type", "array"}, {"items", std::move(items)}};
  if (o.min) s["minItems"] = o.min;
  if (o.max) s["maxItems"] = o.max;
  add(n, std::move(s), o.doc, o.optional);
}

void schema_writer::ids(std::string_view n, const std::vector<id_t>&, list_opt o) { add_list(n, id_schema(), o); }

void schema_writer::integers(std::string_view n, const std::vector<int>&, long long lo, long long hi, list_opt o) {
  add_list(n, {{"type", "integer"}, {"minimum", lo}, {"maximum", hi}}, o);
}

ojson schema_writer::required_schema(std::string_view field) const {
  ojson then = {{"required", {field}}};
  auto it = properties_.find(std::string(field));
  auto is_text = [](const ojson& p) {
    auto t = p.find("type");
    if (t == p.end()) return false;
    if (t->is_string()) return *t == "string";
    return std::find(t->begin(), t->end(), "string") != t->end();
  };
  if (it != properties_.end() && is_text(*it) && !it->contains("enum"))
    then["properties"] = {{std::string(field), {{"pattern", "\\S"}}}};
  return then;
}

namespace {
ojson when_in(std::string_view when, choices values) {
  ojson list = ojson::array();
  for (auto v : values) list.push_back(v);
  return {{"properties", {{std::string(when), {{"enum", list}}}}}, {"required", {when}}};
}
}  // namespace

void schema_writer::required_if(std::string_view field, std::string_view when, choices values, std::string_view) {
  all_of_.push_back({{"if", when_in(when, values)}, {"then", required_schema(field)}});
}

void schema_writer::required_unless(std::string_view field, std::string_view when, choices values) {
  all_of_.push_back({{"if", when_in(when, values)}, {"else", required_schema(field)}});
}

void schema_writer::required_without(std::string_view field, std::string_view other) {
  all_of_.push_back({{"if", {{"not", {{"required", {other}}}}}}, {"then", required_schema(field)}});
}

void schema_writer::only_if(std::string_view field, std::string_view when, choices values, std::string_view) {
  all_of_.push_back({{"if", when_in(when, values)},
                     {"then", required_schema(field)},
                     {"else", {{"not", {{"required", {field}}}}}}});
}

void schema_writer::together(std::string_view a, std::string_view b) {
  dependent_[std::string(a)] = {b};
  dependent_[std::string(b)] = {a};
}

void schema_writer::exclusive(std::string_view a, std::string_view b, std::string_view) {
  all_of_.push_back({{"not", {{"required", {a, b}}}}});
}

ojson schema_writer::object_schema() const {
  ojson s = {{"type", "object"}, {"properties", properties_}};
  if (!required_.empty()) s["required"] = required_;
  if (!dependent_.empty()) s["dependentRequired"] = dependent_;
  if (!all_of_.empty()) s["allOf"] = all_of_;
  return s;
}

ojson schema_writer::request_schema(std::string_view type, std::string_view doc) const {
  ojson properties = {{"type", {{"const", type}}},
                      {"rid", {{"type", "string"}, {"maxLength", 128}, {"description", "Chosen by the client, echoed in the reply."}}}};
  for (const auto& [k, v] : properties_.items()) properties[k] = v;
  ojson required = {"type", "rid"};
  for (const auto& r : required_) required.push_back(r);
  ojson s = {{"$schema", "https://json-schema.org/draft/2020-12/schema"},
             {"$id", "https://mediation.network/protocol/v1/" + std::string(type) + ".json"},
             {"title", type},
             {"description", doc},
             {"type", "object"},
             {"properties", std::move(properties)},
             {"required", std::move(required)}};
  if (!dependent_.empty()) s["dependentRequired"] = dependent_;
  if (!all_of_.empty()) s["allOf"] = all_of_;
  s["additionalProperties"] = true;
  return s;
}

}  // namespace spec
}  // namespace mediation::protocol
