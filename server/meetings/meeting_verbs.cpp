// The live rooms' verbs: meeting.join, meeting.leave, meeting.caucus, meeting.set_side, meeting.say,
// meeting.signal. The rooms are in this process's memory and hold connections, so these stay
// handlers of the connection; what they check and store in the database is plain logic
// (meeting_logic.hpp: join_check, caucus_check, set_side), and the handlers only move the connection
// in and out of rooms.
#include <soci/soci.h>

#include "protocol/frames.hpp"
#include "server/base/time.hpp"
#include "server/meetings/meeting_logic.hpp"
#include "server/meetings/rooms.hpp"
#include "server/meetings/verbs.hpp"

namespace mediation::app {

using protocol::errc;
using protocol::id_to_wire;

void handle(client& c, const std::string& rid, const protocol::meeting_join_request& r, rooms& live) {
  auto self = c.shared_from_this();
  c.query(rid, [self, rid, r, who = c.as_actor(), &live](soci::session& sql) -> client::continuation {
    auto pass = meetings::join_check(sql, self->svc().env(), who, r);
    return [self, rid, r, who, pass = std::move(pass), &live] {
      std::weak_ptr<client> weak = self;
      live.join(r.meeting, pass.case_id, self.get(),
                rooms::member{who.v.user_id, who.by.name, pass.side, [weak](const frame_ptr& f) {
                                if (auto c = weak.lock()) c->push(f);
                              }});
      self->reply_ok(rid, {{"meeting", id_to_wire(r.meeting)}, {"side", pass.side},
                           {"mode", live.mode(r.meeting)}, {"ice_servers", pass.ice_servers}});
    };
  });
}

void handle(client& c, const std::string& rid, const protocol::meeting_leave_request& r, rooms& live) {
  live.leave(r.meeting, &c);
  c.reply_ok(rid, {{"meeting", id_to_wire(r.meeting)}});
}

void handle(client& c, const std::string& rid, const protocol::meeting_caucus_request& r, rooms& live) {
  if (!live.joined(r.meeting, &c)) throw protocol::error(errc::conflict, "join the meeting first");
  auto self = c.shared_from_this();
  c.query(rid, [self, rid, r, who = c.as_actor(), &live](soci::session& sql) -> client::continuation {
    meetings::caucus_check(sql, who, r);
    return [self, rid, r, who, &live] {
      live.set_mode(r.meeting, r.mode, who.v.user_id, who.by.name);
      self->reply_ok(rid, {{"meeting", id_to_wire(r.meeting)}, {"mode", r.mode}});
    };
  });
}

void handle(client& c, const std::string& rid, const protocol::meeting_set_side_request& r, rooms& live) {
  // Not write_verb: the participant's connections in the room take the new side before the mediator
  // hears ok (as they always have), so the room is moved here, after the commit and before
  // finish_verb replies; after_commit would run only after the reply.
  auto self = c.shared_from_this();
  c.write(rid, [self, rid, r, who = c.as_actor(), &live](store::write_context& ctx) -> client::continuation {
    std::string side;
    auto out = meetings::set_side(ctx, who, r, &side);
    return [self, rid, r, side, out = std::move(out), events = ctx.events, &live]() mutable {
      live.set_side(r.meeting, r.user, side);
      finish_verb(self, rid, std::move(out), std::move(events));
    };
  });
}

void handle(client& c, const std::string& rid, const protocol::meeting_say_request& r, rooms& live) {
  if (!live.say(r.meeting, &c, r.body, now_millis()))
    throw protocol::error(errc::forbidden, "you are not in the room, or the mediator is in caucus with the other side");
  c.reply_ok(rid, {{"meeting", id_to_wire(r.meeting)}});
}

void handle(client& c, const std::string& rid, const protocol::meeting_signal_request& r, rooms& live) {
  if (!live.joined(r.meeting, &c)) throw protocol::error(errc::forbidden, "join the meeting first");
  if (!live.signal(r.meeting, &c, r.to, r.signal))
    throw protocol::error(errc::conflict, "that participant is not in the room, or not in this part of the session");
  c.reply_ok(rid, {{"meeting", id_to_wire(r.meeting)}});
}

}  // namespace mediation::app
