#include "server/core/http_route.hpp"

#include <nlohmann/json.hpp>
#include <soci/soci.h>

#include "protocol/frames.hpp"
#include "protocol/messages/common.hpp"
#include "server/base/log.hpp"
#include "server/base/time.hpp"
#include "server/core/credentials.hpp"
#include "server/core/services.hpp"
#include "server/store/identity_repo.hpp"

namespace mediation::app {

using protocol::errc;

net::http_reply json_reply(unsigned status, const nlohmann::json& body) {
  net::http_reply reply;
  reply.status = status;
  reply.body = protocol::dump(body);
  reply.content_type = "application/json; charset=utf-8";
  return reply;
}

net::http_reply error_reply(unsigned status, errc code, std::string_view message, std::string_view field) {
  nlohmann::json e{{"code", protocol::to_string(code)}, {"message", message}};
  if (!field.empty()) e["field"] = field;
  return json_reply(status, {{"error", std::move(e)}});
}

net::http_reply internal_reply() {
  return error_reply(500, errc::internal, "the server could not complete the request; nothing was changed");
}

net::http_reply busy_reply() { return error_reply(503, errc::rate_limited, "the server is busy; try again shortly"); }

unsigned http_status(errc code) noexcept {
  switch (code) {
    case errc::bad_request: return 400;
    case errc::unauthenticated: return 401;
    case errc::forbidden: return 403;
    case errc::not_found: return 404;
    case errc::too_large: return 413;
    case errc::rate_limited: return 429;
    case errc::internal: return 500;
    default: return 409;
  }
}

net::http_reply exception_reply(std::exception_ptr e, std::string_view what) {
  try {
    std::rethrow_exception(e);
  } catch (const protocol::error& pe) {
    return error_reply(http_status(pe.code()), pe.code(), pe.what(), pe.field());
  } catch (const std::exception& ex) {
    log::error(std::string(what) + " failed", {{"error", ex.what()}});
  } catch (...) {
    log::error(std::string(what) + " failed", {});
  }
  return internal_reply();
}

net::http_reply writer_error_reply(std::exception_ptr e) {
  try {
    std::rethrow_exception(e);
  } catch (const protocol::error& pe) {
    return error_reply(pe.code() == errc::not_found ? 404 : 409, pe.code(), pe.what(), pe.field());
  } catch (...) {
    return internal_reply();
  }
}

std::string bearer(const std::string& header) {
  const std::string prefix = "Bearer ";
  if (header.size() > prefix.size() && header.compare(0, prefix.size(), prefix) == 0)
    return header.substr(prefix.size());
  return {};
}

std::optional<protocol::user_view> token_user(soci::session& sql, const std::string& token) {
  if (token.empty() || token.size() > protocol::limits::token) return std::nullopt;
  auto user_id = store::auth_session_user(sql, token_hash(token), now_millis());
  if (!user_id) return std::nullopt;
  return store::find_user(sql, *user_id);
}

void http_read(services& svc, responder respond, std::string what,
               std::function<net::http_reply(soci::session&)> work) {
  bool queued = svc.jobs.post([respond, what = std::move(what), work = std::move(work)](soci::session& sql) {
    net::http_reply reply;
    try {
      reply = work(sql);
    } catch (...) {
      reply = exception_reply(std::current_exception(), what);
    }
    respond(std::move(reply));
  });
  if (!queued) respond(busy_reply());
}

}  // namespace mediation::app
