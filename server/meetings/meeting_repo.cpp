#include "server/meetings/meeting_repo.hpp"

#include <soci/soci.h>

#include "server/store/row_map.hpp"
#include "server/store/sql_util.hpp"

namespace mediation::store {

namespace {

void map_meeting(row_map& m, meeting_row& r) {
  m.add("title", &r.title);
  m.add("purpose", &r.purpose);
  m.add("starts_at", &r.starts_at);
  m.add("ends_at", &r.ends_at);
  m.add("tz", &r.tz);
  m.add("place", &r.place);
  m.add("remote", &r.remote);
  m.add("status", &r.status);
  m.add("sequence", &r.sequence);
}

std::vector<meeting_row> query_meetings(soci::session& sql, const std::string& where, long long a, long long b = 0,
                                        long long c = 0) {
  meeting_row r;
  row_map m;
  map_meeting(m, r);
  soci::statement st = sql_util::prepare_dynamic(
      sql, "SELECT mt.id, mt.case_id, mt.organiser_id, mt.created_at, " + m.select_list("mt") + " FROM meetings mt " + where,
      [&](soci::statement& q) {
        q.exchange(soci::into(r.id));
        q.exchange(soci::into(r.case_id));
        q.exchange(soci::into(r.organiser_id));
        q.exchange(soci::into(r.created_at));
        m.bind_into(q);
        q.exchange(soci::use(a, "a"));
        if (where.find(":b") != std::string::npos) q.exchange(soci::use(b, "b"));
        if (where.find(":c") != std::string::npos) q.exchange(soci::use(c, "c"));
      });
  st.execute();
  std::vector<meeting_row> out;
  while (st.fetch()) {
    m.fetched();
    out.push_back(r);
  }
  return out;
}

void map_participant(row_map& m, participant_row& p) {
  m.add("user_id", &p.user_id);
  m.add("name", &p.name);
  m.add("phone", &p.phone);
  m.add("side", &p.side);
  m.add("required", &p.required);
  m.add("partstat", &p.partstat);
  m.add("proposed_start", &p.proposed_start);
  m.add("proposed_end", &p.proposed_end);
  m.add("comment", &p.comment);
  m.add("responded_at", &p.responded_at);
}

}  // namespace

long long insert_meeting(write_context& ctx, const meeting_row& row) {
  ctx.touch();
  meeting_row r = row;
  row_map m;
  map_meeting(m, r);
  long long now = ctx.now, id = 0;
  std::string cols, vals;
  for (const char* c : {"title", "purpose", "starts_at", "ends_at", "tz", "place", "remote", "status", "sequence"}) {
    cols += std::string(", ") + c;
    vals += std::string(", :") + c;
  }
  soci::statement st = sql_util::prepare_dynamic(
      ctx.sql,
      "INSERT INTO meetings (case_id, organiser_id, created_at, updated_at" + cols + ") VALUES (:case_id, :org, :now, :now2" +
          vals + ")",
      [&](soci::statement& q) {
        q.exchange(soci::use(r.case_id, "case_id"));
        q.exchange(soci::use(r.organiser_id, "org"));
        q.exchange(soci::use(now, "now"));
        q.exchange(soci::use(now, "now2"));
        m.bind_use(q);
      });
  st.execute(true);
  ctx.sql.get_last_insert_id("meetings", id);
  return id;
}

std::optional<meeting_row> find_meeting(soci::session& sql, long long id) {
  auto rows = query_meetings(sql, "WHERE mt.id = :a", id);
  if (rows.empty()) return std::nullopt;
  return rows.front();
}

void save_meeting(write_context& ctx, const meeting_row& row) {
  ctx.touch();
  meeting_row r = row;
  row_map m;
  map_meeting(m, r);
  long long now = ctx.now, id = r.id;
  soci::statement st = sql_util::prepare_dynamic(
      ctx.sql, "UPDATE meetings SET " + m.assignments() + ", updated_at = :updated WHERE id = :id",
      [&](soci::statement& q) {
        m.bind_use(q);
        q.exchange(soci::use(now, "updated"));
        q.exchange(soci::use(id, "id"));
      });
  st.execute(true);
}

std::vector<meeting_row> meetings_of_case(soci::session& sql, long long case_id) {
  return query_meetings(sql, "WHERE mt.case_id = :a ORDER BY mt.starts_at", case_id);
}

std::vector<meeting_row> meetings_of_user(soci::session& sql, long long user_id, long long from, long long to) {
  return query_meetings(sql,
                        "WHERE mt.status = 'scheduled' AND mt.starts_at < :c AND mt.ends_at > :b AND mt.id IN "
                        "(SELECT p.meeting_id FROM meeting_participants p WHERE p.user_id = :a AND p.partstat <> "
                        "'DECLINED') ORDER BY mt.starts_at",
                        user_id, from, to);
}

long long insert_participant(write_context& ctx, const participant_row& row) {
  ctx.touch();
  participant_row p = row;
  row_map m;
  map_participant(m, p);
  long long id = 0;
  std::string cols = "meeting_id", vals = ":meeting_id";
  for (const char* c : {"user_id", "name", "phone", "side", "required", "partstat", "proposed_start", "proposed_end",
                        "comment", "responded_at"}) {
    cols += std::string(", ") + c;
    vals += std::string(", :") + c;
  }
  soci::statement st = sql_util::prepare_dynamic(
      ctx.sql, "INSERT INTO meeting_participants (" + cols + ") VALUES (" + vals + ")", [&](soci::statement& q) {
        q.exchange(soci::use(p.meeting_id, "meeting_id"));
        m.bind_use(q);
      });
  st.execute(true);
  ctx.sql.get_last_insert_id("meeting_participants", id);
  return id;
}

std::vector<participant_row> participants(soci::session& sql, long long meeting_id) {
  participant_row p;
  row_map m;
  map_participant(m, p);
  soci::statement st = sql_util::prepare_dynamic(
      sql, "SELECT pt.id, pt.meeting_id, " + m.select_list("pt") + " FROM meeting_participants pt WHERE pt.meeting_id = :a ORDER BY pt.id",
      [&](soci::statement& q) {
        q.exchange(soci::into(p.id));
        q.exchange(soci::into(p.meeting_id));
        m.bind_into(q);
        q.exchange(soci::use(meeting_id, "a"));
      });
  st.execute();
  std::vector<participant_row> out;
  while (st.fetch()) {
    m.fetched();
    out.push_back(p);
  }
  return out;
}

void save_participant(write_context& ctx, const participant_row& row) {
  ctx.touch();
  participant_row p = row;
  row_map m;
  map_participant(m, p);
  long long id = p.id;
  soci::statement st = sql_util::prepare_dynamic(
      ctx.sql, "UPDATE meeting_participants SET " + m.assignments() + " WHERE id = :id", [&](soci::statement& q) {
        m.bind_use(q);
        q.exchange(soci::use(id, "id"));
      });
  st.execute(true);
}

void insert_reminder(write_context& ctx, long long meeting_id, int minutes_before) {
  ctx.touch();
  ctx.sql << "INSERT INTO meeting_reminders (meeting_id, minutes_before) VALUES (:m, :b)", soci::use(meeting_id, "m"),
      soci::use(minutes_before, "b");
}

void reset_reminders(write_context& ctx, long long meeting_id) {
  ctx.touch();
  ctx.sql << "UPDATE meeting_reminders SET fired_at = NULL WHERE meeting_id = :m", soci::use(meeting_id, "m");
}

std::vector<reminder_row> reminders(soci::session& sql, long long meeting_id) {
  reminder_row r;
  long long fired = 0;
  soci::indicator fi = soci::i_null;
  soci::statement st = (sql.prepare << "SELECT id, meeting_id, minutes_before, fired_at FROM meeting_reminders "
                                       "WHERE meeting_id = :m ORDER BY minutes_before DESC",
                        soci::into(r.id), soci::into(r.meeting_id), soci::into(r.minutes_before), soci::into(fired, fi),
                        soci::use(meeting_id, "m"));
  st.execute();
  std::vector<reminder_row> out;
  while (st.fetch()) {
    r.fired_at = fi == soci::i_ok ? std::optional<long long>(fired) : std::nullopt;
    out.push_back(r);
  }
  return out;
}

std::vector<reminder_row> due_reminders(soci::session& sql, long long now, int limit) {
  reminder_row r;
  soci::statement st = (sql.prepare << "SELECT r.id, r.meeting_id, r.minutes_before FROM meeting_reminders r JOIN meetings m "
                                       "ON m.id = r.meeting_id WHERE r.fired_at IS NULL AND m.status = 'scheduled' AND "
                                       "m.starts_at - r.minutes_before * 60000 <= :n AND m.ends_at > :n2 ORDER BY r.id LIMIT " +
                                           std::to_string(limit),
                        soci::into(r.id), soci::into(r.meeting_id), soci::into(r.minutes_before), soci::use(now, "n"),
                        soci::use(now, "n2"));
  st.execute();
  std::vector<reminder_row> out;
  while (st.fetch()) out.push_back(r);
  return out;
}

void mark_reminder_fired(write_context& ctx, long long id) {
  ctx.touch();
  long long now = ctx.now;
  ctx.sql << "UPDATE meeting_reminders SET fired_at = :n WHERE id = :i", soci::use(now, "n"), soci::use(id, "i");
}

void insert_feed(write_context& ctx, long long user_id, const std::string& token_hash, long long expires_at) {
  ctx.touch();
  long long now = ctx.now;
  std::string h = token_hash;
  ctx.sql << "INSERT INTO calendar_feeds (user_id, token_hash, created_at, expires_at) VALUES (:u, :h, :n, :e)",
      soci::use(user_id, "u"), soci::use(h, "h"), soci::use(now, "n"), soci::use(expires_at, "e");
}

void revoke_feeds(write_context& ctx, long long user_id) {
  ctx.touch();
  long long now = ctx.now;
  ctx.sql << "UPDATE calendar_feeds SET revoked_at = :n WHERE user_id = :u AND revoked_at IS NULL", soci::use(now, "n"),
      soci::use(user_id, "u");
}

std::optional<long long> feed_user(soci::session& sql, const std::string& token_hash, long long now) {
  long long user = 0;
  std::string h = token_hash;
  sql << "SELECT f.user_id FROM calendar_feeds f JOIN users u ON u.id = f.user_id "
         "WHERE f.token_hash = :h AND f.revoked_at IS NULL AND f.expires_at > :n AND u.disabled = 0",
      soci::into(user), soci::use(h, "h"), soci::use(now, "n");
  if (!sql.got_data()) return std::nullopt;
  return user;
}

long long insert_guest_user(write_context& ctx, long long org, const std::string& name, const std::string& username) {
  ctx.touch();
  long long id = 0, now = ctx.now;
  // Guest names ("guest-" and hex) are already in normalised form: they are their own login key.
  ctx.sql << "INSERT INTO users (org_id, username, username_key, name, role, password_hash, disabled, created_at) "
             "VALUES (:o, :u, :k, :n, 'guest', '', 0, :at)",
      soci::use(org, "o"), soci::use(username, "u"), soci::use(username, "k"), soci::use(name, "n"),
      soci::use(now, "at");
  ctx.sql.get_last_insert_id("users", id);
  return id;
}

long long insert_guest_invitation(write_context& ctx, const guest_invitation_row& row, const std::string& token_hash) {
  ctx.touch();
  guest_invitation_row g = row;
  long long id = 0, now = ctx.now, meeting = g.meeting_id.value_or(0);
  soci::indicator mi = g.meeting_id ? soci::i_ok : soci::i_null;
  std::string h = token_hash;
  ctx.sql << "INSERT INTO guest_invitations (case_id, meeting_id, guest_user_id, token_hash, created_by, created_at, "
             "valid_from, valid_until) VALUES (:c, :m, :g, :h, :b, :n, :f, :u)",
      soci::use(g.case_id, "c"), soci::use(meeting, mi, "m"), soci::use(g.guest_user_id, "g"), soci::use(h, "h"),
      soci::use(g.created_by, "b"), soci::use(now, "n"), soci::use(g.valid_from, "f"), soci::use(g.valid_until, "u");
  ctx.sql.get_last_insert_id("guest_invitations", id);
  return id;
}

namespace {
std::optional<guest_invitation_row> query_invitation(soci::session& sql, const std::string& where, const std::string& s,
                                                     long long n) {
  guest_invitation_row g;
  long long meeting = 0, revoked = 0;
  soci::indicator mi = soci::i_null, ri = soci::i_null;
  std::string text = s;
  const bool by_text = where.find(":s") != std::string::npos;
  soci::statement st = sql_util::prepare_dynamic(
      sql, "SELECT id, case_id, guest_user_id, created_by, valid_from, valid_until, meeting_id, revoked_at FROM "
           "guest_invitations " + where,
      [&](soci::statement& q) {
        q.exchange(soci::into(g.id));
        q.exchange(soci::into(g.case_id));
        q.exchange(soci::into(g.guest_user_id));
        q.exchange(soci::into(g.created_by));
        q.exchange(soci::into(g.valid_from));
        q.exchange(soci::into(g.valid_until));
        q.exchange(soci::into(meeting, mi));
        q.exchange(soci::into(revoked, ri));
        if (by_text) q.exchange(soci::use(text, "s"));
        else q.exchange(soci::use(n, "n"));
      });
  st.execute();
  if (!st.fetch()) return std::nullopt;
  if (mi == soci::i_ok) g.meeting_id = meeting;
  if (ri == soci::i_ok) g.revoked_at = revoked;
  return g;
}
}  // namespace

std::optional<guest_invitation_row> find_guest_invitation(soci::session& sql, const std::string& token_hash) {
  return query_invitation(sql, "WHERE token_hash = :s", token_hash, 0);
}

std::optional<guest_invitation_row> guest_invitation_of_user(soci::session& sql, long long guest_user_id) {
  return query_invitation(sql, "WHERE guest_user_id = :n ORDER BY id DESC LIMIT 1", "", guest_user_id);
}

std::vector<long long> open_guest_invitations(soci::session& sql, long long meeting_id) {
  long long id = 0;
  std::vector<long long> out;
  soci::statement st = (sql.prepare << "SELECT id FROM guest_invitations WHERE meeting_id = :m AND revoked_at IS NULL",
                        soci::into(id), soci::use(meeting_id, "m"));
  st.execute();
  while (st.fetch()) out.push_back(id);
  return out;
}

std::vector<std::string> move_guest_window(write_context& ctx, long long meeting_id, long long valid_from,
                                           long long valid_until) {
  ctx.touch();
  std::vector<std::string> ended;
  if (valid_from > ctx.now) {
    std::string hash;
    soci::statement st = (ctx.sql.prepare << "SELECT s.token_hash FROM auth_sessions s JOIN guest_invitations g ON "
                                             "g.id = s.guest_invitation_id WHERE g.meeting_id = :m AND "
                                             "g.revoked_at IS NULL AND s.revoked_at IS NULL",
                          soci::into(hash), soci::use(meeting_id, "m"));
    st.execute();
    while (st.fetch()) ended.push_back(hash);
    long long now = ctx.now;
    ctx.sql << "UPDATE auth_sessions SET revoked_at = :n WHERE revoked_at IS NULL AND guest_invitation_id IN "
               "(SELECT id FROM guest_invitations WHERE meeting_id = :m AND revoked_at IS NULL)",
        soci::use(now, "n"), soci::use(meeting_id, "m");
  }
  ctx.sql << "UPDATE guest_invitations SET valid_from = :f, valid_until = :u WHERE meeting_id = :m AND revoked_at IS NULL",
      soci::use(valid_from, "f"), soci::use(valid_until, "u"), soci::use(meeting_id, "m");
  ctx.sql << "UPDATE auth_sessions SET expires_at = :u WHERE revoked_at IS NULL AND guest_invitation_id IN "
             "(SELECT id FROM guest_invitations WHERE meeting_id = :m AND revoked_at IS NULL)",
      soci::use(valid_until, "u"), soci::use(meeting_id, "m");
  return ended;
}

std::vector<std::string> revoke_guest_invitation(write_context& ctx, long long id) {
  ctx.touch();
  long long now = ctx.now;
  ctx.sql << "UPDATE guest_invitations SET revoked_at = :n WHERE id = :i AND revoked_at IS NULL", soci::use(now, "n"),
      soci::use(id, "i");
  std::string hash;
  std::vector<std::string> out;
  soci::statement st = (ctx.sql.prepare << "SELECT token_hash FROM auth_sessions WHERE guest_invitation_id = :i AND "
                                           "revoked_at IS NULL",
                        soci::into(hash), soci::use(id, "i"));
  st.execute();
  while (st.fetch()) out.push_back(hash);
  ctx.sql << "UPDATE auth_sessions SET revoked_at = :n WHERE guest_invitation_id = :i AND revoked_at IS NULL",
      soci::use(now, "n"), soci::use(id, "i");
  return out;
}

void insert_guest_session(write_context& ctx, long long user_id, const std::string& token_hash, long long expires_at,
                          long long invitation_id, const std::string& remote) {
  ctx.touch();
  long long now = ctx.now;
  std::string h = token_hash, r = remote;
  ctx.sql << "INSERT INTO auth_sessions (user_id, token_hash, created_at, expires_at, remote, guest_invitation_id) "
             "VALUES (:u, :h, :n, :e, :r, :g)",
      soci::use(user_id, "u"), soci::use(h, "h"), soci::use(now, "n"), soci::use(expires_at, "e"), soci::use(r, "r"),
      soci::use(invitation_id, "g");
}

}  // namespace mediation::store
