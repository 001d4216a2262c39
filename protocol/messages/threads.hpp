#pragma once
// Requests of the threads slice: subscribe, unsubscribe, post, history, typing, read, read.list.

#include "protocol/messages/common.hpp"

namespace mediation::protocol {

struct subscribe_request {
  static constexpr std::string_view type = "subscribe";
  static constexpr std::string_view doc =
      "Live events of a thread. With since, every stored event with seq > since follows the "
      "reply, then live events, in strictly increasing seq with no gap and no duplicate. Reply: "
      "ok {thread, head}; forbidden; not_found; rate_limited over the subscription limit.";
  id_t thread = 0;
  std::optional<long long> since;
  template <class V>
  void fields(V& v) {
    v.id("thread", thread);
    v.integer("since", since, {.min = 0, .max = max_seq});
  }
};
struct unsubscribe_request : thread_ref {
  static constexpr std::string_view type = "unsubscribe";
  static constexpr std::string_view doc =
      "Stops the live events of a thread. Reply: ok {thread}; not_found when not subscribed.";
};
struct post_request {
  static constexpr std::string_view type = "post";
  static constexpr std::string_view doc =
      "A chat message in a thread. Acknowledged only once durably committed. The same cmid "
      "again by the same user in the same thread returns the first seq and stores nothing. "
      "Reply: ok {thread, seq, duplicate?}.";
  id_t thread = 0;
  std::string cmid;
  std::string body;
  template <class V>
  void fields(V& v) {
    v.id("thread", thread);
    v.text("cmid", cmid, {.max = limits::cmid, .doc = "The client's id for the message."});
    v.text("body", body, {.max = limits::body, .over = errc::too_large, .doc = "Characters; longer is too_large."});
  }
};
struct history_request {
  static constexpr std::string_view type = "history";
  static constexpr std::string_view doc =
      "Stored events with seq < before (or the newest), in increasing seq. Reply: ok {thread, "
      "events: [event.json]}.";
  id_t thread = 0;
  std::optional<long long> before;
  int limit = limits::history_default;
  template <class V>
  void fields(V& v) {
    v.id("thread", thread);
    v.integer("before", before, {.min = 1, .max = max_seq});
    v.integer("limit", limit, {.min = 1, .max = limits::history_max, .optional = true});
  }
};
struct typing_request : thread_ref {
  static constexpr std::string_view type = "typing";
  static constexpr std::string_view doc =
      "An ephemeral typing notice to the thread's other subscribers (no seq). The sender must "
      "be subscribed. Reply: ok {thread}; forbidden when not subscribed.";
};
struct read_request {
  static constexpr std::string_view type = "read";
  static constexpr std::string_view doc =
      "Moves the user's read marker forward to seq (never back); every subscriber receives an "
      "ephemeral event of kind read. Reply: ok {thread, seq} (the marker now stored); "
      "bad_request beyond the head.";
  id_t thread = 0;
  long long seq = 0;
  template <class V>
  void fields(V& v) {
    v.id("thread", thread);
    v.integer("seq", seq, {.min = 0, .max = max_seq});
  }
};
struct read_list_request : thread_ref {
  static constexpr std::string_view type = "read.list";
  static constexpr std::string_view doc =
      "Who has read up to where in a thread. Reply: ok {thread, reads: [{user: {id, name}, seq, "
      "at}]}.";
};

}  // namespace mediation::protocol
