#include "server/meetings/meeting_service.hpp"

#include <algorithm>

#include <soci/soci.h>

#include "protocol/frames.hpp"
#include "server/core/credentials.hpp"
#include "server/cases/case_repo.hpp"
#include "server/store/access_repo.hpp"
#include "server/store/event_repo.hpp"
#include "server/store/identity_repo.hpp"
#include "server/base/time.hpp"
#include "server/core/verb_checks.hpp"

namespace mediation::app::meetings {

using nlohmann::json;
using protocol::errc;
using protocol::id_to_wire;

visible_meeting require_meeting(soci::session& sql, const viewer& v, long long id) {
  auto m = store::find_meeting(sql, id);
  if (!m) throw protocol::error(errc::not_found, "no such meeting");
  auto access = require_known_case(sql, v, m->case_id);
  if (!may_see(sql, v, access, *m)) throw protocol::error(errc::forbidden, "you are not invited to this meeting");
  return {*m, access};
}
visible_meeting require_meeting(store::write_context& ctx, const viewer& v, long long id) {
  auto m = store::find_meeting(ctx.sql, id);
  if (!m) throw protocol::error(errc::not_found, "no such meeting");
  auto access = require_known_case(ctx, v, m->case_id);
  if (!may_see(ctx.sql, v, access, *m)) throw protocol::error(errc::forbidden, "you are not invited to this meeting");
  return {*m, access};
}

bool may_see(soci::session& sql, const viewer& v, const store::case_access& access, const store::meeting_row& m) {
  if (can_see(v, access)) return true;
  if (!on_party_side(v, access)) return false;
  // On a party's side: only one's own meetings (and a guest only the one of the invitation).
  if (!side_of(sql, m.id, v.user_id)) return false;
  if (v.role != "guest") return true;
  auto inv = store::guest_invitation_of_user(sql, v.user_id);
  return inv && !inv->revoked_at && (!inv->meeting_id || *inv->meeting_id == m.id);
}

json add_participants(store::write_context& ctx, const store::meeting_row& m, const store::case_access& access,
                      const std::vector<protocol::meeting_participant>& list, const actor& who,
                                const personal_data& personal) {
  json out = json::array();
  std::vector<long long> seen;
  auto add = [&](store::participant_row p, bool invited) {
    p.meeting_id = m.id;
    p.id = store::insert_participant(ctx, p);
    json j{{"name", p.name}, {"side", p.side}, {"required", p.required}};
    if (p.user_id) j["user"] = id_to_wire(*p.user_id);
    if (invited) j["invited_to_case"] = true;
    out.push_back(std::move(j));
  };
  bool organiser_listed = false;
  for (const auto& x : list) organiser_listed |= x.user == who.by.id;
  if (!organiser_listed) {
    store::participant_row p;
    p.user_id = who.by.id;
    p.name = who.by.name;
    p.side = "neutral";
    p.partstat = "ACCEPTED";
    p.responded_at = ctx.now;
    add(p, false);
    seen.push_back(who.by.id);
  }
  for (const auto& x : list) {
    store::participant_row p;
    p.required = x.required;
    p.partstat = "NEEDS-ACTION";
    bool invited = false;
    if (x.user) {
      if (std::find(seen.begin(), seen.end(), *x.user) != seen.end())
        throw protocol::error(errc::bad_request, "a participant is listed twice");
      seen.push_back(*x.user);
      auto u = store::find_user(ctx.sql, *x.user);
      if (!u || u->role == "system") throw protocol::error(errc::not_found, "no such user: " + id_to_wire(*x.user));
      p.user_id = u->id;
      p.name = u->name;
      if (u->id == who.by.id) {
        p.partstat = "ACCEPTED";
        p.responded_at = ctx.now;
      }
      // A participant from outside the case's organisations (a lawyer, a judge) is invited to the case.
      viewer pv{u->id, u->org.id, u->role};
      p.side = resolve_side(pv, access, x.side, store::invited_side(ctx.sql, access.case_id, u->id));
      if (!knows_case(pv, access)) {
        // A neutral participant joins as a professional (the internal thread); one on a party's
        // side as that party's representative (the parties' thread).
        if (p.side == "neutral")
          store::insert_invite(ctx, access.case_id, u->id, who.by.id);
        else
          store::insert_invite(ctx, access.case_id, u->id, who.by.id, "representative", p.side);
        invited = true;
      }
    } else {
      p.name = x.name;
      p.side = resolve_side(viewer{}, access, x.side);  // an external person: never neutral
      p.phone = personal.seal(x.phone);
    }
    add(p, invited);
  }
  return out;
}

json conflicts_json(soci::session& sql, const store::meeting_row& m, long long buffer, const viewer* asker) {
  json out = json::array();
  for (const auto& p : store::participants(sql, m.id)) {
    if (!p.user_id || p.partstat == "DECLINED") continue;
    std::vector<calendar::booking> booked;
    for (const auto& other : store::meetings_of_user(sql, *p.user_id, m.starts_at - buffer - 1, m.ends_at + buffer + 1))
      if (other.id != m.id) booked.push_back({other.id, other.title, other.starts_at, other.ends_at});
    for (const auto& b : calendar::conflicts(booked, m.starts_at, m.ends_at, buffer)) {
      json when{{"start", format_rfc3339(b.start)}, {"end", format_rfc3339(b.end)},
                {"local_start", calendar::format_local(b.start, m.tz)}};
      bool named = false;
      if (asker) {
        auto other = store::find_meeting(sql, b.meeting);
        auto access = other ? store::access_by_case(sql, other->case_id) : std::nullopt;
        named = other && access && may_see(sql, *asker, *access, *other);
      }
      if (named) {
        when["id"] = id_to_wire(b.meeting);
        when["title"] = b.title;
      } else {
        when["busy"] = true;
      }
      out.push_back({{"participant", {{"id", id_to_wire(*p.user_id)}, {"name", p.name}}}, {"meeting", when}});
    }
  }
  return out;
}

json summary(const store::meeting_row& m) {
  return {{"id", id_to_wire(m.id)}, {"title", m.title}, {"start", format_rfc3339(m.starts_at)},
          {"end", format_rfc3339(m.ends_at)}, {"local_start", calendar::format_local(m.starts_at, m.tz)},
          {"place", m.place}, {"remote", m.remote}, {"sequence", m.sequence}};
}

namespace {
std::string answer_of(const std::string& partstat) {
  if (partstat == "ACCEPTED") return "accepted";
  if (partstat == "DECLINED") return "declined";
  if (partstat == "TENTATIVE") return "tentative";
  return "needs_action";
}
}  // namespace

json meeting_json(soci::session& sql, long long meeting_id) {
  auto m = store::find_meeting(sql, meeting_id);
  if (!m) return nullptr;
  auto organiser = store::find_user(sql, m->organiser_id);
  json participants = json::array();
  bool required_declined = false;
  for (const auto& p : store::participants(sql, m->id)) {
    json j{{"name", p.name}, {"side", p.side}, {"required", p.required}, {"answer", answer_of(p.partstat)},
           {"comment", p.comment}, {"user", p.user_id ? json(id_to_wire(*p.user_id)) : json(nullptr)}};
    if (p.proposed_start)
      j["proposed"] = {{"start", format_rfc3339(*p.proposed_start)}, {"end", format_rfc3339(*p.proposed_end)}};
    required_declined |= p.required && p.partstat == "DECLINED";
    participants.push_back(std::move(j));
  }
  json reminders = json::array();
  for (const auto& r : store::reminders(sql, m->id)) reminders.push_back(r.minutes_before);
  return {{"id", id_to_wire(m->id)},
          {"case", id_to_wire(m->case_id)},
          {"title", m->title},
          {"purpose", m->purpose},
          {"start", format_rfc3339(m->starts_at)},
          {"end", format_rfc3339(m->ends_at)},
          {"tz", m->tz},
          {"local_start", calendar::format_local(m->starts_at, m->tz)},
          {"local_end", calendar::format_local(m->ends_at, m->tz)},
          {"place", m->place},
          {"remote", m->remote},
          {"status", m->status},
          {"sequence", m->sequence},
          {"organiser", {{"id", id_to_wire(m->organiser_id)}, {"name", organiser ? organiser->name : ""}}},
          {"participants", participants},
          {"required_declined", required_declined},
          {"reminders", reminders},
          {"ics", "/api/meetings/" + id_to_wire(m->id) + ".ics"}};
}

json meeting_json(soci::session& sql, long long meeting_id, const viewer& reader, const store::case_access& access) {
  json m = meeting_json(sql, meeting_id);
  if (!on_party_side(reader, access) || !m.contains("participants")) return m;
  const std::string me = id_to_wire(reader.user_id);
  for (auto& p : m["participants"]) {
    if (p.value("user", json()).is_string() && p["user"] == me) continue;
    p["comment"] = "";
    p.erase("proposed");
  }
  return m;
}

std::optional<std::string> side_of(soci::session& sql, long long meeting_id, long long user_id) {
  for (const auto& p : store::participants(sql, meeting_id))
    if (p.user_id == user_id) return p.side;
  return std::nullopt;
}

std::string resolve_side(const viewer& participant, const store::case_access& access, const std::string& asked,
                         const std::optional<std::string>& invited) {
  // Neutral by default: staff of an organisation acting on the case, or a professional invited to
  // it (a judge, a prosecutor). Anyone else is neutral only when the organiser says so, and only a
  // user of the network who is not on a party's side; an external person never is.
  const bool network_user = participant.user_id != 0 && participant.role != "guest";
  const bool party = on_party_side(participant, access);
  const bool invited_professional =
      network_user && !party &&
      std::find(access.invited.begin(), access.invited.end(), participant.user_id) != access.invited.end();
  const bool staff = can_act(participant, access) || invited_professional;
  // Administrators run the network; they take no part in its cases (nor read their files).
  if (participant.role == "administrator")
    throw protocol::error(errc::bad_request, "field 'participants' must not name an administrator: administrators "
                                             "take no part in cases");
  if (asked.empty()) {
    if (staff) return "neutral";
    if (party && invited) return *invited;
    throw protocol::error(errc::bad_request,
                          "field 'side' is required for a participant outside the organisations acting on the case");
  }
  if (asked == "neutral" && (!network_user || party))
    throw protocol::error(errc::bad_request, "a party, its representative or an external person is never neutral; "
                                             "choose the party's side");
  // An invited professional reads the staff's discussion: on a party's side they would hear a
  // caucus of that side while still reading the staff's notes. They stay neutral.
  if (invited_professional && !can_act(participant, access) && asked != "neutral")
    throw protocol::error(errc::bad_request, "field 'side' must be neutral for a professional invited to the case "
                                             "(who reads the staff's discussion); to act for a party, a lawyer is "
                                             "invited as its representative");
  // A representative or a guest keeps the side they were invited for.
  if (party && invited && asked != *invited)
    throw protocol::error(errc::bad_request, "field 'side' must be " + *invited +
                                             ": the side this person was invited to the case for");
  // Someone new to the case acts for a party only as its representative, which is a lawyer's part.
  if (network_user && !knows_case(participant, access) && asked != "neutral" && participant.role != "lawyer")
    throw protocol::error(errc::bad_request, "field 'side': only a lawyer acts for a party (as its representative); "
                                             "staff and judicial officers take part as neutral");
  return asked;
}

json invite_guest(store::write_context& ctx, const store::meeting_row& m, const store::case_access& access,
                  const std::string& name, const std::string& phone, const std::string& side, const std::string& token,
                  const actor& who, const personal_data& personal) {
  const std::string username = "guest-" + token_hash(token).substr(0, 16);
  const long long guest = store::insert_guest_user(ctx, access.owner_org, name, username);
  store::insert_invite(ctx, access.case_id, guest, who.by.id, "party", side);
  store::participant_row p;
  p.meeting_id = m.id;
  p.user_id = guest;
  p.name = name;
  p.phone = personal.seal(phone);
  p.side = side;
  p.required = false;
  p.partstat = "NEEDS-ACTION";
  store::insert_participant(ctx, p);
  store::guest_invitation_row inv;
  inv.case_id = access.case_id;
  inv.meeting_id = m.id;
  inv.guest_user_id = guest;
  inv.created_by = who.by.id;
  inv.valid_from = m.starts_at - 30 * 60000LL;
  inv.valid_until = m.ends_at + 2 * 3600000LL;
  store::insert_guest_invitation(ctx, inv, token_hash(token));
  json data{{"meeting", summary(m)}, {"guest", {{"id", id_to_wire(guest)}, {"name", name}, {"side", side}}},
            {"valid_from", format_rfc3339(inv.valid_from)}, {"valid_until", format_rfc3339(inv.valid_until)}};
  store::append_event(ctx, access.thread_id, "guest_invited", who.by, protocol::dump(data));
  store::audit(ctx, who.by.id, "meeting.invite_guest", access.case_id, name, who.remote);
  return {{"guest", {{"id", id_to_wire(guest)}, {"name", name}}},
          {"token", token},
          {"url", "/#guest=" + token},
          {"valid_from", format_rfc3339(inv.valid_from)},
          {"valid_until", format_rfc3339(inv.valid_until)}};
}

std::vector<std::string> revoke_guest(store::write_context& ctx, const store::guest_invitation_row& inv,
                                      const store::case_access& access, const actor& who) {
  auto hashes = store::revoke_guest_invitation(ctx, inv.id);
  auto guest = store::find_user(ctx.sql, inv.guest_user_id);
  json data{{"guest", {{"id", id_to_wire(inv.guest_user_id)}, {"name", guest ? guest->name : ""}}}};
  store::append_event(ctx, access.thread_id, "guest_revoked", who.by, protocol::dump(data));
  store::audit(ctx, who.by.id, "meeting.revoke_guest", access.case_id, guest ? guest->name : "", who.remote);
  return hashes;
}

calendar::event ics_event(soci::session& sql, const store::meeting_row& m) {
  calendar::event e;
  e.uid = "meeting-" + id_to_wire(m.id) + "@mediation.network";
  e.sequence = m.sequence;
  e.stamp = now_millis();
  e.start = m.starts_at;
  e.end = m.ends_at;
  e.tz = m.tz;
  auto kase = store::find_case(sql, m.case_id);
  e.summary = m.title;
  e.description = m.purpose + (kase ? "\n案件 " + kase->number + " " + kase->title : "");
  e.location = m.remote ? (m.place.empty() ? "远程（调解网络）" : m.place + "；可远程参加") : m.place;
  e.cancelled = m.status == "cancelled";
  auto organiser = store::find_user(sql, m.organiser_id);
  e.organiser = {organiser ? organiser->name : "", "urn:mediation:user:" + id_to_wire(m.organiser_id), "ACCEPTED", true};
  for (const auto& p : store::participants(sql, m.id)) {
    // Phone numbers are personal data: calendar files name participants, never their numbers.
    std::string uri = p.user_id ? "urn:mediation:user:" + id_to_wire(*p.user_id) : "urn:mediation:guest:" + id_to_wire(p.id);
    e.attendees.push_back({p.name, uri, p.partstat, p.required});
  }
  for (const auto& r : store::reminders(sql, m.id)) e.alarms_minutes.push_back(r.minutes_before);
  return e;
}

}  // namespace mediation::app::meetings
