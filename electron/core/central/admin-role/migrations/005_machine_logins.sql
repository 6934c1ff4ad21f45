-- 005: a database login per PC (README "What a kiosk's database password still allows"). Until now
-- every kiosk signed in as the one aup_kiosk, so whoever read one PC's password file could write, for
-- any machine name, records that continue a chain they know. Now the DBA may give each PC a login
-- role of its own (`aup db machine add LAB204-01`: a member of aup_kiosk, so it may call what
-- aup_kiosk may and read nothing), mapped here to the machine it is. A mapped login's record is taken
-- only for its own machine; a record naming another is refused as `machine` and logged, and touches
-- no chain. A lost or stolen PC is shut out by locking its login (`aup db machine remove`).
--
-- The shared aup_kiosk login keeps working as before, until the district requires a login per PC
-- (`aup db require-machine-roles on`, aup.settings.require_machine_logins): then what it sends is
-- refused as `machine-login`, and aup_reports.refusals says what to do.
--
-- Roles are the cluster's and only the DBA makes them (the CLI, with CREATEROLE); this file makes
-- none. Applied by `aup db migrate` in one transaction. Never edit it once applied.

SET LOCAL ROLE aup_owner;

-- Which login is which PC. A removed login keeps its row (refusals and reopenings name it), locked.
CREATE TABLE aup.machine_logins (
  role_name  text        PRIMARY KEY CONSTRAINT machine_logins_role CHECK (role_name ~ '^[a-z_][a-z0-9_]{0,62}$'),
  machine    text        NOT NULL CONSTRAINT machine_logins_machine CHECK (machine <> ''),
  added_at   timestamptz NOT NULL DEFAULT now(),
  added_by   text        NOT NULL DEFAULT session_user,
  removed_at timestamptz,
  removed_by text
);
-- A PC's name is its host name, and host names do not differ by case alone.
CREATE UNIQUE INDEX machine_logins_machine ON aup.machine_logins (lower(machine));

ALTER TABLE aup.settings ADD COLUMN require_machine_logins boolean NOT NULL DEFAULT false;

-- Who signed in, as record_batch and the room functions see it: session_user is the login role even
-- inside these SECURITY DEFINER functions, and a kiosk cannot change it (only a superuser may).
CREATE FUNCTION aup.login_machine(OUT machine text, OUT removed boolean, OUT required boolean)
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $fn$
  SELECT m.machine, m.removed_at IS NOT NULL, s.require_machine_logins
  FROM aup.settings s LEFT JOIN aup.machine_logins m ON m.role_name = session_user::text
$fn$;

-- Why this login may not act for `p_machine`, or null when it may: `machine` (a PC's own login naming
-- another PC), `machine-login` (the shared login, or a removed one, where a login per PC is required).
CREATE FUNCTION aup.login_refusal(p_login_machine text, p_removed boolean, p_required boolean, p_machine text) RETURNS text
LANGUAGE sql IMMUTABLE
SET search_path = pg_catalog, pg_temp
AS $fn$
  SELECT CASE
    WHEN p_login_machine IS NOT NULL AND p_removed THEN 'machine-login'
    WHEN p_login_machine IS NOT NULL THEN CASE WHEN lower(p_machine) = lower(p_login_machine) THEN NULL ELSE 'machine' END
    WHEN p_required THEN 'machine-login'
  END
$fn$;

-- What a refusal of this kind tells the DBA to do (aup_reports.refusals.advice). `p_login_machine`:
-- the PC whose login sent it. Reads no table, so the reporting role's view may call it.
CREATE FUNCTION aup.refusal_advice(p_reasons text[], p_machine text, p_received_by text, p_login_machine text) RETURNS text
LANGUAGE sql IMMUTABLE
SET search_path = pg_catalog, pg_temp
AS $fn$
  SELECT CASE
    WHEN 'machine-login' = ANY (p_reasons) THEN
      format('the district requires each PC to sign in with its own database login, and this came from %s: run "aup db machine add %s" and put that login and its password file in the PC''s central.postgres',
             p_received_by, coalesce(p_machine, '<PC name>'))
    WHEN 'machine' = ANY (p_reasons) THEN
      format('%s is the database login of %s, not of %s: a PC''s config names another PC''s login, or someone holding that PC''s password wrote for another (if that PC is lost: "aup db machine remove %s")',
             p_received_by, coalesce(p_login_machine, 'another PC'), coalesce(p_machine, 'this record''s machine'), coalesce(p_login_machine, '<PC name>'))
  END
$fn$;

-- The checks of 002 stay as they are, under another name the kiosks cannot call; record_batch now
-- first sets aside what this login may not send, so such a line never moves a chain.
ALTER FUNCTION aup_api.record_batch(text[]) SET SCHEMA aup;
ALTER FUNCTION aup.record_batch(text[]) RENAME TO record_batch_any_machine;
REVOKE ALL ON FUNCTION aup.record_batch_any_machine(text[]) FROM aup_kiosk, PUBLIC;

-- As 002's record_batch, and two more reasons a line is refused (before any other check):
--   machine        this login is a PC's own and the record names another machine
--   machine-login  the district requires a login per PC, and this is the shared aup_kiosk (or a removed PC's)
CREATE FUNCTION aup_api.record_batch(p_lines text[],
  OUT inserted integer, OUT duplicates integer, OUT conflicts integer, OUT rejected integer[], OUT refusals text[])
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
  login record;
  i integer;
  line text;
  p record;
  why text;
  kept text[] := '{}';
  kept_at integer[] := '{}';
  own_at integer[] := '{}';
  own_why text[] := '{}';
  inner_result record;
  kept_rejected integer[] := '{}';
  kept_refusals text[] := '{}';
BEGIN
  SELECT * INTO STRICT login FROM aup.login_machine();
  -- The shared login where none is required: exactly as before, at no cost.
  IF login.machine IS NULL AND NOT login.required THEN
    SELECT * INTO STRICT inserted, duplicates, conflicts, rejected, refusals FROM aup.record_batch_any_machine(p_lines);
    RETURN;
  END IF;
  inserted := 0; duplicates := 0; conflicts := 0; rejected := '{}'; refusals := '{}';
  IF p_lines IS NULL OR cardinality(p_lines) = 0 THEN
    RETURN;
  END IF;
  IF cardinality(p_lines) > 5000 THEN
    RAISE EXCEPTION 'a batch holds at most 5000 records, not %', cardinality(p_lines) USING ERRCODE = 'program_limit_exceeded';
  END IF;
  FOR i IN 1 .. cardinality(p_lines) LOOP
    line := p_lines[i];
    SELECT * INTO p FROM aup.parse_line(line);
    -- A line that is not a sound record is the checks' to refuse (as malformed), unless no line of this login may pass.
    why := CASE WHEN p.ok THEN aup.login_refusal(login.machine, login.removed, login.required, p.r->>'machine')
                WHEN login.machine IS NULL OR login.removed THEN 'machine-login' END;
    IF why IS NULL THEN
      kept := kept || line;
      kept_at := kept_at || i;
    ELSE
      PERFORM aup.note_refusal(line, CASE WHEN line IS NOT NULL THEN encode(sha256(convert_to(line, 'UTF8')), 'hex') END, p, ARRAY[why]);
      own_at := own_at || i;
      own_why := own_why || why;
    END IF;
  END LOOP;
  IF cardinality(kept) > 0 THEN
    SELECT * INTO STRICT inner_result FROM aup.record_batch_any_machine(kept);
    inserted := inner_result.inserted;
    duplicates := inner_result.duplicates;
    conflicts := inner_result.conflicts;
    kept_rejected := inner_result.rejected;
    kept_refusals := inner_result.refusals;
  END IF;
  -- Both lists of refusals, by their place in the batch the kiosk sent.
  SELECT coalesce(array_agg(x.pos ORDER BY x.pos), '{}'), coalesce(array_agg(x.reason ORDER BY x.pos), '{}')
    INTO rejected, refusals
  FROM (
    SELECT o.pos, o.reason FROM unnest(own_at, own_why) AS o(pos, reason)
    UNION ALL
    SELECT kept_at[k.n], k.reason FROM unnest(kept_rejected, kept_refusals) AS k(n, reason)
  ) x;
END
$fn$;

-- The room functions of 003 take the machine as an argument: a PC's own login acts only as itself.
CREATE FUNCTION aup.check_login(p_machine text) RETURNS void
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
  login record;
  why text;
BEGIN
  SELECT * INTO STRICT login FROM aup.login_machine();
  why := aup.login_refusal(login.machine, login.removed, login.required, p_machine);
  IF why IS NOT NULL THEN
    RAISE EXCEPTION '%: %', why, aup.refusal_advice(ARRAY[why], p_machine, session_user::text, login.machine) USING ERRCODE = '42501';
  END IF;
END
$fn$;

ALTER FUNCTION aup_api.open_room(text, text, text, text, text, text, text, integer, timestamptz) SET SCHEMA aup;
ALTER FUNCTION aup.open_room(text, text, text, text, text, text, text, integer, timestamptz) RENAME TO open_room_any_machine;
REVOKE ALL ON FUNCTION aup.open_room_any_machine(text, text, text, text, text, text, text, integer, timestamptz) FROM aup_kiosk, PUBLIC;
CREATE FUNCTION aup_api.open_room(p_campus text, p_room text, p_machine text, p_by text, p_by_name text,
  p_kind text, p_reason text, p_minutes integer, p_until timestamptz,
  OUT id uuid, OUT since timestamptz, OUT until timestamptz, OUT db_now timestamptz)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $fn$
BEGIN
  PERFORM aup.check_login(p_machine);
  SELECT * INTO STRICT id, since, until, db_now
  FROM aup.open_room_any_machine(p_campus, p_room, p_machine, p_by, p_by_name, p_kind, p_reason, p_minutes, p_until);
END
$fn$;

ALTER FUNCTION aup_api.end_room(text, text, text, text) SET SCHEMA aup;
ALTER FUNCTION aup.end_room(text, text, text, text) RENAME TO end_room_any_machine;
REVOKE ALL ON FUNCTION aup.end_room_any_machine(text, text, text, text) FROM aup_kiosk, PUBLIC;
CREATE FUNCTION aup_api.end_room(p_campus text, p_room text, p_machine text, p_by text) RETURNS integer
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $fn$
BEGIN
  PERFORM aup.check_login(p_machine);
  RETURN aup.end_room_any_machine(p_campus, p_room, p_machine, p_by);
END
$fn$;

ALTER FUNCTION aup_api.report_presence(text, text, text, text, text, integer, text, text[]) SET SCHEMA aup;
ALTER FUNCTION aup.report_presence(text, text, text, text, text, integer, text, text[]) RENAME TO report_presence_any_machine;
REVOKE ALL ON FUNCTION aup.report_presence_any_machine(text, text, text, text, text, integer, text, text[]) FROM aup_kiosk, PUBLIC;
CREATE FUNCTION aup_api.report_presence(p_machine text, p_campus text, p_room text, p_user text, p_display_name text,
  p_grade integer, p_state text, p_notes text[]) RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET synchronous_commit = off
AS $fn$
BEGIN
  PERFORM aup.check_login(p_machine);
  PERFORM aup.report_presence_any_machine(p_machine, p_campus, p_room, p_user, p_display_name, p_grade, p_state, p_notes);
END
$fn$;

-- The refusals as before, and what to do about the two new kinds (the same columns first: CREATE OR
-- REPLACE VIEW may only add columns at the end).
CREATE OR REPLACE VIEW aup_reports.refusals AS
  SELECT f.reasons, f.record_id AS id, f.type, f.school_year, f.at, f.username, f.by_user, f.until, f.machine, f.campus, f.room,
         f.received_by, f.times, f.first_received_at, f.last_received_at,
         aup.refusal_advice(f.reasons, f.machine, f.received_by, m.machine) AS advice
  FROM aup.refusals f LEFT JOIN aup.machine_logins m ON m.role_name = f.received_by;

-- The machines' logins for the reporting role too (which PC is which login), without who added them.
CREATE VIEW aup_reports.machine_logins AS
  SELECT machine, role_name, added_at, removed_at FROM aup.machine_logins;

REVOKE ALL ON aup.machine_logins, aup_reports.machine_logins FROM PUBLIC;
REVOKE ALL ON FUNCTION aup.login_machine() FROM PUBLIC;
REVOKE ALL ON FUNCTION aup.login_refusal(text, boolean, boolean, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION aup.refusal_advice(text[], text, text, text) FROM PUBLIC;
-- The view runs it as whoever reads it.
GRANT EXECUTE ON FUNCTION aup.refusal_advice(text[], text, text, text) TO aup_reporting;
REVOKE ALL ON FUNCTION aup.check_login(text) FROM PUBLIC;
REVOKE ALL ON FUNCTION aup_api.record_batch(text[]) FROM PUBLIC;
REVOKE ALL ON FUNCTION aup_api.open_room(text, text, text, text, text, text, text, integer, timestamptz) FROM PUBLIC;
REVOKE ALL ON FUNCTION aup_api.end_room(text, text, text, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION aup_api.report_presence(text, text, text, text, text, integer, text, text[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION aup_api.record_batch(text[]) TO aup_kiosk;
GRANT EXECUTE ON FUNCTION aup_api.open_room(text, text, text, text, text, text, text, integer, timestamptz) TO aup_kiosk;
GRANT EXECUTE ON FUNCTION aup_api.end_room(text, text, text, text) TO aup_kiosk;
GRANT EXECUTE ON FUNCTION aup_api.report_presence(text, text, text, text, text, integer, text, text[]) TO aup_kiosk;
GRANT SELECT ON aup_reports.refusals, aup_reports.machine_logins TO aup_reporting;
