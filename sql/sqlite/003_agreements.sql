-- Mediation agreements (人民调解协议书): versions, signatures and seals chained by SHA-256, performance of
-- each term, judicial confirmation. Versions, signatures and the chain are insert-only.
CREATE TABLE agreements (
  id INTEGER PRIMARY KEY,
  case_id INTEGER NOT NULL REFERENCES cases(id),
  number TEXT NOT NULL UNIQUE,
  status TEXT NOT NULL,
  supersedes_id INTEGER REFERENCES agreements(id),
  superseded_by INTEGER REFERENCES agreements(id),
  created_by INTEGER NOT NULL REFERENCES users(id),
  created_at INTEGER NOT NULL,
  in_force_version INTEGER,
  in_force_at INTEGER,
  confirmation_due_at INTEGER,
  confirmation_applied_at INTEGER,
  confirmation_court TEXT,
  confirmation_decision TEXT,
  confirmation_decided_at INTEGER,
  confirmation_reminded INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX agreements_case ON agreements(case_id);
CREATE INDEX agreements_confirmation ON agreements(status, confirmation_due_at);

CREATE TABLE agreement_versions (
  id INTEGER PRIMARY KEY,
  agreement_id INTEGER NOT NULL REFERENCES agreements(id),
  version INTEGER NOT NULL,
  content TEXT NOT NULL,
  author_id INTEGER NOT NULL REFERENCES users(id),
  created_at INTEGER NOT NULL,
  UNIQUE (agreement_id, version)
);

-- role: party (party_index >= 0), mediator or seal (party_index -1).
CREATE TABLE agreement_signatures (
  id INTEGER PRIMARY KEY,
  agreement_id INTEGER NOT NULL REFERENCES agreements(id),
  version_id INTEGER NOT NULL REFERENCES agreement_versions(id),
  role TEXT NOT NULL,
  party_index INTEGER NOT NULL,
  signer_name TEXT NOT NULL,
  user_id INTEGER REFERENCES users(id),
  method TEXT NOT NULL,
  image TEXT NOT NULL,
  signed_at INTEGER NOT NULL,
  UNIQUE (version_id, role, party_index)
);

CREATE TABLE agreement_chain (
  id INTEGER PRIMARY KEY,
  agreement_id INTEGER NOT NULL REFERENCES agreements(id),
  position INTEGER NOT NULL,
  kind TEXT NOT NULL,
  ref_id INTEGER NOT NULL,
  payload TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL,
  at INTEGER NOT NULL,
  UNIQUE (agreement_id, position)
);

CREATE TABLE agreement_terms (
  id INTEGER PRIMARY KEY,
  agreement_id INTEGER NOT NULL REFERENCES agreements(id),
  position INTEGER NOT NULL,
  text TEXT NOT NULL,
  due_at INTEGER NOT NULL,
  status TEXT NOT NULL,
  performed_at INTEGER,
  performed_by INTEGER REFERENCES users(id),
  note TEXT NOT NULL DEFAULT '',
  UNIQUE (agreement_id, position)
);
CREATE INDEX agreement_terms_due ON agreement_terms(status, due_at);

-- One-time links through which a party who is not a user signs one version.
CREATE TABLE sign_links (
  id INTEGER PRIMARY KEY,
  agreement_id INTEGER NOT NULL REFERENCES agreements(id),
  version_id INTEGER NOT NULL REFERENCES agreement_versions(id),
  party_index INTEGER NOT NULL,
  token_hash TEXT NOT NULL UNIQUE,
  created_by INTEGER NOT NULL REFERENCES users(id),
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  used_at INTEGER
);

-- Who may apply an organisation's seal.
ALTER TABLE users ADD COLUMN can_seal INTEGER NOT NULL DEFAULT 0;

CREATE TRIGGER agreement_versions_no_update BEFORE UPDATE ON agreement_versions
BEGIN
  SELECT RAISE(ABORT, 'agreement versions are immutable');
END;
CREATE TRIGGER agreement_versions_no_delete BEFORE DELETE ON agreement_versions
BEGIN
  SELECT RAISE(ABORT, 'agreement versions are immutable');
END;
CREATE TRIGGER agreement_signatures_no_update BEFORE UPDATE ON agreement_signatures
BEGIN
  SELECT RAISE(ABORT, 'signatures are immutable');
END;
CREATE TRIGGER agreement_signatures_no_delete BEFORE DELETE ON agreement_signatures
BEGIN
  SELECT RAISE(ABORT, 'signatures are immutable');
END;
CREATE TRIGGER agreement_chain_no_update BEFORE UPDATE ON agreement_chain
BEGIN
  SELECT RAISE(ABORT, 'the agreement chain is immutable');
END;
CREATE TRIGGER agreement_chain_no_delete BEFORE DELETE ON agreement_chain
BEGIN
  SELECT RAISE(ABORT, 'the agreement chain is immutable');
END;
CREATE TRIGGER agreements_in_force_no_delete BEFORE DELETE ON agreements
BEGIN
  SELECT RAISE(ABORT, 'agreements are never deleted');
END;
