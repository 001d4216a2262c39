#pragma once
// SQL of mediation agreements: the agreement row, its insert-only versions, signatures and hash
// chain, the terms followed after it takes effect, and one-time signing links. Functions taking
// write_context run inside the batched writer's transaction. All throw soci errors.

#include <optional>
#include <string>
#include <vector>

#include "server/store/batched_writer.hpp"

namespace mediation::store {

struct agreement_row {
  long long id = 0, case_id = 0, created_by = 0, created_at = 0;
  std::string number, status;  // draft, in_force, superseded
  std::optional<long long> supersedes, superseded_by, in_force_version, in_force_at, confirmation_due_at,
      confirmation_applied_at, confirmation_decided_at;
  std::optional<std::string> confirmation_court, confirmation_decision;
  int confirmation_reminded = 0;  // 1: reminded before the window closes; 2: told it closed
};
long long insert_agreement(write_context& ctx, long long case_id, const std::string& number,
                           std::optional<long long> supersedes, long long by);
std::optional<agreement_row> find_agreement(soci::session& sql, long long id);
std::vector<agreement_row> agreements_of_case(soci::session& sql, long long case_id);
// Writes the mutable columns (status, supersession, force, judicial confirmation).
void save_agreement(write_context& ctx, const agreement_row& a);

struct version_row {
  long long id = 0, agreement_id = 0, version = 0, author_id = 0, created_at = 0;
  // `content`: the version as readers see it, its ID and phone numbers sealed under the current data
  // key (taken from agreement_version_seals after a key rotation, see sql/*/010_key_rotation.sql).
  std::string content, author_name;
  // `stored`: the text stored at insertion, which the hash chain covers (equal to `content` until
  // the data key is rotated). Only the chain's verification reads it.
  std::string stored;
};
long long insert_version(write_context& ctx, long long agreement_id, long long version, const std::string& content,
                         long long author);
std::vector<version_row> versions(soci::session& sql, long long agreement_id);  // with content
std::optional<version_row> find_version(soci::session& sql, long long agreement_id, long long version);
std::optional<version_row> find_version_by_id(soci::session& sql, long long version_id);

struct signature_row {
  long long id = 0, agreement_id = 0, version_id = 0, party_index = -1, signed_at = 0;
  std::string role, signer_name, method, image;
  std::optional<long long> user_id;
};
long long insert_signature(write_context& ctx, const signature_row& s);
std::vector<signature_row> signatures(soci::session& sql, long long agreement_id);
std::optional<signature_row> find_signature(soci::session& sql, long long id);

struct chain_row {
  long long id = 0, agreement_id = 0, position = 0, ref_id = 0, at = 0;
  std::string kind, payload, prev_hash, hash;
};
// The agreement's chain in order, and its last link (nullopt for none yet).
std::vector<chain_row> chain(soci::session& sql, long long agreement_id);
std::optional<chain_row> last_chain_row(soci::session& sql, long long agreement_id);
void insert_chain_row(write_context& ctx, const chain_row& r);

struct term_row {
  long long id = 0, agreement_id = 0, position = 0, due_at = 0;
  std::string text, status, note;  // pending, performed, overdue
  std::optional<long long> performed_at, performed_by;
};
void insert_term(write_context& ctx, const term_row& t);
std::vector<term_row> terms(soci::session& sql, long long agreement_id);
void save_term(write_context& ctx, const term_row& t);
std::vector<long long> overdue_term_agreements(soci::session& sql, long long now, int limit);
std::vector<long long> confirmation_candidates(soci::session& sql, long long remind_from, int limit);

struct sign_link_row {
  long long id = 0, agreement_id = 0, version_id = 0, party_index = 0, expires_at = 0;
  std::optional<long long> used_at;
};
void insert_sign_link(write_context& ctx, const sign_link_row& l, const std::string& token_hash, long long by);
std::optional<sign_link_row> find_sign_link(soci::session& sql, const std::string& token_hash);
void use_sign_link(write_context& ctx, long long id);

bool can_seal(soci::session& sql, long long user_id);
void set_can_seal(soci::session& sql, long long user_id, bool value);

}  // namespace mediation::store
