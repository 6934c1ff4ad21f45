// The class period through the district database (issue 11), for real: a real PostgreSQL, three
// kiosk processes of Lab 204 with ten students' sessions each, and one of Lab 205. One teacher opens
// the room from one session; every student session of the room opens (a suspended student's does
// not, a student who has not accepted sees the policy first), the other room's do not; "End class"
// relocks them; a late student is opened; a substitute is refused; the bell ends it; the database
// stopped mid-period leaves open sessions open to their end and new ones locked.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readFile, writeFile, mkdir, readdir } from 'node:fs/promises';
import path from 'node:path';
import { demoConfigIn, tempDir, type TempDir } from '../../support/fixtures.ts';
import { aupDatabase, startPostgres, type AupDatabase, type PostgresHandle } from '../../../harness/postgres.ts';
import { Child } from './children.ts';
import { until } from '../../support/until.ts';

let server: PostgresHandle;
let db: AupDatabase;
let tmp: TempDir;
let n = 0;
const kiosks: Child[] = [];
const POLL_MS = 300;

beforeAll(async () => {
  server = await startPostgres();
  tmp = await tempDir('aup-room-');
});
afterEach(async () => {
  for (const k of kiosks.splice(0)) await k.kill().catch(() => undefined);
});
afterAll(async () => {
  await server?.stop();
  await tmp?.cleanup();
});

const STUDENTS = Array.from({ length: 32 }, (_, i) => `s${String(i + 1).padStart(2, '0')}`);

/** A kiosk machine of `room`: its own folder, ledger, config naming the district database; the roster has 32 grade-7 students. */
async function machine(room: string, edit: (c: Record<string, any>) => void = () => {}, env: NodeJS.ProcessEnv = {}): Promise<Child> {
  const dir = path.join(tmp.dir, `m${++n}`);
  await mkdir(dir);
  const config = await demoConfigIn(dir, (c) => {
    c.site = { campus: 'Lockhart High School', room };
    c.central = { postgres: db.kiosk };
    edit(c);
  });
  const rosterFile = path.join(dir, 'roster.json');
  const roster = JSON.parse(await readFile(rosterFile, 'utf8'));
  for (const u of STUDENTS)
    roster.users.push({
      username: u,
      displayName: `Student ${u}`,
      role: 'student',
      grade: 7,
      language: 'en',
      privileges: 'active',
      guardianDeniedInternet: false,
    });
  await writeFile(rosterFile, JSON.stringify(roster));
  const k = new Child('kiosk-child.ts', [config, `LAB-${room}-${n}`], { AUP_ROOM_POLL_MS: String(POLL_MS), ...env });
  kiosks.push(k);
  await k.waitFor((l) => l === 'ready', 'the kiosk to start');
  (k as Child & { dir?: string }).dir = dir;
  return k;
}

const view = (k: Child, user: string) => k.ask(`view ${user}`, 'view');

/** Through this year's policy and the rules to the lock. */
async function toTheLock(k: Child, user: string, name: string): Promise<void> {
  expect(await k.ask(`accept ${user} ${name}`, 'accept')).toBe('ok');
  expect(await k.ask(`ack ${user}`, 'ack')).toBe('ok');
  expect(await view(k, user)).toBe('locked');
}

/** One question at a time: a kiosk process answers in lines, and two questions in flight could take each other's answer. */
async function all(list: [Child, string][], kind: string): Promise<boolean> {
  for (const [k, u] of list) if ((await view(k, u)) !== kind) return false;
  return true;
}

describe('the class period through the district database', () => {
  it('one teacher opens Lab 204 from one computer: its 30 student sessions open, Lab 205 stays locked; End class relocks; a late student is opened; a substitute is refused', async () => {
    db = await aupDatabase(server, 'rooms_a');
    const lab = [await machine('Lab 204'), await machine('Lab 204'), await machine('Lab 204')];
    const other = await machine('Lab 205');
    const sessions: [Child, string][] = STUDENTS.slice(0, 30).map((u, i) => [lab[i % 3]!, u]);
    for (const [k, u] of sessions) await toTheLock(k, u, `Student ${u}`);
    await toTheLock(other, 's31', 'Student s31');
    // eli.brooks is suspended (demo roster): a room grant never opens him
    expect(await lab[0]!.ask('accept eli.brooks Eli Brooks', 'accept')).toBe('ok');
    expect(await lab[0]!.ask('ack eli.brooks', 'ack')).toBe('ok');

    // a substitute cannot open the room: the policy's rule
    expect(await lab[1]!.ask('open s02 sub.jones 9999', 'open')).toBe('substitute');
    expect(await all(sessions, 'locked')).toBe(true);

    expect(await lab[0]!.ask('open s01 ms.garcia 2468', 'open')).toBe('ok');
    await until(() => all(sessions, 'unlocked'), 'every student session of Lab 204 to open');
    expect(await view(lab[0]!, 'eli.brooks')).toBe('locked');
    expect(await view(other, 's31')).toBe('locked');

    // a late student: signs in during the period, accepts the policy first, then is open
    expect(await view(lab[2]!, 's32')).toBe('policy');
    expect(await lab[2]!.ask('accept s32 Student s32', 'accept')).toBe('ok');
    expect(await lab[2]!.ask('ack s32', 'ack')).toBe('ok');
    await until(async () => (await view(lab[2]!, 's32')) === 'unlocked', 'the late student to be open');

    // End class from another computer of the room
    expect(await lab[2]!.ask('end s03 ms.garcia 2468', 'end')).toBe('ok');
    await until(() => all(sessions, 'locked'), 'every student session of Lab 204 to lock again');

    // each open was recorded per student, naming the grant
    const dir = (lab[0] as Child & { dir: string }).dir;
    const ledger = (
      await Promise.all(
        (await readdir(path.join(dir, 'ledger'))).filter((f) => f.endsWith('.jsonl')).map((f) => readFile(path.join(dir, 'ledger', f), 'utf8')),
      )
    ).join('');
    const unlocks = ledger
      .split('\n')
      .filter((l) => l.includes('"type":"unlock"'))
      .map((l) => JSON.parse(l));
    expect(unlocks).toHaveLength(10);
    expect(new Set(unlocks.map((u) => u.roomGrant)).size).toBe(1);
    expect(unlocks.every((u) => u.by === 'ms.garcia')).toBe(true);
  });

  it('what the database holds is checked again by each kiosk: a grant for another room, one by a substitute, an expired one, put there by hand, open nothing; the database refuses a grant too long or an override without reason', async () => {
    db = await aupDatabase(server, 'rooms_c');
    const k = await machine('Lab 204');
    await toTheLock(k, 's01', 'Student s01');
    const admin = await db.admin();
    try {
      const insert = (room: string, by: string, until: string) =>
        admin.query(
          `INSERT INTO aup.room_grants (campus, room, machine, by_user, by_name, kind, since, until)
           VALUES ('Lockhart High School', $1, 'BY-HAND', $2, $2, 'teacher', now() - interval '1 hour', ${until})`,
          [room, by],
        );
      await insert('Lab 205', 'ms.garcia', "now() + interval '30 minutes'");
      await insert('Lab 204', 'sub.jones', "now() + interval '30 minutes'");
      await insert('Lab 204', 'ms.garcia', "now() - interval '1 minute'");
      await admin.query(`SELECT pg_notify('aup_rooms', '{"campus":"Lockhart High School","room":"Lab 204"}')`);
      await until(
        async () => (await view(k, 's01')) === 'locked' && (await k.ask('log', 'log')).includes('its signer is not an approved teacher here'),
        "the substitute's grant to be seen and ignored",
      );
      expect(await view(k, 's01')).toBe('locked');

      // the database's own rules, asked directly as the kiosk role
      const { RoomGrantsClient } = await import('../../../electron/core/central/kiosk-role/rooms.ts');
      const client = await RoomGrantsClient.open(db.kiosk, { campus: 'Lockhart High School', room: 'Lab 204', machine: 'T' }, { listen: false });
      try {
        await expect(client.openRoom({ by: 'ms.garcia', byName: 'Maria Garcia', kind: 'teacher', minutes: 481 })).rejects.toMatchObject({
          code: 'too-long',
        });
        await expect(client.openRoom({ by: 'principal.ortiz', byName: 'Principal Ortiz', kind: 'override', minutes: 30 })).rejects.toMatchObject({
          code: 'reason-required',
        });
        await expect(
          client.openRoom({ by: 'ms.garcia', byName: 'Maria Garcia', kind: 'teacher', until: new Date(Date.now() - 60_000) }),
        ).rejects.toMatchObject({ code: 'expired' });
        expect((await client.refresh())?.grants.map((g) => g.by)).toEqual(['sub.jones']);
      } finally {
        await client.close();
      }
    } finally {
      await admin.end();
    }
  });

  it('the bell ends the grant (to the end of the period by default); the database stopped mid-period: open sessions stay open to their end, new ones stay locked', async () => {
    db = await aupDatabase(server, 'rooms_b');
    // A period around the database's now, in the district's zone (the database's clock decides a
    // grant's end, so the kiosk's clock starts at the real time here).
    const now = new Date();
    const local = (d: Date) =>
      new Intl.DateTimeFormat('en-GB', { timeZone: 'America/Chicago', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(d);
    const day = new Intl.DateTimeFormat('en-US', { timeZone: 'America/Chicago', weekday: 'short' }).format(now).toLowerCase().slice(0, 3);
    const start = local(new Date(now.getTime() - 10 * 60_000)) > local(now) ? '00:00' : local(new Date(now.getTime() - 10 * 60_000));
    const end = local(new Date(now.getTime() + 30 * 60_000)) < local(now) ? '23:59' : local(new Date(now.getTime() + 30 * 60_000));
    const bell = (c: Record<string, any>) => (c.lock = { bellSchedule: [{ name: '2nd period', days: [day], start, end }] });
    const k = await machine('Lab 204', bell, { AUP_CLOCK_START: now.toISOString() });
    await toTheLock(k, 's01', 'Student s01');
    await toTheLock(k, 's02', 'Student s02');
    expect(await k.ask('open s01 mr.lee 1357', 'open')).toBe('ok');
    await until(async () => (await view(k, 's01')) === 'unlocked', 's01 open');

    await server.halt('immediate');
    // s02 was not looked at since: its session meets the room grant only now, with the database gone
    await until(
      async () => (await k.ask('log', 'log')).includes('room grants: the district database cannot be reached'),
      'the kiosk to notice the database is gone',
    );
    expect(await view(k, 's02')).toBe('locked');
    expect(await view(k, 's01')).toBe('unlocked');
    // the bell: past the period's end, the session locks by itself
    expect(await k.ask('advance 31', 'advance')).toBe('ok');
    expect(await view(k, 's01')).toBe('locked');
    await server.restart();
  });
});
