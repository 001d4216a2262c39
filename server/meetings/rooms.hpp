#pragma once
// The live rooms of meetings (meetings slice): in memory, one process. See docs/architecture.md.

#include <functional>
#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "server/core/hub.hpp"

namespace mediation::app {

// The live rooms of meetings in progress: who has joined (presence), whether the mediator holds a
// joint session or a private caucus with one side (背对背), room messages and WebRTC signaling, all
// relayed only among joined participants. In memory (a room is live only while people are in it).
// Thread-safe; frames are sent outside the lock.
class rooms {
 public:
  using send_fn = std::function<void(const frame_ptr& frame)>;
  struct member {
    long long user = 0;
    std::string name, side;  // petitioner, respondent, neutral: always explicit (the participant's)
    send_fn send;            // holds the connection weakly; a closed one leaves through leave_all
  };
  // Adds the connection `key` to the room of `meeting` (of case `case_id`) and tells everyone who
  // may know it who is there.
  void join(long long meeting, long long case_id, const void* key, member m);
  // Removes the connection from one room, from the rooms of one case (access lost), or from every
  // room (connection closed).
  void leave(long long meeting, const void* key);
  void leave_case(long long case_id, const void* key);
  // Takes the connection out of the room because it may no longer be there, telling it why
  // ({"type": "room", "kind": "removed", "reason"}).
  void eject(long long meeting, const void* key, const std::string& reason);
  void leave_all(const void* key);
  // A participant's side changed: their connections in the room take it at once.
  void set_side(long long meeting, long long user, const std::string& side);
  // Who is in the room now: (connection, user), for the periodic recheck of their right to be there.
  std::vector<std::pair<const void*, long long>> members_of(long long meeting) const;
  std::vector<long long> open_rooms() const;
  bool joined(long long meeting, const void* key) const;
  // joint, petitioner or respondent; joint when nobody set it.
  std::string mode(long long meeting) const;
  void set_mode(long long meeting, const std::string& mode, long long by_user, const std::string& by_name);
  // Whether a member of `side` hears the room now: everyone in a joint session, the neutral side and
  // the side in caucus otherwise.
  static bool hears(const std::string& mode, const std::string& side) noexcept;
  // Whether a member of side `listener` may know of a member of side `other` (presence) in `mode`:
  // in a caucus the side left out sees only its own side.
  static bool sees(const std::string& mode, const std::string& listener, const std::string& other) noexcept;
  // Relays a message from the connection `key` to those who hear the room now. False when `key` has
  // not joined or does not hear the room itself.
  bool say(long long meeting, const void* key, const std::string& body, long long at);
  // Relays a signal from `key` to the connections of user `to`; false unless both have joined and
  // both hear the room now.
  bool signal(long long meeting, const void* key, long long to, const nlohmann::json& signal);

 private:
  struct room {
    long long case_id = 0;
    std::string mode = "joint";
    std::unordered_map<const void*, member> members;
  };
  void push_presence(long long meeting, room& r, std::vector<std::pair<send_fn, frame_ptr>>& out);
  // The room and member of connection `key` if it has joined and hears the room now (lock held).
  struct speaker {
    room* in = nullptr;
    member* self = nullptr;
    nlohmann::json from;
  };
  speaker find_speaker(long long meeting, const void* key);
  mutable std::mutex mutex_;
  std::unordered_map<long long, room> rooms_;
};

}  // namespace mediation::app
