// POST /api/login and POST /api/logout (PROTOCOL-CORE.md).
#include <soci/soci.h>

#include <nlohmann/json.hpp>

#include "protocol/messages/common.hpp"
#include "server/base/log.hpp"
#include "server/base/time.hpp"
#include "server/core/credentials.hpp"
#include "server/core/http_route.hpp"
#include "server/core/registry.hpp"
#include "server/core/services.hpp"
#include "server/identity/login_throttle.hpp"
#include "server/identity/verbs.hpp"
#include "server/store/identity_repo.hpp"

namespace mediation::app {

using nlohmann::json;
using protocol::errc;

namespace {

// The account's password or state changed between the password check and the session's commit.
struct login_overtaken : std::runtime_error {
  login_overtaken() : std::runtime_error("the account changed while signing in") {}
};

void login(services& svc, login_throttle& logins, net::http_request request, responder respond) {
  json body = json::parse(request.body, nullptr, false);
  if (body.is_discarded() || !body.is_object())
    return respond(error_reply(400, errc::bad_request, "the body must be a JSON object"));
  auto field = [&](const char* name, std::size_t max) -> std::optional<std::string> {
    auto it = body.find(name);
    if (it == body.end() || !it->is_string()) return std::nullopt;
    const auto& s = it->get_ref<const std::string&>();
    if (s.empty() || s.size() > max) return std::nullopt;
    return s;
  };
  // Room for full-width spellings (three bytes a letter); what counts is the normalised name, the
  // one form that is looked up and throttled, so no spelling of a name escapes its lock-out.
  auto raw_username = field("username", 256);
  auto password = field("password", 1024);
  auto username = raw_username ? normalise_username(*raw_username) : std::nullopt;
  if (!username || !password)
    return respond(error_reply(400, errc::bad_request, "username and password are required strings"));
  const long long ttl = svc.cfg.token_ttl_ms;
  const std::string remote = request.remote;
  const std::string address = remote.substr(0, remote.rfind(':'));
  if (millis wait = logins.locked_for(*username, address, now_millis()); wait > 0) {
    const long long minutes = (wait + 59999) / 60000;
    log::warn("login refused: locked out", {{"username", *username}, {"remote", remote}});
    return respond(error_reply(429, errc::rate_limited,
                               "too many failed logins; try again in " + std::to_string(minutes) + " minute(s)"));
  }
  bool queued = svc.jobs.post([&svc, &logins, respond, u = *username, p = *password, ttl, remote, address](soci::session& sql) {
    try {
      auto login = store::find_login(sql, u);
      bool ok = false;
      if (login && !login->disabled)
        ok = verify_password(login->password_hash, p);
      else
        burn_password_check(p);
      if (!ok) {
        logins.failure(u, address, now_millis());
        log::info("login refused", {{"username", u}, {"remote", remote}});
        return respond(error_reply(401, errc::unauthenticated, "wrong username or password"));
      }
      logins.success(u, address);
      auto user = store::find_user(sql, login->user_id);
      if (!user) return respond(error_reply(401, errc::unauthenticated, "wrong username or password"));
      std::string token = new_token();
      std::string hash = token_hash(token);
      const long long user_id = user->id;
      bool submitted = svc.writer.submit(
          [user_id, hash, ttl, remote, checked = login->password_hash](store::write_context& ctx) {
            // The password was checked outside this transaction: a reset, a disable or a deletion that
            // committed meanwhile wins, and no session is made with the old password.
            std::string now_hash;
            int disabled = 1;
            long long id = user_id;
            ctx.sql << "SELECT password_hash, disabled FROM users WHERE id = :u", soci::into(now_hash),
                soci::into(disabled), soci::use(id, "u");
            if (!ctx.sql.got_data() || now_hash != checked || disabled != 0) throw login_overtaken();
            store::insert_auth_session(ctx, user_id, hash, ctx.now + ttl, remote);
            store::audit(ctx, user_id, "login", std::nullopt, "", remote);
          },
          [respond, token, user = *user, ttl, tz = svc.cfg.time_zone](std::exception_ptr e, const auto&) {
            if (e) {
              try {
                std::rethrow_exception(e);
              } catch (const login_overtaken&) {
                return respond(error_reply(401, errc::unauthenticated, "wrong username or password"));
              } catch (...) {
                return respond(internal_reply());
              }
            }
            respond(json_reply(200, {{"token", token}, {"user", user},
                                     {"expires_at", format_rfc3339(now_millis() + ttl)},
                                     {"network", {{"time_zone", tz}}}}));
          });
      if (!submitted) respond(busy_reply());
    } catch (const std::exception& e) {
      log::error("login failed", {{"error", e.what()}});
      respond(internal_reply());
    }
  });
  if (!queued) respond(busy_reply());
}

void logout(services& svc, net::http_request request, responder respond) {
  std::string token = bearer(request.authorization);
  if (token.empty()) {
    json body = json::parse(request.body, nullptr, false);
    if (body.is_object() && body.contains("token") && body["token"].is_string()) token = body["token"].get<std::string>();
  }
  if (token.empty() || token.size() > protocol::limits::token)
    return respond(error_reply(400, errc::bad_request, "send the token as 'Authorization: Bearer <token>'"));
  auto revoked = std::make_shared<bool>(false);
  const std::string hash = token_hash(token);
  const std::string remote = request.remote;
  bool submitted = svc.writer.submit(
      [hash, revoked, remote](store::write_context& ctx) {
        *revoked = store::revoke_auth_session(ctx, hash);
        if (*revoked) store::audit(ctx, std::nullopt, "logout", std::nullopt, "", remote);
      },
      [respond, revoked, hash, &svc](std::exception_ptr e, const auto&) {
        if (e) return respond(internal_reply());
        if (!*revoked) return respond(error_reply(401, errc::unauthenticated, "the token is unknown or already revoked"));
        svc.sessions.end_all(hash);  // sockets signed in with this token end too
        respond(json_reply(200, {{"status", "ok"}}));
      });
  if (!submitted) respond(busy_reply());
}

}  // namespace

void add_identity_routes(registry& reg, services& svc) {
  // Failed log-ins counted per username and per address (in this process; see docs/security.md).
  auto logins = std::make_shared<login_throttle>(svc.cfg.login_max_failures, svc.cfg.login_window_ms,
                                                 svc.cfg.login_lockout_ms);
  reg.route({
      .methods = "POST",
      .prefix = "/api/login",
      .handle = [&svc, logins](net::http_request request, const std::string&, responder respond) {
        login(svc, *logins, std::move(request), std::move(respond));
      },
  });
  reg.route({
      .methods = "POST",
      .prefix = "/api/logout",
      .handle = [&svc](net::http_request request, const std::string&, responder respond) {
        logout(svc, std::move(request), std::move(respond));
      },
  });
}

}  // namespace mediation::app
