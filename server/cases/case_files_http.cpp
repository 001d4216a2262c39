// The case file over HTTP: attachments (upload and download) and the petitioner's one-time
// evaluation link. Authorisation is the same as on the WebSocket (core/visibility).
#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include <fcntl.h>
#include <unistd.h>

#include <soci/soci.h>

#include "protocol/frames.hpp"
#include "server/core/credentials.hpp"
#include "server/core/http_api.hpp"
#include "server/core/http_route.hpp"
#include "server/core/registry.hpp"
#include "server/core/services.hpp"
#include "server/core/visibility.hpp"
#include "server/cases/workflow.hpp"
#include "server/base/log.hpp"
#include "server/cases/case_repo.hpp"
#include "server/store/event_repo.hpp"
#include "server/store/identity_repo.hpp"
#include "server/base/time.hpp"

namespace mediation::app {

using nlohmann::json;
using protocol::errc;
using protocol::id_to_wire;

namespace {

struct file_type {
  const char* mime;
  const char* magic;  // leading bytes, or nullptr
  std::size_t magic_len;
};
// What may be attached: documents, photos and recordings of a case.
const file_type allowed_types[] = {
    {"application/pdf", "%PDF-", 5},
    {"image/jpeg", "\xFF\xD8\xFF", 3},
    {"image/png", "\x89PNG\r\n\x1A\n", 8},
    {"image/webp", "RIFF", 4},
    {"text/plain", nullptr, 0},
    {"audio/mpeg", nullptr, 0},
    {"audio/mp4", nullptr, 0},
    {"application/vnd.openxmlformats-officedocument.wordprocessingml.document", "PK\x03\x04", 4},
};

bool valid_utf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    for (std::size_t k = 1; k < n; ++k)
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    i += n;
  }
  return true;
}

std::optional<std::string> percent_decode(std::string_view s) {
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out += s[i];
      continue;
    }
    if (i + 2 >= s.size()) return std::nullopt;
    int hi = hex(s[i + 1]), lo = hex(s[i + 2]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return out;
}

std::string percent_encode(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '.' || c == '-' || c == '_') {
      out += static_cast<char>(c);
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

// Writes the bytes to `path` durably (temporary file, fsync, rename) unless it already exists.
void store_file(const std::filesystem::path& path, const std::string& bytes) {
  if (std::filesystem::exists(path)) return;
  std::filesystem::create_directories(path.parent_path());
  auto tmp = path;
  tmp += ".part" + std::to_string(::getpid());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
  if (fd < 0) throw std::runtime_error("cannot create " + tmp.string() + ": " + std::strerror(errno));
  std::size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0) {
      int err = errno;
      ::close(fd);
      std::filesystem::remove(tmp);
      throw std::runtime_error("cannot write " + tmp.string() + ": " + std::strerror(err));
    }
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    std::filesystem::remove(tmp);
    throw std::runtime_error("cannot save " + tmp.string() + ": " + std::strerror(errno));
  }
  std::filesystem::rename(tmp, path);
}

std::filesystem::path file_path(const std::string& dir, const std::string& sha) {
  return std::filesystem::path(dir) / sha.substr(0, 2) / sha;
}


// Who may add files to the case: anyone who may see its file, but not administrators. The
// uploader, or the answer that refuses the token.
struct uploader {
  std::optional<protocol::user_view> user;
  std::optional<store::case_access> access;
  std::optional<net::http_reply> refusal;
};
uploader check_uploader(soci::session& sql, const std::string& token, long long case_id) {
  uploader u;
  u.user = token_user(sql, token);
  if (!u.user) {
    u.refusal = error_reply(401, errc::unauthenticated, "the token is unknown, expired or revoked");
    return u;
  }
  const viewer v{u.user->id, u.user->org.id, u.user->role};
  u.access = store::access_by_case(sql, case_id);
  if (!u.access)
    u.refusal = error_reply(404, errc::not_found, "no such case");
  else if (!can_see(v, *u.access) || v.role == roles::administrator)
    u.refusal = error_reply(403, errc::forbidden, "you may not add files to this case");
  return u;
}

}  // namespace

// Before the body is read: who may add files to the case. upload() asks again once the body is
// in (the token may have been revoked meanwhile); this spares reading megabytes for a refusal.
static void admit_upload(services& svc, long long case_id, const net::http_request& head,
                            std::function<void(std::optional<net::http_reply>)> decide) {
  std::string token = bearer(head.authorization);
  if (token.empty()) return decide(error_reply(401, errc::unauthenticated, "send 'Authorization: Bearer <token>'"));
  bool queued = svc.jobs.post([decide, case_id, token](soci::session& sql) {
    try {
      decide(check_uploader(sql, token, case_id).refusal);
    } catch (const std::exception& e) {
      log::error("upload check failed", {{"error", e.what()}});
      decide(internal_reply());
    }
  });
  if (!queued) decide(busy_reply());
}

static void upload(services& svc, long long case_id, net::http_request request, std::function<void(net::http_reply)> respond) {
  std::string token = bearer(request.authorization);
  if (token.empty()) return respond(error_reply(401, errc::unauthenticated, "send 'Authorization: Bearer <token>'"));
  std::string type = request.content_type.substr(0, request.content_type.find(';'));
  while (!type.empty() && type.back() == ' ') type.pop_back();
  auto kind = std::find_if(std::begin(allowed_types), std::end(allowed_types),
                           [&](const file_type& t) { return type == t.mime; });
  if (kind == std::end(allowed_types))
    return respond(error_reply(415, errc::bad_request,
                               "attachments may be PDF, JPEG, PNG, WebP, plain text, MP3/M4A audio or DOCX; got '" +
                                   type.substr(0, 100) + "'"));
  auto name = percent_decode(request.file_name);
  if (!name || name->empty() || !valid_utf8(*name) || protocol::utf8_length(*name) > 200 ||
      name->find_first_of("/\\\r\n") != std::string::npos ||
      std::any_of(name->begin(), name->end(), [](char c) { return static_cast<unsigned char>(c) < 0x20; }))
    return respond(error_reply(400, errc::bad_request,
                               "header X-File-Name must name the file (percent-encoded UTF-8, at most 200 characters)"));
  const std::string& body = request.body;
  if (body.empty()) return respond(error_reply(400, errc::bad_request, "the file is empty"));
  if (kind->magic && body.compare(0, kind->magic_len, std::string(kind->magic, kind->magic_len)) != 0)
    return respond(error_reply(415, errc::bad_request, "the file's content is not " + std::string(kind->mime)));
  if (type == "text/plain" && !valid_utf8(body))
    return respond(error_reply(415, errc::bad_request, "a text attachment must be UTF-8"));
  const std::string remote = request.remote;
  auto shared_body = std::make_shared<std::string>(std::move(request.body));
  bool queued = svc.jobs.post([&svc, respond, case_id, token, type, name = *name, shared_body,
                                remote](soci::session& sql) {
    try {
      auto [user, access, refusal] = check_uploader(sql, token, case_id);
      if (refusal) return respond(std::move(*refusal));
      const std::string sha = token_hash(*shared_body);
      try {
        store_file(file_path(svc.cfg.attachments_dir, sha), *shared_body);
      } catch (const std::exception& e) {
        log::error("attachment not saved", {{"error", e.what()}});
        return respond(error_reply(507, errc::internal, "the file could not be saved on the server; nothing was changed"));
      }
      store::attachment_row row;
      row.case_id = case_id;
      row.name = name;
      row.content_type = type;
      row.size = static_cast<long long>(shared_body->size());
      row.sha256 = sha;
      row.uploaded_by = {user->id, user->name};
      auto result = std::make_shared<json>();
      auto after = std::make_shared<std::optional<store::case_access>>();
      const long long thread = access->thread_id;
      bool submitted = svc.writer.submit(
          [row, result, after, thread, remote](store::write_context& ctx) {
            auto r = row;
            r.uploaded_at = ctx.now;
            r.id = store::insert_attachment(ctx, r);
            *result = {{"id", id_to_wire(r.id)}, {"name", r.name}, {"content_type", r.content_type},
                       {"size", r.size}, {"sha256", r.sha256}, {"url", "/api/attachments/" + id_to_wire(r.id)}};
            store::append_event(ctx, thread, "attachment", {r.uploaded_by.id, r.uploaded_by.name},
                                protocol::dump(*result));
            store::audit(ctx, r.uploaded_by.id, "attachment.upload", r.case_id, r.name, remote);
            *after = store::access_by_case(ctx.sql, r.case_id);
          },
          [&svc, respond, result, after](std::exception_ptr e, const std::vector<store::stored_event>& events) {
            if (e) return respond(internal_reply());
            if (*after) notify_case(svc, **after, events);
            respond(json_reply(201, {{"attachment", *result}}));
          });
      if (!submitted) respond(busy_reply());
    } catch (const std::exception& e) {
      log::error("upload failed", {{"error", e.what()}});
      respond(internal_reply());
    }
  });
  if (!queued) respond(busy_reply());
}

static void download(services& svc, long long attachment_id, net::http_request request,
                        std::function<void(net::http_reply)> respond) {
  std::string token = bearer(request.authorization);
  if (token.empty()) return respond(error_reply(401, errc::unauthenticated, "send 'Authorization: Bearer <token>'"));
  bool queued = svc.jobs.post([&svc, respond, attachment_id, token](soci::session& sql) {
    try {
      auto user = token_user(sql, token);
      if (!user) return respond(error_reply(401, errc::unauthenticated, "the token is unknown, expired or revoked"));
      auto a = store::find_attachment(sql, attachment_id);
      if (!a) return respond(error_reply(404, errc::not_found, "no such attachment"));
      viewer v{user->id, user->org.id, user->role};
      auto access = store::access_by_case(sql, a->case_id);
      if (!access || !can_see(v, *access)) return respond(error_reply(403, errc::forbidden, "you may not see this case"));
      std::ifstream in(file_path(svc.cfg.attachments_dir, a->sha256), std::ios::binary);
      if (!in) return respond(error_reply(410, errc::not_found, "the attachment's file is missing on the server"));
      std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      net::http_reply reply{200, std::move(bytes), a->content_type, {}};
      reply.disposition = "attachment; filename*=UTF-8''" + percent_encode(a->name);
      respond(std::move(reply));
    } catch (const std::exception& e) {
      log::error("download failed", {{"error", e.what()}});
      respond(internal_reply());
    }
  });
  if (!queued) respond(busy_reply());
}

static void evaluation(services& svc, const std::string& token, net::http_request request,
                          std::function<void(net::http_reply)> respond) {
  if (token.empty() || token.size() > protocol::limits::token)
    return respond(error_reply(404, errc::not_found, "no such evaluation link"));
  std::optional<std::string> value;
  std::string comment;
  if (request.method == "POST") {
    json body = json::parse(request.body, nullptr, false);
    if (!body.is_object() || !body.contains("evaluation") || !body["evaluation"].is_string())
      return respond(error_reply(400, errc::bad_request, "the body must be {\"evaluation\": ..., \"comment\": ...}"));
    value = body["evaluation"].get<std::string>();
    if (std::find(std::begin(protocol::evaluations), std::end(protocol::evaluations), *value) ==
        std::end(protocol::evaluations))
      return respond(error_reply(400, errc::bad_request,
                                 "evaluation must be satisfied, basically_satisfied or unsatisfied"));
    if (body.contains("comment")) {
      if (!body["comment"].is_string() || protocol::utf8_length(body["comment"].get<std::string>()) > 2000)
        return respond(error_reply(400, errc::bad_request, "comment must be a string of at most 2000 characters"));
      comment = body["comment"].get<std::string>();
    }
  }
  const std::string hash = token_hash(token), remote = request.remote;
  bool queued = svc.jobs.post([&svc, respond, hash, value, comment, remote](soci::session& sql) {
    try {
      auto link = store::find_evaluation_link(sql, hash);
      if (!link) return respond(error_reply(404, errc::not_found, "no such evaluation link"));
      if (link->used_at) return respond(error_reply(410, errc::conflict, "this link has already been used"));
      if (link->expires_at < now_millis()) return respond(error_reply(410, errc::conflict, "this link has expired"));
      auto s = store::load_state(sql, link->case_id);
      if (!s) return respond(error_reply(404, errc::not_found, "no such case"));
      if (!value) {
        auto org = store::find_org(sql, s->handling_org);
        return respond(json_reply(200, {{"case", {{"number", s->number}, {"title", s->title},
                                                  {"outcome", s->outcome ? json(*s->outcome) : json(nullptr)},
                                                  {"closed_at", s->closed_at ? json(format_rfc3339(*s->closed_at))
                                                                             : json(nullptr)},
                                                  {"org", org ? json(org->name) : json(nullptr)}}},
                                        {"expires", format_rfc3339(link->expires_at)}}));
      }
      auto after = std::make_shared<std::optional<store::case_access>>();
      bool submitted = svc.writer.submit(
          [hash, value, comment, remote, after](store::write_context& ctx) {
            auto l = store::find_evaluation_link(ctx.sql, hash);
            if (!l || l->used_at || l->expires_at < ctx.now)
              throw protocol::error(errc::conflict, "this link has already been used or has expired");
            auto st = store::load_state(ctx.sql, l->case_id);
            auto access = store::access_by_case(ctx.sql, l->case_id);
            if (!st || !access) throw protocol::error(errc::not_found, "no such case");
            const long long system = store::system_user(ctx, st->org);
            store::use_evaluation_link(ctx, l->id);
            workflow::evaluate(ctx, *st, access->thread_id, *value, comment, {system, "系统"}, "link", remote);
            *after = store::access_by_case(ctx.sql, l->case_id);
          },
          [&svc, respond, after](std::exception_ptr e, const std::vector<store::stored_event>& events) {
            if (e) return respond(writer_error_reply(e));
            if (*after) notify_case(svc, **after, events);
            respond(json_reply(200, {{"status", "recorded"}}));
          });
      if (!submitted) respond(busy_reply());
    } catch (const std::exception& e) {
      log::error("evaluation link failed", {{"error", e.what()}});
      respond(internal_reply());
    }
  });
  if (!queued) respond(busy_reply());
}

void add_cases_routes(registry& reg, services& svc) {
  reg.route({
      .methods = "POST",
      .prefix = "/api/cases/",
      .suffix = "/attachments",
      .kind = http_route::param::id,
      .body_limit = svc.cfg.max_attachment_bytes,
      .handle = [&svc](net::http_request request, const std::string& param, responder respond) {
        upload(svc, std::stoll(param), std::move(request), std::move(respond));
      },
      .admit = [&svc](const net::http_request& head, const std::string& param, decider decide) {
        admit_upload(svc, std::stoll(param), head, std::move(decide));
      },
  });
  reg.route({
      .methods = "GET",
      .prefix = "/api/attachments/",
      .kind = http_route::param::id,
      .handle = [&svc](net::http_request request, const std::string& param, responder respond) {
        download(svc, std::stoll(param), std::move(request), std::move(respond));
      },
  });
  reg.route({
      .methods = "GET or POST",
      .prefix = "/api/evaluation/",
      .kind = http_route::param::token,
      .secret = true,
      .handle = [&svc](net::http_request request, const std::string& param, responder respond) {
        evaluation(svc, param, std::move(request), std::move(respond));
      },
  });
}

}  // namespace mediation::app
