-- Case workflow: the full intake record, triage, the handling organisation and its level,
-- deadline clocks, escalation, leader ownership, supervision, similar-case groups, closure and
-- evaluation, attachments, search and an append-only audit.
ALTER TABLE cases
  ADD COLUMN IF NOT EXISTS kind VARCHAR(16) NOT NULL DEFAULT 'case',
  ADD COLUMN IF NOT EXISTS location VARCHAR(800) NOT NULL DEFAULT '',
  ADD COLUMN IF NOT EXISTS urgency VARCHAR(16) NOT NULL DEFAULT 'normal',
  ADD COLUMN IF NOT EXISTS petitioner_key CHAR(64) CHARACTER SET ascii NULL,
  ADD COLUMN IF NOT EXISTS respondent VARCHAR(400) NOT NULL DEFAULT '',
  ADD COLUMN IF NOT EXISTS handling_org_id BIGINT NULL,
  ADD COLUMN IF NOT EXISTS level VARCHAR(32) NOT NULL DEFAULT '',
  ADD COLUMN IF NOT EXISTS stage VARCHAR(16) NOT NULL DEFAULT 'first',
  ADD COLUMN IF NOT EXISTS accepted_at BIGINT NULL,
  ADD COLUMN IF NOT EXISTS clock VARCHAR(32) NULL,
  ADD COLUMN IF NOT EXISTS clock_start BIGINT NULL,
  ADD COLUMN IF NOT EXISTS clock_days INT NULL,
  ADD COLUMN IF NOT EXISTS clock_working TINYINT NOT NULL DEFAULT 0,
  ADD COLUMN IF NOT EXISTS extended_days INT NOT NULL DEFAULT 0,
  ADD COLUMN IF NOT EXISTS paused_at BIGINT NULL,
  ADD COLUMN IF NOT EXISTS due_at BIGINT NULL,
  ADD COLUMN IF NOT EXISTS overdue_handled_due BIGINT NULL,
  ADD COLUMN IF NOT EXISTS repeat_of BIGINT NULL,
  ADD COLUMN IF NOT EXISTS repeat_handled TINYINT NOT NULL DEFAULT 0,
  ADD COLUMN IF NOT EXISTS merged_into BIGINT NULL,
  ADD COLUMN IF NOT EXISTS route VARCHAR(200) NULL,
  ADD COLUMN IF NOT EXISTS group_id BIGINT NULL,
  ADD COLUMN IF NOT EXISTS closed_at BIGINT NULL,
  ADD COLUMN IF NOT EXISTS outcome VARCHAR(32) NULL,
  ADD COLUMN IF NOT EXISTS closure_note TEXT NULL,
  ADD COLUMN IF NOT EXISTS closed_on_time TINYINT NULL,
  ADD COLUMN IF NOT EXISTS closed_level VARCHAR(32) NULL,
  ADD COLUMN IF NOT EXISTS review_until BIGINT NULL,
  ADD COLUMN IF NOT EXISTS evaluation VARCHAR(32) NULL,
  ADD COLUMN IF NOT EXISTS evaluation_comment TEXT NULL,
  ADD COLUMN IF NOT EXISTS evaluated_at BIGINT NULL,
  ADD COLUMN IF NOT EXISTS evaluation_handled TINYINT NOT NULL DEFAULT 0,
  ADD COLUMN IF NOT EXISTS escalations INT NOT NULL DEFAULT 0,
  ADD KEY IF NOT EXISTS cases_handling (handling_org_id),
  ADD KEY IF NOT EXISTS cases_due (closed_at, due_at),
  ADD KEY IF NOT EXISTS cases_created (created_at),
  ADD KEY IF NOT EXISTS cases_petitioner (petitioner_key),
  ADD KEY IF NOT EXISTS cases_group (group_id),
  ADD CONSTRAINT cases_handling_fk FOREIGN KEY IF NOT EXISTS (handling_org_id) REFERENCES orgs(id),
  ADD CONSTRAINT cases_repeat_fk FOREIGN KEY IF NOT EXISTS (repeat_of) REFERENCES cases(id),
  ADD CONSTRAINT cases_merged_fk FOREIGN KEY IF NOT EXISTS (merged_into) REFERENCES cases(id),
  ADD CONSTRAINT cases_group_fk FOREIGN KEY IF NOT EXISTS (group_id) REFERENCES cases(id);

ALTER TABLE case_parties
  ADD COLUMN IF NOT EXISTS phone VARCHAR(40) NOT NULL DEFAULT '',
  ADD COLUMN IF NOT EXISTS id_number VARCHAR(40) NOT NULL DEFAULT '',
  ADD COLUMN IF NOT EXISTS address VARCHAR(800) NOT NULL DEFAULT '';

-- How an organisation came to handle the case: a hand-over or an escalation.
ALTER TABLE case_orgs ADD COLUMN IF NOT EXISTS via VARCHAR(16) NOT NULL DEFAULT 'handoff';

-- Periods in which the case's clock stood still (hearings, medical appraisal).
CREATE TABLE IF NOT EXISTS case_pauses (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  case_id BIGINT NOT NULL,
  started_at BIGINT NOT NULL,
  ended_at BIGINT NULL,
  reason VARCHAR(8000) NOT NULL,
  started_by BIGINT NOT NULL,
  ended_by BIGINT NULL,
  KEY case_pauses_case (case_id),
  CONSTRAINT case_pauses_case_fk FOREIGN KEY (case_id) REFERENCES cases(id),
  CONSTRAINT case_pauses_started_fk FOREIGN KEY (started_by) REFERENCES users(id),
  CONSTRAINT case_pauses_ended_fk FOREIGN KEY (ended_by) REFERENCES users(id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Every escalation (提级办理), automatic or manual: which rule fired, when, from where to where.
CREATE TABLE IF NOT EXISTS escalations (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  case_id BIGINT NOT NULL,
  rule VARCHAR(32) NOT NULL,
  from_org_id BIGINT NOT NULL,
  to_org_id BIGINT NOT NULL,
  detail TEXT NOT NULL,
  by_user BIGINT NOT NULL,
  at BIGINT NOT NULL,
  KEY escalations_case (case_id),
  CONSTRAINT escalations_case_fk FOREIGN KEY (case_id) REFERENCES cases(id),
  CONSTRAINT escalations_from_fk FOREIGN KEY (from_org_id) REFERENCES orgs(id),
  CONSTRAINT escalations_to_fk FOREIGN KEY (to_org_id) REFERENCES orgs(id),
  CONSTRAINT escalations_by_fk FOREIGN KEY (by_user) REFERENCES users(id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Leaders who own a case (包案).
CREATE TABLE IF NOT EXISTS case_leaders (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  case_id BIGINT NOT NULL,
  user_id BIGINT NOT NULL,
  at BIGINT NOT NULL,
  UNIQUE KEY case_leaders_case_user (case_id, user_id),
  KEY case_leaders_user (user_id),
  CONSTRAINT case_leaders_case_fk FOREIGN KEY (case_id) REFERENCES cases(id),
  CONSTRAINT case_leaders_user_fk FOREIGN KEY (user_id) REFERENCES users(id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Supervision documents (一单三函) and the handling organisation's answers.
CREATE TABLE IF NOT EXISTS supervisions (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  case_id BIGINT NOT NULL,
  kind VARCHAR(32) NOT NULL,
  body TEXT NOT NULL,
  from_org_id BIGINT NOT NULL,
  to_org_id BIGINT NOT NULL,
  issued_by BIGINT NOT NULL,
  issued_at BIGINT NOT NULL,
  due_at BIGINT NOT NULL,
  answer TEXT NULL,
  answered_by BIGINT NULL,
  answered_at BIGINT NULL,
  escalated_at BIGINT NULL,
  KEY supervisions_case (case_id),
  KEY supervisions_due (answered_at, escalated_at, due_at),
  CONSTRAINT supervisions_case_fk FOREIGN KEY (case_id) REFERENCES cases(id),
  CONSTRAINT supervisions_from_fk FOREIGN KEY (from_org_id) REFERENCES orgs(id),
  CONSTRAINT supervisions_to_fk FOREIGN KEY (to_org_id) REFERENCES orgs(id),
  CONSTRAINT supervisions_issued_fk FOREIGN KEY (issued_by) REFERENCES users(id),
  CONSTRAINT supervisions_answered_fk FOREIGN KEY (answered_by) REFERENCES users(id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- One-time links through which a petitioner records an evaluation; only the token's hash is kept.
CREATE TABLE IF NOT EXISTS evaluation_links (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  case_id BIGINT NOT NULL,
  token_hash CHAR(64) CHARACTER SET ascii NOT NULL,
  created_by BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  used_at BIGINT NULL,
  UNIQUE KEY evaluation_links_token (token_hash),
  CONSTRAINT evaluation_links_case_fk FOREIGN KEY (case_id) REFERENCES cases(id),
  CONSTRAINT evaluation_links_by_fk FOREIGN KEY (created_by) REFERENCES users(id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Files attached to a case; the bytes live on disk under the attachments folder, named by sha256.
CREATE TABLE IF NOT EXISTS attachments (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  case_id BIGINT NOT NULL,
  name VARCHAR(800) NOT NULL,
  content_type VARCHAR(100) NOT NULL,
  size BIGINT NOT NULL,
  sha256 CHAR(64) CHARACTER SET ascii NOT NULL,
  uploaded_by BIGINT NOT NULL,
  uploaded_at BIGINT NOT NULL,
  KEY attachments_case (case_id),
  CONSTRAINT attachments_case_fk FOREIGN KEY (case_id) REFERENCES cases(id),
  CONSTRAINT attachments_by_fk FOREIGN KEY (uploaded_by) REFERENCES users(id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Search: CJK unigrams and bigrams and lower-cased Latin words of case titles, descriptions and
-- messages, one row per distinct term and case. The background indexer records how far it got.
CREATE TABLE IF NOT EXISTS search_terms (
  term VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  case_id BIGINT NOT NULL,
  PRIMARY KEY (term, case_id),
  KEY search_terms_case (case_id),
  CONSTRAINT search_terms_case_fk FOREIGN KEY (case_id) REFERENCES cases(id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE TABLE IF NOT EXISTS search_progress (
  id BIGINT NOT NULL PRIMARY KEY,
  last_event_id BIGINT NOT NULL
) ENGINE=InnoDB;
INSERT IGNORE INTO search_progress (id, last_event_id) VALUES (1, 0);

-- The audit trail is append-only.
CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit FOR EACH ROW
BEGIN
  SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'audit rows are immutable';
END;
CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit FOR EACH ROW
BEGIN
  SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'audit rows are immutable';
END;
ALTER TABLE audit ADD KEY IF NOT EXISTS audit_at (at);

-- Cases registered before this migration: owned and handled by their organisation.
UPDATE cases c JOIN orgs o ON o.id = c.org_id SET c.handling_org_id = c.org_id, c.level = o.level
  WHERE c.handling_org_id IS NULL;
