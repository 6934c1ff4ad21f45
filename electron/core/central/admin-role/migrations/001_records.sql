-- 001: every kiosk's records in one database, the two functions a kiosk may call, and the view
-- administrators' reports read (docs/design.md "Ledger": student records are protected, FERPA).
--
-- Applied by `aup db migrate` as the district's DBA (a superuser, or a role with CREATEROLE that
-- owns the database), inside one transaction; the runner records it in public.schema_migrations.
-- Never edit this file once a district has applied it: add 002_….sql instead (the runner refuses
-- a changed file by its checksum).
--
--   aup_owner      NOLOGIN  owns the schemas, the table, the functions and the view
--   aup_kiosk      the kiosks: EXECUTE on aup_api.record_batch and aup_api.has_accepted, nothing else
--   aup_reporting  administrators' reports: SELECT on aup_reports.records, nothing else

DO $check$
BEGIN
  -- A record's hash is over its UTF-8 bytes; another server encoding would refuse sound records.
  IF current_setting('server_encoding') <> 'UTF8' THEN
    RAISE EXCEPTION 'the AUP Kiosk database must use UTF8, not %', current_setting('server_encoding')
      USING HINT = 'CREATE DATABASE aup ENCODING ''UTF8'' TEMPLATE template0';
  END IF;
END
$check$;

-- Roles belong to the cluster, not the database: made once, found again by a later database.
DO $roles$
DECLARE
  r text;
BEGIN
  FOREACH r IN ARRAY ARRAY['aup_owner', 'aup_kiosk', 'aup_reporting'] LOOP
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = r) THEN
      BEGIN
        EXECUTE format('CREATE ROLE %I NOLOGIN', r);
      EXCEPTION WHEN duplicate_object OR unique_violation THEN
        NULL; -- another database's migrator made it a moment ago
      END;
    END IF;
  END LOOP;
END
$roles$;

-- The migrator creates the objects as aup_owner (SET LOCAL ROLE below), so it must be a member.
GRANT aup_owner TO CURRENT_USER;
-- A kiosk's call is a few milliseconds; one that runs for seconds is stuck, or someone probing.
ALTER ROLE aup_kiosk SET statement_timeout = '10s';
-- A confirmed batch moves the kiosk's cursor past it for good: the commit must be in the WAL before
-- the confirmation, whatever the server's default (synchronous_commit = off loses the last commits
-- in a crash).
ALTER ROLE aup_kiosk SET synchronous_commit = 'on';

-- Only the two roles may connect, and nobody but the owner sees the public schema.
DO $db$
BEGIN
  EXECUTE format('REVOKE ALL ON DATABASE %I FROM PUBLIC', current_database());
  EXECUTE format('GRANT CONNECT ON DATABASE %I TO aup_kiosk, aup_reporting', current_database());
END
$db$;
REVOKE ALL ON SCHEMA public FROM PUBLIC;

CREATE SCHEMA aup AUTHORIZATION aup_owner;          -- the records: the owner alone
CREATE SCHEMA aup_api AUTHORIZATION aup_owner;      -- what a kiosk may call
CREATE SCHEMA aup_reports AUTHORIZATION aup_owner;  -- what an administrator may read
REVOKE ALL ON SCHEMA aup, aup_api, aup_reports FROM PUBLIC;
GRANT USAGE ON SCHEMA aup_api TO aup_kiosk;
GRANT USAGE ON SCHEMA aup_reports TO aup_reporting;

SET LOCAL ROLE aup_owner;
-- Functions are executable by PUBLIC unless said otherwise: say otherwise, for every later one too.
ALTER DEFAULT PRIVILEGES REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;

-- One row per ledger record, whatever its type: acceptances (and guardian agreements, safety-rules
-- acknowledgements) and events (unlock, override, denied, auth-failure). `id` is the ledger's UUID,
-- so a record sent twice is stored once. `line` is the record exactly as the kiosk's ledger wrote
-- it (its own hash checks here too); the other columns are what decisions and reports query.
CREATE TABLE aup.records (
  id          uuid        PRIMARY KEY,
  type        text        NOT NULL CONSTRAINT records_type CHECK (type IN
                ('acceptance', 'guardian-agreement', 'safety-ack', 'unlock', 'override', 'denied', 'auth-failure')),
  school_year text        NOT NULL CONSTRAINT records_school_year CHECK (school_year ~ '^[0-9]{4}-[0-9]{2}$'),
  at          timestamptz NOT NULL,
  username    text        NOT NULL CONSTRAINT records_username CHECK (username <> ''),
  machine     text        NOT NULL,
  campus      text        NOT NULL,
  room        text        NOT NULL,
  app_version text        NOT NULL,
  -- acceptance, guardian-agreement: the policy; safety-ack: the Internet Safety rules document
  policy_id   text,
  version     text,
  language    text,
  method      text        CONSTRAINT records_method CHECK (method IN ('kiosk', 'paper')),
  signer      text,
  -- unlock, override, denied: the teacher or administrator
  by_user     text,
  refusal     text,
  until       timestamptz,
  hash        text        NOT NULL CONSTRAINT records_hash CHECK (hash ~ '^[0-9a-f]{64}$'),
  line        text        NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT records_document CHECK (
    type NOT IN ('acceptance', 'guardian-agreement', 'safety-ack') OR (policy_id IS NOT NULL AND version IS NOT NULL))
);

-- "Has this user accepted this version this school year?": one index probe.
CREATE INDEX records_decision ON aup.records (username, policy_id, school_year, version)
  WHERE type IN ('acceptance', 'safety-ack');
-- Reports: a school year's evidence, user by user.
CREATE INDEX records_report ON aup.records (school_year, type, username, policy_id, at);

-- Parses and stores ledger lines. Not callable by the kiosks directly (record_batch is).
-- Returns how many were new, already there (the same record sent again), in conflict (the same id
-- with different content: the first is kept), and the 1-based positions of the lines refused.
CREATE FUNCTION aup.insert_lines(p_lines text[],
  OUT inserted integer, OUT duplicates integer, OUT conflicts integer, OUT rejected integer[])
LANGUAGE sql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $fn$
WITH input AS (
  SELECT u.line, u.ord::integer AS ord FROM unnest(p_lines) WITH ORDINALITY AS u(line, ord)
), framed AS MATERIALIZED (
  -- `{"hash":"<SHA-256 of every byte after the comma>",…}`: a line edited on its way, or made up
  -- without its hash, is refused. jsonb cannot hold \u0000: the copy parsed for columns swaps it.
  SELECT ord, line, substr(line, 10, 64) AS hash, replace(line, '\u0000', '\ufffd')::jsonb AS r
  FROM input
  WHERE line IS NOT NULL
    AND octet_length(line) BETWEEN 100 AND 65536
    AND left(line, 9) = '{"hash":"'
    AND substr(line, 74, 2) = '",'
    AND substr(line, 10, 64) = encode(sha256(convert_to(substr(line, 76), 'UTF8')), 'hex')
), valid AS MATERIALIZED (
  SELECT ord, line, hash, r,
    (r->>'id')::uuid AS id,
    r->>'type' AS type,
    (r->>'at')::timestamptz AS at,
    CASE WHEN r->>'type' = 'safety-ack' THEN r->>'rulesId' ELSE r->>'policyId' END AS policy_id,
    CASE WHEN r->>'until' ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}T' THEN (r->>'until')::timestamptz END AS until
  FROM framed
  WHERE r->>'type' IN ('acceptance', 'guardian-agreement', 'safety-ack', 'unlock', 'override', 'denied', 'auth-failure')
    AND r->>'id' ~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
    AND r->>'at' ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,9})?(Z|[+-][0-9]{2}:[0-9]{2})$'
    AND r->>'schoolYear' ~ '^[0-9]{4}-[0-9]{2}$'
    AND coalesce(r->>'user', '') <> ''
    AND r->>'machine' IS NOT NULL AND r->>'campus' IS NOT NULL AND r->>'room' IS NOT NULL AND r->>'appVersion' IS NOT NULL
    AND (r->>'method' IS NULL OR r->>'method' IN ('kiosk', 'paper'))
    AND (r->>'type' NOT IN ('acceptance', 'guardian-agreement') OR (r->>'policyId' IS NOT NULL AND r->>'version' IS NOT NULL))
    AND (r->>'type' <> 'safety-ack' OR (r->>'rulesId' IS NOT NULL AND r->>'version' IS NOT NULL))
), ins AS (
  INSERT INTO aup.records (id, type, school_year, at, username, machine, campus, room, app_version,
                           policy_id, version, language, method, signer, by_user, refusal, until, hash, line)
  SELECT id, type, r->>'schoolYear', at, lower(r->>'user'), r->>'machine', r->>'campus', r->>'room', r->>'appVersion',
         policy_id, r->>'version', r->>'language', r->>'method', r->>'signer', r->>'by', r->>'refusal', until, hash, line
  FROM valid
  ON CONFLICT (id) DO NOTHING
  RETURNING id
), clash AS (
  -- Rows stored before this statement (a data-modifying CTE's rows are not visible to its siblings).
  SELECT count(*)::integer AS n FROM valid v JOIN aup.records x ON x.id = v.id WHERE x.hash <> v.hash
)
SELECT
  (SELECT count(*)::integer FROM ins),
  (SELECT count(*)::integer FROM valid) - (SELECT count(*)::integer FROM ins) - (SELECT n FROM clash),
  (SELECT n FROM clash),
  coalesce((SELECT array_agg(ord ORDER BY ord) FROM input WHERE ord NOT IN (SELECT ord FROM valid)), '{}'::integer[])
$fn$;

-- The kiosk's outbox lands here: a batch of ledger lines, idempotent on the record id. One bad line
-- (a date that does not exist, say) costs that line, never the batch: the others are kept and the
-- refused ones are named, so a kiosk's sync can never be stuck behind one record.
CREATE FUNCTION aup_api.record_batch(p_lines text[],
  OUT inserted integer, OUT duplicates integer, OUT conflicts integer, OUT rejected integer[])
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
  one record;
  i integer;
BEGIN
  inserted := 0; duplicates := 0; conflicts := 0; rejected := '{}';
  IF p_lines IS NULL OR cardinality(p_lines) = 0 THEN
    RETURN;
  END IF;
  IF cardinality(p_lines) > 5000 THEN
    RAISE EXCEPTION 'a batch holds at most 5000 records, not %', cardinality(p_lines) USING ERRCODE = 'program_limit_exceeded';
  END IF;
  BEGIN
    SELECT * INTO one FROM aup.insert_lines(p_lines);
    inserted := one.inserted; duplicates := one.duplicates; conflicts := one.conflicts; rejected := one.rejected;
  EXCEPTION WHEN data_exception OR integrity_constraint_violation THEN
    FOR i IN 1 .. cardinality(p_lines) LOOP
      BEGIN
        SELECT * INTO one FROM aup.insert_lines(ARRAY[p_lines[i]]);
        inserted := inserted + one.inserted;
        duplicates := duplicates + one.duplicates;
        conflicts := conflicts + one.conflicts;
        IF cardinality(one.rejected) > 0 THEN
          rejected := rejected || i;
        END IF;
      EXCEPTION WHEN data_exception OR integrity_constraint_violation THEN
        rejected := rejected || i;
      END;
    END LOOP;
  END;
END
$fn$;

-- Has this user accepted this policy version (or, with a null version, acknowledged these rules in
-- any version) this school year? A yes or a no about one person: nothing else leaves the table.
CREATE FUNCTION aup_api.has_accepted(p_user text, p_policy_id text, p_version text, p_school_year text)
RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $fn$
  SELECT EXISTS (
    SELECT 1 FROM aup.records
    WHERE type IN ('acceptance', 'safety-ack')
      AND username = lower(p_user)
      AND policy_id = p_policy_id
      AND school_year = p_school_year
      AND (p_version IS NULL OR version = p_version))
$fn$;

-- What administrators' reports read: every record's columns, but not the line it came from.
CREATE VIEW aup_reports.records AS
  SELECT id, type, school_year, at, username, policy_id, version, language, method, signer,
         by_user, refusal, until, machine, campus, room, app_version, received_at
  FROM aup.records;

REVOKE ALL ON ALL TABLES IN SCHEMA aup, aup_reports FROM PUBLIC;
REVOKE ALL ON FUNCTION aup.insert_lines(text[]) FROM PUBLIC;
REVOKE ALL ON FUNCTION aup_api.record_batch(text[]) FROM PUBLIC;
REVOKE ALL ON FUNCTION aup_api.has_accepted(text, text, text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION aup_api.record_batch(text[]) TO aup_kiosk;
GRANT EXECUTE ON FUNCTION aup_api.has_accepted(text, text, text, text) TO aup_kiosk;
GRANT SELECT ON aup_reports.records TO aup_reporting;
