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

// Whether a browser page from `origin` (the Origin header of a WebSocket upgrade) may connect:
// when it is one of `allowed` or the server's own origin, scheme://host with `host` the Host
// header. The scheme is https over TLS terminated here, else `forwarded_proto` (X-Forwarded-Proto
// from a trusted proxy; the caller passes "" otherwise); with neither, http and https both match,
// since a plain connection cannot tell whether a TLS proxy is in front. `forwarded_host`
// (X-Forwarded-Host from a trusted proxy, or "") replaces `host` when present. ASCII case and a
// trailing slash are ignored. Pure.
bool origin_allowed(std::string_view origin, bool tls, std::string_view host, std::string_view forwarded_proto,
                    std::string_view forwarded_host, const std::vector<std::string>& allowed);

}  // namespace mediation::net
