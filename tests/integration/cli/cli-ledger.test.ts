// aup status, report, ledger verify and ledger import on a real ledger written by the real KioskService.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appendFile, readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { openKioskService } from '../../../electron/core/setup.ts';
import { MemoryLog } from '../../../electron/core/log.ts';
import { ManualClock } from '../../../electron/core/time.ts';
import { aup } from '../../support/cli.ts';
import { demoConfigIn, tempDir, type TempDir } from '../../support/fixtures.ts';

let tmp: TempDir;
let config: string;
const clock = new ManualClock('2026-09-15T14:00:00Z');

beforeEach(async () => {
  tmp = await tempDir();
  config = await demoConfigIn(tmp.dir);
  // A name with a comma, quotes and accents, and one a spreadsheet would take for a formula.
  const roster = JSON.parse(await readFile(path.join(tmp.dir, 'roster.json'), 'utf8'));
  roster.users.push({ username: 'zoe.renee', displayName: 'Renée, Zoë "Z"', role: 'student', grade: 10 });
  roster.users.push({ username: 'eve.formula', displayName: '=HYPERLINK("http://x")', role: 'student', grade: 10 });
  await writeFile(path.join(tmp.dir, 'roster.json'), JSON.stringify(roster));
  clock.set('2026-09-15T14:00:00Z');
});
afterEach(() => tmp.cleanup());

async function accept(user: string, typedName?: string) {
  const k = await openKioskService({ configFile: config, clock, log: new MemoryLog(), machine: 'LAB204-PC07' });
  const s = k.session(user);
  const v = await s.getView();
  if (v.kind !== 'policy') throw new Error(v.kind);
  const d = v.document;
  expect(
    await s.acceptPolicy({ policyId: d.policyId, version: d.version, sha256: d.sha256, language: d.language, ...(typedName ? { typedName } : {}) }),
  ).toEqual({ ok: true });
  await k.close();
}

const ledgerFile = () => path.join(tmp.dir, 'ledger', 'ledger-2026-27.jsonl');

describe('aup status', () => {
  it('says what the kiosk would show a user now, and why', async () => {
    const before = await aup(['status', '--config', config, '--user', 'ben.carter', '--at', '2026-09-15T15:00:00Z', '--json']);
    expect(JSON.parse(before.stdout)).toMatchObject({
      user: 'ben.carter',
      schoolYear: '2026-27',
      next: 'policy',
      reason: 'not-accepted',
      policy: { policyId: 'student-aup', version: '2026-27' },
    });
    await accept('ben.carter');
    const after = await aup(['status', '--config', config, '--user', 'ben.carter', '--at', '2026-09-15T15:00:00Z', '--json']);
    expect(JSON.parse(after.stdout)).toMatchObject({ next: 'safety-rules', reason: 'not-acknowledged' });
    const staff = await aup(['status', '--config', config, '--user', 'clerk.kim', '--at', '2026-09-15T15:00:00Z']);
    expect(staff.stdout).toMatch(/clerk\.kim .*policy — has not accepted staff-aup/);
    const nextYear = await aup(['status', '--config', config, '--user', 'ben.carter', '--at', '2027-08-01T05:00:00Z', '--json']);
    expect(JSON.parse(nextYear.stdout)).toMatchObject({ schoolYear: '2027-28', next: 'policy' });
  });

  it('an unknown user is bad input, exit 2', async () => {
    const r = await aup(['status', '--config', config, '--user', 'nobody']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/"nobody" is not in the roster/);
  });
});

describe('aup report', () => {
  it("lists the year's acceptances as CSV that opens correctly in Excel", async () => {
    await accept('zoe.renee', 'Zoë Renée Z');
    await accept('eve.formula', 'HYPERLINK http x');
    const r = await aup(['report', '--config', config, '--year', '2026-27']);
    expect(r.code).toBe(0);
    expect(r.stdout.startsWith('\uFEFFusername,displayName,')).toBe(true);
    expect(r.stdout).toContain('\r\n');
    expect(r.stdout).toContain('zoe.renee,"Renée, Zoë ""Z""",student,10,student-aup,acceptance,2026-27,en,kiosk,self,');
    expect(r.stdout).toContain(`eve.formula,"'=HYPERLINK(""http://x"")"`);
    expect(r.stdout).toContain('LAB204-PC07,Lockhart High School,Lab 204');
  });

  it('--missing lists roster users who have not accepted the version in force', async () => {
    await accept('ben.carter');
    const r = await aup(['report', '--config', config, '--missing', '--format', 'json', '--at', '2026-09-16']);
    const names = JSON.parse(r.stdout).rows.map((x: { username: string }) => x.username);
    expect(names).not.toContain('ben.carter');
    expect(names).toEqual(expect.arrayContaining(['ana.lopez', 'ms.garcia', 'zoe.renee']));
  });

  it('a bad --year or --format is bad input', async () => {
    expect((await aup(['report', '--config', config, '--year', '2026'])).code).toBe(2);
    expect((await aup(['report', '--config', config, '--format', 'xlsx'])).code).toBe(2);
  });
});

describe('aup ledger verify', () => {
  it('an intact ledger exits 0; an edited record exits 3 naming the file and line', async () => {
    await accept('ben.carter');
    await accept('ana.lopez');
    const ok = await aup(['ledger', 'verify', '--config', config]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^intact: 2 records/);
    const text = await readFile(ledgerFile(), 'utf8');
    await writeFile(ledgerFile(), text.replace('"version":"2026-27"', '"version":"2025-26"'));
    const bad = await aup(['ledger', 'verify', '--config', config, '--json']);
    expect(bad.code).toBe(3);
    const report = JSON.parse(bad.stdout);
    expect(report.status).toBe('tampered');
    expect(report.first).toMatchObject({ line: 1 });
    expect(report.first.file).toMatch(/ledger-2026-27\.jsonl$/);
  });

  it('a torn last line is reported as a crash, not tampering', async () => {
    await accept('ben.carter');
    await appendFile(ledgerFile(), '{"id":"half-writ');
    const r = await aup(['ledger', 'verify', '--config', config]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/crash/);
    expect(r.stdout).not.toMatch(/TAMPERED/);
  });
});

describe('aup ledger import', () => {
  const header = 'username,policyId,version,language,signedOn,signer,enteredBy\n';

  it('records paper forms; a guardian agreement is its own record type and shows in reports', async () => {
    const csv = path.join(tmp.dir, 'forms.csv');
    await writeFile(
      csv,
      '\uFEFF' +
        header +
        'ana.lopez,student-aup,2026-27,es,2026-08-14,student,ms.garcia\r\nana.lopez,guardian-agreement,2026-27,es,2026-08-14,guardian,ms.garcia\r\n',
    );
    const r = await aup(['ledger', 'import', csv, '--config', config]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/recorded 2 paper forms \(1 guardian agreement\)/);
    const lines = (await readFile(ledgerFile(), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.type, l.method, l.signer])).toEqual([
      ['acceptance', 'paper', 'student'],
      ['guardian-agreement', 'paper', 'guardian'],
    ]);
    const report = await aup(['report', '--config', config, '--format', 'json']);
    expect(
      JSON.parse(report.stdout)
        .rows.map((x: { type: string }) => x.type)
        .sort(),
    ).toEqual(['acceptance', 'guardian-agreement']);
    // the student who signed on paper is not asked again at the kiosk
    const st = await aup(['status', '--config', config, '--user', 'ana.lopez', '--at', '2026-09-15T15:00:00Z', '--json']);
    expect(JSON.parse(st.stdout).next).toBe('safety-rules');
    expect((await aup(['ledger', 'verify', '--config', config])).code).toBe(0);
  });

  it('every bad row is reported by line number and nothing is written', async () => {
    await accept('ben.carter');
    const before = await readFile(ledgerFile(), 'utf8');
    const csv = path.join(tmp.dir, 'forms.csv');
    await writeFile(
      csv,
      header +
        'ana.lopez,student-aup,2026-27,es,2026-08-14,student,ms.garcia\n' +
        '\n' +
        'ben.carter,student-aup,2031-32,en,2026-08-14,student,ms.garcia\n' +
        'carla.diaz,student-aup,2026-27,fr,2026-08-14,student,ms.garcia\n' +
        'dev.patel,student-aup,2026-27,en,2026-13-01,parent,ms.garcia\n' +
        'ana.lopez,student-aup,2026-27,es,2026-08-14,student,ms.garcia\n' +
        'eli.brooks,student-aup,2026-27,en,2099-01-01,student,ms.garcia\n' +
        'too,few,fields\n',
    );
    const r = await aup(['ledger', 'import', csv, '--config', config]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/nothing was recorded/);
    expect(r.stderr).toMatch(/forms\.csv line 4: student-aup has no version "2031-32"/);
    expect(r.stderr).toMatch(/line 5: student-aup 2026-27 has no "fr" document/);
    expect(r.stderr).toMatch(/line 6: signedOn "2026-13-01" is not a date/);
    expect(r.stderr).toMatch(/line 6: signerRole "parent" must be student, guardian or staff/);
    expect(r.stderr).toMatch(/line 7: the same form as line 2/);
    expect(r.stderr).toMatch(/line 8: signedOn 2099-01-01 is in the future/);
    expect(r.stderr).toMatch(/line 9: expected 7 fields, found 3/);
    expect(await readFile(ledgerFile(), 'utf8')).toBe(before);
    expect((await readdir(path.join(tmp.dir, 'ledger'))).filter((f) => f.endsWith('.jsonl'))).toEqual(['ledger-2026-27.jsonl']);
  });

  it('a wrong header is refused', async () => {
    const csv = path.join(tmp.dir, 'forms.csv');
    await writeFile(csv, 'user,policy\nana,student-aup\n');
    const r = await aup(['ledger', 'import', csv, '--config', config]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/line 1: the header lacks username, policyId, version, language, signedOn, signerRole, enteredBy/);
  });
});
