#pragma once
// Where the log lines of server/base/log.hpp go: standard error (the default), or a file named by
// --log-file that is reopened on SIGHUP, so that log rotation can rename it and have the server
// start a new one (logrotate's `create` mode, no copytruncate). With a file, lines at level error
// go to standard error as well, so that a refusal at start shows in `systemctl status`.
// Thread-safe: lines written meanwhile go whole to the old file or to the new one.

#include <initializer_list>
#include <string>
#include <string_view>

#include "server/base/log.hpp"

namespace mediation::log {

// Opens `path` for appending (made with mode 0640 when missing) and sends every line there from
// now on. Returns "" or what failed (the file is then not used).
std::string open_file(const std::string& path);
// Opens the file named by open_file() again (made anew when it was renamed or removed). Returns ""
// or what failed; on failure lines keep going to the file opened before. No-op without a file.
std::string reopen_file();
// The file lines go to ("" for standard error).
std::string file_path();

// One log line as write() formats it (with "ts", "level", "msg", the thread's request id and the
// fields), without the newline: for programs that write it to a stream of their own.
std::string format_line(level l, std::string_view msg, std::initializer_list<field> fields = {});

}  // namespace mediation::log
