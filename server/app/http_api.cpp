#include "server/app/http_api.hpp"

#include <soci/soci.h>

#include "protocol/frames.hpp"
#include "server/app/credentials.hpp"
#include "server/app/http_util.hpp"
#include "server/app/metrics.hpp"
#include "server/log.hpp"
#include "server/store/event_repo.hpp"
#include "server/store/identity_repo.hpp"
#include "server/time.hpp"

namespace mediation::app {

using nlohmann::json;
using protocol::errc;

using namespace http_util;

bool http_api::handles(const std::string& target) const {
  return target == "/healthz" || target == "/readyz" || target == "/metrics" || target.rfind("/api/", 0) == 0;
}

// /api/cases/{id}/attachments, /api/attachments/{id}, /api/evaluation/{token}.
bool http_api::route_case_files(net::http_request& request, std::function<void(net::http_reply)>& respond) {
  const auto& t = request.target;
  // The part of the target between `prefix` and `suffix`, if it has both.
  auto between = [&](const std::string& prefix, const std::string& suffix) -> std::optional<std::string> {
    if (t.rfind(prefix, 0) != 0 || t.size() <= prefix.size() + suffix.size()) return std::nullopt;
    if (t.compare(t.size() - suffix.size(), suffix.size(), suffix) != 0) return std::nullopt;
    return t.substr(prefix.size(), t.size() - prefix.size() - suffix.size());
  };
  auto id_after = [&](const std::string& prefix, const std::string& suffix) -> std::optional<long long> {
    auto digits = between(prefix, suffix);
    if (!digits || digits->size() > 18 || digits->find_first_not_of("0123456789") != std::string::npos)
      return std::nullopt;
    return std::stoll(*digits);
  };
  // Answers 405 unless the method is one of `allowed` ("GET", "POST", "GET or POST").
  auto method_is = [&](const std::string& allowed) {
    const auto& m = request.method;
    if (m == allowed || allowed.rfind(m + " or ", 0) == 0 ||
        (allowed.size() > m.size() + 4 && allowed.compare(allowed.size() - m.size() - 4, std::string::npos, " or " + m) == 0))
      return true;
    respond(error_reply(405, errc::bad_request, "use " + allowed));
    return false;
  };
  if (auto id = id_after("/api/cases/", "/attachments")) {
    if (method_is("POST")) upload(*id, std::move(request), std::move(respond));
  } else if (auto id = id_after("/api/attachments/", "")) {
    if (method_is("GET")) download(*id, std::move(request), std::move(respond));
  } else if (auto id = id_after("/api/meetings/", ".ics")) {
    if (method_is("GET")) meeting_ics(*id, std::move(request), std::move(respond));
  } else if (auto token = between("/api/calendar/", ".ics")) {
    if (method_is("GET")) calendar_feed(*token, std::move(respond));
  } else if (t == "/api/guest-login") {
    if (method_is("POST")) guest_login(std::move(request), std::move(respond));
  } else if (auto id = id_after("/api/agreements/", "/print")) {
    if (method_is("GET")) print_agreement(*id, std::move(request), std::move(respond));
  } else if (auto token = between("/api/sign/", "")) {
    if (method_is("GET or POST")) sign_link(*token, std::move(request), std::move(respond));
  } else if (auto token = between("/api/evaluation/", "")) {
    if (method_is("GET or POST")) evaluation(*token, std::move(request), std::move(respond));
  } else {
    return false;
  }
  return true;
}

namespace {

// The case of POST /api/cases/{id}/attachments, or nullopt for any other request.
std::optional<long long> upload_case(const std::string& method, const std::string& target) {
  const std::string prefix = "/api/cases/", suffix = "/attachments";
  if (method != "POST" || target.rfind(prefix, 0) != 0 || target.size() <= prefix.size() + suffix.size() ||
      target.compare(target.size() - suffix.size(), suffix.size(), suffix) != 0)
    return std::nullopt;
  const std::string digits = target.substr(prefix.size(), target.size() - prefix.size() - suffix.size());
  if (digits.size() > 18 || digits.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
  return std::stoll(digits);
}

}  // namespace

std::size_t http_api::body_limit(const std::string& method, const std::string& target) const {
  return upload_case(method, target) ? svc_.cfg.max_attachment_bytes : 0;
}

void http_api::admit(const net::http_request& head, std::function<void(std::optional<net::http_reply>)> decide) {
  if (auto case_id = upload_case(head.method, head.target)) {
    log::request_scope scope(head.request_id);
    return admit_upload(*case_id, head, std::move(decide));
  }
  decide(std::nullopt);
}

std::string http_api::log_target(const std::string& target) const {
  for (const char* prefix : {"/api/calendar/", "/api/sign/", "/api/evaluation/"}) {
    const std::string p = prefix;
    if (target.rfind(p, 0) != 0) continue;
    std::string token = target.substr(p.size());
    std::string suffix;
    if (p == "/api/calendar/" && token.size() >= 4 && token.compare(token.size() - 4, 4, ".ics") == 0) {
      suffix = ".ics";
      token.resize(token.size() - 4);
    }
    if (token.size() <= 4) return target;  // nothing secret left to hide
    // Four characters of a 43-character token let an operator tell links apart, not use them.
    return p + token.substr(0, 4) + "\u2026" + suffix;
  }
  return target;
}

void http_api::handle(net::http_request request, std::function<void(net::http_reply)> respond) {
  log::request_scope scope(request.request_id);
  const auto& t = request.target;
  if (t == "/healthz" || t == "/readyz" || t == "/metrics") {
    if (request.method != "GET" && request.method != "HEAD")
      return respond(error_reply(405, errc::bad_request, "use GET"));
    if (t == "/metrics") return respond({200, render_metrics(svc_, net_), "text/plain; version=0.0.4; charset=utf-8", {}});
    return healthz(std::move(respond), t == "/readyz");
  }
  if (t == "/api/login" || t == "/api/logout") {
    if (request.method != "POST") return respond(error_reply(405, errc::bad_request, "use POST"));
    return t == "/api/login" ? login(std::move(request), std::move(respond))
                             : logout(std::move(request), std::move(respond));
  }
  if (route_case_files(request, respond)) return;
  respond(error_reply(404, errc::not_found, "no such endpoint"));
}

// /healthz: the database answers. /readyz: that, and the server is not shutting down, so a load
// balancer may send it new connections.
void http_api::healthz(std::function<void(net::http_reply)> respond, bool ready) {
  if (ready && svc_.shutting_down.load())
    return respond(json_reply(503, {{"status", "unavailable"}, {"error", "shutting down"}}));
  bool queued = svc_.jobs.post([respond, ready](soci::session& sql) {
    try {
      // Reaching the schema, not just the connection: a database that lost its tables is not healthy.
      int version = 0;
      sql << "SELECT MAX(version) FROM schema_migrations", soci::into(version);
      respond(json_reply(200, {{"status", ready ? "ready" : "ok"}}));
    } catch (const std::exception& e) {
      respond(json_reply(503, {{"status", "unavailable"}, {"error", e.what()}}));
    }
  });
  if (!queued) respond(json_reply(503, {{"status", "unavailable"}, {"error", "server busy"}}));
}

void http_api::login(net::http_request request, std::function<void(net::http_reply)> respond) {
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
  services& svc = svc_;
  const long long ttl = svc_.cfg.token_ttl_ms;
  const std::string remote = request.remote;
  const std::string address = remote.substr(0, remote.rfind(':'));
  if (millis wait = svc_.logins.locked_for(*username, address, now_millis()); wait > 0) {
    const long long minutes = (wait + 59999) / 60000;
    log::warn("login refused: locked out", {{"username", *username}, {"remote", remote}});
    return respond(error_reply(429, errc::rate_limited,
                               "too many failed logins; try again in " + std::to_string(minutes) + " minute(s)"));
  }
  bool queued = svc_.jobs.post([&svc, respond, u = *username, p = *password, ttl, remote, address](soci::session& sql) {
    try {
      auto login = store::find_login(sql, u);
      bool ok = false;
      if (login && !login->disabled)
        ok = verify_password(login->password_hash, p);
      else
        burn_password_check(p);
      if (!ok) {
        svc.logins.failure(u, address, now_millis());
        log::info("login refused", {{"username", u}, {"remote", remote}});
        return respond(error_reply(401, errc::unauthenticated, "wrong username or password"));
      }
      svc.logins.success(u, address);
      auto user = store::find_user(sql, login->user_id);
      if (!user) return respond(error_reply(401, errc::unauthenticated, "wrong username or password"));
      std::string token = new_token();
      std::string hash = token_hash(token);
      const long long user_id = user->id;
      bool submitted = svc.writer.submit(
          [user_id, hash, ttl, remote](store::write_context& ctx) {
            store::insert_auth_session(ctx, user_id, hash, ctx.now + ttl, remote);
            store::audit(ctx, user_id, "login", std::nullopt, "", remote);
          },
          [respond, token, user = *user, ttl](std::exception_ptr e, const auto&) {
            if (e) return respond(internal_reply());
            respond(json_reply(200, {{"token", token}, {"user", user},
                                     {"expires_at", format_rfc3339(now_millis() + ttl)}}));
          });
      if (!submitted) respond(error_reply(503, errc::rate_limited, "the server is busy; try again shortly"));
    } catch (const std::exception& e) {
      log::error("login failed", {{"error", e.what()}});
      respond(internal_reply());
    }
  });
  if (!queued) respond(error_reply(503, errc::rate_limited, "the server is busy; try again shortly"));
}

void http_api::logout(net::http_request request, std::function<void(net::http_reply)> respond) {
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
  services& svc = svc_;
  bool submitted = svc_.writer.submit(
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
  if (!submitted) respond(error_reply(503, errc::rate_limited, "the server is busy; try again shortly"));
}

}  // namespace mediation::app
