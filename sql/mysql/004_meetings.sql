-- Joint sessions (联合调解, 会商, 联席会议): meetings of a case, participants and their answers,
-- reminders, calendar feeds and guest invitations.
CREATE TABLE IF NOT EXISTS meetings (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  case_id BIGINT NOT NULL,
  title VARCHAR(800) NOT NULL,
  purpose TEXT NOT NULL,
  starts_at BIGINT NOT NULL,
  ends_at BIGINT NOT NULL,
  tz VARCHAR(64) NOT NULL,
  place VARCHAR(800) NOT NULL,
  remote BIGINT NOT NULL,
  status VARCHAR(16) NOT NULL,
  sequence BIGINT NOT NULL,
  organiser_id BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
ALTER TABLE meetings ADD KEY IF NOT EXISTS meetings_case (case_id);
ALTER TABLE meetings ADD KEY IF NOT EXISTS meetings_time (starts_at);

CREATE TABLE IF NOT EXISTS meeting_participants (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  meeting_id BIGINT NOT NULL,
  user_id BIGINT NULL,
  name VARCHAR(200) NOT NULL,
  phone VARCHAR(40) NOT NULL,
  side VARCHAR(16) NOT NULL,
  required BIGINT NOT NULL,
  partstat VARCHAR(16) NOT NULL,
  proposed_start BIGINT NULL,
  proposed_end BIGINT NULL,
  comment VARCHAR(2000) NOT NULL,
  responded_at BIGINT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
ALTER TABLE meeting_participants ADD KEY IF NOT EXISTS meeting_participants_meeting (meeting_id);
ALTER TABLE meeting_participants ADD KEY IF NOT EXISTS meeting_participants_user (user_id);

CREATE TABLE IF NOT EXISTS meeting_reminders (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  meeting_id BIGINT NOT NULL,
  minutes_before BIGINT NOT NULL,
  fired_at BIGINT NULL,
  UNIQUE (meeting_id, minutes_before)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
ALTER TABLE meeting_reminders ADD KEY IF NOT EXISTS meeting_reminders_due (fired_at);

CREATE TABLE IF NOT EXISTS calendar_feeds (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  user_id BIGINT NOT NULL,
  token_hash CHAR(64) CHARACTER SET ascii NOT NULL UNIQUE,
  created_at BIGINT NOT NULL,
  revoked_at BIGINT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Remote participants from outside the network (lawyers, parties): a guest account scoped to one
-- case or one meeting, through a link valid from shortly before the session to shortly after it.
CREATE TABLE IF NOT EXISTS guest_invitations (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  case_id BIGINT NOT NULL,
  meeting_id BIGINT NULL,
  guest_user_id BIGINT NOT NULL,
  token_hash CHAR(64) CHARACTER SET ascii NOT NULL UNIQUE,
  created_by BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  valid_from BIGINT NOT NULL,
  valid_until BIGINT NOT NULL,
  revoked_at BIGINT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
ALTER TABLE auth_sessions ADD COLUMN IF NOT EXISTS guest_invitation_id BIGINT NULL;
ALTER TABLE meetings
  ADD CONSTRAINT meetings_case_fk FOREIGN KEY IF NOT EXISTS (case_id) REFERENCES cases(id),
  ADD CONSTRAINT meetings_organiser_fk FOREIGN KEY IF NOT EXISTS (organiser_id) REFERENCES users(id);
ALTER TABLE meeting_participants
  ADD CONSTRAINT meeting_participants_meeting_fk FOREIGN KEY IF NOT EXISTS (meeting_id) REFERENCES meetings(id),
  ADD CONSTRAINT meeting_participants_user_fk FOREIGN KEY IF NOT EXISTS (user_id) REFERENCES users(id);
ALTER TABLE meeting_reminders ADD CONSTRAINT meeting_reminders_meeting_fk FOREIGN KEY IF NOT EXISTS (meeting_id) REFERENCES meetings(id);
ALTER TABLE calendar_feeds ADD CONSTRAINT calendar_feeds_user_fk FOREIGN KEY IF NOT EXISTS (user_id) REFERENCES users(id);
ALTER TABLE guest_invitations
  ADD CONSTRAINT guest_invitations_case_fk FOREIGN KEY IF NOT EXISTS (case_id) REFERENCES cases(id),
  ADD CONSTRAINT guest_invitations_meeting_fk FOREIGN KEY IF NOT EXISTS (meeting_id) REFERENCES meetings(id),
  ADD CONSTRAINT guest_invitations_guest_fk FOREIGN KEY IF NOT EXISTS (guest_user_id) REFERENCES users(id);
