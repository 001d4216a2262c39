#pragma once
// Backups that can be trusted, in mediation-admin.
//
// `backup --out DIR --key-out FILE` writes one folder (mode 0700, every file 0600):
//   manifest.json     release, schema version, backend, when and by whom, the data key's fingerprint,
//                     the SHA-256 and size of the database file, the attachments counted
//   database.sql      MariaDB: mariadb-dump --single-transaction (a consistent snapshot without
//                     locking), definers removed so that it loads as any user with the guide's grants
//   database.sqlite   SQLite: VACUUM INTO (a consistent copy of the live database)
//   attachments/      the attachment files, copied after the dump (files are written before the rows
//                     that name them, so every file the dump names is there)
//   config.json       the configuration file given with --config, when given
// and the data key to FILE, which must lie outside DIR: a backup that leaks must not carry its own key.
//
// `restore --from DIR --data-key-file KEY` loads such a folder into the empty database of --db and the
// attachments folder, after checking that KEY is the backup's key and the database file is intact,
// then runs `verify`. `verify` checks a database against its key: the schema version, the recorded
// fingerprint, every agreement's hash chain, every sealed number opened, every attachment file present
// with its hash. Restore and verify fail (exit status 1) on any problem, saying which.

#include <iosfwd>
#include <string>

#include "server/admin/admin_support.hpp"

namespace mediation::app::admin {

int backup(const store::database& db, soci::session& sql, const std::string& url, const options& o, std::ostream& out);
// Restore runs before the target database is opened by the command line (a SQLite target is made
// from the backup's file); it opens it itself.
int restore(const std::string& url, const options& o, std::ostream& out);
int verify(const store::database& db, soci::session& sql, const options& o, std::ostream& out);

}  // namespace mediation::app::admin
