#include "server/core/verb_support.hpp"

#include <soci/soci.h>

#include "server/base/log.hpp"
#include "server/base/time.hpp"
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

client::continuation reply_after_commit(std::shared_ptr<client> self, store::write_context& ctx, const std::string& rid,
                                        long long case_id, std::string key,
                                        std::function<nlohmann::json(soci::session&)> build, nlohmann::json extra) {
  auto events = ctx.events;
  return [self, rid, case_id, key = std::move(key), build = std::move(build), extra = std::move(extra),
          events = std::move(events)] {
    // The change is committed: whatever happens now, the reply must not read as a failure to save it.
    auto done = [self, rid](errc code, const std::string& why) {
      self->reply_error(rid, code, "the change was saved, but " + why + "; fetch it again");
    };
    bool queued = self->svc().jobs.post([self, rid, case_id, key, build, extra, events, done](soci::session& sql) mutable {
      std::optional<store::case_access> access;
      try {
        extra[key] = build(sql);
        access = store::access_by_case(sql, case_id);
      } catch (const std::exception& e) {
        log::warn("reading back a committed change failed", {{"error", e.what()}});
        return done(errc::internal, "reading it back failed");
      }
      self->reply_ok(rid, extra);  // thread-safe: frames are queued on the connection's strand
      if (access) notify_case(self->svc(), *access, events);
    });
    if (!queued) done(errc::rate_limited, "the server is too busy to read it back");
  };
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

namespace {

// The reply, the notices and after_commit of a finished verb (read_back done).
void deliver(client& self, const std::string& rid, verb_outcome& out, const std::vector<store::stored_event>& events,
             const std::optional<store::case_access>& access) {
  self.reply_ok(rid, out.result);
  if (access) notify_case(self.svc(), *access, events);
  if (out.after_commit) out.after_commit(self.svc());
}

}  // namespace

void finish_verb(std::shared_ptr<client> self, const std::string& rid, verb_outcome out,
                 std::vector<store::stored_event> events) {
  if (!out.read_back && (!out.notify_case || events.empty())) return deliver(*self, rid, out, events, std::nullopt);
  // The change is committed: whatever happens now, the reply must not read as a failure to save it.
  auto failed = [self, rid](errc code, const std::string& why) {
    self->reply_error(rid, code, "the change was saved, but " + why + "; fetch it again");
  };
  auto work = [self, rid, out = std::move(out), events = std::move(events), failed](soci::session& sql) mutable {
    std::optional<store::case_access> access;
    try {
      if (out.read_back) out.read_back(sql, out);
      if (out.notify_case) access = store::access_by_case(sql, out.notify_case);
    } catch (const std::exception& e) {
      log::warn("reading back a committed change failed", {{"error", e.what()}});
      return failed(errc::internal, "reading it back failed");
    }
    deliver(*self, rid, out, events, access);  // thread-safe: frames are queued on the connection's strand
  };
  if (!self->svc().jobs.post(std::move(work))) failed(errc::rate_limited, "the server is too busy to read it back");
}

void audit_personal_read(services& svc, long long user, long long case_id, const std::string& what,
                         const std::string& remote) {
  svc.writer.submit(
      [=](store::write_context& ctx) { store::audit(ctx, user, "personal_data.read", case_id, what, remote); },
      [case_id](std::exception_ptr error, const std::vector<store::stored_event>&) {
        if (error) log::error("the audit row of a personal data read was not written", {{"case", std::to_string(case_id)}});
      });
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
