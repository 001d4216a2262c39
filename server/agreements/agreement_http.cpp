// Agreements over HTTP: the printable page, and the one-time signing link of a party who is not
// a user of the network.
#include <soci/soci.h>

#include "protocol/frames.hpp"
#include "server/agreements/agreement_service.hpp"
#include "server/core/credentials.hpp"
#include "server/core/http_api.hpp"
#include "server/core/http_route.hpp"
#include "server/core/registry.hpp"
#include "server/core/services.hpp"
#include "server/agreements/verbs.hpp"
#include "server/base/log.hpp"
#include "server/cases/case_repo.hpp"
#include "server/store/identity_repo.hpp"
#include "server/cases/workflow_repo.hpp"
#include "server/base/time.hpp"

namespace mediation::app {

using nlohmann::json;
using protocol::errc;

static void print_agreement(services& svc, long long agreement_id, net::http_request request,
                               std::function<void(net::http_reply)> respond) {
  std::string token = bearer(request.authorization);
  if (token.empty() || token.size() > protocol::limits::token)
    return respond(error_reply(401, errc::unauthenticated, "send 'Authorization: Bearer <token>'"));
  const std::string remote = request.remote;
  bool queued = svc.jobs.post([&svc, respond, agreement_id, token, remote](soci::session& sql) {
    try {
      auto user_id = store::auth_session_user(sql, token_hash(token), now_millis());
      auto user = user_id ? store::find_user(sql, *user_id) : std::nullopt;
      if (!user) return respond(error_reply(401, errc::unauthenticated, "the token is unknown, expired or revoked"));
      auto a = store::find_agreement(sql, agreement_id);
      if (!a) return respond(error_reply(404, errc::not_found, "no such agreement"));
      viewer v{user->id, user->org.id, user->role};
      auto access = store::access_by_case(sql, a->case_id);
      // The printed agreement carries full personal data: only for those who may act on the case.
      if (!access || !can_see(v, *access)) return respond(error_reply(403, errc::forbidden, "you may not see this case"));
      if (!sees_personal_data(v, *access))
        return respond(error_reply(403, errc::forbidden, "the agreement is printed by the handling organisation"));
      std::string html = agreements::print_html(sql, svc.personal, agreement_id, svc.cfg.time_zone_offset);
      if (!html.empty()) audit_personal_read(svc, user->id, a->case_id, "agreement print " + a->number, remote);
      if (html.empty()) return respond(error_reply(404, errc::not_found, "the agreement has no version yet"));
      respond({200, std::move(html), "text/html; charset=utf-8", {}});
    } catch (const std::exception& e) {
      log::error("print failed", {{"error", e.what()}});
      respond(internal_reply());
    }
  });
  if (!queued) respond(busy_reply());
}

static void sign_link(services& svc, const std::string& token, net::http_request request,
                         std::function<void(net::http_reply)> respond) {
  if (token.empty() || token.size() > protocol::limits::token)
    return respond(error_reply(404, errc::not_found, "no such signing link"));
  std::string signature;
  if (request.method == "POST") {
    json body = json::parse(request.body, nullptr, false);
    if (!body.is_object() || !body.contains("signature") || !body["signature"].is_string())
      return respond(error_reply(400, errc::bad_request, "the body must be {\"signature\": ..., \"confirmed\": true}",
                                 "signature"));
    if (!body.contains("confirmed") || body["confirmed"] != true)
      return respond(error_reply(400, errc::bad_request, "'confirmed' must be true: the party confirms the text",
                                 "confirmed"));
    signature = body["signature"].get<std::string>();
    try {
      agreements::check_signature_image(signature, true);
    } catch (const protocol::error& e) {
      return respond(error_reply(400, e.code(), e.what(), "signature"));
    }
  }
  const std::string hash = token_hash(token), remote = request.remote;
  const bool post = request.method == "POST";
  bool queued = svc.jobs.post([&svc, respond, hash, signature, remote, post](soci::session& sql) {
    try {
      auto link = store::find_sign_link(sql, hash);
      if (!link) return respond(error_reply(404, errc::not_found, "no such signing link"));
      if (link->used_at) return respond(error_reply(410, errc::conflict, "this link has already been used"));
      if (link->expires_at < now_millis()) return respond(error_reply(410, errc::conflict, "this link has expired"));
      auto a = store::find_agreement(sql, link->agreement_id);
      auto ver = store::find_version_by_id(sql, link->version_id);
      if (!a || !ver) return respond(error_reply(404, errc::not_found, "no such agreement"));
      json content = svc.personal.open_parties(json::parse(ver->content));
      if (!post) {
        // The party reads the text they sign, their own details in full and the others' masked.
        json shown = agreements::content_for(svc.personal, content, false);
        shown["parties"][link->party_index] = content["parties"][link->party_index];
        return respond(json_reply(200, {{"agreement", {{"number", a->number}, {"version", ver->version},
                                                       {"status", a->status}, {"content", shown}}},
                                        {"party", {{"index", link->party_index},
                                                   {"name", content["parties"][link->party_index]["name"]}}},
                                        {"expires", format_rfc3339(link->expires_at)}}));
      }
      auto after = std::make_shared<std::optional<store::case_access>>();
      bool submitted = svc.writer.submit(
          [hash, signature, remote, after](store::write_context& ctx) {
            auto l = store::find_sign_link(ctx.sql, hash);
            if (!l || l->used_at || l->expires_at < ctx.now)
              throw protocol::error(errc::conflict, "this link has already been used or has expired");
            auto ag = store::find_agreement(ctx.sql, l->agreement_id);
            auto v = store::find_version_by_id(ctx.sql, l->version_id);
            auto access = ag ? store::access_by_case(ctx.sql, ag->case_id) : std::nullopt;
            if (!ag || !v || !access) throw protocol::error(errc::not_found, "no such agreement");
            agreements::signable_version(ctx.sql, *ag, v->version);  // still the current draft version
            json c = json::parse(v->content);
            store::signature_row sig;
            sig.agreement_id = ag->id;
            sig.version_id = v->id;
            sig.role = "party";
            sig.party_index = l->party_index;
            sig.signer_name = c["parties"][l->party_index]["name"];
            sig.method = "link";
            sig.image = signature;
            sig.signed_at = ctx.now;
            const long long system = store::system_user(ctx, access->owner_org);
            store::use_sign_link(ctx, l->id);
            agreements::add_signature(ctx, *ag, sig, access->thread_id, {system, "系统"}, remote);
            *after = store::access_by_case(ctx.sql, ag->case_id);
          },
          [&svc, respond, after](std::exception_ptr e, const std::vector<store::stored_event>& events) {
            if (e) return respond(writer_error_reply(e));
            if (*after) notify_case(svc, **after, events);
            respond(json_reply(200, {{"status", "signed"}}));
          });
      if (!submitted) respond(busy_reply());
    } catch (const std::exception& e) {
      log::error("signing link failed", {{"error", e.what()}});
      respond(internal_reply());
    }
  });
  if (!queued) respond(busy_reply());
}

void add_agreements_routes(registry& reg, services& svc) {
  reg.route({
      .methods = "GET",
      .prefix = "/api/agreements/",
      .suffix = "/print",
      .kind = http_route::param::id,
      .handle = [&svc](net::http_request request, const std::string& param, responder respond) {
        print_agreement(svc, std::stoll(param), std::move(request), std::move(respond));
      },
  });
  reg.route({
      .methods = "GET or POST",
      .prefix = "/api/sign/",
      .kind = http_route::param::token,
      .secret = true,
      .handle = [&svc](net::http_request request, const std::string& param, responder respond) {
        sign_link(svc, param, std::move(request), std::move(respond));
      },
  });
}

}  // namespace mediation::app
