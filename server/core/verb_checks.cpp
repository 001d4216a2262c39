// The checks every verb's logic starts with, and what a verb's outcome may add after the commit
// (core/verb_checks.hpp). Free of the network.
#include "server/core/verb_checks.hpp"

#include <soci/soci.h>

#include "server/base/log.hpp"
#include "server/base/time.hpp"
#include "server/core/services.hpp"
#include "server/store/access_repo.hpp"
#include "server/store/event_repo.hpp"

namespace mediation::app {

using protocol::errc;

std::optional<long long> parse_due_field(const std::optional<std::string>& text, const char* field) {
  if (!text) return std::nullopt;
  auto due = parse_deadline(*text);
  if (!due)
    throw protocol::error(errc::bad_request,
                          std::string("field '") + field + "' must be an RFC 3339 date-time or YYYY-MM-DD");
  return due;
}


void verb_outcome::then(std::function<void(services&)> step) {
  if (!after_commit) {
    after_commit = std::move(step);
    return;
  }
  after_commit = [first = std::move(after_commit), step = std::move(step)](services& svc) {
    first(svc);
    step(svc);
  };
}

std::function<void(services&)> audit_read(const actor& who, long long case_id, std::string what) {
  return [user = who.v.user_id, case_id, what = std::move(what), remote = who.remote](services& svc) {
    audit_personal_read(svc, user, case_id, what, remote);
  };
}

void audit_personal_read(services& svc, long long user, long long case_id, const std::string& what,
                         const std::string& remote) {
  svc.writer.submit(
      [=](store::write_context& ctx) { store::audit(ctx, user, "personal_data.read", case_id, what, remote); },
      [case_id](std::exception_ptr error, const std::vector<store::stored_event>&) {
        if (error) log::error("the audit row of a personal data read was not written", {{"case", std::to_string(case_id)}});
      },
      // An audit row touches no thread and changes nobody's access: it need not run alone.
      {store::write_hint{0, 0, std::nullopt}});
}

namespace {

store::case_access require_visible(std::optional<store::case_access> access, const viewer& v, const char* missing) {
  if (!access) throw protocol::error(errc::not_found, missing);
  if (!can_see(v, *access)) throw protocol::error(errc::forbidden, "you may not see this case");
  return std::move(*access);
}

store::case_access require_thread(std::optional<store::case_access> access, const viewer& v, long long thread) {
  if (!access) throw protocol::error(errc::not_found, "no such thread");
  if (!can_see_thread(v, *access, thread)) throw protocol::error(errc::forbidden, "you may not see this thread");
  return std::move(*access);
}

}  // namespace

store::case_access require_known_case(soci::session& sql, const viewer& v, long long case_id) {
  auto access = store::access_by_case(sql, case_id);
  if (!access) throw protocol::error(errc::not_found, "no such case");
  if (!knows_case(v, *access)) throw protocol::error(errc::forbidden, "you may not see this case");
  return std::move(*access);
}

store::case_access require_known_case(store::write_context& ctx, const viewer& v, long long case_id) {
  auto access = store::access_by_case(ctx, case_id);
  if (!access) throw protocol::error(errc::not_found, "no such case");
  if (!knows_case(v, *access)) throw protocol::error(errc::forbidden, "you may not see this case");
  return std::move(*access);
}

store::case_access require_visible_thread(soci::session& sql, const viewer& v, long long thread) {
  return require_thread(store::access_by_thread(sql, thread), v, thread);
}

store::case_access require_visible_case(soci::session& sql, const viewer& v, long long case_id) {
  return require_visible(store::access_by_case(sql, case_id), v, "no such case");
}

store::case_access require_visible_thread(store::write_context& ctx, const viewer& v, long long thread) {
  return require_thread(store::access_by_thread(ctx, thread), v, thread);
}

store::case_access require_visible_case(store::write_context& ctx, const viewer& v, long long case_id) {
  return require_visible(store::access_by_case(ctx, case_id), v, "no such case");
}

}  // namespace mediation::app
