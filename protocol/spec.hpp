#pragma once
// One declaration per message: each request struct lists its fields once, in a member
//
//   template <class V> void fields(V& v) { v.id("case", case_id); v.text("reason", reason, {.max = limits::note}); }
//
// and everything else is made from that list by three visitors:
//   - field_reader  parses and validates a request object (from_json), throwing protocol::error
//                   {bad_request or too_large} with a message naming the field;
//   - field_writer  serialises it (to_json), for clients, tests and the load generator;
//   - schema_writer writes its JSON Schema (protocol/schema/<type>.json, by protocol/schema_gen.cpp).
// Cross-field rules are declared in the same list (v.required_if, v.only_if, v.together, ...), so
// the parser enforces them and the schema states them. Rules that a schema cannot state stay in the
// message's `validate()` and are described in its `doc`. Pure code; thread-safe.

#include <cstddef>
#include <initializer_list>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "protocol/errors.hpp"

namespace mediation::protocol {

using json = nlohmann::json;
using id_t = long long;
using ojson = nlohmann::ordered_json;  // schemas keep their keys in the declared order

// Number of Unicode code points in valid UTF-8 `s`.
std::size_t utf8_length(std::string_view s) noexcept;

namespace spec {

// Options of a field. A field is required unless `optional` is set; an optional field that is
// absent (or null) keeps the member's default.
struct text_opt {
  std::size_t max = 0;        // code points
  bool optional = false;      // optional text may be empty; required text must not be blank
  errc over = errc::bad_request;  // what a longer text is
  std::string_view doc = {};
};
struct opt {
  bool optional = false;
  std::string_view doc = {};
};
struct int_opt {
  long long min = 0, max = 0;
  bool optional = false;
  std::string_view doc = {};
};
struct list_opt {
  std::size_t min = 0, max = 0;       // entries
  errc over = errc::bad_request;      // what a longer list is
  bool optional = false;
  std::string_view doc = {};
};
// A closed list of values (at most 8): a braced list or a constant array of string_view.
class choices {
 public:
  choices(std::initializer_list<std::string_view> l) { assign(l.begin(), l.end()); }
  template <std::size_t N>
  choices(const std::string_view (&a)[N]) {
    static_assert(N <= capacity);
    assign(a, a + N);
  }
  const std::string_view* begin() const { return values_; }
  const std::string_view* end() const { return values_ + size_; }

 private:
  static constexpr std::size_t capacity = 8;
  void assign(const std::string_view* first, const std::string_view* last) {
    if (last - first > static_cast<std::ptrdiff_t>(capacity)) throw std::logic_error("more than 8 choices");
    for (; first != last; ++first) values_[size_++] = *first;
  }
  std::string_view values_[capacity];
  std::size_t size_ = 0;
};

// Parses the fields of one request object. Each call reads one field into the member.
class field_reader {
 public:
  explicit field_reader(const json& j);

  void text(std::string_view name, std::string& out, text_opt o);
  void text(std::string_view name, std::optional<std::string>& out, text_opt o);
  // A lower-case identifier such as a category or a party role: [a-z][a-z0-9_]{0,31}.
  void code(std::string_view name, std::string& out, opt o = {});
  void code(std::string_view name, std::optional<std::string>& out, opt o = {});
  // A string from a closed list.
  void choice(std::string_view name, std::string& out, choices list, opt o = {});
  void choice(std::string_view name, std::optional<std::string>& out, choices list, opt o = {});
  // An id: a decimal string of a positive 64-bit integer (a positive JSON integer is accepted too).
  void id(std::string_view name, id_t& out, opt o = {});
  void id(std::string_view name, std::optional<id_t>& out, opt o = {});
  void integer(std::string_view name, int& out, int_opt o);
  void integer(std::string_view name, long long& out, int_opt o);
  void integer(std::string_view name, std::optional<int>& out, int_opt o);
  void integer(std::string_view name, std::optional<long long>& out, int_opt o);
  void flag(std::string_view name, bool& out, opt o = {});
  void flag(std::string_view name, std::optional<bool>& out, opt o = {});
  // Any JSON object, kept as it is.
  void object(std::string_view name, json& out, opt o = {});
  // A list of ids; duplicates are dropped.
  void ids(std::string_view name, std::vector<id_t>& out, list_opt o);
  // A list of integers within [lo, hi]; duplicates are dropped.
  void integers(std::string_view name, std::vector<int>& out, long long lo, long long hi, list_opt o);
  // A list of objects, each with its own fields; an error names the entry ("participants[2]: ...").
  template <class T>
  void items(std::string_view name, std::vector<T>& out, list_opt o) {
    const json* list = list_of(name, o);
    if (!list) return;
    out.clear();
    for (std::size_t i = 0; i < list->size(); ++i) {
      try {
        field_reader r((*list)[i]);
        T item;
        item.fields(r);
        if constexpr (requires { item.validate(); }) item.validate();
        out.push_back(std::move(item));
      } catch (const error& e) {
        // The field's path names the entry: "parties[1].id_number".
        const std::string at = std::string(name) + "[" + std::to_string(i) + "]";
        throw error(e.code(), at + ": " + e.what(), e.field().empty() ? at : at + "." + e.field());
      }
    }
  }

  // ---- cross-field rules, declared after the fields they name (each throws when broken) ----
  // `field` is required (and, if text, not blank) when `when` is one of `values`.
  void required_if(std::string_view field, std::string_view when, choices values, std::string_view message = {});
  // ...when `when` is none of `values`.
  void required_unless(std::string_view field, std::string_view when, choices values);
  // ...when `other` is absent.
  void required_without(std::string_view field, std::string_view other);
  // `field` is required when `when` is one of `values` and refused otherwise.
  void only_if(std::string_view field, std::string_view when, choices values, std::string_view message);
  // Both or neither.
  void together(std::string_view a, std::string_view b);
  // Not both.
  void exclusive(std::string_view a, std::string_view b, std::string_view message);

 private:
  const json* find(std::string_view name) const;
  const json* list_of(std::string_view name, const list_opt& o) const;
  std::string read_text(std::string_view name, const json& v, const text_opt& o) const;
  std::string read_choice(std::string_view name, const json& v, choices list) const;
  long long read_integer(std::string_view name, const json& v, long long min, long long max) const;
  bool present(std::string_view name) const { return find(name) != nullptr; }
  bool blank(std::string_view name) const;
  bool value_in(std::string_view name, choices values) const;

  const json& j_;
};

// Serialises the fields of a request (ids as decimal strings; absent optionals left out).
class field_writer {
 public:
  explicit field_writer(json& j) : j_(j) {}
  void text(std::string_view n, const std::string& v, text_opt) { put(n, v); }
  void text(std::string_view n, const std::optional<std::string>& v, text_opt) { put(n, v); }
  void code(std::string_view n, const std::string& v, opt = {}) { put(n, v); }
  void code(std::string_view n, const std::optional<std::string>& v, opt = {}) { put(n, v); }
  void choice(std::string_view n, const std::string& v, choices, opt = {}) { put(n, v); }
  void choice(std::string_view n, const std::optional<std::string>& v, choices, opt = {}) { put(n, v); }
  void id(std::string_view n, const id_t& v, opt = {}) { j_[std::string(n)] = std::to_string(v); }
  void id(std::string_view n, const std::optional<id_t>& v, opt = {}) {
    if (v) j_[std::string(n)] = std::to_string(*v);
  }
  void integer(std::string_view n, const int& v, int_opt) { put(n, v); }
  void integer(std::string_view n, const long long& v, int_opt) { put(n, v); }
  void integer(std::string_view n, const std::optional<int>& v, int_opt) { put(n, v); }
  void integer(std::string_view n, const std::optional<long long>& v, int_opt) { put(n, v); }
  void flag(std::string_view n, const bool& v, opt = {}) { put(n, v); }
  void flag(std::string_view n, const std::optional<bool>& v, opt = {}) { put(n, v); }
  void object(std::string_view n, const json& v, opt = {}) { j_[std::string(n)] = v; }
  void ids(std::string_view n, const std::vector<id_t>& v, list_opt) {
    json a = json::array();
    for (id_t id : v) a.push_back(std::to_string(id));
    j_[std::string(n)] = std::move(a);
  }
  void integers(std::string_view n, const std::vector<int>& v, long long, long long, list_opt) { j_[std::string(n)] = v; }
  template <class T>
  void items(std::string_view n, const std::vector<T>& v, list_opt) {
    json a = json::array();
    for (T item : v) {
      json e = json::object();
      field_writer w(e);
      item.fields(w);
      a.push_back(std::move(e));
    }
    j_[std::string(n)] = std::move(a);
  }
  void required_if(std::string_view, std::string_view, choices, std::string_view = {}) {}
  void required_unless(std::string_view, std::string_view, choices) {}
  void required_without(std::string_view, std::string_view) {}
  void only_if(std::string_view, std::string_view, choices, std::string_view) {}
  void together(std::string_view, std::string_view) {}
  void exclusive(std::string_view, std::string_view, std::string_view) {}

 private:
  template <class T>
  void put(std::string_view n, const T& v) {
    j_[std::string(n)] = v;
  }
  template <class T>
  void put(std::string_view n, const std::optional<T>& v) {
    if (v) j_[std::string(n)] = *v;
  }
  json& j_;
};

// Writes the JSON Schema (draft 2020-12) of a request object's fields.
class schema_writer {
 public:
  schema_writer();
  template <class T>
  void text(std::string_view n, const T& v, text_opt o) { add_text(n, o, is_optional(v)); }
  template <class T>
  void code(std::string_view n, const T& v, opt o = {}) { add_code(n, o, is_optional(v)); }
  template <class T>
  void choice(std::string_view n, const T& v, choices list, opt o = {}) { add_choice(n, list, o, is_optional(v)); }
  template <class T>
  void id(std::string_view n, const T& v, opt o = {}) { add_id(n, o, is_optional(v)); }
  template <class T>
  void integer(std::string_view n, const T& v, int_opt o) { add_integer(n, o, is_optional(v)); }
  template <class T>
  void flag(std::string_view n, const T&, opt o = {}) { add(n, {{"type", "boolean"}}, o.doc, true); }
  void object(std::string_view n, const json&, opt o = {}) { add(n, {{"type", "object"}}, o.doc, o.optional); }
  void ids(std::string_view n, const std::vector<id_t>&, list_opt o);
  void integers(std::string_view n, const std::vector<int>&, long long lo, long long hi, list_opt o);
  template <class T>
  void items(std::string_view n, const std::vector<T>&, list_opt o) {
    schema_writer inner;
    T item{};
    item.fields(inner);
    add_list(n, inner.object_schema(), o);
  }
  void required_if(std::string_view field, std::string_view when, choices values, std::string_view message = {});
  void required_unless(std::string_view field, std::string_view when, choices values);
  void required_without(std::string_view field, std::string_view other);
  void only_if(std::string_view field, std::string_view when, choices values, std::string_view message);
  void together(std::string_view a, std::string_view b);
  void exclusive(std::string_view a, std::string_view b, std::string_view message);

  // {"type": "object", "properties", "required", ...} of the fields seen.
  ojson object_schema() const;
  // The whole schema of a request: the envelope (type, rid) and the fields.
  ojson request_schema(std::string_view type, std::string_view doc) const;

 private:
  template <class T>
  static bool is_optional(const T&) { return false; }
  template <class T>
  static bool is_optional(const std::optional<T>&) { return true; }
  void add(std::string_view n, ojson schema, std::string_view doc, bool optional);
  void add_text(std::string_view n, const text_opt& o, bool optional);
  void add_code(std::string_view n, const opt& o, bool optional);
  void add_choice(std::string_view n, choices list, const opt& o, bool optional);
  void add_id(std::string_view n, const opt& o, bool optional);
  void add_integer(std::string_view n, const int_opt& o, bool optional);
  void add_list(std::string_view n, ojson items, const list_opt& o);
  // A non-blank text where the field is a text (rules that require it).
  ojson required_schema(std::string_view field) const;

  ojson properties_ = ojson::object();
  ojson required_ = ojson::array();
  ojson all_of_ = ojson::array();
  ojson dependent_ = ojson::object();
};

// The id schema: a decimal string, or a positive integer.
ojson id_schema();

}  // namespace spec

// Requests are parsed, serialised and described from their `fields`.
template <class T>
concept declared_message = requires(T& m, spec::field_reader& r) { m.fields(r); };

template <class T>
concept validated = requires(T& m) { m.validate(); };

template <declared_message T>
void from_json(const json& j, T& m) {
  spec::field_reader r(j);
  m.fields(r);
  if constexpr (validated<T>) m.validate();
}

template <declared_message T>
void to_json(json& j, const T& m) {
  j = json::object();
  if constexpr (requires { T::type; }) j["type"] = T::type;
  T copy = m;
  spec::field_writer w(j);
  copy.fields(w);
}

// The JSON Schema of request T (protocol/schema/<type>.json).
template <declared_message T>
ojson schema_of() {
  spec::schema_writer s;
  T m{};
  m.fields(s);
  return s.request_schema(T::type, T::doc);
}

}  // namespace mediation::protocol
