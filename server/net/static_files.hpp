#pragma once
// Static files of the browser client. Pure apart from reading files; thread-safe.

#include <string>

#include "server/net/connection.hpp"

namespace mediation::net {

// The file under `root` that `target` names ("/" is index.html), or a 404/400 reply. Paths with
// ".." segments, backslashes or NUL bytes are refused.
http_reply serve_static(const std::string& root, const std::string& target);
// "text/html; charset=utf-8" and so on, by extension.
std::string mime_type(const std::string& path);

}  // namespace mediation::net
