-- Parties' ID and phone numbers are stored sealed ("pd1:" + base64 of nonce, tag and text: about
-- 2.7 times the plain length plus 58), and personal data reads are audited.
ALTER TABLE case_parties MODIFY phone VARCHAR(255) NOT NULL DEFAULT '', MODIFY id_number VARCHAR(255) NOT NULL DEFAULT '';
ALTER TABLE meeting_participants MODIFY phone VARCHAR(255) NOT NULL;
CREATE INDEX IF NOT EXISTS audit_action ON audit(action);
