#include "server/net/forwarded.hpp"

#include <algorithm>

#include <boost/asio/ip/address.hpp>

namespace mediation::net {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool is_trusted(const std::string& ip, const std::vector<std::string>& trusted) {
  return std::find(trusted.begin(), trusted.end(), ip) != trusted.end();
}

}  // namespace

std::string client_address(const std::string& peer, std::string_view forwarded_for,
                           const std::vector<std::string>& trusted) {
  if (forwarded_for.empty() || !is_trusted(peer, trusted)) return peer;
  // Walk from the right: entries appended by our own trusted proxies are skipped.
  std::string_view rest = forwarded_for;
  while (!rest.empty()) {
    auto comma = rest.rfind(',');
    std::string_view entry = trim(comma == std::string_view::npos ? rest : rest.substr(comma + 1));
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(0, comma);
    boost::system::error_code ec;
    auto address = boost::asio::ip::make_address(std::string(entry), ec);
    if (ec) return peer;  // malformed: do not guess
    std::string ip = address.to_string();
    if (!is_trusted(ip, trusted)) return ip;
  }
  return peer;
}

}  // namespace mediation::net
