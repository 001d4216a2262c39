-- Mediation agreements (人民调解协议书): versions, signatures and seals chained by SHA-256, performance of
-- each term, judicial confirmation. Versions, signatures and the chain are insert-only.
CREATE TABLE IF NOT EXISTS agreements (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  case_id BIGINT NOT NULL,
  number VARCHAR(120) NOT NULL UNIQUE,
  status VARCHAR(32) NOT NULL,
  supersedes_id BIGINT NULL,
  superseded_by BIGINT NULL,
  created_by BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  in_force_version BIGINT NULL,
  in_force_at BIGINT NULL,
  confirmation_due_at BIGINT NULL,
  confirmation_applied_at BIGINT NULL,
  confirmation_court VARCHAR(200) NULL,
  confirmation_decision VARCHAR(32) NULL,
  confirmation_decided_at BIGINT NULL,
  confirmation_reminded TINYINT NOT NULL DEFAULT 0
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
ALTER TABLE agreements ADD KEY IF NOT EXISTS agreements_case (case_id);
ALTER TABLE agreements ADD KEY IF NOT EXISTS agreements_confirmation (status, confirmation_due_at);

CREATE TABLE IF NOT EXISTS agreement_versions (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  agreement_id BIGINT NOT NULL,
  version BIGINT NOT NULL,
  content MEDIUMTEXT NOT NULL,
  author_id BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  UNIQUE (agreement_id, version)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- role: party (party_index >= 0), mediator or seal (party_index -1).
CREATE TABLE IF NOT EXISTS agreement_signatures (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  agreement_id BIGINT NOT NULL,
  version_id BIGINT NOT NULL,
  role VARCHAR(16) NOT NULL,
  party_index BIGINT NOT NULL,
  signer_name VARCHAR(200) NOT NULL,
  user_id BIGINT NULL,
  method VARCHAR(16) NOT NULL,
  image MEDIUMTEXT NOT NULL,
  signed_at BIGINT NOT NULL,
  UNIQUE (version_id, role, party_index)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS agreement_chain (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  agreement_id BIGINT NOT NULL,
  position BIGINT NOT NULL,
  kind VARCHAR(16) NOT NULL,
  ref_id BIGINT NOT NULL,
  payload MEDIUMTEXT NOT NULL,
  prev_hash CHAR(64) CHARACTER SET ascii NOT NULL,
  hash CHAR(64) CHARACTER SET ascii NOT NULL,
  at BIGINT NOT NULL,
  UNIQUE (agreement_id, position)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS agreement_terms (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  agreement_id BIGINT NOT NULL,
  position BIGINT NOT NULL,
  text TEXT NOT NULL,
  due_at BIGINT NOT NULL,
  status VARCHAR(32) NOT NULL,
  performed_at BIGINT NULL,
  performed_by BIGINT NULL,
  note VARCHAR(2000) NOT NULL DEFAULT '',
  UNIQUE (agreement_id, position)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
ALTER TABLE agreement_terms ADD KEY IF NOT EXISTS agreement_terms_due (status, due_at);

-- One-time links through which a party who is not a user signs one version.
CREATE TABLE IF NOT EXISTS sign_links (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  agreement_id BIGINT NOT NULL,
  version_id BIGINT NOT NULL,
  party_index BIGINT NOT NULL,
  token_hash CHAR(64) CHARACTER SET ascii NOT NULL UNIQUE,
  created_by BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  used_at BIGINT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

ALTER TABLE agreements
  ADD CONSTRAINT agreements_case_fk FOREIGN KEY IF NOT EXISTS (case_id) REFERENCES cases(id),
  ADD CONSTRAINT agreements_supersedes_fk FOREIGN KEY IF NOT EXISTS (supersedes_id) REFERENCES agreements(id),
  ADD CONSTRAINT agreements_by_fk FOREIGN KEY IF NOT EXISTS (created_by) REFERENCES users(id);
ALTER TABLE agreement_versions
  ADD CONSTRAINT agreement_versions_agreement_fk FOREIGN KEY IF NOT EXISTS (agreement_id) REFERENCES agreements(id),
  ADD CONSTRAINT agreement_versions_author_fk FOREIGN KEY IF NOT EXISTS (author_id) REFERENCES users(id);
ALTER TABLE agreement_signatures
  ADD CONSTRAINT agreement_signatures_agreement_fk FOREIGN KEY IF NOT EXISTS (agreement_id) REFERENCES agreements(id),
  ADD CONSTRAINT agreement_signatures_version_fk FOREIGN KEY IF NOT EXISTS (version_id) REFERENCES agreement_versions(id);
ALTER TABLE agreement_chain
  ADD CONSTRAINT agreement_chain_agreement_fk FOREIGN KEY IF NOT EXISTS (agreement_id) REFERENCES agreements(id);
ALTER TABLE agreement_terms
  ADD CONSTRAINT agreement_terms_agreement_fk FOREIGN KEY IF NOT EXISTS (agreement_id) REFERENCES agreements(id);
ALTER TABLE sign_links
  ADD CONSTRAINT sign_links_agreement_fk FOREIGN KEY IF NOT EXISTS (agreement_id) REFERENCES agreements(id),
  ADD CONSTRAINT sign_links_version_fk FOREIGN KEY IF NOT EXISTS (version_id) REFERENCES agreement_versions(id);

-- Who may apply an organisation's seal.
ALTER TABLE users ADD COLUMN IF NOT EXISTS can_seal TINYINT NOT NULL DEFAULT 0;

CREATE TRIGGER IF NOT EXISTS agreement_versions_no_update BEFORE UPDATE ON agreement_versions FOR EACH ROW
BEGIN
  SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'agreement versions are immutable';
END;
CREATE TRIGGER IF NOT EXISTS agreement_versions_no_delete BEFORE DELETE ON agreement_versions FOR EACH ROW
BEGIN
  SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'agreement versions are immutable';
END;
CREATE TRIGGER IF NOT EXISTS agreement_signatures_no_update BEFORE UPDATE ON agreement_signatures FOR EACH ROW
BEGIN
  SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'signatures are immutable';
END;
CREATE TRIGGER IF NOT EXISTS agreement_signatures_no_delete BEFORE DELETE ON agreement_signatures FOR EACH ROW
BEGIN
  SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'signatures are immutable';
END;
CREATE TRIGGER IF NOT EXISTS agreement_chain_no_update BEFORE UPDATE ON agreement_chain FOR EACH ROW
BEGIN
  SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'the agreement chain is immutable';
END;
CREATE TRIGGER IF NOT EXISTS agreement_chain_no_delete BEFORE DELETE ON agreement_chain FOR EACH ROW
BEGIN
  SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'the agreement chain is immutable';
END;
CREATE TRIGGER IF NOT EXISTS agreements_in_force_no_delete BEFORE DELETE ON agreements FOR EACH ROW
BEGIN
  SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'agreements are never deleted';
END;
