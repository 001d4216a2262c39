#include "protocol/parse.hpp"

#include <utility>

namespace mediation::protocol {

namespace {

using parser_fn = request (*)(const json&);

template <class T>
request parse_as(const json& j) {
  return j.get<T>();
}

struct entry {
  std::string_view type;
  parser_fn parse;
};

template <std::size_t... I>
std::vector<entry> make_table(std::index_sequence<I...>) {
  return {entry{std::variant_alternative_t<I, request>::type,
                &parse_as<std::variant_alternative_t<I, request>>}...};
}

const std::vector<entry>& table() {
  static const std::vector<entry> t = make_table(std::make_index_sequence<std::variant_size_v<request>>{});
  return t;
}

}  // namespace

const std::vector<std::string_view>& request_types() {
  static const std::vector<std::string_view> names = [] {
    std::vector<std::string_view> n;
    for (const auto& e : table()) n.push_back(e.type);
    return n;
  }();
  return names;
}

parsed_frame parse_frame(std::string_view text) {
  parsed_frame out{std::nullopt, parse_failure{errc::bad_request, ""}};
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) {
    out.result = parse_failure{errc::bad_request, "the frame is not valid JSON (UTF-8)"};
    return out;
  }
  if (!j.is_object()) {
    out.result = parse_failure{errc::bad_request, "the frame must be a JSON object"};
    return out;
  }
  auto rid = j.find("rid");
  if (rid == j.end() || !rid->is_string()) {
    out.result = parse_failure{errc::bad_request, "field 'rid' is required and must be a string"};
    return out;
  }
  if (rid->get_ref<const std::string&>().size() > limits::rid) {
    out.result = parse_failure{errc::bad_request, "field 'rid' is longer than 128 bytes"};
    return out;
  }
  out.rid = rid->get<std::string>();
  auto type = j.find("type");
  if (type == j.end() || !type->is_string()) {
    out.result = parse_failure{errc::bad_request, "field 'type' is required and must be a string"};
    return out;
  }
  const auto& name = type->get_ref<const std::string&>();
  for (const auto& e : table()) {
    if (e.type != name) continue;
    try {
      out.result = e.parse(j);
    } catch (const error& ex) {
      out.result = parse_failure{ex.code(), ex.what()};
    } catch (const std::exception& ex) {
      out.result = parse_failure{errc::bad_request, ex.what()};
    }
    return out;
  }
  out.result = parse_failure{errc::unknown_type, "unknown request type '" + name.substr(0, 64) + "'"};
  return out;
}

}  // namespace mediation::protocol
