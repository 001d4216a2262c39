#pragma once
// mediation-admin: the operators' command line. Creates organisations and users, resets passwords,
// revokes sessions, lists and exports a case's complete file (卷宗), runs migrations. Works on the
// same database as a running server (SQLite waits for its locks; MySQL as usual); every change is
// audited with the remote "mediation-admin".

#include <iosfwd>
#include <string>
#include <vector>

namespace mediation::app::admin {

// Runs one command; `args` excludes the program name. Output goes to `out`, errors to `err`.
// Returns the process exit status: 0 done, 1 failed (the database said no), 2 bad usage.
// `read_password` supplies a new password (standard input in production).
int run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err, std::istream& in);

std::string usage();

}  // namespace mediation::app::admin
