#pragma once
// One authenticated (or not yet authenticated) WebSocket client: parses frames, dispatches
// verbs, and keeps the client's thread subscriptions. Every member runs on the connection's
// strand except deliver(), hold(), recheck() and notice(), which may be called from any thread and
// hop onto the strand.
//
// Subscriptions guarantee what the protocol promises: events of a thread reach the client in
// strictly increasing seq with no gap and no duplicate. A subscription registers with the hub
// first, then replays stored events from the database page by page while live events are
// buffered; buffered events are then flushed in order, skipping what the replay already sent. A
// live event that arrives ahead of the next expected seq (a gap) triggers another catch-up from
// the database rather than being sent out of order.

#include <chrono>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "protocol/messages/common.hpp"
#include "server/core/actor.hpp"
#include "server/core/hub.hpp"
#include "server/core/services.hpp"
#include "server/core/visibility.hpp"
#include "server/net/connection.hpp"

namespace mediation::app {

class client final : public subscriber,
                     public net::connection_handler,
                     public std::enable_shared_from_this<client> {
 public:
  using continuation = std::function<void()>;

  client(services& svc, std::weak_ptr<net::connection> conn);

  // net::connection_handler
  void on_frame(std::string text) override;
  void on_push(const net::push& p) override { on_live(p.thread, p.seq, p.frame, p.origin); }
  void on_close() override;
  // subscriber
  void deliver(long long thread, long long seq, const frame_ptr& frame, const void* origin) override;
  void hold(long long thread, unsigned long hold) override;
  void recheck(long long thread, unsigned long hold, const std::optional<store::case_access>& access,
               const change_author& by) override;
  // A notice about a case (services::notify_case); dropped when the client is subscribed to the
  // thread, which carries the event itself. Any thread.
  void notice(long long thread, const frame_ptr& frame);

  // ---- for the verb handlers (strand only) ----
  services& svc() { return svc_; }
  bool authenticated() const { return user_.has_value(); }
  const protocol::user_view& user() const { return *user_; }
  // Marks the connection authenticated as `u` through the login session `token_hash`; a logout
  // of that session closes the connection.
  void set_user(protocol::user_view u, const std::string& token_hash);
  viewer as_viewer() const;
  actor as_actor() const { return actor{as_viewer(), store::author{user_->id, user_->name}, remote_}; }
  // Whether a parsed request may run now: authenticated (or `is_auth`) and under the in-flight
  // limit; replies with the refusal otherwise.
  bool admit(const std::string& rid, bool is_auth);
  const std::string& remote() const { return remote_; }

  // reply_ok, reply_error and push only queue a frame on the connection: they may run on any thread.
  void reply_ok(const std::string& rid, const nlohmann::json& result = nullptr);
  // Queues a push frame (live rooms, signaling). Any thread.
  void push(const frame_ptr& f) { send(f); }
  // `field`: the path of the request's field at fault, when one is (protocol::error::field).
  void reply_error(const std::optional<std::string>& rid, protocol::errc code, std::string_view message,
                   std::string_view field = {});
  // Replies with the error carried by `e`: protocol::error keeps its code, anything else is internal.
  void reply_exception(const std::string& rid, std::exception_ptr e);

  // Runs `work` on a database worker; the continuation it returns then runs on the strand. An
  // exception from `work` becomes the error reply to `rid`. Returns false (having replied
  // rate_limited) when the work could not be queued.
  bool query(const std::string& rid, std::function<continuation(soci::session&)> work);
  // Runs `apply` inside the batched writer's transaction; after the commit, the continuation it
  // returns runs on the strand. An exception from `apply` (or a failed commit) becomes the error
  // reply, and nothing of `apply` is stored.
  // `hints` tell the writer what the job will read, so it is read for the whole batch at once.
  void write(const std::string& rid, std::function<continuation(store::write_context&)> apply,
             std::vector<store::write_hint> hints = {});

  void subscribe(const std::string& rid, long long thread, std::optional<long long> since);
  void unsubscribe(long long thread);
  bool subscribed(long long thread) const { return subs_.count(thread) != 0; }
  // Subscribed, the subscription granted, and no access recheck under way.
  bool subscription_granted(long long thread) const {
    auto it = subs_.find(thread);
    return it != subs_.end() && it->second.granted && it->second.holds.empty();
  }
  // Sends an ephemeral frame to the other subscribers of `thread`.
  void broadcast_ephemeral(long long thread, const frame_ptr& frame);

 private:
  struct subscription {
    unsigned long generation = 0;
    long long last = 0;        // newest seq sent to the client
    bool catching_up = true;   // live events are buffered while true
    bool fetching = false;     // a catch-up query is under way
    bool granted = false;      // subscribe has been answered ok
    std::vector<unsigned long> holds;  // access rechecks under way; nothing is sent while any is
    std::deque<std::pair<long long, frame_ptr>> pending;
  };

  void send(const frame_ptr& f);
  void send_text(std::string text);
  bool take_token();
  void on_live(long long thread, long long seq, const frame_ptr& frame, const void* origin);
  void catch_up(long long thread);
  void replay(long long thread, unsigned long generation, const std::vector<store::stored_event>& events);
  void flush_pending(long long thread, subscription& s);
  void drop(long long thread, unsigned long generation);
  // Ends a subscription the user may no longer have, telling the client why.
  void revoke(long long thread, const change_author& by, const char* reason);
  void close_connection(std::uint16_t code, const std::string& reason);
  void finished_request();
  // Whose turn a database job of this connection takes in the fair queues (job_pool, writer).
  long long fairness_key() const;

  services& svc_;
  std::weak_ptr<net::connection> conn_;
  std::string remote_;
  // The upgrade request's id; "<connection_id_>/<rid>" is the request_id of a frame's log lines.
  std::shared_ptr<const std::string> connection_id_;
  std::optional<protocol::user_view> user_;
  std::string token_hash_;
  std::unordered_map<long long, subscription> subs_;
  unsigned long next_generation_ = 0;
  std::size_t in_flight_ = 0;
  bool closed_ = false;
  double tokens_;
  std::chrono::steady_clock::time_point last_refill_;
};

}  // namespace mediation::app
