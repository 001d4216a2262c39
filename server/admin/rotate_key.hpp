#pragma once
// mediation-admin rotate-key: every ID and phone number re-sealed under a new data key.
//
//   rotate-key --data-key-file OLD --new-key-file NEW [--wait-seconds 10]
//
// 1. Checks that OLD is the database's key, makes NEW (mode 0600) unless it exists, and records the
//    rotation ("<old fingerprint> -> <new fingerprint>", setting data_key_rotation). From then on no
//    server starts (data_key.hpp), and running servers stop within a second or so (session_watch):
//    none may seal another number under OLD. It waits --wait-seconds for their drain to end.
// 2. Re-seals in batches of 500 rows, one transaction each: parties' numbers (case_parties), guests'
//    phones (meeting_participants), the petitioner keys of repeat petitions (a keyed hash, recomputed
//    from the opened numbers), and each agreement version's numbers into agreement_version_seals (the
//    versions themselves are insert-only and their hash chain covers the stored text). A value that
//    opens under NEW is left as it is, so the passes repeat until one changes nothing.
// 3. Records NEW's fingerprint and ends the rotation, in one transaction.
// Interrupted anywhere (a crash, kill -9, the database gone), it is run again with the same two files
// and resumes; until it finishes, both key files are needed and kept readable by their fingerprints.

#include <iosfwd>
#include <string>

#include "server/admin/admin_support.hpp"
#include "server/core/personal_data.hpp"

namespace mediation::app::admin {

int rotate_key(const store::database& db, soci::session& sql, const options& o, std::ostream& out);

// The keyed hash (under the key the numbers are sealed with) that ties a row of agreement_version_seals
// to its version: the version's id, its stored text and the re-sealed numbers. `verify` recomputes it,
// so a row moved to another version, or numbers swapped or copied in, are found.
std::string version_seal_binding(const personal_data& key, long long version_id, const std::string& stored,
                                 const std::string& numbers);

}  // namespace mediation::app::admin
