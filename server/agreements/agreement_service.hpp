#pragma once
// The agreement steps shared by the verbs, the HTTP signing link, the printable page and the
// scheduler: versions and signatures with their links in the hash chain, taking effect, the
// agreement object, verification. Run inside a write transaction or on a database worker.

#include <string>

#include <nlohmann/json.hpp>

#include "server/core/personal_data.hpp"
#include "server/core/deadlines.hpp"
#include "server/core/visibility.hpp"
#include "server/agreements/agreement_repo.hpp"
#include "server/store/event_repo.hpp"

namespace mediation::app::agreements {

// Stores the next version of the agreement (validated content) and its chain link; returns its number.
// Parties' ID and phone numbers are sealed with `pd` before the content is stored and hashed, so the
// stored text, its chain link and its hash never hold them in the clear.
long long add_version(store::write_context& ctx, const personal_data& pd, long long agreement_id,
                      const nlohmann::json& content, long long by);
// The version `version` if it may be signed now: the agreement is a draft and it is the newest
// version. conflict otherwise ("sign the current version N"); not_found for no such version.
store::version_row signable_version(soci::session& sql, const store::agreement_row& a, long long version);
// Stores a signature (or seal) with its chain link and the `agreement_signed` event; conflict
// when that signer already signed that version.
void add_signature(store::write_context& ctx, const store::agreement_row& a, const store::signature_row& s,
                   long long thread, const store::author& by, const std::string& remote);
// Who has not yet signed `ver` ("申请人 张三, 调解员"), or "".
std::string missing_signatures(soci::session& sql, long long agreement_id, const store::version_row& ver);
// All have signed and the seal is on: the version takes effect; its terms are followed from now,
// the 30-day window for judicial confirmation opens, and an agreement it corrects is superseded.
void take_effect(store::write_context& ctx, store::agreement_row& a, const store::version_row& ver, long long thread,
                 const store::author& by, const deadlines::workflow_config& cfg, const std::string& remote);

// A drawn signature: data:image/png;base64,<...>, at most 300 KB. bad_request otherwise (or when
// required and empty).
void check_signature_image(const std::string& image, bool required);
// Stored content with the parties' ID and phone numbers opened, then masked unless `full`.
nlohmann::json content_for(const personal_data& pd, nlohmann::json content, bool full);
// The agreement object (protocol/README.md, "Agreements"); personal data masked unless `v` may act.
nlohmann::json agreement_json(soci::session& sql, const personal_data& pd, long long agreement_id, const viewer* v,
                              long long now);
// {"ok", "entries", "head", "first_break": {"position","kind","reason"} | null}
nlohmann::json verify_json(soci::session& sql, long long agreement_id);
// The printable 人民调解协议书 (HTML with print CSS) of the version in force, or of the newest draft;
// its dates ("2026年12月2日") in the network's time zone, `tz_offset` minutes east of UTC.
std::string print_html(soci::session& sql, const personal_data& pd, long long agreement_id, int tz_offset);

}  // namespace mediation::app::agreements
