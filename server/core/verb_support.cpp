#include "server/core/verb_support.hpp"

#include <utility>

#include <soci/soci.h>

#include "server/base/log.hpp"
#include "server/base/time.hpp"
#include "server/store/access_repo.hpp"
#include "server/store/event_repo.hpp"

namespace mediation::app {

using protocol::errc;

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
  // What the logic asked to follow the commit (ending a revoked guest's sessions, notices to other
  // cases) runs now, whatever becomes of the read-back: that may fail or find the server too busy.
  if (out.after_commit) std::exchange(out.after_commit, nullptr)(self->svc());
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

}  // namespace mediation::app
