#include "server/core/start_paths.hpp"

#include <fcntl.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>

#include "server/base/log.hpp"

namespace mediation::app {

namespace {

// "uid 1001 (mediation)": who must be able to write, for the refusal's advice.
std::string this_user() {
  const uid_t uid = ::geteuid();
  std::string who = "uid " + std::to_string(uid);
  if (const passwd* pw = ::getpwuid(uid)) who += " (" + std::string(pw->pw_name) + ")";
  return who;
}

std::string user_name() {
  if (const passwd* pw = ::getpwuid(::geteuid())) return pw->pw_name;
  return std::to_string(::geteuid());
}

[[noreturn]] void refuse(const std::string& path, const std::string& what, const std::string& setting,
                         const std::string& problem, bool folder) {
  const std::string owner = user_name();
  std::error_code ec;
  const bool exists = std::filesystem::exists(path, ec);
  std::string advice = !exists ? "Create it for the service user (install -d -o " + owner + " -m 750 '" + path + "')"
                       : folder ? "Give it to the service user (chown -R " + owner + " '" + path + "'; chmod u+rwx)"
                                : "Give the file to the service user (chown " + owner + " '" + path + "'; chmod u+rw)";
  throw path_refused("cannot write the " + what + " " + (folder ? "folder" : "file") + " '" + path + "' (" + setting +
                         "): " + problem + "; the server runs as " + this_user() + ". " + advice +
                         ", or choose another path with " + setting +
                         " or --data-dir (docs/operations.md, \"Files and folders\"). Nothing was started",
                     path);
}

}  // namespace

path_refused::path_refused(const std::string& message, std::string p) : store::refused(message), path(std::move(p)) {}

std::string folder_of(const std::string& path) {
  auto parent = std::filesystem::path(path).parent_path();
  return parent.empty() ? "." : parent.string();
}

void check_writable_folder(const std::string& folder, const std::string& what, const std::string& setting) {
  std::error_code ec;
  std::filesystem::create_directories(folder, ec);
  if (ec) refuse(folder, what, setting, "it cannot be created: " + ec.message(), true);
  struct stat st {};
  if (::stat(folder.c_str(), &st) != 0) refuse(folder, what, setting, std::strerror(errno), true);
  if (!S_ISDIR(st.st_mode)) refuse(folder, what, setting, "it is not a folder", true);
  // A real write, not access(2): root passes access() on a read-only mount, ACLs and quotas differ.
  const std::string probe = (std::filesystem::path(folder) / (".write-check." + std::to_string(::getpid()))).string();
  int fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) refuse(folder, what, setting, std::string(std::strerror(errno)), true);
  const bool wrote = ::write(fd, "x", 1) == 1;
  const int write_errno = errno;
  ::close(fd);
  ::unlink(probe.c_str());
  if (!wrote) refuse(folder, what, setting, std::string(std::strerror(write_errno)), true);
  log::debug("writable", {{"path", folder}, {"what", what}});
}

void check_writable_file(const std::string& file, const std::string& what, const std::string& setting) {
  struct stat st {};
  if (::stat(file.c_str(), &st) != 0) return;  // made when needed, in a folder checked apart
  if (S_ISDIR(st.st_mode)) refuse(file, what, setting, "it is a folder", false);
  int fd = ::open(file.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
  if (fd < 0) refuse(file, what, setting, std::string(std::strerror(errno)), false);
  ::close(fd);
}

void check_start_paths(const std::string& attachments_dir, const std::string& db_url, const std::string& log_file) {
  if (!log_file.empty()) {
    check_writable_folder(folder_of(log_file), "log", "--log-file");
    check_writable_file(log_file, "log", "--log-file");
  }
  if (db_url.rfind("sqlite3://", 0) == 0) {
    // SQLite writes beside its file too (the -wal and -shm files of WAL mode).
    std::string file;
    if (auto pos = db_url.find("db="); pos != std::string::npos) {
      const auto end = db_url.find(' ', pos);
      file = db_url.substr(pos + 3, end == std::string::npos ? std::string::npos : end - pos - 3);
    }
    if (!file.empty()) {
      check_writable_folder(folder_of(file), "database", "--db");
      for (const char* suffix : {"", "-wal", "-shm"}) check_writable_file(file + suffix, "database", "--db");
    }
  }
  check_writable_folder(attachments_dir, "attachments", "--attachments-dir");
  // Files land in 256 sub-folders named by the first two digits of their hash; one made by
  // another user (a restore run as root) would fail only the uploads whose hash starts there.
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(attachments_dir, ec)) {
    const auto name = entry.path().filename().string();
    if (name.size() != 2 || !entry.is_directory(ec)) continue;
    if (::faccessat(AT_FDCWD, entry.path().c_str(), W_OK | X_OK, AT_EACCESS) != 0)
      refuse(entry.path().string(), "attachments", "--attachments-dir", std::strerror(errno), true);
  }
}

}  // namespace mediation::app
