// The class period's benchmark (issue 11), on a throwaway PostgreSQL cluster on loopback: from a room
// grant being recorded to the last of 30 student sessions (three kiosks of the room, ten sessions
// each) showing `unlocked`, p50 and p95 over 20 rounds, with LISTEN/NOTIFY and with polling alone;
// and the database's load from 200 kiosks reporting presence.
// Targets, not asserts: p95 ≤ 2 s with NOTIFY, ≤ the poll interval + 1 s without; presence p99 ≤ 10 ms.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { KioskView } from '../electron/core/api/contract.ts';
import { openKioskService } from '../electron/core/setup.ts';
import type { KioskHost } from '../electron/core/kiosk/kiosk-service.ts';
import { ManualClock } from '../electron/core/time.ts';
import { aupDatabase, startPostgres, type AupDatabase } from '../harness/postgres.ts';
import { demoConfigIn } from '../harness/demo-config.ts';
import { percentile } from './stats.ts';

const ROUNDS = 20;
const KIOSKS = 3;
const PER_KIOSK = 10;
const POLL_MS = 2000;

const round = (n: number) => Math.round(n);
const quiet = { write: () => {} };

/** Three kiosks of Lab 204, ten students each at the lock; the rounds: open, all unlocked, end, all locked. */
async function openToUnlocked(db: AupDatabase, root: string, listen: boolean): Promise<number[]> {
  const kiosks: KioskHost[] = [];
  const views = new Map<string, KioskView['kind']>();
  let waiter: (() => void) | null = null;
  try {
    for (let m = 0; m < KIOSKS; m++) {
      const dir = path.join(root, `${listen ? 'n' : 'p'}${m}`);
      await mkdir(dir);
      const config = await demoConfigIn(dir, (c) => {
        c.site = { campus: 'Lockhart High School', room: 'Lab 204' };
        c.central = { postgres: db.kiosk };
      });
      const roster = JSON.parse(await readFile(path.join(dir, 'roster.json'), 'utf8'));
      for (let i = 0; i < PER_KIOSK; i++) {
        roster.users.push({
          username: `b${m}${i}`,
          displayName: `B ${m} ${i}`,
          role: 'student',
          grade: 7,
          language: 'en',
          privileges: 'active',
          guardianDeniedInternet: false,
        });
      }
      await writeFile(path.join(dir, 'roster.json'), JSON.stringify(roster));
      const kiosk = await openKioskService({
        configFile: config,
        clock: new ManualClock('2026-10-06T15:00:00Z'),
        log: quiet,
        machine: `BENCH-${m}`,
        rooms: { pollMs: POLL_MS, maxAgeMs: POLL_MS * 3, listen },
      });
      kiosks.push(kiosk);
      for (let i = 0; i < PER_KIOSK; i++) {
        const user = `b${m}${i}`;
        const s = kiosk.session(user);
        let v = await s.getView();
        if (v.kind === 'policy') {
          const d = v.document;
          await s.acceptPolicy({ policyId: d.policyId, version: d.version, sha256: d.sha256, language: d.language, typedName: `B ${m} ${i}` });
          v = await s.getView();
        }
        if (v.kind === 'safety-rules') await s.acknowledgeSafetyRules({ rulesId: v.document.policyId, version: v.document.version });
        s.onView((view) => {
          views.set(user, view.kind);
          waiter?.();
        });
      }
    }
    const every = (kind: string) => views.size === KIOSKS * PER_KIOSK && [...views.values()].every((k) => k === kind);
    const reach = (kind: string) =>
      new Promise<void>((resolve) => {
        const check = () => every(kind) && resolve();
        waiter = check;
        check();
      });
    await reach('locked');
    const opener = kiosks[0]!.session('b00');
    const times: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      const started = performance.now();
      const ok = await opener.openRoom({ username: 'ms.garcia', secret: '2468' });
      if (!ok.ok) throw new Error(`openRoom: ${ok.reason}`);
      await reach('unlocked');
      times.push(performance.now() - started);
      await opener.endClass({ username: 'ms.garcia', secret: '2468' });
      await reach('locked');
    }
    return times.sort((a, b) => a - b);
  } finally {
    for (const k of kiosks) await k.close();
  }
}

export async function benchRooms(): Promise<Record<string, number>> {
  const server = await startPostgres({ settings: { fsync: 'on', synchronous_commit: 'on' } });
  const root = await mkdtemp(path.join(os.tmpdir(), 'aup-bench-rooms-'));
  try {
    const db = await aupDatabase(server, 'rooms');
    const notify = await openToUnlocked(db, root, true);
    const poll = await openToUnlocked(db, root, false);
    return {
      sessions: KIOSKS * PER_KIOSK,
      rounds: ROUNDS,
      grantToAllUnlockedNotifyP50Ms: round(percentile(notify, 50)),
      grantToAllUnlockedNotifyP95Ms: round(percentile(notify, 95)),
      pollIntervalMs: POLL_MS,
      grantToAllUnlockedPollP50Ms: round(percentile(poll, 50)),
      grantToAllUnlockedPollP95Ms: round(percentile(poll, 95)),
    };
  } finally {
    await rm(root, { recursive: true, force: true });
    await server.stop();
  }
}
