#include "server/store/session_repo.hpp"

#include <algorithm>

#include <soci/soci.h>

#include "server/store/sql_util.hpp"

namespace mediation::store {

namespace {

bool is_hash(const std::string& h) {
  return h.size() == 64 && std::all_of(h.begin(), h.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

}  // namespace

std::map<std::string, session_state> session_states(soci::session& sql, const std::vector<std::string>& token_hashes) {
  std::map<std::string, session_state> out;
  std::vector<std::string> hashes;
  for (const auto& h : token_hashes)
    if (is_hash(h)) hashes.push_back(h);
  constexpr std::size_t chunk = 200;
  for (std::size_t first = 0; first < hashes.size(); first += chunk) {
    std::vector<std::string> part(hashes.begin() + static_cast<std::ptrdiff_t>(first),
                                  hashes.begin() + static_cast<std::ptrdiff_t>(std::min(hashes.size(), first + chunk)));
    std::string hash;
    long long revoked = 0, expires = 0, disabled = 0, guest = 0, inv_revoked = 0, until = 0;
    soci::statement st = sql_util::prepare_dynamic(
        sql,
        "SELECT s.token_hash, CASE WHEN s.revoked_at IS NULL THEN 0 ELSE 1 END, s.expires_at, u.disabled, "
        "CASE WHEN s.guest_invitation_id IS NULL THEN 0 ELSE 1 END, "
        "CASE WHEN g.revoked_at IS NULL THEN 0 ELSE 1 END, COALESCE(g.valid_until, 0) "
        "FROM auth_sessions s JOIN users u ON u.id = s.user_id "
        "LEFT JOIN guest_invitations g ON g.id = s.guest_invitation_id "
        "WHERE s.token_hash IN (" + sql_util::placeholders("h", part.size()) + ")",
        [&](soci::statement& q) {
          q.exchange(soci::into(hash));
          q.exchange(soci::into(revoked));
          q.exchange(soci::into(expires));
          q.exchange(soci::into(disabled));
          q.exchange(soci::into(guest));
          q.exchange(soci::into(inv_revoked));
          q.exchange(soci::into(until));
          for (std::size_t i = 0; i < part.size(); ++i) q.exchange(soci::use(part[i], "h" + std::to_string(i)));
        });
    st.execute();
    while (st.fetch())
      out[hash] = session_state{revoked != 0, expires, disabled != 0, guest != 0, inv_revoked != 0, until};
  }
  return out;
}

}  // namespace mediation::store
