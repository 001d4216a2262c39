-- Foundation: organisations, users, sessions, cases, threads, events, read markers, audit.
-- Times are UTC milliseconds since the Unix epoch.
CREATE TABLE orgs (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  name_en TEXT NOT NULL DEFAULT '',
  short_name TEXT NOT NULL,
  kind TEXT NOT NULL,
  level TEXT NOT NULL,
  parent_id INTEGER REFERENCES orgs(id),
  created_at INTEGER NOT NULL
);

CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  org_id INTEGER NOT NULL REFERENCES orgs(id),
  username TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  role TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  disabled INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL
);
CREATE INDEX users_org ON users(org_id);

CREATE TABLE auth_sessions (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id),
  token_hash TEXT NOT NULL UNIQUE,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  revoked_at INTEGER,
  remote TEXT NOT NULL DEFAULT ''
);

CREATE TABLE case_counters (
  id INTEGER PRIMARY KEY,
  org_id INTEGER NOT NULL REFERENCES orgs(id),
  year INTEGER NOT NULL,
  last_value INTEGER NOT NULL,
  UNIQUE (org_id, year)
);

CREATE TABLE cases (
  id INTEGER PRIMARY KEY,
  org_id INTEGER NOT NULL REFERENCES orgs(id),
  number TEXT NOT NULL UNIQUE,
  title TEXT NOT NULL,
  category TEXT NOT NULL,
  channel TEXT NOT NULL,
  description TEXT NOT NULL,
  status TEXT NOT NULL,
  first_handler_org_id INTEGER REFERENCES orgs(id),
  created_by INTEGER NOT NULL REFERENCES users(id),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX cases_org ON cases(org_id);

CREATE TABLE case_parties (
  id INTEGER PRIMARY KEY,
  case_id INTEGER NOT NULL REFERENCES cases(id),
  position INTEGER NOT NULL,
  role TEXT NOT NULL,
  name TEXT NOT NULL
);
CREATE INDEX case_parties_case ON case_parties(case_id);

-- Organisations a case was handed to (交办/转办): pending, accepted or declined.
CREATE TABLE case_orgs (
  id INTEGER PRIMARY KEY,
  case_id INTEGER NOT NULL REFERENCES cases(id),
  org_id INTEGER NOT NULL REFERENCES orgs(id),
  from_org_id INTEGER NOT NULL REFERENCES orgs(id),
  status TEXT NOT NULL,
  note TEXT NOT NULL,
  reason TEXT,
  due_at INTEGER,
  created_by INTEGER NOT NULL REFERENCES users(id),
  created_at INTEGER NOT NULL,
  decided_by INTEGER REFERENCES users(id),
  decided_at INTEGER
);
CREATE INDEX case_orgs_case ON case_orgs(case_id);
CREATE INDEX case_orgs_org ON case_orgs(org_id, status);

-- People invited to one case (lawyers, judicial staff).
CREATE TABLE case_invites (
  id INTEGER PRIMARY KEY,
  case_id INTEGER NOT NULL REFERENCES cases(id),
  user_id INTEGER NOT NULL REFERENCES users(id),
  invited_by INTEGER NOT NULL REFERENCES users(id),
  created_at INTEGER NOT NULL,
  UNIQUE (case_id, user_id)
);
CREATE INDEX case_invites_user ON case_invites(user_id);

CREATE TABLE threads (
  id INTEGER PRIMARY KEY,
  case_id INTEGER NOT NULL UNIQUE REFERENCES cases(id),
  head_seq INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL
);

CREATE TABLE events (
  id INTEGER PRIMARY KEY,
  thread_id INTEGER NOT NULL REFERENCES threads(id),
  seq INTEGER NOT NULL,
  kind TEXT NOT NULL,
  author_id INTEGER NOT NULL REFERENCES users(id),
  cmid TEXT,
  at INTEGER NOT NULL,
  data TEXT NOT NULL,
  UNIQUE (thread_id, seq),
  UNIQUE (thread_id, author_id, cmid)
);

CREATE TABLE read_markers (
  id INTEGER PRIMARY KEY,
  thread_id INTEGER NOT NULL REFERENCES threads(id),
  user_id INTEGER NOT NULL REFERENCES users(id),
  seq INTEGER NOT NULL,
  at INTEGER NOT NULL,
  UNIQUE (thread_id, user_id)
);

CREATE TABLE audit (
  id INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  user_id INTEGER,
  action TEXT NOT NULL,
  case_id INTEGER,
  detail TEXT NOT NULL,
  remote TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_case ON audit(case_id);
