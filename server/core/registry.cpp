#include "server/core/registry.hpp"

#include <stdexcept>

namespace mediation::app {

void registry::add_verb(std::string_view type, verb_entry entry) {
  if (!verbs_.emplace(std::string(type), std::move(entry)).second)
    throw std::logic_error("verb registered twice: " + std::string(type));
}

const registry::verb_entry* registry::find_verb(std::string_view type) const {
  auto it = verbs_.find(type);
  return it == verbs_.end() ? nullptr : &it->second;
}

std::vector<std::string> registry::verb_types() const {
  std::vector<std::string> out;
  for (const auto& [type, _] : verbs_) out.push_back(type);
  return out;
}

}  // namespace mediation::app
