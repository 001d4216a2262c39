-- An account's life cycle (issue #17, item 6). `mediation-admin delete-user` pseudonymises an
-- account: its name and login name are replaced, it can never sign in again, and every record
-- that names it by id stays. deleted_at says when (NULL: not deleted).
ALTER TABLE users ADD COLUMN IF NOT EXISTS deleted_at BIGINT NULL;
