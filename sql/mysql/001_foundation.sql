-- Foundation: organisations, users, sessions, cases, threads, events, read markers, audit.
-- Times are UTC milliseconds since the Unix epoch. Text is utf8mb4.
CREATE TABLE IF NOT EXISTS orgs (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  name VARCHAR(200) NOT NULL,
  name_en VARCHAR(200) NOT NULL DEFAULT '',
  short_name VARCHAR(50) NOT NULL,
  kind VARCHAR(32) NOT NULL,
  level VARCHAR(32) NOT NULL,
  parent_id BIGINT NULL,
  created_at BIGINT NOT NULL,
  CONSTRAINT orgs_parent FOREIGN KEY (parent_id) REFERENCES orgs(id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS users (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  org_id BIGINT NOT NULL,
  username VARCHAR(64) NOT NULL,
  name VARCHAR(100) NOT NULL,
  role VARCHAR(32) NOT NULL,
  password_hash VARCHAR(255) NOT NULL,
  disabled TINYINT NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  UNIQUE KEY users_username (username),
  KEY users_org (org_id),
  CONSTRAINT users_org_fk FOREIGN KEY (org_id) REFERENCES orgs(id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS auth_sessions (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  user_id BIGINT NOT NULL,
  token_hash CHAR(64) CHARACTER SET ascii NOT NULL,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  revoked_at BIGINT NULL,
  remote VARCHAR(100) NOT NULL DEFAULT '',
  UNIQUE KEY auth_sessions_token (token_hash),
  CONSTRAINT auth_sessions_user FOREIGN KEY (user_id) REFERENCES users(id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS case_counters (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  org_id BIGINT NOT NULL,
  year INT NOT NULL,
  last_value BIGINT NOT NULL,
  UNIQUE KEY case_counters_org_year (org_id, year),
  CONSTRAINT case_counters_org FOREIGN KEY (org_id) REFERENCES orgs(id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS cases (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  org_id BIGINT NOT NULL,
  number VARCHAR(80) NOT NULL,
  title VARCHAR(800) NOT NULL,
  category VARCHAR(32) NOT NULL,
  channel VARCHAR(16) NOT NULL,
  description MEDIUMTEXT NOT NULL,
  status VARCHAR(32) NOT NULL,
  first_handler_org_id BIGINT NULL,
  created_by BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  UNIQUE KEY cases_number (number),
  KEY cases_org (org_id),
  CONSTRAINT cases_org_fk FOREIGN KEY (org_id) REFERENCES orgs(id),
  CONSTRAINT cases_first_handler FOREIGN KEY (first_handler_org_id) REFERENCES orgs(id),
  CONSTRAINT cases_created_by FOREIGN KEY (created_by) REFERENCES users(id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS case_parties (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  case_id BIGINT NOT NULL,
  position INT NOT NULL,
  role VARCHAR(32) NOT NULL,
  name VARCHAR(400) NOT NULL,
  KEY case_parties_case (case_id),
  CONSTRAINT case_parties_case_fk FOREIGN KEY (case_id) REFERENCES cases(id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS case_orgs (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  case_id BIGINT NOT NULL,
  org_id BIGINT NOT NULL,
  from_org_id BIGINT NOT NULL,
  status VARCHAR(16) NOT NULL,
  note TEXT NOT NULL,
  reason TEXT NULL,
  due_at BIGINT NULL,
  created_by BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  decided_by BIGINT NULL,
  decided_at BIGINT NULL,
  KEY case_orgs_case (case_id),
  KEY case_orgs_org (org_id, status),
  CONSTRAINT case_orgs_case_fk FOREIGN KEY (case_id) REFERENCES cases(id),
  CONSTRAINT case_orgs_org_fk FOREIGN KEY (org_id) REFERENCES orgs(id),
  CONSTRAINT case_orgs_from_fk FOREIGN KEY (from_org_id) REFERENCES orgs(id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS case_invites (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  case_id BIGINT NOT NULL,
  user_id BIGINT NOT NULL,
  invited_by BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  UNIQUE KEY case_invites_case_user (case_id, user_id),
  KEY case_invites_user (user_id),
  CONSTRAINT case_invites_case_fk FOREIGN KEY (case_id) REFERENCES cases(id),
  CONSTRAINT case_invites_user_fk FOREIGN KEY (user_id) REFERENCES users(id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS threads (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  case_id BIGINT NOT NULL,
  head_seq BIGINT NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  UNIQUE KEY threads_case (case_id),
  CONSTRAINT threads_case_fk FOREIGN KEY (case_id) REFERENCES cases(id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS events (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  thread_id BIGINT NOT NULL,
  seq BIGINT NOT NULL,
  kind VARCHAR(32) NOT NULL,
  author_id BIGINT NOT NULL,
  cmid VARCHAR(64) NULL,
  at BIGINT NOT NULL,
  data MEDIUMTEXT NOT NULL,
  UNIQUE KEY events_thread_seq (thread_id, seq),
  UNIQUE KEY events_thread_author_cmid (thread_id, author_id, cmid),
  CONSTRAINT events_thread_fk FOREIGN KEY (thread_id) REFERENCES threads(id),
  CONSTRAINT events_author_fk FOREIGN KEY (author_id) REFERENCES users(id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS read_markers (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  thread_id BIGINT NOT NULL,
  user_id BIGINT NOT NULL,
  seq BIGINT NOT NULL,
  at BIGINT NOT NULL,
  UNIQUE KEY read_markers_thread_user (thread_id, user_id),
  CONSTRAINT read_markers_thread_fk FOREIGN KEY (thread_id) REFERENCES threads(id),
  CONSTRAINT read_markers_user_fk FOREIGN KEY (user_id) REFERENCES users(id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS audit (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  at BIGINT NOT NULL,
  user_id BIGINT NULL,
  action VARCHAR(64) NOT NULL,
  case_id BIGINT NULL,
  detail TEXT NOT NULL,
  remote VARCHAR(100) NOT NULL DEFAULT '',
  KEY audit_case (case_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
