// The ledger's sealed high-water mark on real folders: what a cut-off tail, a deleted file, a torn
// line, a hand-edited seal and a crash between the line and its seal each look like, to the kiosk
// opening its ledger and to verify. The crashes are real: child processes killed with SIGKILL.
import { appendFile, chmod, chown, readFile, rm, stat, truncate, unlink, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sha256Hex, type LedgerProblem } from '../../../electron/core/ledger/chain.ts';
import { Ledger, type LedgerOptions } from '../../../electron/core/ledger/ledger.ts';
import type { NewLedgerRecord } from '../../../electron/core/ledger/records.ts';
import { encodeSeal, readSeal, SEAL_FILE, SEAL_KEY_FILE, type Seal } from '../../../electron/core/ledger/seal.ts';
import { verifyLedgerDir } from '../../../electron/core/ledger/verify.ts';
import { ManualClock } from '../../../electron/core/time.ts';
import { tempDir, type TempDir } from '../../support/fixtures.ts';
import { Child } from './children.ts';

const lockhart = { timeZone: 'America/Chicago', start: '08-01' };
const machine = { machine: 'LAB204-01', campus: 'Lockhart High School', room: '204', appVersion: '0.1.0' };
const SEPT = '2026-09-15T13:15:02Z';
const POSIX = process.platform !== 'win32';
const ROOT = process.getuid?.() === 0;

let tmp: TempDir;
let dir: string;
let sealDir: string;
const opened: Ledger[] = [];
const children: Child[] = [];

beforeEach(async () => {
  tmp = await tempDir('aup-seal-');
  dir = path.join(tmp.dir, 'ledger');
  sealDir = path.join(tmp.dir, 'state', 'ledger-seal');
});
afterEach(async () => {
  for (const c of children.splice(0)) await c.kill();
  for (const l of opened.splice(0)) await l.close();
  await tmp.cleanup();
});

/** A sealed ledger (unless `seal: undefined` is passed), with every problem it tells collected. */
async function open(extra: Partial<LedgerOptions> = {}): Promise<Ledger & { told: LedgerProblem[] }> {
  const told: LedgerProblem[] = [];
  const ledger = await Ledger.open({
    dir,
    clock: new ManualClock(SEPT),
    schoolYear: lockhart,
    machine,
    seal: { dir: sealDir },
    onProblem: (p) => told.push(p),
    ...extra,
  });
  opened.push(ledger);
  return Object.assign(ledger, { told });
}

const acceptance = (user: string): NewLedgerRecord => ({
  type: 'acceptance',
  user,
  policyId: 'student-aup',
  version: '2026-27',
  language: 'en',
  sha256: sha256Hex('Student AUP 2026-27'),
  method: 'kiosk',
});
/** A paper form for last year, typed in this September: it goes to last year's file. */
const lastYearsForm = (user: string): NewLedgerRecord => ({
  type: 'acceptance',
  user,
  schoolYear: '2025-26',
  policyId: 'student-aup',
  version: '2025-26',
  language: 'en',
  sha256: sha256Hex('Student AUP 2025-26'),
  method: 'paper',
  signedOn: '2025-08-20',
  signer: 'guardian',
  enteredBy: 'ms.garcia',
});

const fileOf = (year = '2026-27') => path.join(dir, `ledger-${year}.jsonl`);
const linesOf = async (year = '2026-27') => (await readFile(fileOf(year), 'utf8')).split('\n').slice(0, -1);
const sealFile = () => path.join(sealDir, SEAL_FILE);
const keyFile = () => path.join(sealDir, SEAL_KEY_FILE);
const verify = () => verifyLedgerDir(dir, { sealDir });
const kinds = (problems: readonly LedgerProblem[]) => problems.map((p) => `${p.kind}@${p.line}${p.toLine ? `-${p.toLine}` : ''}`);
const SEAL_KINDS = ['sealed-records-missing', 'sealed-record-changed', 'seal-broken', 'seal-failed', 'unsealed'];
const sealProblems = (problems: readonly LedgerProblem[]) => problems.filter((p) => SEAL_KINDS.includes(p.kind));

async function sealedLedger(users: string[], extra: (l: Ledger) => Promise<void> = async () => {}) {
  const ledger = await open();
  const records = [];
  for (const u of users) records.push(await ledger.append(acceptance(u)));
  await extra(ledger);
  await ledger.close();
  return records;
}

/** Cuts a year file after its first `keep` lines, at the line boundary. */
async function keepLines(keep: number, year = '2026-27') {
  const lines = await linesOf(year);
  await truncate(fileOf(year), Buffer.byteLength(lines.slice(0, keep).join('\n') + (keep > 0 ? '\n' : '')));
}

describe('the seal kept beside the ledger', () => {
  it('every append rewrites the seal: each file’s records and last hash, in a folder only its owner may enter', async () => {
    const ledger = await open();
    await ledger.append(acceptance('stu1'));
    const last = await ledger.append(acceptance('stu2'));
    const form = await ledger.append(lastYearsForm('stu3'));
    const state = readSeal(sealDir);
    expect(state).toMatchObject({
      state: 'sealed',
      seal: {
        files: {
          'ledger-2026-27.jsonl': { records: 2, lastHash: last.hash },
          'ledger-2025-26.jsonl': { records: 1, lastHash: form.hash },
        },
      },
    });
    if (POSIX) {
      expect((await stat(sealDir)).mode & 0o777).toBe(0o700);
      expect((await stat(keyFile())).mode & 0o777).toBe(0o600);
      expect((await stat(sealFile())).mode & 0o777).toBe(0o600);
    }
    expect(await ledger.verify()).toMatchObject({ status: 'intact', seal: { state: 'sealed' } });
    expect(ledger.told).toEqual([]);
  });

  it('a file deleted while no kiosk ran: verify names it, the kiosk reports it, and begins it again with a segment that says so', async () => {
    const [, , last] = await sealedLedger(['stu1', 'stu2', 'stu3']);
    await unlink(fileOf());

    const report = await verify();
    expect(report.status).toBe('tampered');
    expect(report.first).toMatchObject({ kind: 'sealed-records-missing', sealedRecords: 3, foundRecords: 0, sealedHash: last!.hash });
    expect(report.first?.message).toBe(`ledger-2026-27.jsonl is missing: the seal says 3 records, last hash ${last!.hash.slice(0, 12)}…`);
    expect(report.files).toMatchObject([{ schoolYear: '2026-27', missing: true, status: 'tampered', sealed: { records: 3 } }]);

    const ledger = await open();
    expect(kinds(ledger.told)).toEqual(['sealed-records-missing@1-3']);
    expect(ledger.told[0]).toMatchObject({ file: fileOf(), sealedRecords: 3, foundRecords: 0 });
    expect((await verify()).status).toBe('tampered'); // opening alone does not make the loss go away
    const next = await ledger.append(acceptance('stu4'));
    expect(next.prev).toBeNull();
    expect(next.segment).toEqual({ after: null, found: report.first!.message });
    // From here on the ledger itself carries the report.
    const after = await verify();
    expect(kinds(after.problems)).toEqual(['segment@1']);
    expect(after.problems[0]!.message).toMatch(/ledger-2026-27\.jsonl is missing: the seal says 3 records/);
  });

  it('records cut from the end at a line boundary while no kiosk ran: verify says how many; the next record is not chained onto the cut', async () => {
    await sealedLedger(['stu1', 'stu2', 'stu3', 'stu4', 'stu5']);
    await keepLines(2);
    const kept = await linesOf();

    const report = await verify();
    expect(report.status).toBe('tampered');
    expect(kinds(report.problems)).toEqual(['sealed-records-missing@3-5']);
    expect(report.first?.message).toBe('ledger-2026-27.jsonl has 2 records, the seal says 5: records 3-5 are missing');
    expect(await verifyLedgerDir(dir)).toMatchObject({ status: 'intact' }); // what the chain alone cannot see

    const ledger = await open();
    expect(ledger.told).toMatchObject([{ kind: 'sealed-records-missing', sealedRecords: 5, foundRecords: 2 }]);
    const next = await ledger.append(acceptance('stu6'));
    expect(next.prev).toBeNull();
    expect(next.segment).toEqual({ after: sha256Hex(kept[1]!), found: report.first!.message });
    expect(readSeal(sealDir)).toMatchObject({ seal: { files: { 'ledger-2026-27.jsonl': { records: 3, lastHash: next.hash } } } });
  });

  it('a past year’s file deleted goes on being reported while the kiosk writes this year’s', async () => {
    await sealedLedger(['stu1'], async (l) => void (await l.append(lastYearsForm('stu2'))));
    await unlink(fileOf('2025-26'));
    const first = await open();
    await first.append(acceptance('stu3'));
    await first.close();
    expect(kinds((await verify()).problems)).toEqual(['sealed-records-missing@1-1']);
    const again = await open();
    expect(again.told).toMatchObject([{ kind: 'sealed-records-missing', file: fileOf('2025-26') }]);
  });

  it('a whole ledger folder deleted is every sealed file missing', async () => {
    await sealedLedger(['stu1'], async (l) => void (await l.append(lastYearsForm('stu2'))));
    await rm(dir, { recursive: true });
    const report = await verify();
    expect(report).toMatchObject({ exists: false, status: 'tampered' });
    expect(report.files.map((f) => [f.schoolYear, f.missing])).toEqual([
      ['2025-26', true],
      ['2026-27', true],
    ]);
  });

  it('a tail cut and written again with a recomputed chain passes the chain, not the seal', async () => {
    await sealedLedger(['stu1', 'stu2', 'stu3']);
    await keepLines(2);
    // Whoever cut it appends well-chained records of their own (a writer that knows nothing of the seal).
    const forger = await open({ seal: undefined });
    await forger.append(acceptance('mallory1'));
    await forger.append(acceptance('mallory2'));
    await forger.close();
    expect(await verifyLedgerDir(dir)).toMatchObject({ status: 'intact' });
    const report = await verify();
    expect(kinds(report.problems)).toEqual(['sealed-record-changed@3']);
    expect(report.first?.message).toMatch(/^ledger-2026-27\.jsonl line 3 is not the record that was sealed there/);
  });

  it('records added by a writer without the seal are growth, not loss: no alarm, and the seal takes them in', async () => {
    await sealedLedger(['stu1', 'stu2']);
    const unsealed = await open({ seal: undefined });
    await unsealed.append(acceptance('stu3'));
    const last = await unsealed.append(acceptance('stu4'));
    await unsealed.close();
    expect((await verify()).status).toBe('intact');
    const ledger = await open();
    expect(ledger.told).toEqual([]);
    expect(readSeal(sealDir)).toMatchObject({ seal: { files: { 'ledger-2026-27.jsonl': { records: 4, lastHash: last.hash } } } });
  });

  it('a torn last line after a crash is set aside as before, and is no seal problem', async () => {
    const [, last] = await sealedLedger(['stu1', 'stu2']);
    await appendFile(fileOf(), '{"hash":"0123');
    const report = await verify();
    expect(report.status).toBe('crash');
    expect(kinds(report.problems)).toEqual(['torn-tail@3']);
    const ledger = await open();
    expect(kinds(ledger.told)).toEqual(['torn-tail@3']);
    const next = await ledger.append(acceptance('stu3'));
    expect(next.prev).toBe(last!.hash); // the chain goes on: nothing sealed was lost
  });

  it('records cut mid-line: the torn piece is a crash, the sealed records gone are tampering', async () => {
    await sealedLedger(['stu1', 'stu2', 'stu3', 'stu4']);
    const lines = await linesOf();
    await truncate(fileOf(), Buffer.byteLength(`${lines[0]}\n${lines[1]}\n${lines[2]!.slice(0, 40)}`));
    const report = await verify();
    expect(report.status).toBe('tampered');
    expect(kinds(report.problems)).toEqual(['torn-tail@3', 'sealed-records-missing@3-4']);
    expect(report.first?.kind).toBe('sealed-records-missing');
    const ledger = await open();
    expect(kinds(ledger.told)).toEqual(['torn-tail@3', 'sealed-records-missing@3-4']);
    expect((await ledger.append(acceptance('stu5'))).segment?.found).toBe(report.first!.message);
  });
});

describe('a seal that cannot vouch for the ledger', () => {
  it('a seal edited by hand without the key is reported as forged; the kiosk says so and seals what is there', async () => {
    await sealedLedger(['stu1', 'stu2', 'stu3']);
    await keepLines(1);
    // Lowering the sealed count to match the cut, without the key.
    await writeFile(sealFile(), (await readFile(sealFile(), 'utf8')).replace('"records":3', '"records":1'));
    const report = await verify();
    expect(report.status).toBe('tampered');
    expect(report.seal).toMatchObject({ state: 'broken', reason: expect.stringMatching(/forged/) });
    expect(report.problems).toMatchObject([{ kind: 'seal-broken', file: sealFile(), line: 0, message: expect.stringMatching(/forged/) }]);

    const ledger = await open();
    expect(kinds(ledger.told)).toEqual(['seal-broken@0']);
    expect(await ledger.verify()).toMatchObject({ status: 'intact', seal: { state: 'sealed' } });
  });

  it('the key deleted: the seal cannot be checked, and says so', async () => {
    await sealedLedger(['stu1']);
    await unlink(keyFile());
    expect(await verify()).toMatchObject({ status: 'tampered', seal: { state: 'broken', reason: expect.stringMatching(/key .* is missing/) } });
  });

  it.skipIf(!POSIX)('a key others can read is not trusted (anyone who reads it could forge the seal), and the kiosk replaces it', async () => {
    await sealedLedger(['stu1']);
    const before = await readFile(keyFile());
    await chmod(keyFile(), 0o644);
    expect(await verify()).toMatchObject({
      seal: { state: 'broken', reason: expect.stringMatching(/read or written by other accounts \(mode 644\)/) },
    });
    const ledger = await open();
    expect(kinds(ledger.told)).toEqual(['seal-broken@0']);
    expect((await stat(keyFile())).mode & 0o777).toBe(0o600);
    expect(await readFile(keyFile())).not.toEqual(before);
    expect((await verify()).seal?.state).toBe('sealed');
  });

  it.skipIf(!POSIX || !ROOT)('a seal forged with a key of one’s own, planted beside it, is not trusted', async () => {
    await sealedLedger(['stu1', 'stu2', 'stu3']);
    await keepLines(1);
    const theirs = randomBytes(32);
    await rm(keyFile());
    await writeFile(keyFile(), theirs.toString('hex'), { mode: 0o600 });
    await chown(keyFile(), 4242, 4242); // a student's account, say
    const forged: Seal = {
      updatedAt: SEPT,
      files: { 'ledger-2026-27.jsonl': { records: 1, lastHash: JSON.parse((await linesOf())[0]!).hash, updatedAt: SEPT } },
    };
    await writeFile(sealFile(), encodeSeal(forged, theirs));
    expect(await verify()).toMatchObject({
      status: 'tampered',
      seal: { state: 'broken', reason: expect.stringMatching(/belongs to uid 4242, not to this account or root/) },
    });
  });

  it('a seal removed: verify finds none; the kiosk says it found none and seals what is there', async () => {
    await sealedLedger(['stu1', 'stu2']);
    await unlink(sealFile());
    expect(await verify()).toMatchObject({ status: 'intact', seal: { state: 'none' } });
    const ledger = await open();
    expect(ledger.told).toMatchObject([{ kind: 'unsealed', file: fileOf(), foundRecords: 2 }]);
    expect(readSeal(sealDir)).toMatchObject({ seal: { files: { 'ledger-2026-27.jsonl': { records: 2 } } } });
  });

  it('no seal folder at all (a kiosk from before the seal): verify checks the chain as before and says there is no seal', async () => {
    const ledger = await open({ seal: undefined });
    await ledger.append(acceptance('stu1'));
    expect(await verify()).toMatchObject({ status: 'intact', seal: { state: 'none', dir: sealDir } });
    expect(await verifyLedgerDir(dir)).not.toHaveProperty('seal');
  });

  it('a seal folder that cannot be made: the ledger records all the same, and says once that it is unsealed', async () => {
    await writeFile(path.join(tmp.dir, 'state'), 'a file where the state folder should be');
    const ledger = await open();
    await ledger.append(acceptance('stu1'));
    await ledger.append(acceptance('stu2'));
    expect(kinds(ledger.told)).toEqual(['seal-failed@0']);
    expect(await linesOf()).toHaveLength(2);
  });
});

describe('crashes around the seal (real processes, SIGKILL)', () => {
  function child(...args: string[]): Child {
    const c = new Child('seal-child.ts', args);
    children.push(c);
    return c;
  }

  it('killed between the line’s fsync and the seal’s write: nothing acknowledged is lost, and reopening raises no alarm', async () => {
    const writer = child(dir, sealDir, '5', '--die-sealing', '3');
    expect(await writer.exited).toBeNull(); // killed by its signal, not exited
    expect(writer.acknowledged).toHaveLength(2);
    // The third line is on disk; the seal still says two.
    expect(await linesOf()).toHaveLength(3);
    expect(readSeal(sealDir)).toMatchObject({ seal: { files: { 'ledger-2026-27.jsonl': { records: 2 } } } });
    expect(await verify()).toMatchObject({ status: 'intact', problems: [] });

    const again = child(dir, sealDir, '1');
    await again.waitFor((l) => l === 'done', 'the second writer to finish');
    expect(again.lines.filter((l) => l.startsWith('problem '))).toEqual([]);
    expect(readSeal(sealDir)).toMatchObject({ seal: { files: { 'ledger-2026-27.jsonl': { records: 4 } } } });
    expect(await verify()).toMatchObject({ status: 'intact', problems: [] });
  });

  it('writers killed at any instant: every acknowledged record stays, a torn line at most, never a seal alarm', async () => {
    const acknowledged: string[] = [];
    for (const killAfter of [12, 30, 21]) {
      const writer = child(dir, sealDir, 'forever');
      await writer.waitForLines((lines) => lines.filter((l) => l.startsWith('ack ')).length >= killAfter, `${killAfter} acks`);
      await writer.kill();
      expect(writer.lines.filter((l) => l.startsWith('problem ') && !l.startsWith('problem torn-tail'))).toEqual([]);
      acknowledged.push(...writer.acknowledged);
      const report = await verify();
      expect(report.status).not.toBe('tampered');
      expect(sealProblems(report.problems)).toEqual([]);
    }
    const ledger = await open();
    expect(sealProblems(ledger.told)).toEqual([]);
    const ids = new Set((await linesOf()).map((l) => JSON.parse(l).id));
    for (const id of acknowledged) expect(ids.has(id)).toBe(true);
  });
});
