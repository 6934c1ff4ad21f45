import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { aup } from '../../support/cli.ts';
import { tempDir, type TempDir } from '../../support/fixtures.ts';
import { hashPin } from '../../../electron/core/directory/pin.ts';

let tmp: TempDir;
beforeEach(async () => (tmp = await tempDir()));
afterEach(() => tmp.cleanup());

const header = 'username,displayName,role,grade,language,privileges,guardianDeniedInternet\n';

describe('aup roster import', () => {
  it('turns a student information system export into a roster, keeping PIN hashes already there', async () => {
    const out = path.join(tmp.dir, 'roster.json');
    const pinHash = await hashPin('2468');
    await writeFile(out, JSON.stringify({ users: [{ username: 'ms.garcia', displayName: 'María García', role: 'teacher', pinHash }] }));
    const csv = path.join(tmp.dir, 'sis.csv');
    await writeFile(
      csv,
      '\uFEFF' +
        header +
        'ana.lopez,"López, Ana",student,K,es,active,yes\r\nms.garcia,María García,teacher,,es,active,no\r\nsub.new,New Sub,substitute,,,,\r\n',
    );
    const r = await aup(['roster', 'import', csv, '--out', out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/wrote 3 users .* \(1 with a PIN\)/);
    expect(r.stderr).toMatch(/warning: 1 .*cannot sign in at the kiosk: sub\.new/);
    const roster = JSON.parse(await readFile(out, 'utf8'));
    expect(roster.users[0]).toEqual({
      username: 'ana.lopez',
      displayName: 'López, Ana',
      role: 'student',
      grade: 0,
      language: 'es',
      privileges: 'active',
      guardianDeniedInternet: true,
    });
    expect(roster.users[1].pinHash).toBe(pinHash);
  });

  it('every bad row is reported by line number and the roster is not changed', async () => {
    const out = path.join(tmp.dir, 'roster.json');
    await writeFile(out, '{"users": []}');
    const csv = path.join(tmp.dir, 'sis.csv');
    await writeFile(
      csv,
      header +
        'ana.lopez,Ana,student,K,es,active,no\n' +
        'bob,Bob,wizard,3,en,active,no\n' +
        'cy,Cy,student,13,en,active,no\n' +
        'di,Di,student,4,en,grounded,maybe\n' +
        'ana.lopez,Ana again,student,2,es,active,no\n' +
        'eve,,student,5,en,active,no\n' +
        'fay,Fay,teacher,7,en,active,no\n',
    );
    const r = await aup(['roster', 'import', csv, '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/was not changed/);
    for (const re of [
      /line 3: role "wizard"/,
      /line 4: grade "13" must be K or 0 to 12/,
      /line 5: privileges "grounded"/,
      /line 5: guardianDeniedInternet "maybe" must be yes or no/,
      /line 6: username "ana.lopez" is already on line 2/,
      /line 7: displayName: expected a display name/,
      /line 8: grade: only students have a grade/,
    ])
      expect(r.stderr).toMatch(re);
    expect(await readFile(out, 'utf8')).toBe('{"users": []}');
  });

  it('a header without the required columns, or no --out, is bad input', async () => {
    const csv = path.join(tmp.dir, 'sis.csv');
    await writeFile(csv, 'name,grade\nx,1\n');
    expect((await aup(['roster', 'import', csv, '--out', path.join(tmp.dir, 'r.json')])).stderr).toMatch(/header lacks username, displayName, role/);
    expect((await aup(['roster', 'import', csv])).code).toBe(2);
  });
});
