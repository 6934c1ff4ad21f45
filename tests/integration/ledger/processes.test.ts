// The ledger across real processes: kiosk processes of one machine (fast user switching) share a
// folder, and one may be killed at any instant. Children run `node --import tsx` scripts in this folder.
import { readFile, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LedgerLockTimeoutError } from '../../../electron/core/ledger/errors.ts';
import { Ledger, LOCK_FILE_NAME } from '../../../electron/core/ledger/ledger.ts';
import { verifyLedgerDir } from '../../../electron/core/ledger/verify.ts';
import { ManualClock } from '../../../electron/core/time.ts';
import { tempDir, type TempDir } from '../../support/fixtures.ts';
import { Child } from './children.ts';

const lockhart = { timeZone: 'America/Chicago', start: '08-01' };
const machine = { machine: 'LAB204-01', campus: 'LHS', room: '204', appVersion: '0.1.0' };
const YEAR = '2026-27'; // the children's clock starts on 15 September 2026

let tmp: TempDir;
let dir: string;
const children: Child[] = [];
const ledgers: Ledger[] = [];

beforeEach(async () => {
  tmp = await tempDir('aup-ledger-proc-');
  dir = path.join(tmp.dir, 'ledger');
});
afterEach(async () => {
  for (const c of children.splice(0)) await c.kill();
  for (const l of ledgers.splice(0)) await l.close();
  await tmp.cleanup();
});

function child(script: string, ...args: string[]): Child {
  const c = new Child(script, args);
  children.push(c);
  return c;
}

async function open(lock?: { staleMs?: number; timeoutMs?: number }): Promise<Ledger> {
  const l = await Ledger.open({ dir, clock: new ManualClock('2026-09-15T20:00:00Z'), schoolYear: lockhart, machine, ...(lock ? { lock } : {}) });
  ledgers.push(l);
  return l;
}

async function idsOnDisk(ledger: Ledger): Promise<string[]> {
  const ids: string[] = [];
  for await (const r of ledger.records(YEAR)) ids.push(r.id);
  return ids;
}

const acks = (n: number) => (lines: string[]) => lines.filter((l) => l.startsWith('ack ')).length >= n;

describe('kiosk processes sharing one ledger folder', () => {
  it('a writer killed with SIGKILL mid-append loses nothing it acknowledged, and the chain verifies', async () => {
    const acknowledged: string[] = [];
    // Three lives: each child opens what the last one left (a stale lock, perhaps a torn line) and goes on.
    for (const [round, killAfter] of [
      [1, 15],
      [2, 40],
      [3, 25],
    ] as const) {
      const c = child('append-child.ts', dir, 'forever', `r${round}`);
      await c.waitForLines(acks(killAfter), `${killAfter} acknowledged appends`);
      await c.kill();
      expect(c.acknowledged.length).toBeGreaterThanOrEqual(killAfter);
      // What each life found at open (its predecessor's torn line, if the kill tore one) was a crash, never tampering.
      expect(c.lines.filter((l) => l.startsWith('problem ') && !l.startsWith('problem torn-tail '))).toEqual([]);
      acknowledged.push(...c.acknowledged);
    }
    const ledger = await open({ staleMs: 60_000, timeoutMs: 10_000 });
    const onDisk = new Set(await idsOnDisk(ledger));
    expect(acknowledged.filter((id) => !onDisk.has(id))).toEqual([]);
    // Any torn tail was a crash, set aside; nothing was changed by hand.
    expect(ledger.problems.filter((p) => !p.crash)).toEqual([]);
    const report = await verifyLedgerDir(dir);
    expect(report.status).toBe('intact');
    expect(report.files[0]!.records).toBe(onDisk.size);
  });

  it('two writer processes appending 200 records each leave 400 whole lines in one intact chain', async () => {
    const a = child('append-child.ts', dir, '200', 'a', '--wait-for-go');
    const b = child('append-child.ts', dir, '200', 'b', '--wait-for-go');
    await Promise.all([a.waitForLines((l) => l.includes('ready'), 'a ready'), b.waitForLines((l) => l.includes('ready'), 'b ready')]);
    a.send('go');
    b.send('go');
    await Promise.all([a.waitForLines((l) => l.includes('done'), 'a done'), b.waitForLines((l) => l.includes('done'), 'b done')]);

    const text = await readFile(path.join(dir, `ledger-${YEAR}.jsonl`), 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    const lines = text.slice(0, -1).split('\n');
    expect(lines).toHaveLength(400);
    const records = lines.map((l) => JSON.parse(l) as { id: string; hash: string; prev: string | null; machine: string });
    expect(new Set(records.map((r) => r.id))).toEqual(new Set([...a.acknowledged, ...b.acknowledged]));
    expect(a.acknowledged).toHaveLength(200);
    expect(b.acknowledged).toHaveLength(200);
    for (let i = 1; i < records.length; i++) expect(records[i]!.prev).toBe(records[i - 1]!.hash);
    expect(await verifyLedgerDir(dir)).toMatchObject({ status: 'intact', problems: [] });
    // They did take turns: the writer changes along the file, not once in the middle.
    const turns = records.filter((r, i) => i > 0 && r.machine !== records[i - 1]!.machine).length;
    expect(turns).toBeGreaterThan(1);
  });

  it('a lock left by a killed process is recovered at once: its owner is gone', async () => {
    const holder = child('hold-lock-child.ts', dir);
    await holder.waitForLines((l) => l.includes('locked'), 'the lock');
    const lockFile = JSON.parse(await readFile(path.join(dir, LOCK_FILE_NAME), 'utf8'));
    expect(lockFile.pid).toBe(holder.pid);
    await holder.kill();
    // It leaves its lock and its staging file (the lock is a hard link to it) behind.
    const staging = path.join(dir, `${LOCK_FILE_NAME}.${holder.pid}-1`);
    expect(JSON.parse(await readFile(staging, 'utf8')).pid).toBe(holder.pid);
    // Age cannot be what frees it (stale only after a minute): the dead pid is.
    const ledger = await open({ staleMs: 60_000, timeoutMs: 5_000 });
    await expect(readFile(staging)).rejects.toMatchObject({ code: 'ENOENT' });
    const r = await ledger.append({ type: 'safety-ack', user: 'stu1', rulesId: 'internet-safety', version: YEAR });
    expect(await idsOnDisk(ledger)).toEqual([r.id]);
  });

  it('a lock held by a live process makes an append wait for it, and gives up with a clear error past the timeout', async () => {
    const ledger = await open({ staleMs: 60_000, timeoutMs: 20_000 });
    const holder = child('hold-lock-child.ts', dir);
    await holder.waitForLines((l) => l.includes('locked'), 'the lock');

    const impatient = await Ledger.open({
      dir,
      clock: new ManualClock('2026-09-15T20:00:00Z'),
      schoolYear: lockhart,
      machine,
      lock: { staleMs: 60_000, timeoutMs: 300 },
    }).catch((e: unknown) => e);
    expect(impatient).toBeInstanceOf(LedgerLockTimeoutError);
    expect((impatient as Error).message).toContain(`${path.join(dir, LOCK_FILE_NAME)} is still held by pid ${holder.pid}`);

    let done = false;
    const pending = ledger.append({ type: 'safety-ack', user: 'stu1', rulesId: 'internet-safety', version: YEAR }).then((r) => {
      done = true;
      return r;
    });
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(done).toBe(false);
    holder.send('release');
    await holder.waitForLines((l) => l.includes('released'), 'the release');
    const r = await pending;
    expect(await idsOnDisk(ledger)).toEqual([r.id]);
  });

  it('a lock older than staleMs is broken even when its pid looks alive (a reused pid, another host)', async () => {
    const first = await open();
    await first.close();
    const lockFile = path.join(dir, LOCK_FILE_NAME);
    await writeFile(lockFile, JSON.stringify({ pid: process.pid, host: 'LAB204-02', at: Date.now(), nonce: 'x' }));
    await expect(open({ staleMs: 5_000, timeoutMs: 300 })).rejects.toBeInstanceOf(LedgerLockTimeoutError);
    const aMinuteAgo = new Date(Date.now() - 60_000);
    await utimes(lockFile, aMinuteAgo, aMinuteAgo);
    const ledger = await open({ staleMs: 5_000, timeoutMs: 2_000 });
    await ledger.append({ type: 'safety-ack', user: 'stu1', rulesId: 'internet-safety', version: YEAR });
    expect(ledger.index.hasAcknowledgedSafety('stu1', 'internet-safety', YEAR)).toBe(true);
  });
});
