// aup ledger import as a clerk uses it: the same file twice, a student not on the roster yet, who typed
// the form in, the old `signer` column, a US date, a file saved by Excel on Windows.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { aup } from '../../support/cli.ts';
import { demoConfigIn, tempDir, type TempDir } from '../../support/fixtures.ts';
import { parseSignedOn } from '../../../electron/core/cli/commands-ledger-import.ts';

let tmp: TempDir;
let config: string;
beforeEach(async () => {
  tmp = await tempDir();
  config = await demoConfigIn(tmp.dir);
});
afterEach(() => tmp.cleanup());

const header = 'username,policyId,version,language,signedOn,signerRole,enteredBy\r\n';
const ledgerLines = async () =>
  (await readFile(path.join(tmp.dir, 'ledger', 'ledger-2026-27.jsonl'), 'utf8'))
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));

async function importCsv(content: string | Buffer, ...flags: string[]) {
  const csv = path.join(tmp.dir, 'forms.csv');
  await writeFile(csv, content);
  return aup(['ledger', 'import', csv, '--config', config, ...flags]);
}

describe('aup ledger import', () => {
  it('is idempotent: a form already recorded is reported and not recorded again', async () => {
    const forms =
      header +
      'ana.lopez,student-aup,2026-27,es,2026-08-14,student,ms.garcia\r\n' +
      'ana.lopez,guardian-agreement,2026-27,es,2026-08-14,guardian,clerk.kim\r\n';
    const first = await importCsv(forms);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/recorded 2 paper forms \(1 guardian agreement\)/);
    const second = await importCsv(forms + 'ben.carter,student-aup,2026-27,en,2026-08-15,student,clerk.kim\r\n');
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/recorded 1 paper form \(0 guardian agreements\)/);
    expect(second.stdout).toMatch(/2 forms already recorded, not recorded again/);
    expect(second.stdout).toMatch(/line 2: ana\.lopez student-aup 2026-27 signed by the student on 2026-08-14 \(recorded 2026-/);
    expect(second.stdout).toMatch(/line 3: ana\.lopez guardian-agreement 2026-27 signed by the guardian on 2026-08-14/);
    expect((await ledgerLines()).map((l) => l.user)).toEqual(['ana.lopez', 'ana.lopez', 'ben.carter']);
    const third = await importCsv(forms, '--json');
    expect(JSON.parse(third.stdout)).toMatchObject({ recorded: 0, alreadyRecorded: [{ line: 2 }, { line: 3 }] });
    expect(await ledgerLines()).toHaveLength(3);
    expect((await aup(['ledger', 'verify', '--config', config])).code).toBe(0);
  });

  it('the K-5 plain-words summary is not a form of its own: its policy is what is signed', async () => {
    const refused = await importCsv(header + 'ana.lopez,student-aup-summary-elementary,2026-27,es,2026-08-14,student,ms.garcia\r\n');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(
      /line 2: policyId "student-aup-summary-elementary" is the plain-words summary of "student-aup", never signed on its own/,
    );
  });

  it('a username not in the directory is refused, or recorded and flagged with --allow-unknown', async () => {
    const forms = header + 'new.kid,student-aup,2026-27,en,2026-08-14,student,clerk.kim\r\n';
    const refused = await importCsv(forms);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/line 2: username "new\.kid" is not in the roster \(for a student not on it yet: --allow-unknown/);
    const flagged = await importCsv(forms, '--allow-unknown');
    expect(flagged.code).toBe(0);
    expect(flagged.stdout).toMatch(/1 form for a username not in the roster \(recorded because of --allow-unknown\):\n {2}line 2: new\.kid/);
    expect((await ledgerLines()).map((l) => l.user)).toEqual(['new.kid']);
  });

  it('enteredBy must be staff in the directory', async () => {
    const r = await importCsv(
      header +
        'ana.lopez,student-aup,2026-27,es,2026-08-14,student,nobody.here\r\n' +
        'ben.carter,student-aup,2026-27,en,2026-08-14,student,carla.diaz\r\n' +
        'dev.patel,student-aup,2026-27,en,2026-08-14,student,Clerk.Kim\r\n',
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/line 2: enteredBy "nobody\.here" is not in the roster/);
    expect(r.stderr).toMatch(/line 3: enteredBy "carla\.diaz" is a student; forms are typed in by staff/);
    expect(r.stderr).not.toMatch(/line 4/);
  });

  it('the old `signer` column is read as signerRole; a name there is told it must be a role', async () => {
    const r = await importCsv(
      'username,policyId,version,language,signedOn,signer,enteredBy\r\n' +
        'ana.lopez,guardian-agreement,2026-27,es,2026-08-14,guardian,clerk.kim\r\n' +
        'ben.carter,guardian-agreement,2026-27,en,2026-08-14,Maria Carter,clerk.kim\r\n',
    );
    expect(r.stderr).toMatch(/line 3: signerRole "Maria Carter" must be student, guardian or staff \(who signed the form, not their name\)/);
    const ok = await importCsv(
      'username,policyId,version,language,signedOn,signer,enteredBy\r\nana.lopez,guardian-agreement,2026-27,es,2026-08-14,guardian,clerk.kim\r\n',
    );
    expect(ok.code).toBe(0);
    expect((await ledgerLines())[0]).toMatchObject({ type: 'guardian-agreement', signer: 'guardian', enteredBy: 'clerk.kim' });
  });

  it('a US date (8/21/2026) is read month first and stored as ISO; a semicolon file (Excel in Spanish) is read as such', async () => {
    // A clerk's Excel in a Spanish locale separates with semicolons.
    const r = await importCsv(header.replaceAll(',', ';') + 'ana.lopez;student-aup;2026-27;es;8/21/2026;student;clerk.kim\r\n');
    expect(r.stdout).toMatch(/read .*forms\.csv as UTF-8, semicolon-delimited/);
    expect(r.code).toBe(0);
    expect((await ledgerLines())[0]).toMatchObject({ signedOn: '2026-08-21', method: 'paper' });
    const bad = await importCsv(header + 'ben.carter,student-aup,2026-27,en,21/08/2026,student,clerk.kim\r\n');
    expect(bad.stderr).toMatch(/signedOn "21\/08\/2026" is not a date like 2026-08-21 or 08\/21\/2026 \(month first\)/);
  });
});

describe('parseSignedOn', () => {
  it('ISO or US month/day/year with a four-digit year; nothing else is guessed', () => {
    expect(parseSignedOn('2026-08-21')).toBe('2026-08-21');
    expect(parseSignedOn('08/21/2026')).toBe('2026-08-21');
    expect(parseSignedOn('8/1/2026')).toBe('2026-08-01');
    for (const no of ['21/08/2026', '08/21/26', '02/30/2026', '2026/08/21', '', 'Aug 21 2026']) expect(parseSignedOn(no)).toBeNull();
  });
});
