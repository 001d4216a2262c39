-- Joint sessions (联合调解, 会商, 联席会议): meetings of a case, participants and their answers,
-- reminders, calendar feeds and guest invitations.
CREATE TABLE meetings (
  id INTEGER PRIMARY KEY,
  case_id INTEGER NOT NULL REFERENCES cases(id),
  title TEXT NOT NULL,
  purpose TEXT NOT NULL,
  starts_at INTEGER NOT NULL,
  ends_at INTEGER NOT NULL,
  tz TEXT NOT NULL,
  place TEXT NOT NULL,
  remote INTEGER NOT NULL,
  status TEXT NOT NULL,
  sequence INTEGER NOT NULL,
  organiser_id INTEGER NOT NULL REFERENCES users(id),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX meetings_case ON meetings(case_id);
CREATE INDEX meetings_time ON meetings(starts_at);

CREATE TABLE meeting_participants (
  id INTEGER PRIMARY KEY,
  meeting_id INTEGER NOT NULL REFERENCES meetings(id),
  user_id INTEGER REFERENCES users(id),
  name TEXT NOT NULL,
  phone TEXT NOT NULL,
  side TEXT NOT NULL,
  required INTEGER NOT NULL,
  partstat TEXT NOT NULL,
  proposed_start INTEGER,
  proposed_end INTEGER,
  comment TEXT NOT NULL,
  responded_at INTEGER
);
CREATE INDEX meeting_participants_meeting ON meeting_participants(meeting_id);
CREATE INDEX meeting_participants_user ON meeting_participants(user_id);

CREATE TABLE meeting_reminders (
  id INTEGER PRIMARY KEY,
  meeting_id INTEGER NOT NULL REFERENCES meetings(id),
  minutes_before INTEGER NOT NULL,
  fired_at INTEGER,
  UNIQUE (meeting_id, minutes_before)
);
CREATE INDEX meeting_reminders_due ON meeting_reminders(fired_at);

CREATE TABLE calendar_feeds (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id),
  token_hash TEXT NOT NULL UNIQUE,
  created_at INTEGER NOT NULL,
  revoked_at INTEGER
);

-- Remote participants from outside the network (lawyers, parties): a guest account scoped to one
-- case or one meeting, through a link valid from shortly before the session to shortly after it.
CREATE TABLE guest_invitations (
  id INTEGER PRIMARY KEY,
  case_id INTEGER NOT NULL REFERENCES cases(id),
  meeting_id INTEGER REFERENCES meetings(id),
  guest_user_id INTEGER NOT NULL REFERENCES users(id),
  token_hash TEXT NOT NULL UNIQUE,
  created_by INTEGER NOT NULL REFERENCES users(id),
  created_at INTEGER NOT NULL,
  valid_from INTEGER NOT NULL,
  valid_until INTEGER NOT NULL,
  revoked_at INTEGER
);
ALTER TABLE auth_sessions ADD COLUMN guest_invitation_id INTEGER REFERENCES guest_invitations(id);
