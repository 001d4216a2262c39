-- Facts about the database itself (issue #17), by name. 'data_key_fingerprint': the SHA-256 of the
-- data key that seals this database's personal data (64 hex digits); a start with a key file of
-- another fingerprint is refused (server/core/data_key.hpp).
CREATE TABLE IF NOT EXISTS settings (
  name VARCHAR(64) CHARACTER SET ascii NOT NULL PRIMARY KEY,
  value VARCHAR(1000) NOT NULL,
  updated_at BIGINT NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
