#include "server/cases/case_support.hpp"

#include <soci/soci.h>

#include "server/base/time.hpp"
#include "server/cases/workflow.hpp"

namespace mediation::app {

using nlohmann::json;
using protocol::errc;

store::case_state require_state(soci::session& sql, long long case_id) {
  auto s = store::load_state(sql, case_id);
  if (!s) throw protocol::error(errc::not_found, "no such case");
  return *s;
}

verb_outcome case_outcome(const verb_env& env, const actor& who, long long case_id, nlohmann::json extra) {
  verb_outcome out;
  out.result = std::move(extra);
  out.notify_case = case_id;
  out.read_back = [pd = &env.personal, who, case_id](soci::session& sql, verb_outcome& o) {
    json kase = workflow::case_json(sql, *pd, case_id, &who.v, now_millis());
    if (workflow::discloses_personal_data(kase)) o.then(audit_read(who, case_id, "case reply"));
    o.result["case"] = std::move(kase);
  };
  return out;
}


}  // namespace mediation::app
