-- The version of a thread's access facts (issue #16). Every change to what decides who may see a
-- case (its organisations, invitations and leaders; its owner, handler, kind and closing; the
-- organisation tree above them, which decides the supervisors: every thread then) adds one
-- to the access_version of the case's threads, in the same transaction, by these triggers. The
-- batched writer keeps the access facts it has read per thread with their version and reads them
-- again only when the version it reads with the thread's locked head has moved: whoever made the
-- change (a verb, an admin tool, another server node), there is no message to miss. The triggers
-- take the thread rows' locks, so that a change waits for a batch writing to the thread and the
-- other way round.
ALTER TABLE threads ADD COLUMN IF NOT EXISTS access_version BIGINT NOT NULL DEFAULT 0;
CREATE TRIGGER IF NOT EXISTS case_orgs_access_insert AFTER INSERT ON case_orgs FOR EACH ROW
BEGIN
  UPDATE threads SET access_version = access_version + 1 WHERE case_id = NEW.case_id;
END;
CREATE TRIGGER IF NOT EXISTS case_orgs_access_update AFTER UPDATE ON case_orgs FOR EACH ROW
BEGIN
  UPDATE threads SET access_version = access_version + 1 WHERE case_id IN (OLD.case_id, NEW.case_id);
END;
CREATE TRIGGER IF NOT EXISTS case_orgs_access_delete AFTER DELETE ON case_orgs FOR EACH ROW
BEGIN
  UPDATE threads SET access_version = access_version + 1 WHERE case_id = OLD.case_id;
END;
CREATE TRIGGER IF NOT EXISTS case_invites_access_insert AFTER INSERT ON case_invites FOR EACH ROW
BEGIN
  UPDATE threads SET access_version = access_version + 1 WHERE case_id = NEW.case_id;
END;
CREATE TRIGGER IF NOT EXISTS case_invites_access_update AFTER UPDATE ON case_invites FOR EACH ROW
BEGIN
  UPDATE threads SET access_version = access_version + 1 WHERE case_id IN (OLD.case_id, NEW.case_id);
END;
CREATE TRIGGER IF NOT EXISTS case_invites_access_delete AFTER DELETE ON case_invites FOR EACH ROW
BEGIN
  UPDATE threads SET access_version = access_version + 1 WHERE case_id = OLD.case_id;
END;
CREATE TRIGGER IF NOT EXISTS case_leaders_access_insert AFTER INSERT ON case_leaders FOR EACH ROW
BEGIN
  UPDATE threads SET access_version = access_version + 1 WHERE case_id = NEW.case_id;
END;
CREATE TRIGGER IF NOT EXISTS case_leaders_access_update AFTER UPDATE ON case_leaders FOR EACH ROW
BEGIN
  UPDATE threads SET access_version = access_version + 1 WHERE case_id IN (OLD.case_id, NEW.case_id);
END;
CREATE TRIGGER IF NOT EXISTS case_leaders_access_delete AFTER DELETE ON case_leaders FOR EACH ROW
BEGIN
  UPDATE threads SET access_version = access_version + 1 WHERE case_id = OLD.case_id;
END;
CREATE TRIGGER IF NOT EXISTS cases_access_update AFTER UPDATE ON cases FOR EACH ROW
BEGIN
  IF NOT (NEW.org_id <=> OLD.org_id AND NEW.handling_org_id <=> OLD.handling_org_id AND NEW.kind <=> OLD.kind
          AND NEW.closed_at <=> OLD.closed_at) THEN
    UPDATE threads SET access_version = access_version + 1 WHERE case_id = NEW.id;
  END IF;
END;
CREATE TRIGGER IF NOT EXISTS orgs_access_update AFTER UPDATE ON orgs FOR EACH ROW
BEGIN
  IF NOT (NEW.parent_id <=> OLD.parent_id) THEN
    UPDATE threads SET access_version = access_version + 1;
  END IF;
END;
