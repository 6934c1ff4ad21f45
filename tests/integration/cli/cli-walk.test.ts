// What a technician, a records clerk and a principal of another district met on a fresh clone, walking
// the `aup` command line as the README prints it (each test failed before its fix): spreadsheets as
// people keep them, paper forms as clerks type them, a config saved wrong, a summary listed as a policy.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import path from 'node:path';
import { aup } from '../../support/cli.ts';
import { demoConfigIn, tempDir, DEMO_CONFIG, REPO, type TempDir } from '../../support/fixtures.ts';

let tmp: TempDir;
beforeEach(async () => (tmp = await tempDir()));
afterEach(() => tmp.cleanup());

describe('aup policy list', () => {
  it('lists the K-5 plain-words summary under the policy it summarises, not as a policy of its own', async () => {
    const text = await aup(['policy', 'list', '--config', DEMO_CONFIG, '--at', '2026-09-01']);
    expect(text.code).toBe(0);
    expect(text.stdout).not.toMatch(/^student-aup-summary-elementary/m);
    const lines = text.stdout.split('\n');
    const policy = lines.findIndex((l) => l.startsWith('student-aup  aup'));
    const summary = lines.findIndex((l) => /^ {2}plain-words summary, shown above it: student-aup-summary-elementary /.test(l));
    const next = lines.findIndex((l, i) => i > policy && /^\S/.test(l));
    expect(policy).toBeGreaterThanOrEqual(0);
    expect(summary).toBeGreaterThan(policy);
    expect(summary).toBeLessThan(next);
    // The district's own English text awaits review; it is not a translation.
    expect(lines[summary + 2]).toMatch(/\* 2026-27 .* en \(awaiting review\), es \(translation awaiting review\)/);

    const json = JSON.parse((await aup(['policy', 'list', '--config', DEMO_CONFIG, '--at', '2026-09-01', '--json'])).stdout);
    expect(json.policies.map((p: { id: string }) => p.id)).not.toContain('student-aup-summary-elementary');
    const student = json.policies.find((p: { id: string }) => p.id === 'student-aup');
    expect(student.summaries).toEqual([expect.objectContaining({ id: 'student-aup-summary-elementary', kind: 'summary', inForce: '2026-27' })]);
  });
});

describe('aup roster import of spreadsheets as people keep them', () => {
  const out = () => path.join(tmp.dir, 'roster.json');
  async function importCsv(content: string | Buffer) {
    const csv = path.join(tmp.dir, 'sis.csv');
    await writeFile(csv, content);
    return aup(['roster', 'import', csv, '--out', out()]);
  }

  it('reads grades written 5th, 1st, Grade 3 and Kindergarten', async () => {
    const r = await importCsv(
      'username,displayName,role,grade\r\n' +
        'a.one,A One,student,1st\r\nb.two,B Two,student,2nd\r\nc.three,C Three,student,Grade 3\r\n' +
        'e.five,E Five,student,5th\r\nk.kay,K Kay,student,Kindergarten\r\n',
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const users = JSON.parse(await readFile(out(), 'utf8')).users;
    expect(users.map((u: { grade: number }) => u.grade)).toEqual([1, 2, 3, 5, 0]);
  });

  it('names a grade it cannot read by its line, and says which forms it reads', async () => {
    const r = await importCsv('username,displayName,role,grade\r\na.one,A One,student,13th\r\n');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/sis\.csv line 2: grade "13th" must be PK, K or 1 to 12 \(5, 05 and 5th are read alike\)/);
  });

  it('passes over rows of empty cells (",,,," below the data, as Excel saves formatted cells)', async () => {
    const r = await importCsv('username,displayName,role,grade,\r\na.one,A One,student,1,\r\n,,,,\r\n, ,,,\r\n\r\n');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/wrote 1 users/);
  });

  it("passes over empty cells right of the header's last column, and still names a row that is short", async () => {
    const ok = await importCsv('username,displayName,role,grade\r\na.one,A One,student,1,,\r\nb.two,B Two,student,2\r\n');
    expect(ok.stderr).toBe('');
    expect(ok.stdout).toMatch(/wrote 2 users/);
    const extra = await importCsv('username,displayName,role,grade\r\na.one,A One,student,1,x\r\n');
    expect(extra.stderr).toMatch(/sis\.csv line 2: expected 4 fields, found 5/);
  });

  it('makes a line break typed inside a name cell (Alt+Enter) one space', async () => {
    const r = await importCsv('username,displayName,role,grade\r\nx.y,"Smith, John\nJr.",student,7\r\n');
    expect(r.code).toBe(0);
    expect(JSON.parse(await readFile(out(), 'utf8')).users[0].displayName).toBe('Smith, John Jr.');
  });

  it('says in words why a file cannot be read: missing, or a folder', async () => {
    const missing = await aup(['roster', 'import', path.join(tmp.dir, 'nope.csv'), '--out', out()]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/cannot read .*nope\.csv: there is no file there/);
    expect(missing.stderr).not.toMatch(/ENOENT/);
    await mkdir(path.join(tmp.dir, 'forms'));
    const config = await demoConfigIn(tmp.dir);
    const folder = await aup(['ledger', 'import', path.join(tmp.dir, 'forms'), '--config', config]);
    expect(folder.code).toBe(2);
    expect(folder.stderr).toMatch(/cannot read .*forms: it is a folder, not a file/);
  });

  it('says in words why --out cannot be written (bad input, exit 2, like report and evidence)', async () => {
    const csv = path.join(tmp.dir, 'sis.csv');
    await writeFile(csv, 'username,displayName,role,grade\r\na.one,A One,student,1\r\n');
    const noFolder = await aup(['roster', 'import', csv, '--out', path.join(tmp.dir, 'nope', 'roster.json')]);
    expect(noFolder.code).toBe(2);
    expect(noFolder.stderr).toMatch(/--out: cannot write .*roster\.json: the folder does not exist/);
    const folder = await aup(['roster', 'import', csv, '--out', tmp.dir]);
    expect(folder.code).toBe(2);
    expect(folder.stderr).toMatch(/--out: cannot write .*: it is a folder \(give a file name in it\)/);
    for (const r of [noFolder, folder]) expect(r.stderr).not.toMatch(/ENOENT|EISDIR|failed/);
  });

  it('takes a PowerSchool student export, which has no role column, with --role student and --map', async () => {
    const csv = path.join(tmp.dir, 'powerschool.csv');
    await writeFile(
      csv,
      'Student_Number,LastFirst,Grade_Level,Home_Room,SchoolID\r\n101234,"Lopez, Ana",0,Room 101,12\r\n101235,"Carter, Ben",04,Room 102,12\r\n',
    );
    const map = ['--map', 'username=Student_Number,displayName=LastFirst,grade=Grade_Level,homeroom=Home_Room'];
    const without = await aup(['roster', 'import', csv, '--out', out(), ...map]);
    expect(without.code).toBe(2);
    expect(without.stderr).toMatch(/the header lacks role .*; an export of students alone \(no role column\) takes --role student/);
    const r = await aup(['roster', 'import', csv, '--out', out(), '--role', 'Student', ...map]);
    expect(r.code, r.stderr).toBe(0);
    const users = JSON.parse(await readFile(out(), 'utf8')).users;
    expect(users).toEqual([
      expect.objectContaining({ username: '101234', displayName: 'Lopez, Ana', role: 'student', grade: 0, homeroom: 'Room 101' }),
      expect.objectContaining({ username: '101235', role: 'student', grade: 4 }),
    ]);
    const wrong = await aup(['roster', 'import', csv, '--out', out(), '--role', 'pupil', ...map]);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/--role: "pupil" is not a role \(student, teacher/);
  });

  it('says where the header is when a report title is above it', async () => {
    const r = await importCsv('Student Roster Report\r\nPrinted 08/01/2026\r\nusername,displayName,role,grade\r\na.one,A One,student,1\r\n');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/sis\.csv line 1 is not the header: the column names are on line 3\. Delete the lines above them and import again/);
  });

  it('says one thing per field: an empty username is empty', async () => {
    const r = await importCsv('username,displayName,role,grade\r\n,No Name,student,2\r\n');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/sis\.csv line 2: username: expected a username; it is empty/);
    expect(r.stderr).not.toMatch(/letters, digits/);
  });

  it('counts bad rows, not problems', async () => {
    const r = await importCsv('username,displayName,role,grade,privileges\r\na.one,A One,pupil,13,gone\r\n');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/1 bad row;/);
  });
});

describe('aup ledger import of forms as a clerk types them', () => {
  it('reads signerRole and language in any case ("Guardian", "ES"), and counts bad rows, not problems', async () => {
    const config = await demoConfigIn(tmp.dir);
    const csv = path.join(tmp.dir, 'forms.csv');
    await writeFile(
      csv,
      'username,policyId,version,language,signedOn,signerRole,enteredBy\r\n' + 'diego.ramos,student-aup,2026-27,ES,09/01/2026,Guardian,clerk.kim\r\n',
    );
    const ok = await aup(['ledger', 'import', csv, '--config', config, '--json']);
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    const line = JSON.parse((await readFile(path.join(tmp.dir, 'ledger', 'ledger-2026-27.jsonl'), 'utf8')).trim());
    expect(line).toMatchObject({ type: 'guardian-agreement', user: 'diego.ramos', language: 'es', signer: 'guardian' });

    await writeFile(
      csv,
      'username,policyId,version,language,signedOn,signerRole,enteredBy\r\n' + 'nobody.here,student-aup,2026-27,en,21/09/2026,parent,nobody\r\n',
    );
    const bad = await aup(['ledger', 'import', csv, '--config', config]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/1 bad row;/);
    expect(bad.stderr).toMatch(/signerRole "parent" must be student, guardian or staff/);
  });
});

describe('aup config validate on a config saved wrong', () => {
  async function validate(content: string | Buffer) {
    const file = path.join(tmp.dir, 'config.json');
    await writeFile(file, content);
    return aup(['config', 'validate', '--config', file]);
  }
  const demo = async () => (await readFile(DEMO_CONFIG, 'utf8')).replace(/"\$schema"[^\n]*\n/, '');

  it('says an empty file is empty, not "Unexpected end of JSON input"', async () => {
    for (const empty of ['', ' \r\n', '\uFEFF']) {
      const r = await validate(empty);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/config\.json is empty \(it must hold one JSON object: \{ … \}\)/);
      expect(r.stderr).not.toMatch(/Unexpected/);
    }
  });

  it('names the line and column of a comment, single quotes, a trailing comma, a missing comma', async () => {
    const text = await demo();
    const cases: [string, RegExp][] = [
      [`// Lab 204\n${text}`, /line 1, column 1 \(JSON allows no comments\)/],
      [text.replace('"bundled"', "'bundled'"), /line \d+, column \d+ \(JSON takes "double quotes"\)/],
      [text.replace('"bellSchedule": []', '"bellSchedule": [],'), /line \d+, column 3 \(a comma before the closing bracket: JSON allows none\)/],
      [text.replace('"timeZone": "America/Chicago",', '"timeZone": "America/Chicago"'), /line \d+, column \d+ \(a comma missing before it\?\)/],
    ];
    for (const [content, expected] of cases) {
      const r = await validate(content);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(expected);
      expect(r.stderr).not.toMatch(/Unexpected token|is Unexpected/);
    }
  });

  it("says a missing section or a list at the top in words, not in the schema library's", async () => {
    const config = JSON.parse(await demo());
    delete config.district;
    const missing = await validate(JSON.stringify(config));
    expect(missing.stderr).toMatch(/ district: is required \(an object \{ … \}\)/);
    const list = await validate('[]');
    expect(list.stderr).toMatch(/\(top level\): expected an object \{ … \}, got a list/);
    for (const r of [missing, list]) expect(r.stderr).not.toMatch(/Invalid input|received/);
  });

  it('says what value of the wrong type it found ("55" in quotes, 55.5), not only "text" or "a number"', async () => {
    const config = JSON.parse(await demo());
    config.lock.unlockMinutes = '55';
    config.lock.maxOverrideMinutes = 55.5;
    config.lock.students = 'yes';
    const r = await validate(JSON.stringify(config));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/lock\.unlockMinutes: expected a whole number from 1 to 480, got text "55"/);
    expect(r.stderr).toMatch(/lock\.maxOverrideMinutes: expected a whole number from 1 to 1440, got the number 55\.5/);
    expect(r.stderr).toMatch(/lock\.students: expected true or false, got text "yes"/);
    config.district.gradeBands.elementary = ['K', 5];
    const band = await validate(JSON.stringify(config));
    expect(band.stderr).toMatch(
      /district\.gradeBands\.elementary\[0\]: expected a grade number from -1 to 12: pre-kindergarten \(PK\) is -1, kindergarten \(K\) 0, got text "K"/,
    );
  });

  it('says the same of the roster the config names: empty, or a folder', async () => {
    const config = await demoConfigIn(tmp.dir);
    await writeFile(path.join(tmp.dir, 'roster.json'), '');
    const empty = await aup(['config', 'validate', '--config', config]);
    expect(empty.stderr).toMatch(/directory\.file: the roster file .*roster\.json is empty \(it must hold one JSON object: \{ … \}\)/);
    expect(empty.stderr).not.toMatch(/a config is/);
    const folder = await demoConfigIn(tmp.dir, (c) => (c.directory.file = 'rosters'));
    await mkdir(path.join(tmp.dir, 'rosters'));
    const r = await aup(['config', 'validate', '--config', folder]);
    expect(r.stderr).toMatch(/directory\.file: cannot read the roster file .*rosters: it is a folder, not a file/);
  });

  it('names the setting a misspelt one is nearest to, at any depth, in the roster or the LDAP shape', async () => {
    const config = JSON.parse(await demo());
    config.lock.unlockMinuts = 55;
    config.lock.maxfailedattempts = 3;
    config.directory.flie = 'roster.json';
    config.lock.bellSchedule = [{ name: '1st', days: ['mon'], start: '08:00', ned: '08:50' }];
    config.distrct = config.district;
    delete config.district;
    config.lock.zzz = 1;
    const r = await validate(JSON.stringify(config));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/ lock\.unlockMinuts: unknown setting \(a typo of "unlockMinutes"\?\)/);
    expect(r.stderr).toMatch(/ lock\.maxfailedattempts: unknown setting \(a typo of "maxFailedAttempts"\?\)/);
    expect(r.stderr).toMatch(/ directory\.flie: unknown setting \(a typo of "file"\?\)/);
    expect(r.stderr).toMatch(/ lock\.bellSchedule\[0\]\.ned: unknown setting \(a typo of "end"\?\)/);
    expect(r.stderr).toMatch(/ distrct: unknown setting \(a typo of "district"\?\)/);
    expect(r.stderr).toMatch(/ lock\.zzz: unknown setting \(a typo\?\)/);
  });

  it('says a folder is a folder', async () => {
    await mkdir(path.join(tmp.dir, 'config.json'));
    const r = await aup(['config', 'validate', '--config', path.join(tmp.dir, 'config.json')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot read the config file .*config\.json: it is a folder, not a file/);
  });

  it.runIf(process.getuid?.() === 0)('tells an account that may not read the file so, and what to do', async () => {
    const file = await demoConfigIn(tmp.dir);
    await chmod(tmp.dir, 0o755);
    await chmod(file, 0o600);
    const run = await promisify(execFile)(
      'setpriv',
      ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, path.join(REPO, 'bin/aup.mjs'), 'config', 'validate', '--config', file],
      { env: { ...process.env, AUP_KIOSK_CONFIG: '' } },
    ).then(
      () => ({ code: 0, stderr: '' }),
      (e: { code: number; stderr: string }) => e,
    );
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /cannot read the config file .*: permission denied \(this account may not read it: run the command as root, or as an administrator\)/,
    );
  });
});

describe('aup report as a principal reads it', () => {
  it('tells apart two policies in force of one title by their grades (the two Internet Safety rules)', async () => {
    const config = await demoConfigIn(tmp.dir);
    for (const [lang, title] of [
      ['en', 'Internet Safety Rules'],
      ['es', 'Reglas de seguridad en Internet'],
    ]) {
      const out = path.join(tmp.dir, `campus.${lang}.html`);
      const r = await aup(['report', '--format', 'html', '--lang', lang!, '--at', '2026-09-16', '--out', out, '--config', config]);
      expect(r.code, r.stderr).toBe(0);
      const html = await readFile(out, 'utf8');
      expect(html).toContain(`<td>${title} (PK-5)</td>`);
      expect(html).toContain(`<td>${title} (6-12)</td>`);
      // A title no other policy shares is printed alone.
      expect(html).toMatch(/<td>(Student Technology Acceptable Use Policy|Política de Uso Aceptable de la Tecnología para Estudiantes)<\/td>/);
    }
  });

  it('writes grades in the CSV as the roster does: K and PK, not 0 and -1', async () => {
    const config = await demoConfigIn(tmp.dir, (c) => (c.district.gradeBands.elementary = [-1, 5]));
    const r = await aup(['report', '--missing', '--at', '2026-09-16', '--config', config]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/\r\nana\.lopez,Ana López,student,K,/);
    expect(r.stdout).not.toMatch(/,student,0,/);
    const status = await aup(['status', '--user', 'ana.lopez', '--at', '2026-09-16', '--config', config]);
    expect(status.stdout).toMatch(/ana\.lopez \(Ana López, student grade K\)/);
  });
});

describe('aup service status before the service has run', () => {
  it('does not call a folder that is not there "ok", and says the last sync in words', async () => {
    const r = await aup(['service', 'status', '--root', tmp.dir]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^not running \(the service has not run on this machine\)$/m);
    expect(r.stdout).toMatch(/^ {2}none {2}.*\/var\/lib\/aup-kiosk\/ledger — not there yet \(the service makes it when it starts\)$/m);
    expect(r.stdout).not.toMatch(/^ {2}ok /m);
    expect(r.stdout).toMatch(/^last sync: none \(no district database, or nothing sent yet\)$/m);

    const ledger = path.join(tmp.dir, 'var/lib/aup-kiosk/ledger');
    await mkdir(ledger, { recursive: true, mode: 0o700 });
    await chmod(path.dirname(ledger), 0o755);
    await chmod(ledger, 0o700);
    await writeFile(
      path.join(ledger, 'central-sync.json'),
      JSON.stringify({ version: 1, files: { '2026-27': { offset: 1234, lines: 5, last: null } } }),
    );
    const synced = await aup(['service', 'status', '--root', tmp.dir]);
    expect(synced.stdout).toMatch(/^ {2}(ok {3}|WRONG) .*\/var\/lib\/aup-kiosk\/ledger( — .*)?$/m);
    expect(synced.stdout).toMatch(/^last sync: 2026-27: 5 records confirmed by the district database \(1234 bytes of the ledger\)$/m);
    expect(synced.stdout).not.toMatch(/\{"cursor"/);
  });
});

describe('aup piped into a command that stops reading (| head, | findstr)', () => {
  /** Runs aup with its standard output closed before it writes anything: the reader is gone. */
  async function closedReader(args: string[]) {
    const child = spawn(process.execPath, [path.join(REPO, 'bin/aup.mjs'), ...args], {
      env: { ...process.env, AUP_KIOSK_CONFIG: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    return { code, stderr };
  }

  it('runs to its end and exits with its own code, not with an unhandled EPIPE and a stack trace', async () => {
    const listed = await closedReader(['policy', 'list', '--config', DEMO_CONFIG]);
    expect(listed.stderr).not.toMatch(/EPIPE|Unhandled|at .*\.cjs:\d+/);
    expect(listed.code).toBe(0);

    // A tampered ledger is still exit 3 when nobody reads the verdict.
    const config = await demoConfigIn(tmp.dir);
    const csv = path.join(tmp.dir, 'forms.csv');
    await writeFile(
      csv,
      'username,policyId,version,language,signedOn,signerRole,enteredBy\r\nben.carter,guardian-agreement,2026-27,en,08/20/2026,guardian,clerk.kim\r\n',
    );
    expect((await aup(['ledger', 'import', csv, '--config', config])).code).toBe(0);
    const file = path.join(tmp.dir, 'ledger', 'ledger-2026-27.jsonl');
    await writeFile(file, (await readFile(file, 'utf8')).replace('clerk.kim', 'clerk.kin'));
    const verified = await closedReader(['ledger', 'verify', '--config', config]);
    expect(verified.stderr).not.toMatch(/EPIPE|Unhandled/);
    expect(verified.code).toBe(3);
  });
});

describe('aup --version', () => {
  it('prints the version of package.json, exit 0, as a technician checks it on a PC', async () => {
    const { version } = JSON.parse(await readFile(path.join(REPO, 'package.json'), 'utf8'));
    for (const flag of ['--version', '-V', 'version']) {
      const r = await aup([flag]);
      expect(r).toMatchObject({ code: 0, stdout: `aup ${version}\n`, stderr: '' });
    }
    expect((await aup(['--help'])).stdout).toMatch(/"aup --version" the version/);
  });
});

describe('aup evidence of a paper form, as a hearing officer reads it', () => {
  it('orders and heads it by the day it was signed, names the policy by its title, and calls the time and computer where it was typed in so, without the room', async () => {
    const config = await demoConfigIn(tmp.dir);
    const csv = path.join(tmp.dir, 'forms.csv');
    await writeFile(
      csv,
      'username,policyId,version,language,signedOn,signerRole,enteredBy\r\nben.carter,student-aup,2026-27,en,09/01/2026,student,clerk.kim\r\nben.carter,guardian-agreement,2026-27,es,08/20/2026,guardian,clerk.kim\r\n',
    );
    expect((await aup(['ledger', 'import', csv, '--config', config])).code).toBe(0);
    for (const [lang, head, typed, on] of [
      ['en', 'Parent or guardian agreement — paper form signed Aug 20, 2026', 'Typed in', 'Typed in on the computer'],
      ['es', 'Acuerdo del padre, madre o tutor — formulario en papel firmado el 20 ago 2026', 'Registrado', 'Registrado en la computadora'],
    ] as const) {
      const out = path.join(tmp.dir, `ben.${lang}.html`);
      const r = await aup(['evidence', '--user', 'ben.carter', '--year', '2026-27', '--lang', lang, '--out', out, '--config', config]);
      expect(r.code, r.stderr).toBe(0);
      const html = await readFile(out, 'utf8');
      // In the order they were signed, not typed in (the guardian's form was typed in second).
      expect(html).toContain(`<h3 id="e1">1. ${head}</h3>`);
      expect(html).toMatch(
        /<h3 id="e2">2\. (Accepted the policy — paper form signed Sep 1, 2026|Aceptó la política — formulario en papel firmado el 1 sept 2026)<\/h3>/,
      );
      expect(html).toContain(`<dt>${typed}</dt>`);
      expect(html).toContain(`<dt>${on}</dt>`);
      expect(html).not.toMatch(/<dt>(Room|Salón)<\/dt>/);
      // The policy by the title of the text signed (Spanish here), its id beside it.
      expect(html).toMatch(
        /<dt>(Policy|Política)<\/dt><dd><span class="policy"><span lang="es">Acuerdo del padre, madre o tutor<\/span> \(guardian-agreement\), (version|versión) 2026-27<\/span><\/dd>/,
      );
    }
  });
});

describe("aup policy add of next year's text, as a principal saves it", () => {
  const POLICIES = path.join(REPO, 'assets/policies');
  const add = (file: string, ...more: string[]) =>
    aup([
      'policy',
      'add',
      '--catalog',
      path.join(tmp.dir, 'catalog'),
      '--id',
      'student-aup',
      '--version',
      '2027-28',
      '--effective',
      '2027-08-01',
      '--lang',
      'en',
      file,
      ...more,
    ]);

  it('stores a text saved with Windows line ends (CRLF) with LF, so the same words have the same SHA-256', async () => {
    const lf = await readFile(path.join(POLICIES, 'student-aup/2026-27.en.md'), 'utf8');
    const next = lf.replace('# ', '# Next year: ');
    const crlf = path.join(tmp.dir, 'aup-2027-28.md');
    await writeFile(crlf, next.replace(/\n/g, '\r\n'));
    const r = await add(crlf);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/note: made the line ends LF \(the file had Windows line ends, CRLF\)/);
    expect(r.stdout).not.toMatch(/the same, byte for byte/);
    const stored = await readFile(path.join(tmp.dir, 'catalog/student-aup/2027-28.en.md'), 'utf8');
    expect(stored).toBe(next);
    const { createHash } = await import('node:crypto');
    expect(r.stdout).toContain(createHash('sha256').update(next).digest('hex'));
  });

  it("says when the text is last year's, byte for byte (the wrong file given)", async () => {
    const r = await add(path.join(POLICIES, 'student-aup/2026-27.en.md'));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(
      /this text is the same, byte for byte, as student-aup 2025-26, 2026-27 \(en\): if a new text was meant, publish that file instead/,
    );
  });

  it('says in words that the file is not there', async () => {
    const r = await add(path.join(tmp.dir, 'nope.md'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot read .*nope\.md: there is no file there/);
  });
});
