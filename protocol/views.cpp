#include <algorithm>

#include "protocol/messages/common.hpp"
#include "protocol/messages/meetings.hpp"

namespace mediation::protocol {

std::string id_to_wire(id_t id) { return std::to_string(id); }

void to_json(json& j, const org_view& v) {
  j = json{{"id", id_to_wire(v.id)}, {"name", v.name},   {"name_en", v.name_en},
           {"kind", v.kind},         {"level", v.level}, {"parent", nullptr}};
  if (v.parent) j["parent"] = id_to_wire(*v.parent);
}
void to_json(json& j, const user_view& v) {
  j = json{{"id", id_to_wire(v.id)}, {"username", v.username}, {"name", v.name},
           {"role", v.role},         {"org", v.org}};
}
void to_json(json& j, const person_ref& v) { j = json{{"id", id_to_wire(v.id)}, {"name", v.name}}; }
void to_json(json& j, const handler_view& v) {
  j = json{{"org", v.org}, {"status", v.status}, {"note", v.note}, {"due", nullptr}};
  if (v.due) j["due"] = *v.due;
  if (v.reason) j["reason"] = *v.reason;
}
void to_json(json& j, const case_view& v) {
  j = json{{"id", id_to_wire(v.id)},
           {"number", v.number},
           {"thread", id_to_wire(v.thread)},
           {"parties_thread", v.parties_thread ? json(id_to_wire(v.parties_thread)) : json(nullptr)},
           {"status", v.status},
           {"title", v.title},
           {"category", v.category},
           {"channel", v.channel},
           {"description", v.description},
           {"org", v.org},
           {"parties", v.parties},
           {"handlers", v.handlers},
           {"first_handler", nullptr},
           {"created_by", v.created_by},
           {"created_at", v.created_at}};
  if (v.first_handler) j["first_handler"] = *v.first_handler;
  for (auto it = v.workflow.begin(); it != v.workflow.end(); ++it) j[it.key()] = it.value();
}
void to_json(json& j, const event_view& v) {
  j = json{{"type", "event"}, {"thread", id_to_wire(v.thread)}};
  if (v.seq) j["seq"] = *v.seq;
  j["kind"] = v.kind;
  j["at"] = v.at;
  j["author"] = v.author;
  j["data"] = v.data;
}
void to_json(json& j, const read_marker_view& v) {
  j = json{{"user", v.user}, {"seq", v.seq}, {"at", v.at}};
}
void from_json(const json& j, event_view& v) {
  spec::field_reader r(j);
  r.id("thread", v.thread);
  r.integer("seq", v.seq, {.min = 1, .max = max_seq});
  r.text("kind", v.kind, {.max = limits::code});
  r.text("at", v.at, {.max = limits::when});
  json author;
  r.object("author", author);
  spec::field_reader a(author);
  a.id("id", v.author.id);
  a.text("name", v.author.name, {.max = limits::name, .optional = true});
  auto d = j.find("data");
  v.data = d != j.end() && !d->is_null() ? *d : json::object();
}

void meeting_signal_request::validate() const {
  const json* kind = signal.contains("kind") ? &signal["kind"] : nullptr;
  static constexpr std::string_view kinds[] = {"offer", "answer", "candidate", "hangup"};
  if (!kind || !kind->is_string() ||
      std::find(std::begin(kinds), std::end(kinds), kind->get<std::string>()) == std::end(kinds))
    throw error(errc::bad_request, "field 'signal.kind' must be offer, answer, candidate or hangup");
  if (signal.dump().size() > 64 * 1024) throw error(errc::too_large, "field 'signal' is larger than 64 KiB");
}

}  // namespace mediation::protocol
