-- Log-in names and calendar feeds (issue #13, point 7).
--
-- A username is looked up by its normalised form (app::normalise_username: NFKC, case folding,
-- trimmed), stored in username_key and compared byte for byte: the default collation
-- (utf8mb4_unicode_ci) ignores case and trailing spaces, which let `Leader.zhao` and
-- `leader.zhao ` log in as leader.zhao past her lock-out. New accounts store the normalised form
-- in both columns. Existing names get the closest form SQL can compute (lower case, spaces
-- trimmed); `mediation-admin migrate` then recomputes every key exactly. Should two existing
-- names fold to the same key, the older account keeps it and the newer one cannot log in until
-- an administrator renames it (the key is NULL, which the unique key allows).
ALTER TABLE users ADD COLUMN IF NOT EXISTS username_key VARBINARY(255) NULL;
UPDATE users SET username_key = CONVERT(LOWER(TRIM(username)) USING utf8mb4);
UPDATE users SET username_key = NULL
  WHERE id NOT IN (SELECT keep FROM (SELECT MIN(id) AS keep FROM users GROUP BY username_key) AS k);
ALTER TABLE users ADD UNIQUE KEY IF NOT EXISTS users_username_key (username_key);

-- Calendar feeds expire (--calendar-feed-ttl-days after they are made; existing ones a year
-- after they were made).
ALTER TABLE calendar_feeds ADD COLUMN IF NOT EXISTS expires_at BIGINT NOT NULL DEFAULT 0;
UPDATE calendar_feeds SET expires_at = created_at + 31536000000 WHERE expires_at = 0;
