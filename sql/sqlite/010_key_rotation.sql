-- Rotating the data key (issue #17, item 1; mediation-admin rotate-key). Agreement versions are
-- insert-only and their hash chain covers the stored text, numbers sealed under the key of the day
-- included; so a rotation cannot re-seal them in place. It stores each version's ID and phone
-- numbers sealed anew under the new key here instead, and readers take them from here: `numbers`
-- is a JSON array with one object per party of the version ({"id_number": "pd1:...", "phone":
-- "pd1:..."}); only sealed values live here, so a changed row can alter no clause, name or date,
-- and `binding` (a keyed hash, under the new key, of the version id and its stored text) lets
-- `mediation-admin verify` catch a row moved to another version. `key_fingerprint` is the key the
-- numbers are sealed under.
CREATE TABLE agreement_version_seals (
  version_id INTEGER PRIMARY KEY REFERENCES agreement_versions(id),
  key_fingerprint TEXT NOT NULL,
  numbers TEXT NOT NULL,
  binding TEXT NOT NULL,
  sealed_at INTEGER NOT NULL
);
