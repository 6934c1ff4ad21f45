// The room grants client as the kiosk role, against a real PostgreSQL: what each kiosk of a room
// learns, and how fast; polling when notifications cannot get through; a database restart; the
// presence window by the database's clock.
import { createServer, type Socket } from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientConfig } from '../../../electron/core/central/kiosk-role/connection.ts';
import { RoomGrantsClient, type RoomSnapshot } from '../../../electron/core/central/kiosk-role/rooms.ts';
import { aupDatabase, startPostgres, type AupDatabase, type PostgresHandle } from '../../../harness/postgres.ts';
import { HANG_MS, SLACK_MS } from '../../support/until.ts';

let server: PostgresHandle;
let db: AupDatabase;
const clients: RoomGrantsClient[] = [];

beforeAll(async () => {
  server = await startPostgres();
  db = await aupDatabase(server, 'rooms');
});
afterAll(async () => {
  for (const c of clients) await c.close();
  await server?.stop();
});

async function client(
  room: string,
  machine: string,
  options: { listen?: boolean; pollMs?: number; timeoutMs?: number } = {},
): Promise<RoomGrantsClient> {
  const c = await RoomGrantsClient.open(db.kiosk, { campus: 'Lockhart High School', room, machine }, { pollMs: 60_000, ...options });
  clients.push(c);
  return c;
}

async function until<T>(get: () => T | Promise<T>, ok: (v: T) => boolean, what: string, timeoutMs = HANG_MS): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await get();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const ids = (s: RoomSnapshot | null) => s?.grants.map((g) => g.id) ?? [];

async function asSuperuser<T>(run: (admin: pg.Client) => Promise<T>): Promise<T> {
  const admin = await db.admin();
  try {
    return await run(admin);
  } finally {
    await admin.end();
  }
}

async function asRole(settings: typeof db.kiosk, sql: string, params: unknown[] = []): Promise<string> {
  const c = new pg.Client(await clientConfig(settings));
  await c.connect();
  try {
    await c.query(sql, params);
    return 'ok';
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  } finally {
    await c.end();
  }
}

const refusal = (p: Promise<unknown>) =>
  p.then(
    () => 'accepted',
    (e: { code?: string }) => e.code,
  );

describe('room grants through the district database', () => {
  it("a grant opened on one kiosk reaches the room's other kiosk by notification (polling is an hour away here), not the other room's; End class clears it", async () => {
    const a1 = await client('Lab 204', 'A1');
    const a2 = await client('Lab 204', 'A2');
    const b = await client('Lab 205', 'B1');
    for (const c of [a2, b])
      await until(
        () => c.current(),
        (s) => s !== null,
        'a first list',
      );
    let bChanges = 0;
    b.onChange(() => bChanges++);
    const grant = await a1.openRoom({ by: 'ms.garcia', byName: 'María García', kind: 'teacher', minutes: 50 });
    expect(grant).toMatchObject({ by: 'ms.garcia', kind: 'teacher', campus: 'Lockhart High School', room: 'Lab 204' });
    expect(Date.parse(grant.until) - Date.parse(grant.since)).toBe(50 * 60_000);
    await until(
      () => a2.current(),
      (s) => ids(s).includes(grant.id),
      'A2 to learn of the grant',
    );
    expect(ids(await b.refresh())).toEqual([]);
    expect(await a2.endRoom('ms.garcia')).toBe(1);
    await until(
      () => a1.current(),
      (s) => ids(s).length === 0,
      'A1 to learn the class ended',
    );
    expect(ids(b.current())).toEqual([]);
    expect(bChanges).toBe(0);
  });

  it('a newer grant for the room ends the older one (its evidence kept, ended by the new signer)', async () => {
    const c = await client('Lab 206', 'C1');
    const first = await c.openRoom({ by: 'ms.garcia', byName: 'María García', kind: 'teacher', minutes: 30 });
    const second = await c.openRoom({ by: 'mr.lee', byName: 'James Lee', kind: 'teacher', minutes: 30 });
    expect(ids(await c.refresh())).toEqual([second.id]);
    const admin = await db.admin();
    try {
      const { rows } = await admin.query('SELECT ended_by FROM aup.room_grants WHERE id = $1', [first.id]);
      expect(rows).toEqual([{ ended_by: 'mr.lee' }]);
    } finally {
      await admin.end();
    }
  });

  it('refused by the database, with a code the kiosk can translate: longer than the district allows, an override without a reason, an end already past, an unknown kind; nothing is recorded', async () => {
    const c = await client('Lab 210', 'G1');
    await asSuperuser((a) => a.query('UPDATE aup.settings SET max_unlock_minutes = 60'));
    try {
      const teacher = { by: 'ms.garcia', byName: 'María García', kind: 'teacher' } as const;
      expect(await refusal(c.openRoom({ ...teacher, minutes: 61 }))).toBe('too-long');
      const dbNow = (await c.refresh())!.dbNow.getTime();
      expect(await refusal(c.openRoom({ ...teacher, until: new Date(dbNow + 62 * 60_000) }))).toBe('too-long');
      expect(await refusal(c.openRoom({ by: 'dr.okafor', byName: 'Ada Okafor', kind: 'override', minutes: 30 }))).toBe('reason-required');
      expect(await refusal(c.openRoom({ by: 'dr.okafor', byName: 'Ada Okafor', kind: 'override', reason: '  ', minutes: 30 }))).toBe(
        'reason-required',
      );
      expect(await refusal(c.openRoom({ ...teacher, until: new Date(dbNow - 1_000) }))).toBe('expired');
      expect(await refusal(c.openRoom({ ...teacher, minutes: 0 }))).toBe('expired');
      expect(await refusal(c.openRoom({ ...teacher, kind: 'substitute' as 'teacher', minutes: 30 }))).toBe('invalid-request');
      expect(await asSuperuser(async (a) => (await a.query("SELECT 1 FROM aup.room_grants WHERE room = 'Lab 210'")).rowCount)).toBe(0);
      // The limit is the setting's, not a constant: its own length is accepted, as is an override with a reason.
      expect(await refusal(c.openRoom({ ...teacher, minutes: 60 }))).toBe('accepted');
      expect(await refusal(c.openRoom({ by: 'dr.okafor', byName: 'Ada Okafor', kind: 'override', reason: 'state testing', minutes: 30 }))).toBe(
        'accepted',
      );
    } finally {
      await asSuperuser((a) => a.query('UPDATE aup.settings SET max_unlock_minutes = 480'));
    }
  });

  it('the kiosk role reads neither table nor the report view and writes them only through the functions; the reporting role reads the view only', async () => {
    for (const sql of ['SELECT * FROM aup.room_grants', 'SELECT * FROM aup.presence', 'SELECT * FROM aup_reports.room_grants'])
      expect(await asRole(db.kiosk, sql), sql).toBe('42501');
    expect(
      await asRole(
        db.kiosk,
        "INSERT INTO aup.room_grants (campus, room, machine, by_user, by_name, kind, until) VALUES ('c', 'r', 'm', 'b', 'b', 'teacher', now() + interval '1 hour')",
      ),
    ).toBe('42501');
    expect(await asRole(db.kiosk, "UPDATE aup.room_grants SET until = now() + interval '9 hours'")).toBe('42501');
    expect(await asRole(db.reporting, 'SELECT * FROM aup_reports.room_grants')).toBe('ok');
    for (const sql of [
      'SELECT * FROM aup.room_grants',
      'SELECT * FROM aup.presence',
      "SELECT * FROM aup_api.open_room('c', 'r', 'm', 'b', 'b', 'teacher', null, 10, null)",
      "SELECT * FROM aup_api.room_presence('c', 'r')",
    ])
      expect(await asRole(db.reporting, sql), sql).toBe('42501');
  });

  it("what a superuser writes by hand is not trusted: another room's grant and an expired one are not in this room's list", async () => {
    const c = await client('Lab 211', 'H1', { pollMs: 200 });
    const planted = await asSuperuser(async (a) => {
      const insert = `INSERT INTO aup.room_grants (campus, room, machine, by_user, by_name, kind, since, until)
        VALUES ('Lockhart High School', $1, 'psql', 'mr.lee', 'James Lee', 'teacher', $2, $3) RETURNING id`;
      const other = await a.query<{ id: string }>(insert, ['Lab 212', new Date(), new Date(Date.now() + 3_600_000)]);
      const expired = await a.query<{ id: string }>(insert, ['Lab 211', new Date(Date.now() - 3_600_000), new Date(Date.now() - 60_000)]);
      // The control: one that is this room's and open is seen, so the list is read after the others were written.
      const open = await a.query<{ id: string }>(insert, ['Lab 211', new Date(), new Date(Date.now() + 3_600_000)]);
      return { other: other.rows[0]!.id, expired: expired.rows[0]!.id, open: open.rows[0]!.id };
    });
    const seen = await until(
      () => c.current(),
      (s) => ids(s).includes(planted.open),
      'the open grant of this room',
    );
    expect(ids(seen)).toEqual([planted.open]);
  });

  it('two teachers opening the room at the same moment leave one open grant: the later one ends the earlier', async () => {
    const x = await client('Lab 213', 'K1');
    const admin = await db.admin();
    try {
      // The first opener's transaction is still open when the second asks.
      await admin.query('BEGIN');
      const first = await admin.query<{ id: string }>(
        "SELECT id FROM aup_api.open_room('Lockhart High School', 'Lab 213', 'K2', 'ms.garcia', 'María García', 'teacher', null, 20, null)",
      );
      let settled = false;
      const second = x.openRoom({ by: 'mr.lee', byName: 'James Lee', kind: 'teacher', minutes: 20 }).finally(() => (settled = true));
      await until(
        async () =>
          settled ||
          // Watched from outside the open transaction, whose view of pg_stat_activity is frozen.
          ((
            await asSuperuser((watcher) =>
              watcher.query("SELECT 1 FROM pg_stat_activity WHERE application_name = 'aup-kiosk-rooms' AND wait_event_type = 'Lock'"),
            )
          ).rowCount ?? 0) > 0,
        (done) => done,
        'the second open to wait or finish',
      );
      await admin.query('COMMIT');
      const grant = await second;
      const open = await admin.query("SELECT id, ended_by FROM aup.room_grants WHERE room = 'Lab 213' ORDER BY since");
      expect(open.rows).toEqual([
        { id: first.rows[0]!.id, ended_by: 'mr.lee' },
        { id: grant.id, ended_by: null },
      ]);
      expect(ids(await x.refresh())).toEqual([grant.id]);
    } finally {
      await admin.query('ROLLBACK').catch(() => undefined);
      await admin.end();
    }
  });

  it('a database that accepts the connection and never answers: every call gives up within its bound, and close() too', async () => {
    const held = new Set<Socket>();
    const hole = createServer((s) => held.add(s));
    await new Promise<void>((resolve) => hole.listen(0, '127.0.0.1', resolve));
    const url = new URL(db.kiosk.connectionString);
    url.port = String((hole.address() as { port: number }).port);
    const bound = 300;
    const timed = async (what: string, run: () => Promise<unknown>) => {
      const t = performance.now();
      await run().catch((e: unknown) => e);
      const ms = performance.now() - t;
      expect(ms, what).toBeLessThan(bound + SLACK_MS);
    };
    try {
      let c: RoomGrantsClient | undefined;
      await timed('open', async () => {
        c = await RoomGrantsClient.open(
          { ...db.kiosk, connectionString: url.toString() },
          { campus: 'Lockhart High School', room: 'Lab 214', machine: 'Z1' },
          {
            pollMs: 100,
            timeoutMs: bound,
          },
        );
      });
      await timed('refresh', async () => expect(await c!.refresh()).toBeNull());
      await timed('openRoom', async () =>
        expect(await refusal(c!.openRoom({ by: 'mr.lee', byName: 'James Lee', kind: 'teacher', minutes: 10 }))).toBe('unavailable'),
      );
      await timed('endRoom', async () => expect(await refusal(c!.endRoom('mr.lee'))).toBe('unavailable'));
      await timed('reportPresence', async () => expect(await refusal(c!.reportPresence({ state: 'free', notes: [] }))).toBe('unavailable'));
      await timed('presence', async () => expect(await refusal(c!.presence())).toBe('unavailable'));
      expect(c!.current()).toBeNull();
      expect(c!.reachable()).toBe(false);
      expect(held.size).toBeGreaterThan(0); // it did reach the silent server
      await timed('close', () => c!.close());
    } finally {
      for (const s of held) s.destroy();
      await new Promise((resolve) => hole.close(resolve));
    }
  });

  it('a lock held in the database: every call gives up within its bound, and a grant the kiosk was told failed is not recorded later', async () => {
    const bound = 300;
    const c = await client('Lab 215', 'L1', { timeoutMs: bound });
    await until(
      () => c.current(),
      (s) => s !== null,
      'a first list',
    );
    const admin = await db.admin();
    try {
      await admin.query('BEGIN');
      await admin.query('LOCK TABLE aup.room_grants, aup.presence IN ACCESS EXCLUSIVE MODE');
      for (const [what, call] of [
        ['openRoom', () => c.openRoom({ by: 'mr.lee', byName: 'James Lee', kind: 'teacher', minutes: 10 })],
        ['endRoom', () => c.endRoom('mr.lee')],
        ['reportPresence', () => c.reportPresence({ state: 'free', notes: [] })],
        ['presence', () => c.presence()],
      ] as const) {
        const t = performance.now();
        expect(await refusal(call()), what).toBe('unavailable');
        expect(performance.now() - t, what).toBeLessThan(bound + SLACK_MS);
      }
      const t = performance.now();
      expect(await c.refresh()).toBeNull();
      expect(performance.now() - t).toBeLessThan(bound + SLACK_MS);
      await admin.query('COMMIT');
      // Once no statement of the kiosk's is left running, nothing it gave up on was recorded.
      await until(
        async () =>
          (
            await admin.query(
              "SELECT 1 FROM pg_stat_activity WHERE application_name = 'aup-kiosk-rooms' AND state = 'active' AND query LIKE '%open_room%'",
            )
          ).rowCount,
        (n) => n === 0,
        'the abandoned call to be over',
      );
      expect((await admin.query("SELECT 1 FROM aup.room_grants WHERE room = 'Lab 215'")).rowCount).toBe(0);
    } finally {
      await admin.query('ROLLBACK').catch(() => undefined);
      await admin.end();
    }
  });

  it('without notifications, polling alone brings the grant', async () => {
    const opener = await client('Lab 207', 'D1');
    const poller = await client('Lab 207', 'D2', { listen: false, pollMs: 200 });
    const grant = await opener.openRoom({ by: 'mr.lee', byName: 'James Lee', kind: 'teacher', minutes: 10 });
    await until(
      () => poller.current(),
      (s) => ids(s).includes(grant.id),
      'the poller to see the grant',
    );
  });

  it('the database restarted: the client says it cannot reach it, keeps its last list, and recovers', async () => {
    const c = await client('Lab 208', 'E1', { pollMs: 200 });
    const listening = await client('Lab 208', 'E2'); // polls once an hour: only its notification connection brings news
    const grant = await c.openRoom({ by: 'mr.lee', byName: 'James Lee', kind: 'teacher', minutes: 10 });
    await until(
      () => listening.current(),
      (s) => ids(s).includes(grant.id),
      'the listening kiosk to see the grant',
    );
    await until(
      () => c.current(),
      (s) => ids(s).includes(grant.id),
      'the grant',
    );
    await server.halt('immediate');
    await until(
      () => c.reachable(),
      (r) => r === false,
      'the client to notice',
    );
    expect(ids(c.current())).toEqual([grant.id]); // the last list stays; the service decides what it is worth
    await expect(c.openRoom({ by: 'mr.lee', byName: 'James Lee', kind: 'teacher', minutes: 10 })).rejects.toMatchObject({ code: 'unavailable' });
    await server.restart();
    await until(
      () => c.reachable(),
      (r) => r === true,
      'the client to reach the database again',
    );
    // The notification connection comes back on its own (backoff), and with it the news.
    await c.endRoom('mr.lee');
    await until(
      () => listening.current(),
      (s) => ids(s).length === 0,
      'the listening kiosk to learn the class ended',
    );
  });

  it("the room's computers: each machine's latest report, heard from in the last minute by the database's clock", async () => {
    const f1 = await client('Lab 209', 'F1');
    const f2 = await client('Lab 209', 'F2');
    await f1.reportPresence({
      user: { username: 'Diego.Ramos', displayName: 'Diego Ramos', grade: 10 },
      state: 'locked',
      notes: ['guardian-denied'],
    });
    await f1.reportPresence({ user: { username: 'diego.ramos', displayName: 'Diego Ramos', grade: 10 }, state: 'unlocked', notes: [] });
    await f2.reportPresence({ state: 'free', notes: [] });
    const rows = await f2.presence();
    expect(rows.map((r) => [r.machine, r.user?.username ?? null, r.state])).toEqual([
      ['F1', 'diego.ramos', 'unlocked'],
      ['F2', null, 'free'],
    ]);
    const admin = await db.admin();
    try {
      await admin.query("UPDATE aup.presence SET seen_at = now() - interval '61 seconds' WHERE machine = 'F2'");
    } finally {
      await admin.end();
    }
    expect((await f1.presence()).map((r) => r.machine)).toEqual(['F1']);
  });
});
