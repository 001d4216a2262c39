#include "tests/support/mariadb_instance.hpp"

#include <cstdio>
#include <stdexcept>

namespace mediation::test {

namespace {
std::string run(const std::string& cmd, const std::string& what) {
  std::FILE* p = ::popen(cmd.c_str(), "r");
  if (!p) throw std::runtime_error("popen failed");
  std::string out;
  char buf[256];
  while (std::fgets(buf, sizeof buf, p)) out += buf;
  if (::pclose(p) != 0) throw std::runtime_error(what + " failed: " + out);
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return out;
}
}  // namespace

std::string mariadb_instance(const std::string& command, const std::string& dir, const std::string& env) {
  const std::string script = std::string(MEDIATION_SOURCE_DIR) + "/tests/support/mariadb-instance";
  return run((env.empty() ? "" : env + " ") + script + " " + command + " " + dir + " 2>>" + dir + "/instance.log",
             "mariadb-instance " + command + " (see " + dir + "/instance.log)");
}

std::string mariadb_root(const std::string& port, const std::string& sql) {
  std::string quoted;
  for (char c : sql) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return run("mariadb -h127.0.0.1 -P" + port + " -uroot -N -B -e '" + quoted + "' 2>&1", "mariadb " + sql);
}

}  // namespace mediation::test
