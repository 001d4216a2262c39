#pragma once
// The client's address behind a trusted reverse proxy. Pure and thread-safe.

#include <string>
#include <string_view>
#include <vector>

namespace mediation::net {

// The address to attribute a request to. When `peer` (the TCP peer's IP) is one of `trusted`
// and `forwarded_for` (the X-Forwarded-For header) is present, the rightmost entry that is not
// itself a trusted proxy (the address our own proxy saw) if it is a valid IP address; otherwise
// `peer`. A client cannot forge its address through a proxy that appends to the header, and
// the header is ignored from anyone else.
std::string client_address(const std::string& peer, std::string_view forwarded_for,
                           const std::vector<std::string>& trusted);

}  // namespace mediation::net
