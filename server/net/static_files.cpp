#include "server/net/static_files.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

namespace mediation::net {

std::string mime_type(const std::string& path) {
  auto dot = path.rfind('.');
  std::string ext = dot == std::string::npos ? "" : path.substr(dot + 1);
  if (ext == "html") return "text/html; charset=utf-8";
  if (ext == "js" || ext == "mjs") return "text/javascript; charset=utf-8";
  if (ext == "css") return "text/css; charset=utf-8";
  if (ext == "json") return "application/json; charset=utf-8";
  if (ext == "svg") return "image/svg+xml";
  if (ext == "png") return "image/png";
  if (ext == "ico") return "image/x-icon";
  if (ext == "woff2") return "font/woff2";
  return "application/octet-stream";
}

http_reply serve_static(const std::string& root, const std::string& target) {
  auto not_found = [] { return http_reply{404, "Not found\n", "text/plain; charset=utf-8"}; };
  if (target.empty() || target[0] != '/' || target.find("..") != std::string::npos ||
      target.find('\\') != std::string::npos || target.find('\0') != std::string::npos)
    return http_reply{400, "Bad path\n", "text/plain; charset=utf-8"};
  std::string path = root + (target == "/" ? "/index.html" : target);
  if (path.back() == '/') path += "index.html";
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return not_found();
  std::ifstream in(path, std::ios::binary);
  if (!in) return not_found();
  std::ostringstream buf;
  buf << in.rdbuf();
  if (in.bad()) return not_found();
  return http_reply{200, buf.str(), mime_type(path)};
}

}  // namespace mediation::net
