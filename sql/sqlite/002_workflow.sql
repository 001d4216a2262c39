-- Case workflow: the full intake record, triage, the handling organisation and its level,
-- deadline clocks, escalation, leader ownership, supervision, similar-case groups, closure and
-- evaluation, attachments, search and an append-only audit.
ALTER TABLE cases ADD COLUMN kind TEXT NOT NULL DEFAULT 'case';
ALTER TABLE cases ADD COLUMN location TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN urgency TEXT NOT NULL DEFAULT 'normal';
ALTER TABLE cases ADD COLUMN petitioner_key TEXT;
ALTER TABLE cases ADD COLUMN respondent TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN handling_org_id INTEGER REFERENCES orgs(id);
ALTER TABLE cases ADD COLUMN level TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN stage TEXT NOT NULL DEFAULT 'first';
ALTER TABLE cases ADD COLUMN accepted_at INTEGER;
ALTER TABLE cases ADD COLUMN clock TEXT;
ALTER TABLE cases ADD COLUMN clock_start INTEGER;
ALTER TABLE cases ADD COLUMN clock_days INTEGER;
ALTER TABLE cases ADD COLUMN clock_working INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN extended_days INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN paused_at INTEGER;
ALTER TABLE cases ADD COLUMN due_at INTEGER;
ALTER TABLE cases ADD COLUMN overdue_handled_due INTEGER;
ALTER TABLE cases ADD COLUMN repeat_of INTEGER REFERENCES cases(id);
ALTER TABLE cases ADD COLUMN repeat_handled INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN merged_into INTEGER REFERENCES cases(id);
ALTER TABLE cases ADD COLUMN route TEXT;
ALTER TABLE cases ADD COLUMN group_id INTEGER REFERENCES cases(id);
ALTER TABLE cases ADD COLUMN closed_at INTEGER;
ALTER TABLE cases ADD COLUMN outcome TEXT;
ALTER TABLE cases ADD COLUMN closure_note TEXT;
ALTER TABLE cases ADD COLUMN closed_on_time INTEGER;
ALTER TABLE cases ADD COLUMN closed_level TEXT;
ALTER TABLE cases ADD COLUMN review_until INTEGER;
ALTER TABLE cases ADD COLUMN evaluation TEXT;
ALTER TABLE cases ADD COLUMN evaluation_comment TEXT;
ALTER TABLE cases ADD COLUMN evaluated_at INTEGER;
ALTER TABLE cases ADD COLUMN evaluation_handled INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN escalations INTEGER NOT NULL DEFAULT 0;
CREATE INDEX cases_handling ON cases(handling_org_id);
CREATE INDEX cases_due ON cases(closed_at, due_at);
CREATE INDEX cases_created ON cases(created_at);
CREATE INDEX cases_petitioner ON cases(petitioner_key);
CREATE INDEX cases_group ON cases(group_id);

ALTER TABLE case_parties ADD COLUMN phone TEXT NOT NULL DEFAULT '';
ALTER TABLE case_parties ADD COLUMN id_number TEXT NOT NULL DEFAULT '';
ALTER TABLE case_parties ADD COLUMN address TEXT NOT NULL DEFAULT '';

-- How an organisation came to handle the case: a hand-over or an escalation.
ALTER TABLE case_orgs ADD COLUMN via TEXT NOT NULL DEFAULT 'handoff';

-- Periods in which the case's clock stood still (hearings, medical appraisal).
CREATE TABLE case_pauses (
  id INTEGER PRIMARY KEY,
  case_id INTEGER NOT NULL REFERENCES cases(id),
  started_at INTEGER NOT NULL,
  ended_at INTEGER,
  reason TEXT NOT NULL,
  started_by INTEGER NOT NULL REFERENCES users(id),
  ended_by INTEGER REFERENCES users(id)
);
CREATE INDEX case_pauses_case ON case_pauses(case_id);

-- Every escalation (提级办理), automatic or manual: which rule fired, when, from where to where.
CREATE TABLE escalations (
  id INTEGER PRIMARY KEY,
  case_id INTEGER NOT NULL REFERENCES cases(id),
  rule TEXT NOT NULL,
  from_org_id INTEGER NOT NULL REFERENCES orgs(id),
  to_org_id INTEGER NOT NULL REFERENCES orgs(id),
  detail TEXT NOT NULL,
  by_user INTEGER NOT NULL REFERENCES users(id),
  at INTEGER NOT NULL
);
CREATE INDEX escalations_case ON escalations(case_id);

-- Leaders who own a case (包案).
CREATE TABLE case_leaders (
  id INTEGER PRIMARY KEY,
  case_id INTEGER NOT NULL REFERENCES cases(id),
  user_id INTEGER NOT NULL REFERENCES users(id),
  at INTEGER NOT NULL,
  UNIQUE (case_id, user_id)
);
CREATE INDEX case_leaders_user ON case_leaders(user_id);

-- Supervision documents (一单三函) and the handling organisation's answers.
CREATE TABLE supervisions (
  id INTEGER PRIMARY KEY,
  case_id INTEGER NOT NULL REFERENCES cases(id),
  kind TEXT NOT NULL,
  body TEXT NOT NULL,
  from_org_id INTEGER NOT NULL REFERENCES orgs(id),
  to_org_id INTEGER NOT NULL REFERENCES orgs(id),
  issued_by INTEGER NOT NULL REFERENCES users(id),
  issued_at INTEGER NOT NULL,
  due_at INTEGER NOT NULL,
  answer TEXT,
  answered_by INTEGER REFERENCES users(id),
  answered_at INTEGER,
  escalated_at INTEGER
);
CREATE INDEX supervisions_case ON supervisions(case_id);
CREATE INDEX supervisions_due ON supervisions(answered_at, escalated_at, due_at);

-- One-time links through which a petitioner records an evaluation; only the token's hash is kept.
CREATE TABLE evaluation_links (
  id INTEGER PRIMARY KEY,
  case_id INTEGER NOT NULL REFERENCES cases(id),
  token_hash TEXT NOT NULL UNIQUE,
  created_by INTEGER NOT NULL REFERENCES users(id),
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  used_at INTEGER
);

-- Files attached to a case; the bytes live on disk under the attachments folder, named by sha256.
CREATE TABLE attachments (
  id INTEGER PRIMARY KEY,
  case_id INTEGER NOT NULL REFERENCES cases(id),
  name TEXT NOT NULL,
  content_type TEXT NOT NULL,
  size INTEGER NOT NULL,
  sha256 TEXT NOT NULL,
  uploaded_by INTEGER NOT NULL REFERENCES users(id),
  uploaded_at INTEGER NOT NULL
);
CREATE INDEX attachments_case ON attachments(case_id);

-- Search: CJK unigrams and bigrams and lower-cased Latin words of case titles, descriptions and
-- messages, one row per distinct term and case. The background indexer records how far it got.
CREATE TABLE search_terms (
  term TEXT NOT NULL,
  case_id INTEGER NOT NULL REFERENCES cases(id),
  PRIMARY KEY (term, case_id)
) WITHOUT ROWID;
CREATE TABLE search_progress (
  id INTEGER PRIMARY KEY,
  last_event_id INTEGER NOT NULL
);
INSERT INTO search_progress (id, last_event_id) VALUES (1, 0);

-- The audit trail is append-only.
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN
  SELECT RAISE(ABORT, 'audit rows are immutable');
END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN
  SELECT RAISE(ABORT, 'audit rows are immutable');
END;
CREATE INDEX audit_at ON audit(at);

-- Cases registered before this migration: owned and handled by their organisation.
UPDATE cases SET handling_org_id = org_id, level = (SELECT level FROM orgs WHERE orgs.id = cases.org_id);
