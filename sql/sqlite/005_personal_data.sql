-- Parties' ID and phone numbers are stored sealed (TEXT needs no widening here), and personal data
-- reads are audited.
CREATE INDEX audit_action ON audit(action);
