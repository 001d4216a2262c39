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

}  // namespace mediation::protocol
