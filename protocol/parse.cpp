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

envelope parse_envelope(std::string_view text) {
  envelope out;
  out.frame = json::parse(text, nullptr, /*allow_exceptions=*/false);
  auto fail = [&](std::string message) {
    out.failure = parse_failure{errc::bad_request, std::move(message)};
    return std::move(out);
  };
  if (out.frame.is_discarded()) return fail("the frame is not valid JSON (UTF-8)");
  if (!out.frame.is_object()) return fail("the frame must be a JSON object");
  auto rid = out.frame.find("rid");
  if (rid == out.frame.end() || !rid->is_string()) return fail("field 'rid' is required and must be a string");
  if (rid->get_ref<const std::string&>().size() > limits::rid) return fail("field 'rid' is longer than 128 bytes");
  out.rid = rid->get<std::string>();
  auto type = out.frame.find("type");
  if (type == out.frame.end() || !type->is_string()) return fail("field 'type' is required and must be a string");
  out.type = type->get<std::string>();
  return out;
}

parsed_frame parse_frame(std::string_view text) {
  parsed_frame out{std::nullopt, parse_failure{errc::bad_request, ""}};
  auto env = parse_envelope(text);
  out.rid = env.rid;
  if (env.failure) {
    out.result = *env.failure;
    return out;
  }
  for (const auto& e : table()) {
    if (e.type != env.type) continue;
    try {
      out.result = e.parse(env.frame);
    } catch (const error& ex) {
      out.result = parse_failure{ex.code(), ex.what()};
    } catch (const std::exception& ex) {
      out.result = parse_failure{errc::bad_request, ex.what()};
    }
    return out;
  }
  out.result = parse_failure{errc::unknown_type, "unknown request type '" + env.type.substr(0, 64) + "'"};
  return out;
}

}  // namespace mediation::protocol
