-- Staff notes and the parties' channel: a case has two threads, the internal one (purpose
-- 'internal': staff, supervisors, invited professionals) and the parties' one (purpose 'parties':
-- shared by the staff with the parties' guests and representatives). Invitations carry a capacity.
-- SQLite cannot drop the UNIQUE (case_id) of threads: the table is rebuilt (the migration runner
-- turns foreign key enforcement off around SQLite migrations and checks the keys afterwards).
CREATE TABLE threads_new (
  id INTEGER PRIMARY KEY,
  case_id INTEGER NOT NULL REFERENCES cases(id),
  purpose TEXT NOT NULL DEFAULT 'internal',
  head_seq INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  UNIQUE (case_id, purpose)
);
INSERT INTO threads_new (id, case_id, purpose, head_seq, created_at)
  SELECT id, case_id, 'internal', head_seq, created_at FROM threads;
DROP TABLE threads;
ALTER TABLE threads_new RENAME TO threads;
INSERT INTO threads (case_id, purpose, head_seq, created_at) SELECT id, 'parties', 0, created_at FROM cases;

-- professional (judge, prosecutor, police officer, judicial mediator, a lawyer retained by the
-- office: the internal thread), representative (a party's lawyer: the parties' thread and that
-- party's side), party (a guest invited to a meeting: the parties' thread).
ALTER TABLE case_invites ADD COLUMN capacity TEXT NOT NULL DEFAULT 'professional';
ALTER TABLE case_invites ADD COLUMN side TEXT;
UPDATE case_invites SET capacity = 'party' WHERE user_id IN (SELECT id FROM users WHERE role = 'guest');
