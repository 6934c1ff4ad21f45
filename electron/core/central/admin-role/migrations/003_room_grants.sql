-- 003: the class period (issue 11). A teacher opens every student computer of a room from any one of
-- them until the end of the bell period; the grant goes through this database, the one place every
-- kiosk of the district shares. The kiosk role may publish a grant for its own room, end it, read the
-- open grants of a room, and report what its computer shows; it reads no table. The database's clock
-- decides when a grant ends (a kiosk's clock may be off), and each kiosk decides for itself whether the
-- signer is an approved teacher (its directory, not this table, says so).
--
-- Applied by `aup db migrate` in one transaction. Never edit it once applied.

SET LOCAL ROLE aup_owner;

CREATE TABLE aup.room_grants (
  id          uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
  campus      text        NOT NULL CONSTRAINT room_grants_campus CHECK (campus <> ''),
  room        text        NOT NULL CONSTRAINT room_grants_room CHECK (room <> ''),
  -- The kiosk that published it.
  machine     text        NOT NULL,
  by_user     text        NOT NULL CONSTRAINT room_grants_by CHECK (by_user <> ''),
  by_name     text        NOT NULL,
  kind        text        NOT NULL CONSTRAINT room_grants_kind CHECK (kind IN ('teacher', 'override')),
  reason      text,
  since       timestamptz NOT NULL DEFAULT now(),
  until       timestamptz NOT NULL,
  ended_at    timestamptz,
  ended_by    text,
  received_by text        NOT NULL DEFAULT session_user,
  CONSTRAINT room_grants_override_reason CHECK (kind <> 'override' OR coalesce(btrim(reason), '') <> ''),
  CONSTRAINT room_grants_until CHECK (until > since)
);
CREATE INDEX room_grants_open ON aup.room_grants (campus, room, until) WHERE ended_at IS NULL;

-- What each kiosk shows now (at most every 10 s while in use), for the teacher's view of the room.
-- Not evidence, and stale in a minute: unlogged (no WAL, no fsync per report), lost in a crash.
CREATE UNLOGGED TABLE aup.presence (
  machine      text        PRIMARY KEY,
  campus       text        NOT NULL,
  room         text        NOT NULL,
  username     text,
  display_name text,
  grade        integer,
  state        text        NOT NULL,
  notes        text[]      NOT NULL DEFAULT '{}',
  seen_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX presence_room ON aup.presence (campus, room, seen_at);

-- Opens the room: `p_until` (the end of the bell period, as the kiosk's rules say) or now() +
-- p_minutes, by this database's clock, never longer than the district allows (aup.settings). A new
-- grant ends the room's earlier open ones. Errors carry SQLSTATE 22023 and say which rule.
CREATE FUNCTION aup_api.open_room(p_campus text, p_room text, p_machine text, p_by text, p_by_name text,
  p_kind text, p_reason text, p_minutes integer, p_until timestamptz,
  OUT id uuid, OUT since timestamptz, OUT until timestamptz, OUT db_now timestamptz)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
  max_minutes integer;
  ends timestamptz;
BEGIN
  SELECT s.max_unlock_minutes INTO max_minutes FROM aup.settings s;
  max_minutes := coalesce(max_minutes, 480);
  IF coalesce(p_campus, '') = '' OR coalesce(p_room, '') = '' OR coalesce(p_by, '') = '' OR coalesce(p_machine, '') = '' THEN
    RAISE EXCEPTION 'invalid-request: campus, room, machine and signer are required' USING ERRCODE = '22023';
  END IF;
  IF p_kind IS NULL OR p_kind NOT IN ('teacher', 'override') THEN
    RAISE EXCEPTION 'invalid-request: kind must be teacher or override' USING ERRCODE = '22023';
  END IF;
  IF p_kind = 'override' AND coalesce(btrim(p_reason), '') = '' THEN
    RAISE EXCEPTION 'reason-required: an override needs a written reason' USING ERRCODE = '22023';
  END IF;
  -- One room's opens and ends one at a time: two teachers opening at once leave one open grant.
  PERFORM pg_advisory_xact_lock(hashtextextended('aup_rooms:' || p_campus || '/' || p_room, 0));
  ends := coalesce(p_until, now() + make_interval(mins => p_minutes));
  IF ends IS NULL OR ends <= now() THEN
    RAISE EXCEPTION 'expired: the grant would end before it starts' USING ERRCODE = '22023';
  END IF;
  IF ends > now() + make_interval(mins => max_minutes) THEN
    RAISE EXCEPTION 'too-long: longer than the % minutes the district allows', max_minutes USING ERRCODE = '22023';
  END IF;
  UPDATE aup.room_grants g SET ended_at = now(), ended_by = lower(p_by)
    WHERE g.campus = p_campus AND g.room = p_room AND g.ended_at IS NULL AND g.until > now();
  INSERT INTO aup.room_grants (campus, room, machine, by_user, by_name, kind, reason, until)
    VALUES (p_campus, p_room, p_machine, lower(p_by), coalesce(p_by_name, p_by), p_kind, nullif(btrim(p_reason), ''), ends)
    RETURNING room_grants.id, room_grants.since, room_grants.until INTO id, since, until;
  db_now := now();
  PERFORM pg_notify('aup_rooms', json_build_object('campus', p_campus, 'room', p_room)::text);
END
$fn$;

-- End class: every open grant of the room ends now. The number ended.
CREATE FUNCTION aup_api.end_room(p_campus text, p_room text, p_machine text, p_by text) RETURNS integer
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
  n integer;
BEGIN
  PERFORM pg_advisory_xact_lock(hashtextextended('aup_rooms:' || p_campus || '/' || p_room, 0));
  UPDATE aup.room_grants g SET ended_at = now(), ended_by = lower(p_by)
    WHERE g.campus = p_campus AND g.room = p_room AND g.ended_at IS NULL AND g.until > now();
  GET DIAGNOSTICS n = ROW_COUNT;
  PERFORM pg_notify('aup_rooms', json_build_object('campus', p_campus, 'room', p_room)::text);
  RETURN n;
END
$fn$;

-- The open grants of a room, each with this database's clock.
CREATE FUNCTION aup_api.room_grants(p_campus text, p_room text)
RETURNS TABLE (id uuid, campus text, room text, by_user text, by_name text, kind text, reason text,
               since timestamptz, until timestamptz, db_now timestamptz)
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $fn$
  SELECT g.id, g.campus, g.room, g.by_user, g.by_name, g.kind, g.reason, g.since, g.until, now()
  FROM aup.room_grants g
  WHERE g.campus = p_campus AND g.room = p_room AND g.ended_at IS NULL AND g.until > now()
  ORDER BY g.since DESC
$fn$;

CREATE FUNCTION aup_api.report_presence(p_machine text, p_campus text, p_room text, p_user text, p_display_name text,
  p_grade integer, p_state text, p_notes text[]) RETURNS void
LANGUAGE sql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET synchronous_commit = off
AS $fn$
  INSERT INTO aup.presence AS p (machine, campus, room, username, display_name, grade, state, notes, seen_at)
  VALUES (p_machine, p_campus, p_room, lower(nullif(p_user, '')), p_display_name, p_grade, p_state, coalesce(p_notes, '{}'), now())
  ON CONFLICT (machine) DO UPDATE SET campus = EXCLUDED.campus, room = EXCLUDED.room, username = EXCLUDED.username,
    display_name = EXCLUDED.display_name, grade = EXCLUDED.grade, state = EXCLUDED.state, notes = EXCLUDED.notes, seen_at = now()
$fn$;

-- The computers of a room heard from in the last minute.
CREATE FUNCTION aup_api.room_presence(p_campus text, p_room text)
RETURNS TABLE (machine text, username text, display_name text, grade integer, state text, notes text[], seen_at timestamptz)
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $fn$
  SELECT p.machine, p.username, p.display_name, p.grade, p.state, p.notes, p.seen_at
  FROM aup.presence p
  WHERE p.campus = p_campus AND p.room = p_room AND p.seen_at > now() - interval '60 seconds'
  ORDER BY p.machine
$fn$;

-- What administrators' reports read: who opened which room when, and who ended it.
CREATE VIEW aup_reports.room_grants AS
  SELECT id, campus, room, machine, by_user, by_name, kind, reason, since, until, ended_at, ended_by FROM aup.room_grants;

REVOKE ALL ON aup.room_grants, aup.presence, aup_reports.room_grants FROM PUBLIC;
REVOKE ALL ON FUNCTION aup_api.open_room(text, text, text, text, text, text, text, integer, timestamptz) FROM PUBLIC;
REVOKE ALL ON FUNCTION aup_api.end_room(text, text, text, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION aup_api.room_grants(text, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION aup_api.report_presence(text, text, text, text, text, integer, text, text[]) FROM PUBLIC;
REVOKE ALL ON FUNCTION aup_api.room_presence(text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION aup_api.open_room(text, text, text, text, text, text, text, integer, timestamptz) TO aup_kiosk;
GRANT EXECUTE ON FUNCTION aup_api.end_room(text, text, text, text) TO aup_kiosk;
GRANT EXECUTE ON FUNCTION aup_api.room_grants(text, text) TO aup_kiosk;
GRANT EXECUTE ON FUNCTION aup_api.report_presence(text, text, text, text, text, integer, text, text[]) TO aup_kiosk;
GRANT EXECUTE ON FUNCTION aup_api.room_presence(text, text) TO aup_kiosk;
GRANT SELECT ON aup_reports.room_grants TO aup_reporting;
