-- Log-in names and calendar feeds (issue #13, point 7).
--
-- A username is looked up by its normalised form (app::normalise_username: NFKC, case folding,
-- trimmed), stored in username_key and compared byte for byte, so that SQLite and MariaDB (whose
-- default collation ignores case and trailing spaces) agree. New accounts store the normalised
-- form in both columns. Existing names get the closest form SQL can compute (ASCII lower case,
-- spaces trimmed); `mediation-admin migrate` then recomputes every key exactly. Should two
-- existing names fold to the same key, the older account keeps it and the newer one cannot log
-- in until an administrator renames it (the key is NULL, which the unique index allows).
ALTER TABLE users ADD COLUMN username_key TEXT;
UPDATE users SET username_key = LOWER(TRIM(username));
UPDATE users SET username_key = NULL WHERE id NOT IN (SELECT MIN(id) FROM users GROUP BY username_key);
CREATE UNIQUE INDEX users_username_key ON users(username_key);

-- Calendar feeds expire (--calendar-feed-ttl-days after they are made; existing ones a year
-- after they were made).
ALTER TABLE calendar_feeds ADD COLUMN expires_at INTEGER NOT NULL DEFAULT 0;
UPDATE calendar_feeds SET expires_at = created_at + 31536000000;
