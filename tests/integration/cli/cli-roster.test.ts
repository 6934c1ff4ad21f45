import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
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
      /line 4: grade "13" must be PK, K or 1 to 12/,
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

// Bytes as the exports really come, built here: Windows-1252 is Latin-1 for these letters, plus what
// only Windows-1252 has (0x92 is the right single quote Excel's autocorrect puts in O’Brien).
const NAMES = ['Ana López', 'José Núñez', 'Ramón Güemes', 'Íñigo Úbeda', 'Éric Álvarez', '¡Sí! ¿Qué? Muñoz', 'Liam O\u2019Brien'];
function win1252(text: string): Buffer {
  return Buffer.from([...text].flatMap((ch) => (ch === '\u2019' ? [0x92] : [...Buffer.from(ch, 'latin1')])));
}
const rows = (sep: string) =>
  NAMES.map((n, i) => [`u${i}`, n.includes(sep) ? `"${n}"` : n, 'student', String(i + 1), 'es', 'active', 'no'].join(sep)).join('\r\n') + '\r\n';
const headerWith = (sep: string) => 'username,displayName,role,grade,language,privileges,guardianDeniedInternet'.replaceAll(',', sep) + '\r\n';

describe('aup roster import: the encodings and delimiters exports come in', () => {
  async function importBytes(bytes: Buffer, extra: string[] = []) {
    const csv = path.join(tmp.dir, 'export.csv');
    const out = path.join(tmp.dir, 'roster.json');
    await writeFile(csv, bytes);
    const r = await aup(['roster', 'import', csv, '--out', out, ...extra]);
    return { r, out };
  }
  async function expectNamesByteForByte(out: string) {
    const written = await readFile(out);
    const roster = JSON.parse(written.toString('utf8'));
    expect(roster.users.map((u: { displayName: string }) => u.displayName)).toEqual(NAMES);
    // The UTF-8 bytes of every name are in the file as they are: no U+FFFD (EF BF BD), no mojibake.
    for (const n of NAMES) expect(written.includes(Buffer.from(JSON.stringify(n).slice(1, -1), 'utf8'))).toBe(true);
    expect(written.includes(Buffer.from([0xef, 0xbf, 0xbd]))).toBe(false);
  }

  it('Windows-1252 ("CSV (Comma delimited)" of Excel on Windows): every accented name survives', async () => {
    const { r, out } = await importBytes(win1252(headerWith(',') + rows(',')));
    expect(r.stderr).toMatch(/warning|^$/);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/as Windows-1252, comma-delimited/);
    await expectNamesByteForByte(out);
  });

  it('Windows-1252 with semicolons (Excel in a Spanish locale)', async () => {
    const { r, out } = await importBytes(win1252(headerWith(';') + rows(';')));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/as Windows-1252, semicolon-delimited/);
    await expectNamesByteForByte(out);
  });

  it('UTF-16LE with a BOM and tabs (Excel\'s "Unicode Text")', async () => {
    const text = headerWith('\t') + rows('\t');
    const { r, out } = await importBytes(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/as UTF-16LE, tab-delimited/);
    await expectNamesByteForByte(out);
  });

  it('UTF-8 with a BOM ("CSV UTF-8") and without one', async () => {
    const text = headerWith(',') + rows(',');
    const withBom = await importBytes(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]));
    expect(withBom.r.stdout).toMatch(/as UTF-8 with BOM, comma-delimited/);
    await expectNamesByteForByte(withBom.out);
    const plain = await importBytes(Buffer.from(text, 'utf8'));
    expect(plain.r.stdout).toMatch(/as UTF-8, comma-delimited/);
    await expectNamesByteForByte(plain.out);
  });

  it('a byte that is not text is refused by its line, never stored as U+FFFD', async () => {
    const out = path.join(tmp.dir, 'roster.json');
    await writeFile(out, '{"users": []}');
    // A UTF-8 file (López is UTF-8) with one stray byte on line 3.
    const utf8 = Buffer.concat([
      Buffer.from(headerWith(',') + 'ana,Ana López,student,K,es,active,no\n'),
      Buffer.from('bo,Bo '),
      Buffer.from([0xff]),
      Buffer.from('x,student,3,en,active,no\n'),
    ]);
    const a = await importBytes(utf8);
    expect(a.r.code).toBe(2);
    expect(a.r.stderr).toMatch(/export\.csv line 3: byte 0xFF is not UTF-8 text/);
    // Windows-1252 has no character for 0x81.
    const cp = Buffer.concat([win1252(headerWith(',') + 'ana,Ana López,student,K,es,active,no\n'), Buffer.from([0x62, 0x6f, 0x2c, 0x81, 0x0a])]);
    const b = await importBytes(cp);
    expect(b.r.code).toBe(2);
    expect(b.r.stderr).toMatch(/export\.csv line 3: byte 0x81 is not a character in Windows-1252/);
    expect(await readFile(out, 'utf8')).toBe('{"users": []}');
  });
});

describe("aup roster import: an export's own columns, names and grades", () => {
  it("--map names the export's own headers; first and last names greet; PK is a grade", async () => {
    const csv = path.join(tmp.dir, 'sis.csv');
    const out = path.join(tmp.dir, 'roster.json');
    await writeFile(
      csv,
      'Student ID,Student Name,Grade Level,Type,First,Last\n' +
        'mia.ruiz,"Ruiz, Mía",PK,student,Mía,Ruiz\n' +
        'sean.obrien,"O\'Brien, Seán",02,student,Seán,O\'Brien\n',
    );
    const r = await aup([
      'roster',
      'import',
      csv,
      '--out',
      out,
      '--map',
      'username="Student ID",displayName="Student Name",grade=Grade Level',
      '--map',
      'role=Type,firstName=First,lastName=Last',
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const roster = JSON.parse(await readFile(out, 'utf8'));
    expect(roster.users).toEqual([
      {
        username: 'mia.ruiz',
        displayName: 'Ruiz, Mía',
        firstName: 'Mía',
        lastName: 'Ruiz',
        role: 'student',
        grade: -1,
        privileges: 'active',
        guardianDeniedInternet: false,
      },
      {
        username: 'sean.obrien',
        displayName: "O'Brien, Seán",
        firstName: 'Seán',
        lastName: "O'Brien",
        role: 'student',
        grade: 2,
        privileges: 'active',
        guardianDeniedInternet: false,
      },
    ]);
  });

  it("a header without the roster's columns says what it has and how to map it", async () => {
    const csv = path.join(tmp.dir, 'sis.csv');
    await writeFile(csv, 'Student ID;Student Name;Grade\n1;Ana;3\n');
    const r = await aup(['roster', 'import', csv, '--out', path.join(tmp.dir, 'r.json')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /header lacks username, displayName, role \(it has: Student ID, Student Name, Grade; read as UTF-8, semicolon-delimited\)/,
    );
    expect(r.stderr).toMatch(/--map displayName="Student Name"/);
    const bad = await aup(['roster', 'import', csv, '--out', path.join(tmp.dir, 'r.json'), '--map', 'displayName=Name']);
    expect(bad.stderr).toMatch(/has no column "Name" \(its columns: Student ID, Student Name, Grade\)/);
    const wrong = await aup(['roster', 'import', csv, '--out', path.join(tmp.dir, 'r.json'), '--map', 'nickname=Grade']);
    expect(wrong.stderr).toMatch(/"nickname" is not a roster column/);
  });

  it('a OneRoster 1.1 export is read as it is: its folder or its users.csv; grades from enrollments and classes', async () => {
    const folder = path.join(tmp.dir, 'oneroster');
    await mkdir(folder);
    await writeFile(
      path.join(folder, 'users.csv'),
      'sourcedId,status,dateLastModified,enabledUser,orgSourcedIds,role,username,userIds,givenName,familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,password\n' +
        's1,,,true,org1,student,ana.lopez,,Ana,López,,1001,,,,p1,KG,\n' +
        's2,,,true,org1,student,mia.ruiz,,Mía,Ruiz,,1002,,,,,,\n' +
        's3,,,true,org1,student,leo.park,,Leo,Park,,1003,,,,,PK,\n' +
        't1,,,true,org1,teacher,ms.garcia,,María,García,,,,,,,"03,04",\n' +
        'p1,,,true,org1,parent,mom.lopez,,Rosa,López,,,,,,,,\n' +
        's4,tobedeleted,,true,org1,student,gone.kid,,Gone,Kid,,,,,,,05,\n',
    );
    await writeFile(
      path.join(folder, 'classes.csv'),
      'sourcedId,status,dateLastModified,title,grades,courseSourcedId,classCode,classType,location,schoolSourcedId,termSourcedIds,subjects,subjectCodes,periods\n' +
        'c1,,,Homeroom 3,03,k1,HR3,homeroom,,org1,t1,,,\n' +
        'c2,,,Music 3-4,"03,04",k2,MU,scheduled,,org1,t1,,,\n',
    );
    await writeFile(
      path.join(folder, 'enrollments.csv'),
      'sourcedId,status,dateLastModified,classSourcedId,schoolSourcedId,userSourcedId,role,primary,beginDate,endDate\n' +
        'e1,,,c1,org1,s2,student,,,\n' +
        'e2,,,c2,org1,s2,student,,,\n' +
        'e3,,,c1,org1,t1,teacher,true,,\n',
    );
    const out = path.join(tmp.dir, 'roster.json');
    const r = await aup(['roster', 'import', folder, '--out', out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/as OneRoster, UTF-8, comma-delimited/);
    expect(r.stdout).toMatch(/skipped 1 parent, 1 marked tobedeleted/);
    const roster = JSON.parse(await readFile(out, 'utf8'));
    expect(roster.users.map((u: RosterRow) => [u.username, u.displayName, u.role, u.grade])).toEqual([
      ['ana.lopez', 'Ana López', 'student', 0],
      ['mia.ruiz', 'Mía Ruiz', 'student', 3],
      ['leo.park', 'Leo Park', 'student', -1],
      ['ms.garcia', 'María García', 'teacher', undefined],
    ]);
    const again = await aup(['roster', 'import', path.join(folder, 'users.csv'), '--out', out]);
    expect(again.code).toBe(0);
    expect(JSON.parse(await readFile(out, 'utf8'))).toEqual(roster);
  });
});

type RosterRow = { username: string; displayName: string; role: string; grade?: number };
