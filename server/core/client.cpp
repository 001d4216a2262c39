#include "server/core/client.hpp"

#include <algorithm>
#include <cstdint>

#include <soci/soci.h>

#include "protocol/frames.hpp"
#include "protocol/envelope.hpp"
#include "protocol/messages/common.hpp"
#include "server/core/registry.hpp"
#include "server/core/verb_support.hpp"
#include "server/base/log.hpp"
#include "server/base/time.hpp"
#include "server/store/event_repo.hpp"

namespace mediation::app {

using protocol::errc;

namespace {
constexpr std::uint16_t close_policy = 1008;
constexpr std::uint16_t close_internal = 1011;
}  // namespace

client::client(services& svc, std::weak_ptr<net::connection> conn)
    : svc_(svc), conn_(std::move(conn)), tokens_(svc.cfg.rate_burst),
      last_refill_(std::chrono::steady_clock::now()) {
  // The upgrade request's id (connection.hpp), so that a proxy's access line for /ws joins ours.
  connection_id_ = std::make_shared<const std::string>(
      log::current_request().empty() ? log::new_request_id() : log::current_request().str());
  if (auto c = conn_.lock()) remote_ = c->remote();
  log::debug("websocket opened", {{"connection", *connection_id_}, {"remote", remote_}});
}

void client::set_user(protocol::user_view u, const std::string& token_hash) {
  user_ = std::move(u);
  token_hash_ = token_hash;
  std::weak_ptr<client> weak = shared_from_this();
  svc_.sessions.add(token_hash, weak, [weak](const std::string& reason) {
    if (auto self = weak.lock()) self->close_connection(close_policy, reason);
  });
  svc_.people.add(this, as_viewer(), weak, [weak](long long thread, const frame_ptr& frame) {
    if (auto self = weak.lock()) self->notice(thread, frame);
  });
}

void client::notice(long long thread, const frame_ptr& frame) {
  auto conn = conn_.lock();
  if (!conn) return;
  auto self = shared_from_this();
  conn->dispatch([self, thread, frame] {
    // A subscriber of the thread has the event itself.
    if (self->closed_ || self->subscribed(thread)) return;
    self->send(frame);
  });
}

viewer client::as_viewer() const { return viewer{user_->id, user_->org.id, user_->role}; }

// ---- frames in ------------------------------------------------------------------------------------

bool client::take_token() {
  auto now = std::chrono::steady_clock::now();
  double elapsed = std::chrono::duration<double>(now - last_refill_).count();
  last_refill_ = now;
  tokens_ = std::min(svc_.cfg.rate_burst, tokens_ + elapsed * svc_.cfg.rate_per_second);
  if (tokens_ < 1) return false;
  tokens_ -= 1;
  return true;
}

void client::on_frame(std::string text) {
  if (closed_) return;
  svc_.counters.requests.add();
  // Every frame counts against the rate, malformed ones too: each would cost an error reply.
  const bool allowed = take_token();
  auto env = protocol::parse_envelope(text);
  // Log lines about this frame, here and on the database threads, carry "ws-<connection>/<rid>".
  log::request_scope scope(log::request_id(connection_id_, env.rid.value_or("-")));
  if (!allowed) {
    reply_error(env.rid, errc::rate_limited, "too many requests on this connection; slow down");
    return;
  }
  if (user_ && !svc_.per_user.take(user_->id, std::chrono::duration<double>(
                                                  std::chrono::steady_clock::now().time_since_epoch()).count())) {
    reply_error(env.rid, errc::rate_limited, "too many requests for this user across connections; slow down");
    return;
  }
  if (env.failure) {
    reply_error(env.rid, env.failure->code, env.failure->message);
    return;
  }
  const std::string& rid = *env.rid;
  const auto* verb = svc_.reg.find_verb(env.type);
  if (!verb) {
    reply_error(rid, errc::unknown_type, "unknown request type '" + env.type.substr(0, 64) + "'");
    return;
  }
  // The verb's entry parses the frame, asks verb_admitted and runs the handler (core/registry.hpp).
  try {
    (*verb)(*this, rid, env.frame);
  } catch (...) {
    reply_exception(rid, std::current_exception());
  }
}

bool verb_admitted(client& c, const std::string& rid, bool is_auth) { return c.admit(rid, is_auth); }

void verb_refused(client& c, const std::string& rid, const protocol::error& e) {
  c.reply_error(rid, e.code(), e.what(), e.field());
}

bool client::admit(const std::string& rid, bool is_auth) {
  if (!user_ && !is_auth) {
    reply_error(rid, errc::unauthenticated, "the first request on a connection must be auth");
    return false;
  }
  if (in_flight_ >= svc_.cfg.max_in_flight) {
    reply_error(rid, errc::rate_limited, "too many requests in flight on this connection");
    return false;
  }
  return true;
}

void client::on_close() {
  closed_ = true;
  log::debug("websocket closed", {{"connection", *connection_id_}, {"remote", remote_}});
  if (!token_hash_.empty()) svc_.sessions.remove(token_hash_, this);
  svc_.people.remove(this);
  svc_.reg.closed(this);  // the slices' own state of the connection (meeting rooms)
  for (auto& [thread, _] : subs_) svc_.live.remove(thread, this);
  subs_.clear();
}

// ---- frames out ------------------------------------------------------------------------------------

void client::send(const frame_ptr& f) {
  if (auto c = conn_.lock()) c->send(f);
}

void client::send_text(std::string text) { send(std::make_shared<const std::string>(std::move(text))); }

void client::reply_ok(const std::string& rid, const nlohmann::json& result) {
  send_text(protocol::ok_frame(rid, result));
}

void client::reply_error(const std::optional<std::string>& rid, errc code, std::string_view message,
                         std::string_view field) {
  svc_.counters.errors[static_cast<int>(code)].add();
  send_text(protocol::error_frame(rid, code, message, field));
}

void client::reply_exception(const std::string& rid, std::exception_ptr e) {
  try {
    std::rethrow_exception(e);
  } catch (const protocol::error& ex) {
    reply_error(rid, ex.code(), ex.what(), ex.field());
  } catch (const soci::soci_error& ex) {
    // The database is down, restarting or unreachable (or refused the statement): say so, at once.
    log::error("request failed in the database", {{"rid", rid}, {"error", ex.what()}});
    reply_error(rid, errc::internal, "the database failed or is unavailable; nothing was changed, retry shortly");
  } catch (const std::exception& ex) {
    log::error("request failed", {{"rid", rid}, {"error", ex.what()}});
    reply_error(rid, errc::internal, "the server could not complete the request; nothing was changed");
  }
}

void client::close_connection(std::uint16_t code, const std::string& reason) {
  if (auto c = conn_.lock()) c->close(code, reason);
}

void client::finished_request() {
  if (in_flight_) --in_flight_;
}

// ---- database work ---------------------------------------------------------------------------------

bool client::query(const std::string& rid, std::function<continuation(soci::session&)> work) {
  auto self = shared_from_this();
  auto conn = conn_.lock();
  if (!conn) return false;
  ++in_flight_;
  bool queued = svc_.jobs.post([self, conn, rid, work = std::move(work)](soci::session& sql) {
    continuation next;
    try {
      next = work(sql);
    } catch (...) {
      auto e = std::current_exception();
      conn->dispatch([self, rid, e] {
        self->finished_request();
        self->reply_exception(rid, e);
      });
      return;
    }
    conn->dispatch([self, next = std::move(next)] {
      self->finished_request();
      if (next) next();
    });
  }, fairness_key());
  if (!queued) {
    finished_request();
    reply_error(rid, errc::rate_limited, "the server is busy; try again shortly");
  }
  return queued;
}

void client::write(const std::string& rid, std::function<continuation(store::write_context&)> apply,
                   std::vector<store::write_hint> hints) {
  auto self = shared_from_this();
  auto conn = conn_.lock();
  if (!conn) return;
  ++in_flight_;
  auto next = std::make_shared<continuation>();
  bool queued = svc_.writer.submit(
      [apply = std::move(apply), next](store::write_context& ctx) { *next = apply(ctx); },
      [self, conn, rid, next](std::exception_ptr e, const std::vector<store::stored_event>&) {
        // After the batch's pushes (the sender's own event among them), in the same hand-over.
        net::dispatch_batched(conn, [self, rid, next, e] {
          self->finished_request();
          if (e)
            self->reply_exception(rid, e);
          else if (*next)
            (*next)();
        });
      },
      std::move(hints), fairness_key());
  if (!queued) {
    finished_request();
    reply_error(rid, errc::rate_limited, "the server is busy; try again shortly");
  }
}

long long client::fairness_key() const {
  // The user's id once authenticated; before that, this connection alone (a negative key).
  if (user_) return user_->id;
  return -static_cast<long long>(reinterpret_cast<std::uintptr_t>(this) % 0x7fffffffLL) - 1;
}

// ---- subscriptions ---------------------------------------------------------------------------------

void client::subscribe(const std::string& rid, long long thread, std::optional<long long> since) {
  if (!subs_.count(thread) && subs_.size() >= svc_.cfg.max_subscriptions) {
    reply_error(rid, errc::rate_limited,
                "at most " + std::to_string(svc_.cfg.max_subscriptions) + " subscriptions per connection");
    return;
  }
  // Register before reading the head, so that no event committed meanwhile is missed. A second
  // subscribe to the same thread starts over on the registration it already has.
  const bool registered = subs_.count(thread) != 0;
  auto& s = subs_[thread];
  auto holds = std::move(s.holds);  // a recheck under way still applies to the subscription made anew
  s = subscription{};
  s.holds = std::move(holds);
  s.generation = ++next_generation_;
  s.fetching = true;
  if (!registered) svc_.live.add(thread, shared_from_this());
  const unsigned long generation = s.generation;
  const viewer v = as_viewer();
  const int page = svc_.cfg.replay_page;
  auto self = shared_from_this();
  bool queued = query(rid, [self, rid, thread, since, generation, v, page](soci::session& sql) -> continuation {
    long long head = 0;
    std::vector<store::stored_event> events;
    try {
      // One snapshot for the access check and the events: an event committed with (or after) a
      // change that takes the thread away is never read as allowed by the facts before it.
      soci::transaction snapshot(sql);
      require_visible_thread(sql, v, thread);
      head = store::thread_head(sql, thread);
      if (since && *since < head) events = store::events_after(sql, thread, *since, page);
      snapshot.commit();
    } catch (...) {
      auto e = std::current_exception();
      return [self, rid, thread, generation, e] {
        self->drop(thread, generation);
        self->reply_exception(rid, e);
      };
    }
    return [self, rid, thread, since, generation, head, events = std::move(events)] {
      self->reply_ok(rid, {{"thread", protocol::id_to_wire(thread)}, {"head", head}});
      auto it = self->subs_.find(thread);
      if (it == self->subs_.end() || it->second.generation != generation) return;
      it->second.last = since.value_or(head);
      it->second.fetching = false;
      it->second.granted = true;
      self->replay(thread, generation, events);
    };
  });
  if (!queued) drop(thread, generation);
}

void client::replay(long long thread, unsigned long generation, const std::vector<store::stored_event>& events) {
  auto it = subs_.find(thread);
  if (it == subs_.end() || it->second.generation != generation) return;
  auto& s = it->second;
  if (!s.holds.empty()) {
    // Access is being rechecked: send nothing; once it is confirmed, catch_up reads these again.
    s.catching_up = true;
    return;
  }
  auto conn = conn_.lock();
  if (!conn) return;
  for (const auto& e : events) {
    if (e.seq != s.last + 1) continue;  // already sent (or before since)
    auto frame = event_frame(e);
    if (!conn->can_queue(frame->size())) {
      // Flow control: a replay never overflows a reader that keeps up. Continue from the
      // database once the outbound queue has drained; live events wait in `pending`.
      s.catching_up = true;
      conn->on_drained([self = shared_from_this(), thread, generation] {
        auto it = self->subs_.find(thread);
        if (it != self->subs_.end() && it->second.generation == generation) self->catch_up(thread);
      });
      return;
    }
    send(frame);
    s.last = e.seq;
  }
  if (static_cast<int>(events.size()) >= svc_.cfg.replay_page) {
    catch_up(thread);  // there may be more stored after this page
    return;
  }
  flush_pending(thread, s);
}

void client::flush_pending(long long thread, subscription& s) {
  if (!s.holds.empty()) {
    s.catching_up = true;  // resumed by recheck once access is confirmed
    return;
  }
  auto conn = conn_.lock();
  if (!conn) return;
  while (!s.pending.empty()) {
    auto [seq, frame] = s.pending.front();
    if (seq <= s.last) {
      s.pending.pop_front();
      continue;
    }
    if (seq != s.last + 1) {
      catch_up(thread);  // a gap: fetch what is missing from the database first
      return;
    }
    if (!conn->can_queue(frame->size())) {
      conn->on_drained([self = shared_from_this(), thread, generation = s.generation] {
        auto it = self->subs_.find(thread);
        if (it != self->subs_.end() && it->second.generation == generation && !it->second.fetching)
          self->flush_pending(thread, it->second);
      });
      return;
    }
    s.pending.pop_front();
    send(frame);
    s.last = seq;
  }
  s.catching_up = false;
}

void client::catch_up(long long thread) {
  auto it = subs_.find(thread);
  if (it == subs_.end() || it->second.fetching) return;
  auto& s = it->second;
  s.catching_up = true;
  s.fetching = true;
  const long long from = s.last;
  const unsigned long generation = s.generation;
  const int page = svc_.cfg.replay_page;
  auto self = shared_from_this();
  auto conn = conn_.lock();
  if (!conn) return;
  const viewer v = as_viewer();
  bool queued = svc_.jobs.post([self, conn, thread, from, generation, page, v](soci::session& sql) {
    try {
      // The events are read in one snapshot with the access facts they are checked against: a
      // catch-up that runs after a change that takes the thread away has committed, but before the
      // hold it placed reaches this connection, reads nothing (the recheck that follows ends the
      // subscription).
      std::vector<store::stored_event> events;
      bool allowed = false;
      {
        soci::transaction snapshot(sql);
        auto access = store::access_by_thread(sql, thread);
        allowed = access && can_see_thread(v, *access, thread);
        if (allowed) events = store::events_after(sql, thread, from, page);
        snapshot.commit();
      }
      conn->dispatch([self, thread, generation, allowed, events = std::move(events)] {
        auto it = self->subs_.find(thread);
        if (it == self->subs_.end() || it->second.generation != generation) return;
        it->second.fetching = false;
        if (!allowed) return;  // still catching up: nothing is sent until a recheck allows it
        self->replay(thread, generation, events);
      });
    } catch (const std::exception& e) {
      log::error("catch-up failed; closing so the client resumes with since", {{"error", e.what()}});
      conn->dispatch([self] { self->close_connection(close_internal, "catch-up failed; resume with since"); });
    }
  });
  if (!queued) close_connection(close_internal, "server busy; resume with since");
}

void client::unsubscribe(long long thread) {
  if (subs_.erase(thread)) svc_.live.remove(thread, this);
}

void client::drop(long long thread, unsigned long generation) {
  auto it = subs_.find(thread);
  if (it == subs_.end() || it->second.generation != generation) return;
  subs_.erase(it);
  svc_.live.remove(thread, this);
}

void client::deliver(long long thread, long long seq, const frame_ptr& frame, const void* origin) {
  auto conn = conn_.lock();
  if (!conn) return;
  // From the writer's thread, collected with the rest of the batch's pushes (net/delivery_batch.hpp);
  // a hold (below) goes at once, so ahead of the pushes it must hold back. The connection keeps
  // this client alive and calls on_push on its strand.
  net::dispatch_batched(conn, net::push{thread, seq, frame, origin});
}

void client::on_live(long long thread, long long seq, const frame_ptr& frame, const void* origin) {
  if (closed_) return;
  auto it = subs_.find(thread);
  if (it == subs_.end()) return;
  auto& s = it->second;
  if (seq == 0) {
    // Typing, read markers: only on a granted subscription whose access is not being rechecked.
    if (origin != this && s.granted && s.holds.empty()) send(frame);
    return;
  }
  if (s.catching_up || !s.holds.empty()) {
    if (s.pending.size() >= svc_.cfg.max_pending_live) {
      close_connection(close_policy, "slow consumer; resume with since");
      return;
    }
    s.pending.emplace_back(seq, frame);
    return;
  }
  if (seq <= s.last) return;
  if (seq == s.last + 1) {
    send(frame);
    s.last = seq;
    return;
  }
  s.pending.emplace_back(seq, frame);
  catch_up(thread);
}

void client::broadcast_ephemeral(long long thread, const frame_ptr& frame) {
  svc_.live.publish(thread, 0, frame, this);
}

void client::hold(long long thread, unsigned long hold) {
  auto conn = conn_.lock();
  if (!conn) return;
  conn->dispatch([self = shared_from_this(), thread, hold] {
    auto it = self->subs_.find(thread);
    if (it != self->subs_.end()) it->second.holds.push_back(hold);
  });
}

void client::recheck(long long thread, unsigned long hold, const std::optional<store::case_access>& access,
                     const change_author& by) {
  auto conn = conn_.lock();
  if (!conn) return;
  conn->dispatch([self = shared_from_this(), thread, hold, access, by] {
    auto it = self->subs_.find(thread);
    if (it == self->subs_.end() || !self->user_) return;
    auto& s = it->second;
    s.holds.erase(std::remove(s.holds.begin(), s.holds.end(), hold), s.holds.end());
    if (!access || !can_see_thread(self->as_viewer(), *access, thread)) {
      if (access) self->svc_.reg.case_lost(access->case_id, self.get());
      self->revoke(thread, by, access ? "access_revoked" : "access_unknown");
      return;
    }
    if (!s.holds.empty() || s.fetching) return;
    if (s.catching_up)
      self->catch_up(thread);
    else
      self->flush_pending(thread, s);
  });
}

void client::revoke(long long thread, const change_author& by, const char* reason) {
  auto it = subs_.find(thread);
  if (it == subs_.end()) return;
  drop(thread, it->second.generation);
  nlohmann::json j{{"type", "event"},
                   {"thread", protocol::id_to_wire(thread)},
                   {"kind", "unsubscribed"},
                   {"at", format_rfc3339(now_millis())},
                   {"author", {{"id", protocol::id_to_wire(by.id)}, {"name", by.name}}},
                   {"data", {{"reason", reason}}}};
  send_text(protocol::dump(j));
}

}  // namespace mediation::app
