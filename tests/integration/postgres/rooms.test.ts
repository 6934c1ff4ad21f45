// The room grants client as the kiosk role, against a real PostgreSQL: what each kiosk of a room
// learns, and how fast; polling when notifications cannot get through; a database restart; the
// presence window by the database's clock.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RoomGrantsClient, type RoomSnapshot } from '../../../electron/core/central/kiosk-role/rooms.ts';
import { aupDatabase, startPostgres, type AupDatabase, type PostgresHandle } from '../../../harness/postgres.ts';

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

async function client(room: string, machine: string, options: { listen?: boolean; pollMs?: number } = {}): Promise<RoomGrantsClient> {
  const c = await RoomGrantsClient.open(db.kiosk, { campus: 'Lockhart High School', room, machine }, { pollMs: 60_000, ...options });
  clients.push(c);
  return c;
}

async function until<T>(get: () => T | Promise<T>, ok: (v: T) => boolean, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await get();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const ids = (s: RoomSnapshot | null) => s?.grants.map((g) => g.id) ?? [];

describe('room grants through the district database', () => {
  it("a grant opened on one kiosk reaches the room's other kiosk by notification (polling is an hour away here), not the other room's; End class clears it", async () => {
    const a1 = await client('Lab 204', 'A1');
    const a2 = await client('Lab 204', 'A2');
    const b = await client('Lab 205', 'B1');
    await until(
      () => a2.current(),
      (s) => s !== null,
      'A2 to have its first list',
    );
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
    const grant = await c.openRoom({ by: 'mr.lee', byName: 'James Lee', kind: 'teacher', minutes: 10 });
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
      30_000,
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
