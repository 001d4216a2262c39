#include "server/meetings/rooms.hpp"

#include <algorithm>

#include "protocol/frames.hpp"
#include "protocol/messages/common.hpp"
#include "server/base/time.hpp"

namespace mediation::app {

using nlohmann::json;


bool rooms::sees(const std::string& mode, const std::string& listener, const std::string& other) noexcept {
  return hears(mode, listener) || listener == other;
}

void rooms::push_presence(long long meeting, room& r, std::vector<std::pair<send_fn, frame_ptr>>& out) {
  // One frame per side: in a caucus the side left out learns nothing of who is with the mediator.
  std::map<std::string, frame_ptr> by_side;
  for (const auto& [_, listener] : r.members) {
    auto& frame = by_side[listener.side];
    if (!frame) {
      nlohmann::json joined = nlohmann::json::array();
      std::vector<long long> seen;
      for (const auto& [__, m] : r.members) {
        if (!sees(r.mode, listener.side, m.side)) continue;
        if (std::find(seen.begin(), seen.end(), m.user) != seen.end()) continue;
        seen.push_back(m.user);
        joined.push_back({{"id", protocol::id_to_wire(m.user)}, {"name", m.name}, {"side", m.side}});
      }
      frame = std::make_shared<const std::string>(
          protocol::dump({{"type", "room"}, {"meeting", protocol::id_to_wire(meeting)}, {"kind", "presence"},
                          {"mode", r.mode}, {"joined", joined}}));
    }
    out.emplace_back(listener.send, frame);
  }
}

void rooms::join(long long meeting, long long case_id, const void* key, member m) {
  std::vector<std::pair<send_fn, frame_ptr>> out;
  {
    std::lock_guard lock(mutex_);
    auto& r = rooms_[meeting];
    r.case_id = case_id;
    r.members[key] = std::move(m);
    push_presence(meeting, r, out);
  }
  for (auto& [send, frame] : out) send(frame);
}

void rooms::leave_case(long long case_id, const void* key) {
  std::vector<long long> in;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [id, r] : rooms_)
      if (r.case_id == case_id && r.members.count(key)) in.push_back(id);
  }
  for (long long id : in) leave(id, key);
}

void rooms::eject(long long meeting, const void* key, const std::string& reason) {
  send_fn send;
  {
    std::lock_guard lock(mutex_);
    auto it = rooms_.find(meeting);
    if (it == rooms_.end()) return;
    auto m = it->second.members.find(key);
    if (m == it->second.members.end()) return;
    send = m->second.send;
  }
  leave(meeting, key);
  send(std::make_shared<const std::string>(protocol::dump(
      {{"type", "room"}, {"meeting", protocol::id_to_wire(meeting)}, {"kind", "removed"}, {"reason", reason}})));
}

void rooms::set_side(long long meeting, long long user, const std::string& side) {
  std::vector<std::pair<send_fn, frame_ptr>> out;
  {
    std::lock_guard lock(mutex_);
    auto it = rooms_.find(meeting);
    if (it == rooms_.end()) return;
    bool changed = false;
    for (auto& [_, m] : it->second.members)
      if (m.user == user && m.side != side) {
        m.side = side;
        changed = true;
      }
    if (changed) push_presence(meeting, it->second, out);
  }
  for (auto& [send, frame] : out) send(frame);
}

std::vector<std::pair<const void*, long long>> rooms::members_of(long long meeting) const {
  std::vector<std::pair<const void*, long long>> out;
  std::lock_guard lock(mutex_);
  auto it = rooms_.find(meeting);
  if (it == rooms_.end()) return out;
  for (const auto& [key, m] : it->second.members) out.emplace_back(key, m.user);
  return out;
}

std::vector<long long> rooms::open_rooms() const {
  std::vector<long long> out;
  std::lock_guard lock(mutex_);
  for (const auto& [id, _] : rooms_) out.push_back(id);
  return out;
}

void rooms::leave(long long meeting, const void* key) {
  std::vector<std::pair<send_fn, frame_ptr>> out;
  {
    std::lock_guard lock(mutex_);
    auto it = rooms_.find(meeting);
    if (it == rooms_.end() || !it->second.members.erase(key)) return;
    if (it->second.members.empty()) rooms_.erase(it);
    else push_presence(meeting, it->second, out);
  }
  for (auto& [send, frame] : out) send(frame);
}

void rooms::leave_all(const void* key) {
  std::vector<long long> in;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [id, r] : rooms_)
      if (r.members.count(key)) in.push_back(id);
  }
  for (long long id : in) leave(id, key);
}

bool rooms::joined(long long meeting, const void* key) const {
  std::lock_guard lock(mutex_);
  auto it = rooms_.find(meeting);
  return it != rooms_.end() && it->second.members.count(key) != 0;
}

std::string rooms::mode(long long meeting) const {
  std::lock_guard lock(mutex_);
  auto it = rooms_.find(meeting);
  return it == rooms_.end() ? "joint" : it->second.mode;
}

bool rooms::hears(const std::string& mode, const std::string& side) noexcept {
  return mode == "joint" || side == "neutral" || side == mode;
}

void rooms::set_mode(long long meeting, const std::string& mode, long long by_user, const std::string& by_name) {
  std::vector<std::pair<send_fn, frame_ptr>> out;
  {
    std::lock_guard lock(mutex_);
    auto it = rooms_.find(meeting);
    if (it == rooms_.end()) return;
    it->second.mode = mode;
    auto frame = std::make_shared<const std::string>(protocol::dump(
        {{"type", "room"}, {"meeting", protocol::id_to_wire(meeting)}, {"kind", "caucus"}, {"mode", mode},
         {"by", {{"id", protocol::id_to_wire(by_user)}, {"name", by_name}}}}));
    for (const auto& [_, m] : it->second.members) out.emplace_back(m.send, frame);
    push_presence(meeting, it->second, out);
  }
  for (auto& [send, frame] : out) send(frame);
}

rooms::speaker rooms::find_speaker(long long meeting, const void* key) {
  auto it = rooms_.find(meeting);
  if (it == rooms_.end()) return {};
  auto self = it->second.members.find(key);
  if (self == it->second.members.end() || !hears(it->second.mode, self->second.side)) return {};
  nlohmann::json from{{"id", protocol::id_to_wire(self->second.user)}, {"name", self->second.name}};
  return {&it->second, &self->second, std::move(from)};
}

bool rooms::say(long long meeting, const void* key, const std::string& body, long long at) {
  std::vector<send_fn> out;
  frame_ptr frame;
  {
    std::lock_guard lock(mutex_);
    auto s = find_speaker(meeting, key);
    if (!s.in) return false;
    frame = std::make_shared<const std::string>(protocol::dump(
        {{"type", "room"}, {"meeting", protocol::id_to_wire(meeting)}, {"kind", "message"}, {"from", s.from},
         {"body", body}, {"mode", s.in->mode}, {"at", format_rfc3339(at)}}));
    for (const auto& [_, m] : s.in->members)
      if (hears(s.in->mode, m.side)) out.push_back(m.send);
  }
  for (auto& send : out) send(frame);
  return true;
}

bool rooms::signal(long long meeting, const void* key, long long to, const nlohmann::json& signal) {
  std::vector<send_fn> out;
  frame_ptr frame;
  {
    std::lock_guard lock(mutex_);
    auto s = find_speaker(meeting, key);
    if (!s.in) return false;
    frame = std::make_shared<const std::string>(protocol::dump(
        {{"type", "signal"}, {"meeting", protocol::id_to_wire(meeting)}, {"from", s.from}, {"signal", signal}}));
    for (const auto& [k, m] : s.in->members)
      if (m.user == to && k != key && hears(s.in->mode, m.side)) out.push_back(m.send);
  }
  if (out.empty()) return false;
  for (auto& send : out) send(frame);
  return true;
}

}  // namespace mediation::app
