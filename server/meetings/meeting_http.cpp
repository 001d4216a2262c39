// Joint sessions over HTTP: a meeting as an iCalendar file, a person's calendar subscription feed
// behind a revocable secret URL, and the guest login of an invited outsider.
#include <soci/soci.h>

#include "protocol/frames.hpp"
#include "server/core/credentials.hpp"
#include "server/core/http_api.hpp"
#include "server/core/http_route.hpp"
#include "server/core/registry.hpp"
#include "server/core/services.hpp"
#include "server/meetings/meeting_service.hpp"
#include "server/base/log.hpp"
#include "server/cases/case_repo.hpp"
#include "server/store/identity_repo.hpp"
#include "server/base/time.hpp"

namespace mediation::app {

using nlohmann::json;
using protocol::errc;

namespace {
constexpr const char* ics_type = "text/calendar; charset=utf-8";
}

static void meeting_ics(services& svc, long long meeting_id, net::http_request request,
                           std::function<void(net::http_reply)> respond) {
  std::string token = bearer(request.authorization);
  if (token.empty() || token.size() > protocol::limits::token)
    return respond(error_reply(401, errc::unauthenticated, "send 'Authorization: Bearer <token>'"));
  bool queued = svc.jobs.post([respond, meeting_id, token](soci::session& sql) {
    try {
      auto user_id = store::auth_session_user(sql, token_hash(token), now_millis());
      auto user = user_id ? store::find_user(sql, *user_id) : std::nullopt;
      if (!user) return respond(error_reply(401, errc::unauthenticated, "the token is unknown, expired or revoked"));
      auto m = store::find_meeting(sql, meeting_id);
      if (!m) return respond(error_reply(404, errc::not_found, "no such meeting"));
      viewer v{user->id, user->org.id, user->role};
      auto access = store::access_by_case(sql, m->case_id);
      if (!access || !meetings::may_see(sql, v, *access, *m))
        return respond(error_reply(403, errc::forbidden, "you may not see this meeting"));
      std::string ics = calendar::render_ics(m->status == "cancelled" ? "CANCEL" : "REQUEST", {meetings::ics_event(sql, *m)});
      net::http_reply reply{200, std::move(ics), ics_type, {}};
      reply.disposition = "attachment; filename=\"meeting-" + std::to_string(meeting_id) + ".ics\"";
      respond(std::move(reply));
    } catch (const std::exception& e) {
      log::error("ics failed", {{"error", e.what()}});
      respond(internal_reply());
    }
  });
  if (!queued) respond(busy_reply());
}

static void calendar_feed(services& svc, const std::string& token, std::function<void(net::http_reply)> respond) {
  if (token.empty() || token.size() > protocol::limits::token)
    return respond(error_reply(404, errc::not_found, "no such calendar"));
  bool queued = svc.jobs.post([respond, token](soci::session& sql) {
    try {
      // Unknown, revoked and expired feeds, and feeds of disabled users, all answer the same.
      const millis now = now_millis();
      auto user_id = store::feed_user(sql, token_hash(token), now);
      auto user = user_id ? store::find_user(sql, *user_id) : std::nullopt;
      if (!user) return respond(error_reply(404, errc::not_found, "no such calendar"));
      std::vector<calendar::event> events;
      viewer v{user->id, user->org.id, user->role};
      for (const auto& m : store::meetings_of_user(sql, user->id, now - 30 * 86400000LL, now + 365 * 86400000LL)) {
        auto access = store::access_by_case(sql, m.case_id);
        if (access && meetings::may_see(sql, v, *access, m)) events.push_back(meetings::ics_event(sql, m));
      }
      respond({200, calendar::render_ics("PUBLISH", events, "调解网络 · " + user->name), ics_type, {}});
    } catch (const std::exception& e) {
      log::error("calendar feed failed", {{"error", e.what()}});
      respond(internal_reply());
    }
  });
  if (!queued) respond(busy_reply());
}

static void guest_login(services& svc, net::http_request request, std::function<void(net::http_reply)> respond) {
  json body = json::parse(request.body, nullptr, false);
  if (!body.is_object() || !body.contains("token") || !body["token"].is_string() ||
      body["token"].get<std::string>().empty() || body["token"].get<std::string>().size() > protocol::limits::token)
    return respond(error_reply(400, errc::bad_request, "the body must be {\"token\": \"<invitation token>\"}"));
  const std::string hash = token_hash(body["token"].get<std::string>()), remote = request.remote;
  bool queued = svc.jobs.post([&svc, respond, hash, remote](soci::session& sql) {
    try {
      auto inv = store::find_guest_invitation(sql, hash);
      const millis now = now_millis();
      if (!inv) return respond(error_reply(401, errc::unauthenticated, "this invitation is not valid"));
      if (inv->revoked_at) return respond(error_reply(401, errc::unauthenticated, "this invitation was withdrawn"));
      if (now > inv->valid_until) return respond(error_reply(401, errc::unauthenticated, "this invitation has expired"));
      if (now < inv->valid_from)
        return respond(error_reply(403, errc::forbidden, "this invitation opens at " + format_rfc3339(inv->valid_from)));
      auto user = store::find_user(sql, inv->guest_user_id);
      if (!user) return respond(error_reply(401, errc::unauthenticated, "this invitation is not valid"));
      std::string token = new_token();
      const std::string session_hash = token_hash(token);
      const long long invitation = inv->id, until = inv->valid_until, guest = user->id;
      bool submitted = svc.writer.submit(
          [guest, session_hash, until, invitation, remote](store::write_context& ctx) {
            store::insert_guest_session(ctx, guest, session_hash, until, invitation, remote);
            store::audit(ctx, guest, "guest.login", std::nullopt, "invitation " + std::to_string(invitation), remote);
          },
          [respond, token, user = *user, until, inv = *inv](std::exception_ptr e, const auto&) {
            if (e) return respond(internal_reply());
            json out{{"token", token}, {"user", user}, {"expires_at", format_rfc3339(until)},
                     {"case", protocol::id_to_wire(inv.case_id)}};
            if (inv.meeting_id) out["meeting"] = protocol::id_to_wire(*inv.meeting_id);
            respond(json_reply(200, out));
          });
      if (!submitted) respond(busy_reply());
    } catch (const std::exception& e) {
      log::error("guest login failed", {{"error", e.what()}});
      respond(internal_reply());
    }
  });
  if (!queued) respond(busy_reply());
}

void add_meetings_routes(registry& reg, services& svc) {
  reg.route({
      .methods = "GET",
      .prefix = "/api/meetings/",
      .suffix = ".ics",
      .kind = http_route::param::id,
      .handle = [&svc](net::http_request request, const std::string& param, responder respond) {
        meeting_ics(svc, std::stoll(param), std::move(request), std::move(respond));
      },
  });
  reg.route({
      .methods = "GET",
      .prefix = "/api/calendar/",
      .suffix = ".ics",
      .kind = http_route::param::token,
      .secret = true,
      .handle = [&svc](net::http_request request, const std::string& param, responder respond) {
        calendar_feed(svc, param, std::move(respond));
      },
  });
  reg.route({
      .methods = "POST",
      .prefix = "/api/guest-login",
      .kind = http_route::param::none,
      .handle = [&svc](net::http_request request, const std::string& param, responder respond) {
        guest_login(svc, std::move(request), std::move(respond));
      },
  });
}

}  // namespace mediation::app
