// Who sees the room's computers (red-team finding; FERPA, and the policy's "Student information ... is
// confidential"): Ms. García opens Lab 204 from Diego's lock screen and walks away; Diego's screen must
// not show Eli's name, grade or suspension for the minutes after: a student's own session gets each
// computer's state and how many need the teacher, nothing more. A teacher who opens the room from their
// own computer sees it there in full. Three real kiosks of Lab 204 on a real PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { demoConfigIn, tempDir, type TempDir } from '../../support/fixtures.ts';
import { aupDatabase, startPostgres, type AupDatabase, type PostgresHandle } from '../../../harness/postgres.ts';
import { openKioskService } from '../../../electron/core/setup.ts';
import type { KioskService } from '../../../electron/core/kiosk/kiosk-service.ts';
import type { KioskView } from '../../../electron/core/api/contract.ts';
import { MemoryLog } from '../../../electron/core/log.ts';
import { ManualClock } from '../../../electron/core/time.ts';
import { until } from '../../support/until.ts';

let server: PostgresHandle;
let db: AupDatabase;
let tmp: TempDir;
const services: KioskService[] = [];

beforeAll(async () => {
  server = await startPostgres();
  tmp = await tempDir('aup-room-privacy-');
  db = await aupDatabase(server, 'room_privacy');
});
afterAll(async () => {
  for (const s of services.splice(0)) await s.close();
  await server?.stop();
  await tmp?.cleanup();
});

/** A kiosk of Lab 204 (the demo roster), its own folder and ledger, on the district database. */
async function kiosk(machine: string): Promise<KioskService> {
  const dir = path.join(tmp.dir, machine);
  await mkdir(dir);
  const configFile = await demoConfigIn(dir, (c) => {
    c.site = { campus: 'Lockhart High School', room: 'Lab 204' };
    c.central = { postgres: db.kiosk };
  });
  const service = await openKioskService({
    configFile,
    clock: new ManualClock('2026-10-06T15:00:00Z'),
    log: new MemoryLog(),
    machine,
    rooms: { pollMs: 200, maxAgeMs: 600 },
  });
  if (!('rooms' in service)) throw new Error('the kiosk did not open on the district database');
  services.push(service as KioskService);
  return service as KioskService;
}

/** A signed-in, watched session (its screen is up) taken through the policy and the rules. */
async function signedIn(k: KioskService, user: string, typedName?: string) {
  const session = k.session(user);
  session.onView(() => {});
  const policy = await session.getView();
  if (policy.kind === 'policy') {
    const d = policy.document;
    expect(
      await session.acceptPolicy({
        policyId: d.policyId,
        version: d.version,
        sha256: d.sha256,
        language: d.language,
        ...(typedName ? { typedName } : {}),
      }),
    ).toEqual({ ok: true });
    // Students acknowledge the Internet Safety rules; staff go straight on.
    const rules = await session.getView();
    if (rules.kind === 'safety-rules')
      expect(await session.acknowledgeSafetyRules({ rulesId: rules.document.policyId, version: rules.document.version })).toEqual({ ok: true });
  }
  return session;
}

describe('the room view: a student sees states, staff see the room', () => {
  it("Diego's screen after Ms. García opened the room from it: no other student's name, grade or notes; a count of computers needing her", async () => {
    const [m1, m2] = [await kiosk('LAB204-01'), await kiosk('LAB204-02')];
    const diego = await signedIn(m1, 'diego.ramos', 'Diego Ramos');
    const eli = await signedIn(m2, 'eli.brooks', 'Eli Brooks'); // suspended in the demo roster
    expect(await eli.getView()).toMatchObject({ kind: 'locked', reason: 'privileges-suspended' });
    await m2.reportPresence(true);

    expect(await diego.openRoom({ username: 'ms.garcia', secret: '2468' })).toEqual({ ok: true });
    const view = (await diego.getView()) as Extract<KioskView, { kind: 'unlocked' }>;
    expect(view.kind).toBe('unlocked');
    const room = view.room!;
    expect(room.stateOnly).toBe(true);
    const eliRow = room.computers!.find((c) => c.machine === 'LAB204-02');
    expect(eliRow, "Eli's computer is in the room, by its state").toMatchObject({ machine: 'LAB204-02', state: 'locked', notes: [] });
    for (const c of room.computers!) {
      expect(c.user, c.machine).toBeUndefined();
      expect(c.notes, c.machine).toEqual([]);
    }
    expect(room.attention, "Eli's computer (suspended) needs the teacher").toBeGreaterThanOrEqual(1);
    const pushed = JSON.stringify(view.room);
    for (const secret of ['Eli Brooks', 'eli.brooks', 'suspended', 'grade', 'Diego']) expect(pushed).not.toContain(secret);
  });

  it('a teacher who opens the room from their own computer sees every computer there: names, grades, notes', async () => {
    const m3 = await kiosk('LAB204-03');
    const lee = await signedIn(m3, 'mr.lee', 'James Lee');
    expect((await lee.getView()).kind).toBe('free');
    expect(await lee.openRoom({ username: 'mr.lee', secret: '' })).toEqual({ ok: true });
    const eliRow = async () => {
      const view = await lee.getView();
      return view.kind === 'free' ? view.room?.computers.find((c) => c.machine === 'LAB204-02') : undefined;
    };
    await until(async () => (await eliRow()) !== undefined, "Eli's computer in the teacher's view");
    expect(await eliRow()).toMatchObject({
      user: { username: 'eli.brooks', displayName: 'Eli Brooks', grade: expect.any(Number) },
      state: 'locked',
      notes: ['suspended'],
    });
    const view = await lee.getView();
    expect(view.kind === 'free' && view.room!.attention).toBeGreaterThanOrEqual(1);
  });
});
