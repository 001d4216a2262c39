#pragma once
// The mediation agreement (人民调解协议书) as pure functions: the structure and its validation
// (People's Mediation Law art. 29), templates per category, a field-by-field diff between versions,
// the canonical JSON that is hashed, and the hash chain over versions, signatures and seals.
// No database; thread-safe.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace mediation::app::agreement {

using json = nlohmann::json;

// Validates an agreement's content and returns it normalised (only the known fields, trimmed lists),
// or throws protocol::error{bad_request} naming the first bad field, e.g. "terms[2].deadline".
// The structure:
//   parties         [{role (petitioner|respondent|third_party|agent), name, id_number?, address?, phone?}], >= 2,
//                   at least one petitioner and one respondent
//   facts           the main facts of the dispute (text)
//   disputes        [text], >= 1: the points in dispute
//   responsibilities [{party (index into parties), text}]: each party's responsibility
//   terms           [{text, way, place, deadline (YYYY-MM-DD, or empty for a term with nothing to
//                   perform by a date, such as waiving further claims)}], >= 1: the agreed terms and
//                   how, where and by when each is performed
//   mediators       [name], >= 1
//   organisation    the mediation organisation's name
json validate(const json& content);

// The first text of `content` that still holds a template's blank (＿＿ or __), as its field path
// (terms[0].text), or nothing: a draft may have blanks, a signed or sealed agreement may not.
std::optional<std::string> first_blank(const json& content);

// The categories with a template, and the template of one (a prefilled structure with blanks).
std::vector<std::string> template_categories();
std::optional<json> template_for(std::string_view category);

// Field-level differences from `a` to `b` (both validated contents):
// [{"path": "terms[1].deadline", "from": ..., "to": ...}], null for absent sides.
json diff(const json& a, const json& b);

// The canonical form that is hashed: keys sorted, no insignificant space, UTF-8 as is.
std::string canonical(const json& j);

// One link of the chain: hash = SHA-256 hex of (prev_hash + "\n" + kind + "\n" + canonical payload).
std::string link_hash(const std::string& prev_hash, std::string_view kind, const std::string& canonical_payload);

struct chain_entry {
  std::string kind;          // version, signature, seal
  std::string payload;       // canonical JSON as stored with the link
  std::string prev_hash, hash;
  std::string source;        // canonical JSON recomputed from the row the link stands for ("" when missing)
};
struct verdict {
  bool ok = true;
  int first_break = -1;      // index of the first entry that does not hold
  std::string reason;
};
// Recomputes the chain from the genesis hash (64 zeros): every entry must link to the previous
// hash, hash to its stored hash, and match the row it stands for.
verdict verify(const std::vector<chain_entry>& chain);

inline const std::string genesis(64, '0');

}  // namespace mediation::app::agreement
