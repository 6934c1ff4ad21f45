// The ledger on a real temp folder: durability, refusal, tampering, torn tails, the index.
import { appendFile, mkdir, readdir, readFile, stat, truncate, unlink, writeFile, chmod } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sha256Hex, type LedgerProblem } from '../../../electron/core/ledger/chain.ts';
import { LedgerClosedError, LedgerError, LedgerFolderError, LedgerRecordError } from '../../../electron/core/ledger/errors.ts';
import { Ledger, type LedgerOptions } from '../../../electron/core/ledger/ledger.ts';
import type { LedgerRecord, NewLedgerRecord } from '../../../electron/core/ledger/records.ts';
import { readLedgerIndex, verifyLedgerDir } from '../../../electron/core/ledger/verify.ts';
import { ManualClock } from '../../../electron/core/time.ts';
import { tempDir, type TempDir } from '../../support/fixtures.ts';

const lockhart = { timeZone: 'America/Chicago', start: '08-01' };
const machine = { machine: 'LAB204-01', campus: 'Lockhart High School', room: '204', appVersion: '0.1.0' };
/** 8:15 am in Lockhart on a September school day. */
const SEPT = '2026-09-15T13:15:02Z';

let tmp: TempDir;
let dir: string;
const opened: Ledger[] = [];

beforeEach(async () => {
  tmp = await tempDir('aup-ledger-');
  dir = path.join(tmp.dir, 'ledger');
});
afterEach(async () => {
  for (const l of opened.splice(0)) await l.close();
  await tmp.cleanup();
});

async function open(clock = new ManualClock(SEPT), extra: Partial<LedgerOptions> = {}): Promise<Ledger> {
  const ledger = await Ledger.open({ dir, clock, schoolYear: lockhart, machine, ...extra });
  opened.push(ledger);
  return ledger;
}

const acceptance = (user: string, version = '2026-27'): Extract<NewLedgerRecord, { type: 'acceptance' }> => ({
  type: 'acceptance',
  user,
  policyId: 'student-aup',
  version,
  language: 'en',
  sha256: sha256Hex(`Student AUP ${version}`),
  method: 'kiosk',
});

const fileOf = (year = '2026-27') => path.join(dir, `ledger-${year}.jsonl`);
const linesOf = async (year = '2026-27') => (await readFile(fileOf(year), 'utf8')).split('\n').slice(0, -1);

async function ledgerWith(users: string[]): Promise<LedgerRecord[]> {
  const ledger = await open();
  const records: LedgerRecord[] = [];
  for (const u of users) records.push(await ledger.append(acceptance(u)));
  await ledger.close();
  return records;
}

async function rewrite(edit: (lines: string[]) => string[]): Promise<void> {
  await writeFile(
    fileOf(),
    edit(await linesOf())
      .map((l) => `${l}\n`)
      .join(''),
  );
}

const kinds = (problems: readonly LedgerProblem[]) => problems.map((p) => `${p.kind}@${p.line}${p.toLine ? `-${p.toLine}` : ''}`);

describe('appending to the ledger', () => {
  it('a missing folder is created, and a record is whole on disk when append resolves', async () => {
    dir = path.join(tmp.dir, 'ProgramData', 'AUP Kiosk', 'ledger');
    const ledger = await open();
    expect((await stat(dir)).isDirectory()).toBe(true);
    const record = await ledger.append(acceptance('stu1001'));
    const text = await readFile(fileOf(), 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    expect(JSON.parse(text.trim())).toMatchObject({ id: record.id, hash: record.hash, prev: null, type: 'acceptance', user: 'stu1001' });
  });

  it('every record carries its id, its local time with the offset, the school year and the machine', async () => {
    const ledger = await open();
    const r = await ledger.append(acceptance('stu1001'));
    expect(r).toMatchObject({ at: '2026-09-15T08:15:02.000-05:00', schoolYear: '2026-27', ...machine, policyId: 'student-aup', language: 'en' });
    expect(r.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(r.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('11:30 pm on 31 July in Lockhart is filed under the school year that is ending', async () => {
    const clock = new ManualClock('2026-08-01T04:30:00Z');
    const ledger = await open(clock);
    const late = await ledger.append(acceptance('stu1001', '2025-26'));
    clock.set('2026-08-01T05:00:00Z');
    const early = await ledger.append(acceptance('stu1001', '2026-27'));
    expect(late).toMatchObject({ schoolYear: '2025-26', at: '2026-07-31T23:30:00.000-05:00' });
    expect(early).toMatchObject({ schoolYear: '2026-27', at: '2026-08-01T00:00:00.000-05:00' });
    expect(await linesOf('2025-26')).toHaveLength(1);
    expect(await linesOf('2026-27')).toHaveLength(1);
    expect(ledger.schoolYears()).toEqual(['2025-26', '2026-27']);
  });

  it('a paper form signed in July is filed under the school year it names', async () => {
    const ledger = await open(new ManualClock('2026-07-20T15:00:00Z'));
    const r = await ledger.append({
      ...acceptance('stu1001'),
      method: 'paper',
      signedOn: '2026-07-18',
      signer: 'guardian',
      enteredBy: 'registrar',
      schoolYear: '2026-27',
    } as NewLedgerRecord);
    expect(r).toMatchObject({ schoolYear: '2026-27', at: '2026-07-20T10:00:00.000-05:00', signer: 'guardian' });
    expect(await linesOf('2026-27')).toHaveLength(1);
  });

  it('a record that fails validation is refused with its reasons, and nothing is written', async () => {
    const ledger = await open();
    const bad = { ...acceptance('stu1001'), sha256: 'not-a-hash' } as NewLedgerRecord;
    const error = await ledger.append(bad).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LedgerRecordError);
    expect((error as LedgerRecordError).issues).toEqual([{ path: 'sha256', message: 'expected 64 lowercase hex digits' }]);
    expect((error as Error).message).toContain('nothing written');
    await expect(stat(fileOf())).rejects.toMatchObject({ code: 'ENOENT' });

    await ledger.append(acceptance('stu1001'));
    const size = (await stat(fileOf())).size;
    await expect(
      ledger.append({
        type: 'auth-failure',
        user: 'stu1001',
        attemptedBy: 'tteacher',
        refusal: 'bad-credentials',
        secret: 'hunter2',
      } as NewLedgerRecord),
    ).rejects.toThrow(/Unrecognized key: "secret"/);
    expect((await stat(fileOf())).size).toBe(size);
    expect(await readFile(fileOf(), 'utf8')).not.toContain('hunter2');
  });

  it('appends made at once in one process are written one after another, in the order they were made', async () => {
    const ledger = await open();
    const records = await Promise.all(Array.from({ length: 25 }, (_, i) => ledger.append(acceptance(`stu${i}`))));
    expect((await linesOf()).map((l) => JSON.parse(l).id)).toEqual(records.map((r) => r.id));
    expect((await ledger.verify()).status).toBe('intact');
  });

  it('an append after close is refused', async () => {
    const ledger = await open();
    await ledger.close();
    await expect(ledger.append(acceptance('stu1001'))).rejects.toBeInstanceOf(LedgerClosedError);
  });

  it('a folder that cannot be written is refused with an error that names it', async () => {
    await writeFile(path.join(tmp.dir, 'file'), 'a regular file');
    dir = path.join(tmp.dir, 'file', 'ledger');
    const error = await open().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LedgerFolderError);
    expect((error as LedgerFolderError).message).toMatch(
      new RegExp(`^cannot write the ledger folder ${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: ENOTDIR`),
    );
  });

  it.skipIf(process.platform === 'win32' || process.getuid?.() === 0)(
    'a read-only folder is refused with an error that names it (not as root)',
    async () => {
      await mkdir(dir);
      await chmod(dir, 0o500);
      try {
        await expect(open()).rejects.toThrow(`cannot write the ledger folder ${dir}: EACCES`);
      } finally {
        await chmod(dir, 0o700);
      }
    },
  );

  it('a machine identity that is not usable is refused at open', async () => {
    await expect(Ledger.open({ dir, clock: new ManualClock(SEPT), schoolYear: lockhart, machine: { ...machine, room: '' } })).rejects.toBeInstanceOf(
      LedgerError,
    );
  });
});

describe('the index, after the ledger is opened again', () => {
  it('answers who accepted and who acknowledged the safety rules, from the files alone', async () => {
    const first = await open();
    const accepted = await first.append(acceptance('stu1001'));
    await first.append({ type: 'safety-ack', user: 'stu1001', rulesId: 'internet-safety', version: '2026-27' });
    await first.append(acceptance('stu1002', '2025-26'));
    await first.close();

    const again = await open();
    expect(again.problems).toEqual([]);
    expect(again.index.hasAccepted('stu1001', 'student-aup', '2026-27', '2026-27')).toBe(true);
    expect(again.index.acceptanceOf('stu1001', 'student-aup', '2026-27')).toMatchObject({ id: accepted.id, at: accepted.at, version: '2026-27' });
    expect(again.index.hasAcknowledgedSafety('stu1001', 'internet-safety', '2026-27')).toBe(true);
    expect(again.index.hasAccepted('stu1002', 'student-aup', '2026-27', '2026-27')).toBe(false);
    expect(again.index.hasAcknowledgedSafety('stu1002', 'internet-safety', '2026-27')).toBe(false);
    // And read-only, the way the CLI reads it:
    const { index } = await readLedgerIndex(dir);
    expect(index.hasAccepted('stu1001', 'student-aup', '2026-27', '2026-27')).toBe(true);
  });

  it('a report reads a year’s records back in order, and lists the years', async () => {
    const written = await ledgerWith(['stu1', 'stu2', 'stu3']);
    const ledger = await open();
    const read: LedgerRecord[] = [];
    for await (const r of ledger.records('2026-27')) read.push(r);
    expect(read.map((r) => r.id)).toEqual(written.map((r) => r.id));
    expect(read[1]).toEqual(written[1]);
    expect(ledger.schoolYears()).toEqual(['2026-27']);
    const none: LedgerRecord[] = [];
    for await (const r of ledger.records('2019-20')) none.push(r);
    expect(none).toEqual([]);
  });

  it('two ledgers on one folder each see the other’s records and keep one chain', async () => {
    const a = await open();
    const b = await open();
    await a.append(acceptance('stu-a1'));
    await b.append(acceptance('stu-b1'));
    await a.append(acceptance('stu-a2'));
    expect(a.index.hasAccepted('stu-b1', 'student-aup', '2026-27', '2026-27')).toBe(true); // read under the lock before a2
    expect(b.index.hasAccepted('stu-a2', 'student-aup', '2026-27', '2026-27')).toBe(false);
    await b.refresh();
    expect(b.index.hasAccepted('stu-a2', 'student-aup', '2026-27', '2026-27')).toBe(true);
    const lines = (await linesOf()).map((l) => JSON.parse(l));
    expect(lines.map((r) => r.user)).toEqual(['stu-a1', 'stu-b1', 'stu-a2']);
    expect(lines[1].prev).toBe(lines[0].hash);
    expect(lines[2].prev).toBe(lines[1].hash);
    expect((await verifyLedgerDir(dir)).status).toBe('intact');
  });
});

describe('verify finds records changed by hand', () => {
  it('an intact ledger verifies as intact', async () => {
    await ledgerWith(['stu1', 'stu2', 'stu3']);
    const report = await verifyLedgerDir(dir);
    expect(report).toMatchObject({ status: 'intact', problems: [], first: null, exists: true });
    expect(report.files).toEqual([{ file: fileOf(), schoolYear: '2026-27', lines: 3, records: 3, segments: 0, status: 'intact' }]);
  });

  it('an edited record is found by verify with its file and line', async () => {
    await ledgerWith(['stu1', 'stu2', 'stu3', 'stu4']);
    await rewrite((lines) => lines.map((l, i) => (i === 2 ? l.replace('"user":"stu3"', '"user":"stu9"') : l)));
    const report = await verifyLedgerDir(dir);
    expect(report.status).toBe('tampered');
    expect(report.first).toMatchObject({ file: fileOf(), line: 3, kind: 'edited', crash: false });
    expect(report.first!.message).toBe('ledger-2026-27.jsonl line 3: edited (its content does not match its hash)');
    expect(report.problems).toHaveLength(1);
  });

  it('a deleted record is found by verify at the line that followed it', async () => {
    await ledgerWith(['stu1', 'stu2', 'stu3', 'stu4']);
    await rewrite((lines) => lines.filter((_, i) => i !== 1));
    const report = await verifyLedgerDir(dir);
    expect(report.status).toBe('tampered');
    expect(kinds(report.problems)).toEqual(['out-of-chain@2']);
    expect(report.first!.message).toContain('edited or reordered, or a record before it deleted');
  });

  it('reordered records are found by verify', async () => {
    await ledgerWith(['stu1', 'stu2', 'stu3', 'stu4']);
    await rewrite(([a, b, c, d]) => [a!, c!, b!, d!]);
    const report = await verifyLedgerDir(dir);
    expect(report.status).toBe('tampered');
    expect(kinds(report.problems)).toEqual(['out-of-chain@2-4']);
  });

  it('a line that is not JSON is reported as not JSON', async () => {
    await ledgerWith(['stu1', 'stu2']);
    await rewrite(([a, b]) => [a!, 'student was here', b!]);
    const report = await verifyLedgerDir(dir);
    expect(report.first).toMatchObject({ kind: 'not-json', line: 2 });
    expect(report.first!.message).toContain('not JSON');
  });
});

describe('a crash during a write', () => {
  it('a torn last line is moved to a side file, the file is cut back to its last whole record, and the ledger goes on', async () => {
    const before = await ledgerWith(['stu1', 'stu2', 'stu3']);
    const torn = '{"hash":"5f1e","prev":"0a9c","id":"4e01d4e4-6a1b';
    await appendFile(fileOf(), torn);
    const seen: LedgerProblem[] = [];
    const ledger = await open(new ManualClock(SEPT), { onProblem: (p) => seen.push(p) });
    const side = `${fileOf()}.torn-20260915T131502000Z`;
    expect(ledger.problems).toEqual([
      {
        file: fileOf(),
        line: 4,
        kind: 'torn-tail',
        crash: true,
        repair: 'set-aside',
        sideFile: side,
        message: `ledger-2026-27.jsonl line 4: ${torn.length} bytes with no newline, torn by a crash during a write; set aside in ledger-2026-27.jsonl.torn-20260915T131502000Z`,
      },
    ]);
    expect(seen).toEqual(ledger.problems);
    expect(await readFile(side, 'utf8')).toBe(torn);
    expect((await linesOf()).map((l) => JSON.parse(l).id)).toEqual(before.map((r) => r.id));

    const after = await ledger.append(acceptance('stu4'));
    expect(after.prev).toBe(before[2]!.hash);
    const report = await verifyLedgerDir(dir);
    expect(report).toMatchObject({ status: 'intact', problems: [], setAside: [side] });
  });

  it('a torn line another process left while this one was open is set aside before the next append, never built upon', async () => {
    const ledger = await open();
    const last = await ledger.append(acceptance('stu1'));
    await appendFile(fileOf(), '{"hash":"9f');
    await ledger.refresh(); // without the lock: the line may still be being written, so it is left alone
    expect(ledger.problems).toEqual([]);
    expect(await readFile(fileOf(), 'utf8')).toMatch(/\{"hash":"9f$/);
    const next = await ledger.append(acceptance('stu2'));
    expect(next.prev).toBe(last.hash);
    expect(kinds(ledger.problems)).toEqual(['torn-tail@2']);
    expect(await readFile(ledger.problems[0]!.sideFile!, 'utf8')).toBe('{"hash":"9f');
    expect((await verifyLedgerDir(dir)).status).toBe('intact');
  });

  it('a whole record that only lost its newline is kept, not set aside', async () => {
    const before = await ledgerWith(['stu1', 'stu2', 'stu3']);
    const text = await readFile(fileOf(), 'utf8');
    await writeFile(fileOf(), text.slice(0, -1));
    const ledger = await open();
    expect(ledger.problems).toMatchObject([{ kind: 'torn-tail', line: 3, repair: 'completed', crash: true }]);
    expect(await readFile(fileOf(), 'utf8')).toBe(text);
    expect(ledger.index.acceptanceOf('stu3', 'student-aup', '2026-27')?.id).toBe(before[2]!.id);
    expect((await readdir(dir)).filter((n) => n.includes('.torn-'))).toEqual([]);
  });

  it('verify calls a torn tail a crash, not tampering, and leaves it where it is', async () => {
    await ledgerWith(['stu1', 'stu2']);
    await appendFile(fileOf(), '{"hash":"ab');
    const bytes = await readFile(fileOf());
    const report = await verifyLedgerDir(dir);
    expect(report.status).toBe('crash');
    expect(report.first).toMatchObject({ kind: 'torn-tail', line: 3, crash: true, repair: 'none' });
    expect(report.files[0]!.status).toBe('crash');
    expect(await readFile(fileOf())).toEqual(bytes);
    expect((await readdir(dir)).sort()).toEqual(['ledger-2026-27.jsonl']);
  });

  it('tampering outranks a crash in the verdict', async () => {
    await ledgerWith(['stu1', 'stu2']);
    await rewrite(([a, b]) => [a!.replace('stu1', 'stuX'), b!]);
    await appendFile(fileOf(), '{"hash":"ab');
    const report = await verifyLedgerDir(dir);
    expect(report.status).toBe('tampered');
    expect(kinds(report.problems)).toEqual(['edited@1', 'torn-tail@3']);
    expect(report.first!.kind).toBe('edited');
  });
});

describe('a file changed by hand does not stop the kiosk', () => {
  it('the kiosk notes the break, keeps appending in a new segment, and verify reports the break once', async () => {
    await ledgerWith(['stu1', 'stu2', 'stu3', 'stu4', 'stu5']);
    await rewrite((lines) => lines.map((l, i) => (i === 1 ? l.replace('"user":"stu2"', '"user":"stu7"') : l)));
    const lastLine = (await linesOf()).at(-1)!;

    const ledger = await open();
    expect(kinds(ledger.problems)).toEqual(['edited@2']);
    const six = await ledger.append(acceptance('stu6'));
    const seven = await ledger.append(acceptance('stu7b'));
    expect(six.prev).toBeNull();
    expect(six.segment).toEqual({ after: sha256Hex(lastLine), found: 'ledger-2026-27.jsonl line 2: edited (its content does not match its hash)' });
    expect(seven.prev).toBe(six.hash);
    expect(seven.segment).toBeUndefined();

    const report = await ledger.verify();
    expect(report.status).toBe('tampered');
    expect(kinds(report.problems)).toEqual(['edited@2']);
    expect(report.files[0]).toMatchObject({ lines: 7, segments: 1 });
    await ledger.close();

    // Opened again: the break is still told to the log, but it is already acknowledged.
    const again = await open();
    expect(kinds(again.problems)).toEqual(['edited@2']);
    const eight = await again.append(acceptance('stu8'));
    expect(eight.prev).toBe(seven.hash);
    expect(kinds((await verifyLedgerDir(dir)).problems)).toEqual(['edited@2']);
  });

  it('records cut from the end while the kiosk runs start a segment that verify reports', async () => {
    const ledger = await open();
    const [a, b] = [await ledger.append(acceptance('stu1')), await ledger.append(acceptance('stu2'))];
    await ledger.append(acceptance('stu3'));
    const lines = await linesOf();
    await truncate(fileOf(), Buffer.byteLength(`${lines[0]}\n${lines[1]}\n`));
    const next = await ledger.append(acceptance('stu4'));
    expect(next.prev).toBeNull();
    expect(next.segment?.found).toMatch(/^\d+ bytes were cut from the end of ledger-2026-27\.jsonl while the kiosk was running$/);
    expect(kinds(ledger.problems)).toEqual(['segment@3']); // told to the kiosk's log as it writes the segment
    expect(ledger.index.hasAccepted('stu3', 'student-aup', '2026-27', '2026-27')).toBe(false); // what is gone is gone from the index too
    const report = await verifyLedgerDir(dir);
    expect(report.status).toBe('tampered');
    expect(kinds(report.problems)).toEqual(['segment@3']);
    expect([a.hash, b.hash]).toContain(JSON.parse((await linesOf())[1]!).hash);
  });

  it('a year file deleted while the kiosk runs is begun again with a segment that says so', async () => {
    const ledger = await open();
    await ledger.append(acceptance('stu1'));
    await unlink(fileOf());
    const next = await ledger.append(acceptance('stu2'));
    expect(next.segment).toEqual({
      after: null,
      found: 'ledger-2026-27.jsonl was deleted or moved away while the kiosk was running (it had 1 lines)',
    });
    expect(kinds((await verifyLedgerDir(dir)).problems)).toEqual(['segment@1']);
  });

  it('verify of a folder that does not exist says so and finds nothing', async () => {
    expect(await verifyLedgerDir(path.join(tmp.dir, 'nowhere'))).toMatchObject({ exists: false, status: 'intact', files: [] });
  });
});
