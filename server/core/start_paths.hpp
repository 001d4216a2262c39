#pragma once
// What the server will write is checked before it listens: a folder or file it could not write
// would otherwise fail later, one request at a time (an upload answered 507 while /healthz says
// ok). Each check creates what is missing, then really writes (a probe file created and removed),
// so that permissions, ACLs, a read-only mount and a full inode table are all caught. A refusal
// names the path, the setting it comes from, the user the server runs as, and what to do.
// Run once at start, before other threads; not thread-safe.

#include <string>

#include "server/store/migrations.hpp"

namespace mediation::app {

// A path the server must write is not writable (exit status 3: restarting cannot help).
struct path_refused : store::refused {
  path_refused(const std::string& message, std::string path);
  std::string path;
};

// Makes `folder` (and its parents) when missing and checks that this process can create, write
// and remove a file in it. `what` says what the folder holds ("attachments"), `setting` which flag
// sets it ("--attachments-dir"). Throws path_refused.
void check_writable_folder(const std::string& folder, const std::string& what, const std::string& setting);

// Checks that an existing `file` opens for writing (without changing it). Nothing to check when it
// does not exist. Throws path_refused.
void check_writable_file(const std::string& file, const std::string& what, const std::string& setting);

// The folder the file `path` lives in ("." for a bare file name).
std::string folder_of(const std::string& path);

// Everything the server writes apart from the data key (checked with the key, see main.cpp): the
// attachments folder, the SQLite database's folder and files (when `db_url` is sqlite3://...) and
// the log file (when not ""). Throws path_refused at the first that fails.
void check_start_paths(const std::string& attachments_dir, const std::string& db_url, const std::string& log_file);

}  // namespace mediation::app
