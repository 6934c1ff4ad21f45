-- 002: record_batch checks what it is sent (issue 10, item 7). With a kiosk's password, 001 stored
-- any well-formed line: another student's acceptance, a date years off, the wrong school year, an
-- "override by principal.ortiz until 2099". Now every record must fit the district's calendar and
-- rules and continue its machine's ledger chain; a record that does not is refused and logged in
-- aup.refusals (read by the reporting role), never silently dropped, never kept.
--
-- A ledger file is one machine's school year, and its lines are hash-chained (electron/core/ledger/
-- chain.ts): a record's `prev` is the line before's `hash`; a file's first record has prev null; a
-- segment start (the kiosk found its file changed) has prev null and `segment.after`, the SHA-256 of
-- the bytes of the line it follows. The database keeps each (machine, school year) chain in
-- aup.chain_links and takes a record only where that chain's tip is. The kiosk role cannot read the
-- tables, so only who holds a machine's ledger knows where its chain stands.
--
-- Applied by `aup db migrate` in one transaction, like 001. Never edit it once applied.

SET LOCAL ROLE aup_owner;

-- What the database must know of the district to judge a record. One row; `aup db migrate --config`
-- sets it from the machine config (district.timeZone, district.schoolYearStart, and the longest
-- unlock the lock rules allow), these are the config's own defaults.
CREATE TABLE aup.settings (
  one                boolean     PRIMARY KEY DEFAULT true CONSTRAINT settings_one_row CHECK (one),
  time_zone          text        NOT NULL DEFAULT 'America/Chicago',
  school_year_start  text        NOT NULL DEFAULT '08-01'
                       CONSTRAINT settings_school_year_start CHECK (school_year_start ~ '^[0-9]{2}-[0-9]{2}$'),
  -- The longest unlock or override the rules allow (lock.unlockMinutes, lock.maxOverrideMinutes,
  -- the longest bell period, whichever is greatest).
  max_unlock_minutes integer     NOT NULL DEFAULT 480 CONSTRAINT settings_max_unlock CHECK (max_unlock_minutes BETWEEN 1 AND 1440),
  -- How far ahead of this server's clock a kiosk's clock may run.
  clock_skew_seconds integer     NOT NULL DEFAULT 300 CONSTRAINT settings_clock_skew CHECK (clock_skew_seconds BETWEEN 0 AND 3600),
  updated_at         timestamptz NOT NULL DEFAULT now(),
  updated_by         text        NOT NULL DEFAULT session_user
);

-- A zone PostgreSQL does not know, or a day no year has, would refuse every record: refuse it here.
CREATE FUNCTION aup.settings_valid() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $fn$
BEGIN
  PERFORM now() AT TIME ZONE NEW.time_zone;
  -- 2001 has no 29 February, and a school year must start on a day every year has.
  PERFORM make_date(2001, split_part(NEW.school_year_start, '-', 1)::integer, split_part(NEW.school_year_start, '-', 2)::integer);
  NEW.updated_at := now();
  NEW.updated_by := session_user;
  RETURN NEW;
END
$fn$;
CREATE TRIGGER settings_valid BEFORE INSERT OR UPDATE ON aup.settings FOR EACH ROW EXECUTE FUNCTION aup.settings_valid();
INSERT INTO aup.settings DEFAULT VALUES;

-- The school year of a local wall-clock time: it turns over at local midnight of the start day.
-- (No SET search_path, here and in next_school_year: it would stop PostgreSQL inlining them, and
-- they are called only from record_batch, which sets it.)
CREATE FUNCTION aup.school_year_of(p_local timestamp, p_start text) RETURNS text
LANGUAGE sql STABLE
AS $fn$
  SELECT pg_catalog.concat(y, '-', pg_catalog.lpad(((y + 1) % 100)::text, 2, '0'))
  FROM (SELECT EXTRACT(year FROM p_local)::integer
               - CASE WHEN pg_catalog.to_char(p_local, 'MM-DD') COLLATE "C" < p_start COLLATE "C" THEN 1 ELSE 0 END AS y) AS s
$fn$;

-- The school year after `p_year` (`2026-27` -> `2027-28`).
CREATE FUNCTION aup.next_school_year(p_year text) RETURNS text
LANGUAGE sql IMMUTABLE
AS $fn$
  SELECT pg_catalog.concat(y, '-', pg_catalog.lpad(((y + 1) % 100)::text, 2, '0')) FROM (SELECT pg_catalog.left(p_year, 4)::integer + 1 AS y) AS s
$fn$;

-- Each machine's chain, one entry per line known to continue it (stored, or refused for what it
-- says: a kiosk with its clock ahead must not lose its whole year), and the DBA's reopenings. The
-- newest entry is the tip.
CREATE TABLE aup.chain_links (
  n           bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  machine     text        NOT NULL,
  school_year text        NOT NULL,
  -- The line's `hash` (what the next record's `prev` names) and the SHA-256 of its bytes (what a
  -- segment's `after` names); both null for a reopening.
  hash        text,
  line_sha256 text,
  record_id   uuid,
  stored      boolean     NOT NULL DEFAULT false,
  -- aup.reopen_chain: the next record of this machine and year is taken whatever its prev.
  reopened_by text,
  linked_at   timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT chain_links_kind CHECK ((reopened_by IS NULL) = (hash IS NOT NULL AND line_sha256 IS NOT NULL))
);
CREATE INDEX chain_links_tip ON aup.chain_links (machine, school_year, n);
CREATE INDEX chain_links_line ON aup.chain_links (machine, school_year, line_sha256);

-- Records stored before this migration are the chains as they stand: every line of a machine's year
-- is a link, and the tip is the line no other line follows (the newest, if a fork made two). `prev`
-- is read with a pattern, not as JSON, so no row can stop the migration (a JSON string holds a quote
-- only escaped, so `"prev":"` is the key itself).
WITH parsed AS (
  SELECT id, machine, school_year, hash, at, received_at,
         encode(sha256(convert_to(line, 'UTF8')), 'hex') AS line_sha256,
         substring(line FROM '"prev":"([0-9a-f]{64})"') AS prev
  FROM aup.records
), ranked AS (
  SELECT p.*, NOT EXISTS (
           SELECT FROM parsed f WHERE f.machine = p.machine AND f.school_year = p.school_year AND f.prev = p.hash) AS open_end
  FROM parsed p
)
INSERT INTO aup.chain_links (machine, school_year, hash, line_sha256, record_id, stored, linked_at)
SELECT machine, school_year, hash, line_sha256, id, true, received_at
FROM ranked
ORDER BY machine, school_year, open_end, at, received_at;

-- The machine service records the OS sessions it ends (`session-ended`): kept like any other record.
ALTER TABLE aup.records DROP CONSTRAINT records_type;
ALTER TABLE aup.records ADD CONSTRAINT records_type CHECK (type IN
  ('acceptance', 'guardian-agreement', 'safety-ack', 'unlock', 'override', 'denied', 'auth-failure', 'session-ended'));

-- What a kiosk sent that was refused, once per distinct line (a line sent again counts `times`).
-- `line` is kept for the DBA, as in aup.records; the reporting view leaves it out.
CREATE TABLE aup.refusals (
  line_sha256       text        PRIMARY KEY,
  -- malformed | school-year | future | until | chain | id-taken (see record_batch)
  reasons           text[]      NOT NULL,
  record_id         uuid,
  type              text,
  school_year       text,
  at                timestamptz,
  username          text,
  by_user           text,
  until             timestamptz,
  machine           text,
  campus            text,
  room              text,
  line              text        NOT NULL,
  -- The role that signed in: today every kiosk's aup_kiosk; one role per machine would name the machine.
  received_by       text        NOT NULL DEFAULT session_user,
  first_received_at timestamptz NOT NULL DEFAULT now(),
  last_received_at  timestamptz NOT NULL DEFAULT now(),
  times             integer     NOT NULL DEFAULT 1
);
CREATE INDEX refusals_when ON aup.refusals (last_received_at);

-- One line, read for the checks. `ok` is false for anything that is not a sound ledger record: its
-- bytes do not match its own hash, a field is missing or not of its kind, a date does not exist.
CREATE FUNCTION aup.parse_line(p_line text,
  OUT ok boolean, OUT r jsonb, OUT id uuid, OUT hash text, OUT type text, OUT at timestamptz,
  OUT until timestamptz, OUT signed_on date, OUT prev text, OUT segment boolean, OUT segment_after text)
LANGUAGE plpgsql IMMUTABLE
SET search_path = pg_catalog, pg_temp
AS $fn$
BEGIN
  ok := false;
  segment := false;
  -- `{"hash":"<SHA-256 of every byte after the comma>",…}`, as 001 checked it.
  IF p_line IS NULL
     OR octet_length(p_line) NOT BETWEEN 100 AND 65536
     OR left(p_line, 9) <> '{"hash":"'
     OR substr(p_line, 74, 2) <> '",'
     OR substr(p_line, 10, 64) <> encode(sha256(convert_to(substr(p_line, 76), 'UTF8')), 'hex') THEN
    RETURN;
  END IF;
  BEGIN
    -- jsonb cannot hold \u0000: the copy parsed for columns swaps it.
    r := replace(p_line, '\u0000', '\ufffd')::jsonb;
    hash := substr(p_line, 10, 64);
    type := r->>'type';
    -- Every condition must hold; a missing field makes one null, and null is a refusal too.
    IF NOT coalesce(
         jsonb_typeof(r) = 'object'
         AND type IN ('acceptance', 'guardian-agreement', 'safety-ack', 'unlock', 'override', 'denied', 'auth-failure', 'session-ended')
         AND r->>'id' ~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
         AND r->>'at' ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,9})?(Z|[+-][0-9]{2}:[0-9]{2})$'
         AND r->>'schoolYear' ~ '^[0-9]{4}-[0-9]{2}$'
         AND (left(r->>'schoolYear', 4)::integer + 1) % 100 = right(r->>'schoolYear', 2)::integer
         AND r->>'user' <> ''
         AND jsonb_typeof(r->'machine') = 'string' AND r->>'machine' <> ''
         AND r->>'campus' IS NOT NULL AND r->>'room' IS NOT NULL AND r->>'appVersion' IS NOT NULL
         AND (r->>'method' IS NULL OR r->>'method' IN ('kiosk', 'paper'))
         AND (type NOT IN ('acceptance', 'guardian-agreement') OR (r->>'policyId' IS NOT NULL AND r->>'version' IS NOT NULL))
         AND (type <> 'safety-ack' OR (r->>'rulesId' IS NOT NULL AND r->>'version' IS NOT NULL))
         AND (type NOT IN ('unlock', 'override') OR r->>'until' ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}T')
         -- The chain: `prev` is there, null or a hash; a segment names the line it follows, or null.
         AND r ? 'prev'
         AND (jsonb_typeof(r->'prev') = 'null' OR r->>'prev' ~ '^[0-9a-f]{64}$')
         AND (NOT r ? 'segment' OR (
               jsonb_typeof(r->'segment') = 'object'
               AND jsonb_typeof(r->'segment'->'found') = 'string'
               AND (jsonb_typeof(r->'segment'->'after') = 'null' OR r->'segment'->>'after' ~ '^[0-9a-f]{64}$'))),
         false) THEN
      RETURN;
    END IF;
    id := (r->>'id')::uuid;
    at := (r->>'at')::timestamptz;
    IF type IN ('unlock', 'override') THEN
      until := (r->>'until')::timestamptz;
    END IF;
    IF r->>'signedOn' IS NOT NULL THEN
      signed_on := (r->>'signedOn')::date;
    END IF;
    prev := r->>'prev';
    segment := r ? 'segment';
    segment_after := r->'segment'->>'after';
    ok := true;
  EXCEPTION WHEN data_exception THEN
    -- A date that does not exist (30 February), a value out of range, not JSON at all.
    ok := false;
  END;
END
$fn$;

-- Notes a refused line (once per distinct line; sent again, it counts).
CREATE FUNCTION aup.note_refusal(p_line text, p_line_sha256 text, p_parsed record, p_reasons text[]) RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
  r jsonb := p_parsed.r;
BEGIN
  IF p_line IS NULL THEN
    RETURN;
  END IF;
  INSERT INTO aup.refusals AS x (line_sha256, reasons, record_id, type, school_year, at, username, by_user, until,
                                 machine, campus, room, line)
  VALUES (p_line_sha256, p_reasons, p_parsed.id, left(r->>'type', 64), left(r->>'schoolYear', 16), p_parsed.at,
          left(lower(r->>'user'), 256), left(r->>'by', 256), p_parsed.until,
          left(r->>'machine', 256), left(r->>'campus', 256), left(r->>'room', 256), left(p_line, 65536))
  ON CONFLICT (line_sha256) DO UPDATE
    SET reasons = EXCLUDED.reasons, times = x.times + 1, last_received_at = now(), received_by = EXCLUDED.received_by;
END
$fn$;

-- The kiosk's outbox lands here, one line at a time in the order sent (a file's order), so each line
-- is judged against the chain as the lines before it left it. Returns how many were new, already
-- there (the same record sent again: accepted, never judged again), in conflict (the same id with
-- other content: the first is kept), and the 1-based positions of the lines refused with, for
-- each, why (comma-separated):
--   malformed    not a sound ledger record (bytes that do not match its hash, a missing field, no such date)
--   school-year  its schoolYear is not the school year of its own `at` in the district's time zone
--                (a paper form may also name the next year, or the year of the date written on it)
--   future       its `at` is ahead of this server's clock by more than the allowed skew
--   until        an unlock or override lasting longer than the rules allow
--   chain        its prev is not where that machine's chain for that year stands (a record slipped
--                between two stored ones, or a chain started again where one exists), or a segment
--                follows a line that chain does not hold
-- One refused line never costs the rest of the batch, and a kiosk's sync moves past it.
DROP FUNCTION aup_api.record_batch(text[]);
CREATE FUNCTION aup_api.record_batch(p_lines text[],
  OUT inserted integer, OUT duplicates integer, OUT conflicts integer, OUT rejected integer[], OUT refusals text[])
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
  s aup.settings;
  i integer;
  line text;
  digest text;
  p record;
  sy text;
  expected text;
  locked text := NULL;
  stored_hash text;
  tip text;
  reopened boolean;
  has_chain boolean;
  chain_ok boolean;
  why text[];
  known text[];
BEGIN
  inserted := 0; duplicates := 0; conflicts := 0; rejected := '{}'; refusals := '{}';
  IF p_lines IS NULL OR cardinality(p_lines) = 0 THEN
    RETURN;
  END IF;
  IF cardinality(p_lines) > 5000 THEN
    RAISE EXCEPTION 'a batch holds at most 5000 records, not %', cardinality(p_lines) USING ERRCODE = 'program_limit_exceeded';
  END IF;
  SELECT * INTO STRICT s FROM aup.settings;
  FOR i IN 1 .. cardinality(p_lines) LOOP
    line := p_lines[i];
    digest := CASE WHEN line IS NOT NULL THEN encode(sha256(convert_to(line, 'UTF8')), 'hex') END;
    SELECT * INTO p FROM aup.parse_line(line);
    IF NOT p.ok THEN
      PERFORM aup.note_refusal(line, digest, p, ARRAY['malformed']);
      rejected := rejected || i;
      refusals := refusals || 'malformed'::text;
      CONTINUE;
    END IF;
    sy := p.r->>'schoolYear';

    -- One writer per chain at a time (two kiosk processes of one machine send the same lines): the
    -- lock is taken before anything is read, and held to the end of the transaction. An honest batch
    -- is one file, one chain; a batch that mixes them in another's order may deadlock, and then
    -- PostgreSQL ends one and that kiosk's sync tries again.
    IF locked IS DISTINCT FROM (p.r->>'machine') || E'\n' || sy THEN
      locked := (p.r->>'machine') || E'\n' || sy;
      PERFORM pg_advisory_xact_lock(1096110147, hashtext(locked)); -- 1096110147: "AUPC" in ASCII
      -- Where the chain stands, read once per run of lines of one chain (a file's batch is one run).
      SELECT l.hash, l.reopened_by IS NOT NULL INTO tip, reopened
      FROM aup.chain_links l WHERE l.machine = p.r->>'machine' AND l.school_year = sy ORDER BY l.n DESC LIMIT 1;
      has_chain := FOUND;
    END IF;

    -- Sent before and stored: the same record again, or other content under its id.
    SELECT x.hash INTO stored_hash FROM aup.records x WHERE x.id = p.id;
    IF FOUND THEN
      IF stored_hash = p.hash THEN
        duplicates := duplicates + 1;
      ELSE
        conflicts := conflicts + 1;
        PERFORM aup.note_refusal(line, digest, p, ARRAY['id-taken']);
      END IF;
      CONTINUE;
    END IF;

    -- What the record says, against the district's calendar and rules.
    why := '{}';
    expected := aup.school_year_of(p.at AT TIME ZONE s.time_zone, s.school_year_start);
    IF sy <> expected AND NOT (
         p.r->>'method' = 'paper'
         AND (sy = aup.next_school_year(expected)
              OR (p.signed_on IS NOT NULL AND sy = aup.school_year_of(p.signed_on::timestamp, s.school_year_start)))) THEN
      why := why || 'school-year'::text;
    END IF;
    IF p.at > now() + make_interval(secs => s.clock_skew_seconds) THEN
      why := why || 'future'::text;
    END IF;
    IF p.until IS NOT NULL AND p.until > p.at + make_interval(mins => s.max_unlock_minutes) THEN
      why := why || 'until'::text;
    END IF;

    -- Where the record stands in its machine's chain.
    chain_ok := CASE
      WHEN has_chain AND reopened THEN true
      WHEN p.prev IS NOT NULL THEN has_chain AND p.prev = tip
      -- A segment start may follow any line of the chain (lines cut from the end while the kiosk ran).
      WHEN p.segment AND p.segment_after IS NOT NULL THEN EXISTS (
        SELECT FROM aup.chain_links l
        WHERE l.machine = p.r->>'machine' AND l.school_year = sy AND l.line_sha256 = p.segment_after)
      -- A first record (or a segment after nothing) starts a chain only where there is none.
      ELSE NOT has_chain
    END;
    IF NOT chain_ok THEN
      -- Sent before and refused for what it says, though it continued the chain then (the chain has
      -- moved on since, so it cannot continue it now): refused again, as then.
      SELECT coalesce(f.reasons, ARRAY['refused']) INTO known
      FROM aup.chain_links l LEFT JOIN aup.refusals f ON f.line_sha256 = l.line_sha256
      WHERE l.machine = p.r->>'machine' AND l.school_year = sy AND l.line_sha256 = digest AND NOT l.stored;
      IF FOUND THEN
        PERFORM aup.note_refusal(line, digest, p, known);
        rejected := rejected || i;
        refusals := refusals || array_to_string(known, ',');
        CONTINUE;
      END IF;
      why := 'chain'::text || why;
    ELSE
      INSERT INTO aup.chain_links (machine, school_year, hash, line_sha256, record_id, stored)
      VALUES (p.r->>'machine', sy, p.hash, digest, p.id, cardinality(why) = 0);
      tip := p.hash;
      reopened := false;
      has_chain := true;
    END IF;

    IF cardinality(why) > 0 THEN
      PERFORM aup.note_refusal(line, digest, p, why);
      rejected := rejected || i;
      refusals := refusals || array_to_string(why, ',');
      CONTINUE;
    END IF;

    INSERT INTO aup.records (id, type, school_year, at, username, machine, campus, room, app_version,
                             policy_id, version, language, method, signer, by_user, refusal, until, hash, line)
    VALUES (p.id, p.type, sy, p.at, lower(p.r->>'user'), p.r->>'machine', p.r->>'campus', p.r->>'room', p.r->>'appVersion',
            CASE WHEN p.type = 'safety-ack' THEN p.r->>'rulesId' ELSE p.r->>'policyId' END,
            p.r->>'version', p.r->>'language', p.r->>'method', p.r->>'signer', p.r->>'by', p.r->>'refusal', p.until, p.hash, line)
    ON CONFLICT (id) DO NOTHING;
    IF FOUND THEN
      inserted := inserted + 1;
    ELSE
      -- The same id stored a moment ago by another machine's batch (its chain lock is not ours).
      conflicts := conflicts + 1;
      PERFORM aup.note_refusal(line, digest, p, ARRAY['id-taken']);
    END IF;
  END LOOP;
END
$fn$;

-- For the DBA: the next record this machine sends for this school year is taken whatever its prev,
-- and the chain goes on from it. For a PC reimaged (its ledger started afresh) or renamed mid-year,
-- or a ledger file edited by hand, whose records the chain check now refuses. Not for the kiosks.
CREATE FUNCTION aup.reopen_chain(p_machine text, p_school_year text) RETURNS void
LANGUAGE sql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $fn$
  INSERT INTO aup.chain_links (machine, school_year, reopened_by) VALUES (p_machine, p_school_year, session_user)
$fn$;

-- The old insert path took any well-formed line: nothing calls it now.
DROP FUNCTION aup.insert_lines(text[]);

-- What administrators' reports read of the refusals: not the line itself.
CREATE VIEW aup_reports.refusals AS
  SELECT reasons, record_id AS id, type, school_year, at, username, by_user, until, machine, campus, room,
         received_by, times, first_received_at, last_received_at
  FROM aup.refusals;

REVOKE ALL ON aup.settings, aup.chain_links, aup.refusals, aup_reports.refusals FROM PUBLIC;
REVOKE ALL ON FUNCTION aup.settings_valid() FROM PUBLIC;
REVOKE ALL ON FUNCTION aup.school_year_of(timestamp, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION aup.next_school_year(text) FROM PUBLIC;
REVOKE ALL ON FUNCTION aup.parse_line(text) FROM PUBLIC;
REVOKE ALL ON FUNCTION aup.note_refusal(text, text, record, text[]) FROM PUBLIC;
REVOKE ALL ON FUNCTION aup.reopen_chain(text, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION aup_api.record_batch(text[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION aup_api.record_batch(text[]) TO aup_kiosk;
GRANT SELECT ON aup_reports.refusals TO aup_reporting;
