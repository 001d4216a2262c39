-- Staff notes and the parties' channel: a case has two threads, the internal one (purpose
-- 'internal': staff, supervisors, invited professionals) and the parties' one (purpose 'parties':
-- shared by the staff with the parties' guests and representatives). Invitations carry a capacity.
ALTER TABLE threads ADD COLUMN IF NOT EXISTS purpose VARCHAR(16) NOT NULL DEFAULT 'internal';
ALTER TABLE threads ADD UNIQUE KEY IF NOT EXISTS threads_case_purpose (case_id, purpose);
ALTER TABLE threads DROP INDEX IF EXISTS threads_case;
INSERT INTO threads (case_id, purpose, head_seq, created_at) SELECT c.id, 'parties', 0, c.created_at FROM cases c
  WHERE NOT EXISTS (SELECT 1 FROM threads t WHERE t.case_id = c.id AND t.purpose = 'parties');

-- professional (judge, prosecutor, police officer, judicial mediator, a lawyer retained by the
-- office: the internal thread), representative (a party's lawyer: the parties' thread and that
-- party's side), party (a guest invited to a meeting: the parties' thread).
ALTER TABLE case_invites ADD COLUMN IF NOT EXISTS capacity VARCHAR(16) NOT NULL DEFAULT 'professional';
ALTER TABLE case_invites ADD COLUMN IF NOT EXISTS side VARCHAR(16) NULL;
UPDATE case_invites SET capacity = 'party' WHERE user_id IN (SELECT id FROM users WHERE role = 'guest');
