#include "server/net/forwarded.hpp"

#include <algorithm>
#include <cctype>

#include <boost/asio/ip/address.hpp>

namespace mediation::net {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Lower case, without surrounding blanks and a trailing slash.
std::string normal_origin(std::string_view s) {
  s = trim(s);
  if (!s.empty() && s.back() == '/') s.remove_suffix(1);
  std::string out(s);
  for (auto& ch : out) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return out;
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

bool origin_allowed(std::string_view origin, bool tls, std::string_view host, std::string_view forwarded_proto,
                    std::string_view forwarded_host, const std::vector<std::string>& allowed) {
  const std::string o = normal_origin(origin);
  for (const auto& a : allowed)
    if (normal_origin(a) == o) return true;
  // X-Forwarded-Host may list several hosts (proxies in a chain): the first is the client's.
  std::string_view h = trim(forwarded_host.substr(0, forwarded_host.find(',')));
  if (h.empty()) h = trim(host);
  if (h.empty()) return false;
  const std::string own_host = normal_origin(h);
  std::string_view proto = tls ? "https" : trim(forwarded_proto.substr(0, forwarded_proto.find(',')));
  if (!proto.empty()) return o == normal_origin(proto) + "://" + own_host;
  return o == "http://" + own_host || o == "https://" + own_host;
}

}  // namespace mediation::net
