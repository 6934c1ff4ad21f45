// The class period's database side (issue 11), on a throwaway PostgreSQL cluster on loopback with
// durable commits: 200 kiosks, each a real RoomGrantsClient (its own connection), reporting presence
// every 10 s and polling its room's grants every 5 s, both compressed tenfold; and the time from
// open_room being called on one kiosk to the room's other kiosk's onChange, over 20 rounds, with the
// database idle and under that load. Target, not an assert: report_presence p99 ≤ 10 ms.
import { clientConfig } from '../electron/core/central/kiosk-role/connection.ts';
import { RoomGrantsClient, type RoomSnapshot } from '../electron/core/central/kiosk-role/rooms.ts';
import { aupDatabase, startPostgres, type AupDatabase } from '../harness/postgres.ts';
import { percentile } from './stats.ts';

const KIOSKS = 200;
const COMPRESS = 10;
const REPORT_MS = 10_000 / COMPRESS;
const POLL_MS = 5_000 / COMPRESS;
const LOAD_SECONDS = 20;
const ROUNDS = 20;
const CAMPUS = 'Lockhart High School';

const ms3 = (n: number) => Number(n.toFixed(3));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The first onChange of `client` whose list `ok` accepts. */
function change(client: RoomGrantsClient, ok: (s: RoomSnapshot) => boolean): Promise<void> {
  return new Promise((resolve) => {
    const off = client.onChange((s) => {
      if (ok(s)) {
        off();
        resolve();
      }
    });
  });
}

/** From open_room called on one kiosk of Lab 204 to the other's onChange (NOTIFY; its poll is an hour away). */
async function notifyRounds(db: AupDatabase, rounds: number): Promise<number[]> {
  const site = (machine: string) => ({ campus: CAMPUS, room: 'Lab 204', machine });
  const opener = await RoomGrantsClient.open(db.kiosk, site('N1'), { pollMs: 3_600_000 });
  const watcher = await RoomGrantsClient.open(db.kiosk, site('N2'), { pollMs: 3_600_000 });
  try {
    const times: number[] = [];
    for (let r = -2; r < rounds; r++) {
      // Two rounds unmeasured: the connections and the listener settle.
      const t = performance.now();
      const opened = change(watcher, (s) => s.grants.length > 0);
      await opener.openRoom({ by: 'ms.garcia', byName: 'María García', kind: 'teacher', minutes: 50 });
      await opened;
      if (r >= 0) times.push(performance.now() - t);
      const ended = change(watcher, (s) => s.grants.length === 0);
      await opener.endRoom('ms.garcia');
      await ended;
    }
    return times.sort((a, b) => a - b);
  } finally {
    await opener.close();
    await watcher.close();
  }
}

/** 200 kiosks in 20 rooms, each reporting and polling at ten times the real pace, for LOAD_SECONDS. */
async function presenceLoad(db: AupDatabase, during: () => Promise<number[]>) {
  const kiosks = await Promise.all(
    Array.from({ length: KIOSKS }, (_, k) =>
      RoomGrantsClient.open(db.kiosk, { campus: CAMPUS, room: `Room ${k % 20}`, machine: `PC-${k}` }, { pollMs: POLL_MS, listen: false }),
    ),
  );
  const times: number[] = [];
  const reported = new Array<number>(KIOSKS).fill(0);
  let failed = 0;
  let running = true;
  try {
    const load = Promise.all(
      kiosks.map(async (kiosk, k) => {
        await sleep(REPORT_MS * Math.random()); // spread over the interval, as real kiosks are
        for (let next = performance.now(); running;) {
          const t = performance.now();
          try {
            await kiosk.reportPresence({
              user: { username: `s${k}`, displayName: `Student ${k}`, grade: 7 },
              state: k % 3 ? 'locked' : 'unlocked',
              notes: k % 5 ? [] : ['supervision'],
            });
            times.push(performance.now() - t);
            reported[k]!++;
          } catch {
            failed++;
          }
          next += REPORT_MS;
          await sleep(Math.max(0, next - performance.now()));
        }
      }),
    );
    // Measured once every kiosk is at its pace: connected (200 sign-ins at once are not the steady state), three reports each.
    while (reported.some((n) => n < 3) || kiosks.some((k) => k.current() === null)) await sleep(REPORT_MS);
    times.length = 0;
    failed = 0;
    const server0 = await functionStats(db);
    const started = performance.now();
    const [notify] = await Promise.all([during(), sleep(LOAD_SECONDS * 1000)]);
    const seconds = (performance.now() - started) / 1000;
    const server1 = await functionStats(db);
    running = false;
    await load;
    times.sort((a, b) => a - b);
    const calls = (name: string) => (server1[name]?.calls ?? 0) - (server0[name]?.calls ?? 0);
    const serverMs = (name: string) => ((server1[name]?.ms ?? 0) - (server0[name]?.ms ?? 0)) / Math.max(1, calls(name));
    return {
      notify,
      numbers: {
        kiosks: KIOSKS,
        loadSeconds: Math.round(seconds),
        reportCallsPerSecond: Math.round(times.length / seconds),
        reportFailed: failed,
        reportP50Ms: ms3(percentile(times, 50)),
        reportP99Ms: ms3(percentile(times, 99)),
        reportMaxMs: ms3(times.at(-1) ?? NaN),
        reportServerMeanMs: ms3(serverMs('report_presence')),
        roomGrantsPollsPerSecond: Math.round(calls('room_grants') / seconds),
        roomGrantsServerMeanMs: ms3(serverMs('room_grants')),
        dbFunctionCallsPerSecond: Math.round((calls('report_presence') + calls('room_grants')) / seconds),
      },
    };
  } finally {
    running = false;
    await Promise.all(kiosks.map((k) => k.close()));
  }
}

/** Calls and total time of the aup_api functions, as the server counts them (track_functions). */
async function functionStats(db: AupDatabase): Promise<Record<string, { calls: number; ms: number }>> {
  const admin = await db.admin();
  try {
    await admin.query('SELECT pg_stat_force_next_flush()').catch(() => undefined);
    const { rows } = await admin.query<{ funcname: string; calls: string; total_time: number }>(
      "SELECT funcname, calls, total_time FROM pg_stat_user_functions WHERE schemaname = 'aup_api'",
    );
    return Object.fromEntries(rows.map((r) => [r.funcname, { calls: Number(r.calls), ms: r.total_time }]));
  } finally {
    await admin.end();
  }
}

export async function benchRoomsDb(): Promise<Record<string, number>> {
  const server = await startPostgres({
    settings: { fsync: 'on', synchronous_commit: 'on', max_connections: String(KIOSKS * 2 + 50), track_functions: 'all' },
  });
  try {
    const db = await aupDatabase(server, 'rooms_db');
    await clientConfig(db.kiosk); // the password file is readable before 200 kiosks ask for it
    const idle = await notifyRounds(db, ROUNDS);
    const { notify: loaded, numbers } = await presenceLoad(db, () => notifyRounds(db, ROUNDS));
    return {
      ...numbers,
      rounds: ROUNDS,
      openToOnChangeIdleP50Ms: ms3(percentile(idle, 50)),
      openToOnChangeIdleP95Ms: ms3(percentile(idle, 95)),
      openToOnChangeLoadedP50Ms: ms3(percentile(loaded, 50)),
      openToOnChangeLoadedP95Ms: ms3(percentile(loaded, 95)),
    };
  } finally {
    await server.stop();
  }
}
