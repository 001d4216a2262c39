-- The version of a thread's access facts (issue #16). Every change to what decides who may see a
-- case (its organisations, invitations and leaders; its owner, handler, kind and closing; the
-- organisation tree above them, which decides the supervisors: every thread then) adds one
-- to the access_version of the case's threads, in the same transaction, by these triggers. The
-- batched writer keeps the access facts it has read per thread with their version and reads them
-- again only when the version it reads with the thread's locked head has moved: whoever made the
-- change (a verb, an admin tool, another server node), there is no message to miss. The triggers
-- take the thread rows' locks, so that a change waits for a batch writing to the thread and the
-- other way round.
ALTER TABLE threads ADD COLUMN access_version INTEGER NOT NULL DEFAULT 0;
CREATE TRIGGER IF NOT EXISTS case_orgs_access_insert AFTER INSERT ON case_orgs
BEGIN
  UPDATE threads SET access_version = access_version + 1 WHERE case_id = NEW.case_id;
END;
CREATE TRIGGER IF NOT EXISTS case_orgs_access_update AFTER UPDATE ON case_orgs
BEGIN
  UPDATE threads SET access_version = access_version + 1 WHERE case_id IN (OLD.case_id, NEW.case_id);
END;
CREATE TRIGGER IF NOT EXISTS case_orgs_access_delete AFTER DELETE ON case_orgs
BEGIN
  UPDATE threads SET access_version = access_version + 1 WHERE case_id = OLD.case_id;
END;
CREATE TRIGGER IF NOT EXISTS case_invites_access_insert AFTER INSERT ON case_invites
BEGIN
  UPDATE threads SET access_version = access_version + 1 WHERE case_id = NEW.case_id;
END;
CREATE TRIGGER IF NOT EXISTS case_invites_access_update AFTER UPDATE ON case_invites
BEGIN
  UPDATE threads SET access_version = access_version + 1 WHERE case_id IN (OLD.case_id, NEW.case_id);
END;
CREATE TRIGGER IF NOT EXISTS case_invites_access_delete AFTER DELETE ON case_invites
BEGIN
  UPDATE threads SET access_version = access_version + 1 WHERE case_id = OLD.case_id;
END;
CREATE TRIGGER IF NOT EXISTS case_leaders_access_insert AFTER INSERT ON case_leaders
BEGIN
  UPDATE threads SET access_version = access_version + 1 WHERE case_id = NEW.case_id;
END;
CREATE TRIGGER IF NOT EXISTS case_leaders_access_update AFTER UPDATE ON case_leaders
BEGIN
  UPDATE threads SET access_version = access_version + 1 WHERE case_id IN (OLD.case_id, NEW.case_id);
END;
CREATE TRIGGER IF NOT EXISTS case_leaders_access_delete AFTER DELETE ON case_leaders
BEGIN
  UPDATE threads SET access_version = access_version + 1 WHERE case_id = OLD.case_id;
END;
CREATE TRIGGER IF NOT EXISTS cases_access_update AFTER UPDATE ON cases
WHEN NEW.org_id IS NOT OLD.org_id OR NEW.handling_org_id IS NOT OLD.handling_org_id OR NEW.kind IS NOT OLD.kind
  OR NEW.closed_at IS NOT OLD.closed_at
BEGIN
  UPDATE threads SET access_version = access_version + 1 WHERE case_id = NEW.id;
END;
CREATE TRIGGER IF NOT EXISTS orgs_access_update AFTER UPDATE OF parent_id ON orgs
WHEN NEW.parent_id IS NOT OLD.parent_id
BEGIN
  UPDATE threads SET access_version = access_version + 1;
END;
