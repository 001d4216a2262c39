#include "protocol/errors.hpp"

#include <array>
#include <utility>

namespace mediation::protocol {

namespace {
constexpr std::array<std::pair<errc, std::string_view>, 9> names{{
    {errc::bad_request, "bad_request"},
    {errc::unknown_type, "unknown_type"},
    {errc::unauthenticated, "unauthenticated"},
    {errc::forbidden, "forbidden"},
    {errc::not_found, "not_found"},
    {errc::conflict, "conflict"},
    {errc::too_large, "too_large"},
    {errc::rate_limited, "rate_limited"},
    {errc::internal, "internal"},
}};
}  // namespace

std::string_view to_string(errc code) noexcept {
  for (const auto& [c, n] : names)
    if (c == code) return n;
  return "internal";
}

std::optional<errc> errc_from_string(std::string_view name) noexcept {
  for (const auto& [c, n] : names)
    if (n == name) return c;
  return std::nullopt;
}

error::error(errc code, std::string message, std::string field)
    : std::runtime_error(std::move(message)), code_(code), field_(std::move(field)) {
  if (!field_.empty()) return;
  const std::string_view m = what();
  constexpr std::string_view prefix = "field '";
  if (m.substr(0, prefix.size()) != prefix) return;
  const auto end = m.find('\'', prefix.size());
  if (end != std::string_view::npos && end > prefix.size()) field_ = std::string(m.substr(prefix.size(), end - prefix.size()));
}

}  // namespace mediation::protocol
