// The ledger's benchmark: what an append costs over the fsync it cannot avoid, how long start-up
// takes and how much memory the index holds for 100,000 records, and how fast a first-login
// decision is. Numbers only (docs/design.md: performance is a benchmark, never a timed test).
// Targets, not asserts: appendRatio <= 1.3, startupMs100k <= 1000, decisionP99Ms <= 0.1.
import { mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { encodeLine, type UnhashedRecord } from '../electron/core/ledger/chain.ts';
import { ledgerFileName } from '../electron/core/ledger/files.ts';
import { Ledger } from '../electron/core/ledger/ledger.ts';
import type { NewLedgerRecord } from '../electron/core/ledger/records.ts';
import { verifyLedgerDir } from '../electron/core/ledger/verify.ts';
import { isoWithOffset, ManualClock } from '../electron/core/time.ts';
import { percentile } from './stats.ts';

const RULE = { timeZone: 'America/Chicago', start: '08-01' };
const MACHINE = { machine: 'LAB204-01', campus: 'Lockhart High School', room: '204', appVersion: '0.1.0' };
const YEAR = '2026-27';
const APPENDS = 400;
const WARMUP = 25;
const RECORDS = 100_000;
const DECISIONS = 20_000;
const MB = 1024 * 1024;

const round = (n: number, digits = 4) => Number(n.toFixed(digits));

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

function sample(i: number): NewLedgerRecord {
  const user = `stu${String(i % 5000).padStart(5, '0')}`;
  return i % 2 === 0
    ? {
        type: 'acceptance',
        user,
        policyId: 'student-aup',
        version: YEAR,
        language: 'en',
        sha256: 'e3'.repeat(32),
        method: 'kiosk',
        typedName: 'Student Name',
      }
    : { type: 'unlock', user, by: 'tteacher', until: '2026-09-15T09:10:00.000-05:00', minutes: 55 };
}

/** Ledger appends against a plain append + fsync of the same bytes, interleaved so both see the same disk. */
async function appendCost(root: string): Promise<Record<string, number>> {
  const clock = new ManualClock('2026-09-15T13:00:00Z');
  const ledger = await Ledger.open({ dir: path.join(root, 'append'), clock, schoolYear: RULE, machine: MACHINE });
  const file = path.join(root, 'append', ledgerFileName(YEAR));
  const raw = path.join(root, 'raw.jsonl');
  const ledgerMs: number[] = [];
  const rawMs: number[] = [];
  let size = 0;
  try {
    for (let i = 0; i < WARMUP + APPENDS; i++) {
      clock.advance(1000);
      let t = performance.now();
      await ledger.append(sample(i));
      const appendMs = performance.now() - t;
      // The exact bytes the ledger just wrote.
      const h = await open(file, 'r');
      const { size: now } = await h.stat();
      const bytes = Buffer.alloc(now - size);
      await h.read(bytes, 0, bytes.length, size);
      await h.close();
      size = now;

      t = performance.now();
      const r = await open(raw, 'a');
      await r.appendFile(bytes);
      await r.sync();
      await r.close();
      const rawOnce = performance.now() - t;
      if (i >= WARMUP) {
        ledgerMs.push(appendMs);
        rawMs.push(rawOnce);
      }
    }
  } finally {
    await ledger.close();
  }
  ledgerMs.sort((a, b) => a - b);
  rawMs.sort((a, b) => a - b);
  const appendP50Ms = percentile(ledgerMs, 50);
  const rawFsyncP50Ms = percentile(rawMs, 50);
  return {
    appends: APPENDS,
    appendP50Ms: round(appendP50Ms),
    appendP99Ms: round(percentile(ledgerMs, 99)),
    rawFsyncP50Ms: round(rawFsyncP50Ms),
    rawFsyncP99Ms: round(percentile(rawMs, 99)),
    appendRatio: round(appendP50Ms / rawFsyncP50Ms, 3),
  };
}

/** The machine service's append: the same, plus the keyed seal rewritten atomically (temp, fsync, rename, fsync the folder). */
async function sealedAppendCost(root: string): Promise<Record<string, number>> {
  const clock = new ManualClock('2026-09-15T13:00:00Z');
  const ledger = await Ledger.open({
    dir: path.join(root, 'sealed'),
    clock,
    schoolYear: RULE,
    machine: MACHINE,
    seal: { dir: path.join(root, 'seal') },
  });
  const ms: number[] = [];
  try {
    for (let i = 0; i < WARMUP + APPENDS; i++) {
      clock.advance(1000);
      const t = performance.now();
      await ledger.append(sample(i));
      if (i >= WARMUP) ms.push(performance.now() - t);
    }
  } finally {
    await ledger.close();
  }
  ms.sort((a, b) => a - b);
  return { sealedAppendP50Ms: round(percentile(ms, 50)), sealedAppendP99Ms: round(percentile(ms, 99)) };
}

/**
 * Writes a school year of 100,000 chained records straight to a file (as the ledger would have,
 * without 100,000 fsyncs): 40,000 acceptances by distinct students, 20,000 safety acknowledgements,
 * 30,000 teacher unlocks, 10,000 overrides, denials and failed sign-ins.
 */
export async function writeBigLedger(dir: string): Promise<{ users: number }> {
  const users = 40_000;
  const start = Date.parse('2026-08-10T13:00:00Z');
  const chunks: Buffer[] = [];
  let prev: string | null = null;
  for (let i = 0; i < RECORDS; i++) {
    const user = `stu${String(i % users).padStart(6, '0')}`;
    const at = isoWithOffset(new Date(start + i * 60_000), RULE.timeZone);
    const head = { prev, id: randomUUID(), at, schoolYear: YEAR, user };
    let fields: object;
    if (i < 40_000)
      fields = {
        type: 'acceptance',
        policyId: 'student-aup',
        version: YEAR,
        language: i % 4 === 0 ? 'es' : 'en',
        sha256: 'e3'.repeat(32),
        method: 'kiosk',
        typedName: `Student ${i}`,
      };
    else if (i < 60_000) fields = { type: 'safety-ack', rulesId: 'internet-safety', version: YEAR };
    else if (i < 90_000) fields = { type: 'unlock', by: 'tteacher', until: at, minutes: 55 };
    else if (i % 3 === 0) fields = { type: 'override', by: 'aadmin', until: at, minutes: 120, reason: 'make-up exam in the library' };
    else if (i % 3 === 1) fields = { type: 'denied', by: 'ssubstitute', refusal: 'substitute' };
    else fields = { type: 'auth-failure', attemptedBy: 'tteachr', refusal: 'bad-credentials' };
    const { type, ...rest } = fields as { type: string };
    const { line, hash } = encodeLine({ prev: head.prev, id: head.id, type, at, schoolYear: YEAR, user, ...rest, ...MACHINE } as UnhashedRecord);
    chunks.push(line);
    prev = hash;
  }
  await writeFile(path.join(dir, ledgerFileName(YEAR)), Buffer.concat(chunks));
  return { users };
}

async function bigLedger(root: string): Promise<Record<string, number>> {
  const dir = path.join(root, 'big');
  await Ledger.open({ dir, clock: new ManualClock('2026-09-15T13:00:00Z'), schoolYear: RULE, machine: MACHINE }).then((l) => l.close());
  const { users } = await writeBigLedger(dir);

  gc();
  const heapBefore = process.memoryUsage().heapUsed;
  let t = performance.now();
  const ledger = await Ledger.open({ dir, clock: new ManualClock('2026-09-15T13:00:00Z'), schoolYear: RULE, machine: MACHINE });
  const startupMs = performance.now() - t;
  gc();
  const heapMb = (process.memoryUsage().heapUsed - heapBefore) / MB;

  // First-login decisions: half for students who accepted, half for ones who did not.
  const index = ledger.index;
  const times: number[] = [];
  let yes = 0;
  for (let i = 0; i < DECISIONS; i++) {
    const user = `stu${String((i * 7919) % (users * 2)).padStart(6, '0')}`;
    const t0 = process.hrtime.bigint();
    const accepted = index.hasAccepted(user, 'student-aup', YEAR, YEAR) && index.hasAcknowledgedSafety(user, 'internet-safety', YEAR);
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    if (accepted) yes++;
  }
  times.sort((a, b) => a - b);
  if (yes === 0) throw new Error('the decision benchmark found no acceptance: it is measuring nothing');

  t = performance.now();
  const report = await verifyLedgerDir(dir);
  const verifyMs = performance.now() - t;
  if (report.status !== 'intact') throw new Error(`the generated ledger does not verify: ${report.first?.message}`);
  await ledger.close();
  return {
    records100k: RECORDS,
    startupMs100k: round(startupMs, 1),
    heapMb100k: round(heapMb, 1),
    verifyMs100k: round(verifyMs, 1),
    decisionP50Ms: round(percentile(times, 50), 5),
    decisionP99Ms: round(percentile(times, 99), 5),
  };
}

export async function benchLedger(): Promise<Record<string, number>> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'aup-bench-ledger-'));
  try {
    return { ...(await appendCost(root)), ...(await sealedAppendCost(root)), ...(await bigLedger(root)) };
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}
