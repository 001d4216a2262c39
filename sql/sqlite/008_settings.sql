-- Facts about the database itself (issue #17), by name. 'data_key_fingerprint': the SHA-256 of the
-- data key that seals this database's personal data (64 hex digits); a start with a key file of
-- another fingerprint is refused (server/core/data_key.hpp).
CREATE TABLE settings (
  name TEXT NOT NULL PRIMARY KEY,
  value TEXT NOT NULL,
  updated_at INTEGER NOT NULL
);
