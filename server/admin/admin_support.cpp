#include "server/admin/admin_support.hpp"

#include <fcntl.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "server/core/credentials.hpp"
#include "server/store/identity_repo.hpp"

namespace mediation::app::admin {

const std::vector<std::string> roles_known{"petition_officer", "leader",  "mediator",  "committee_mediator",
                                           "grid_worker",      "lawyer",  "judicial", "administrator"};

long long to_id(const std::string& what, const std::string& v) {
  if (v.empty() || v.size() > 18 || v.find_first_not_of("0123456789") != std::string::npos)
    throw usage_error(what + " must be a number");
  return std::stoll(v);
}

void one_of(const std::string& what, const std::string& v, const std::vector<std::string>& list) {
  if (std::find(list.begin(), list.end(), v) == list.end()) {
    std::string all;
    for (const auto& x : list) all += (all.empty() ? "" : ", ") + x;
    throw usage_error(what + " must be one of " + all);
  }
}

const std::string& operator_remote() {
  static const std::string remote = [] {
    std::string user;
    if (const passwd* pw = getpwuid(geteuid())) user = pw->pw_name;
    else user = "uid " + std::to_string(geteuid());
    char host[256] = {};
    if (gethostname(host, sizeof host - 1) != 0) std::strcpy(host, "unknown-host");
    std::string r = "mediation-admin " + user + "@" + host;
    // sudo names the person behind root; only believed when running as root, and only a user name's
    // characters are kept, so that the variable cannot write a misleading note into the trail.
    if (const char* sudo = std::getenv("SUDO_USER"); sudo && *sudo && geteuid() == 0 && user != sudo) {
      std::string who;
      for (const char* c = sudo; *c && who.size() < 32; ++c)
        if (std::isalnum(static_cast<unsigned char>(*c)) || *c == '.' || *c == '_' || *c == '-') who += *c;
        else who += '?';
      r += " (sudo by " + who + ")";
    }
    // The audit column is bounded; a long host name is cut rather than refused.
    if (r.size() > 100) r.resize(100);
    return r;
  }();
  return remote;
}

void audit_command(const store::database& db, soci::session& sql, const std::string& action,
                   std::optional<long long> case_id, const std::string& detail) {
  in_transaction(db, sql, [&](store::write_context& ctx) {
    store::audit(ctx, std::nullopt, action, case_id, detail, operator_remote());
    return 0;
  });
}

std::string username_option(const options& o) {
  auto key = normalise_username(o.get("username"));
  if (!key) throw usage_error("--username must be valid UTF-8 and not blank");
  return *key;
}

std::optional<long long> user_by_name(soci::session& sql, const std::string& username_key) {
  auto login = store::find_login(sql, username_key);
  if (!login) return std::nullopt;
  return login->user_id;
}

void write_private_file(const std::string& path, const std::string& content) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) throw std::runtime_error("cannot write " + path + ": " + std::strerror(errno));
  // An existing file keeps its mode through O_CREAT: make it private whatever it was.
  if (fchmod(fd, 0600) != 0) {
    ::close(fd);
    throw std::runtime_error("cannot make " + path + " private: " + std::strerror(errno));
  }
  std::size_t done = 0;
  while (done < content.size()) {
    const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ::close(fd);
      throw std::runtime_error("cannot write " + path + ": " + std::strerror(errno));
    }
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) throw std::runtime_error("cannot write " + path + ": " + std::strerror(errno));
}

}  // namespace mediation::app::admin
