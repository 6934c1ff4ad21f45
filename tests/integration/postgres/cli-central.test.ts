// The `aup` executable against a real PostgreSQL: `aup db migrate` as the DBA (passwords from files,
// never on the command line), and `aup report --central` / `aup status --central` as an administrator
// through the reporting role.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { CentralStore } from '../../../electron/core/central/kiosk-role/store.ts';
import { encodeLine, type UnhashedRecord } from '../../../electron/core/ledger/chain.ts';
import { isoWithOffset } from '../../../electron/core/time.ts';
import { aup } from '../../support/cli.ts';
import { demoConfigIn, tempDir, type TempDir } from '../../support/fixtures.ts';
import { startPostgres, type PostgresHandle } from '../../../harness/postgres.ts';

let server: PostgresHandle;
let tmp: TempDir;
let config: string;
const AT = '2026-10-06T10:00';
const files = { admin: '', kiosk: '', reporting: '' };
const passwords = { kiosk: 'kiosk-password-0123456789', reporting: 'reporting-password-0123456789' };

beforeAll(async () => {
  server = await startPostgres();
  await server.createDatabase('aup');
  tmp = await tempDir('aup-cli-central-');
  files.admin = server.superPasswordFile;
  files.kiosk = server.secretFile('kiosk.password', `${passwords.kiosk}\n`);
  files.reporting = server.secretFile('reporting.password', `${passwords.reporting}\n`);
  config = await demoConfigIn(tmp.dir, (c) => {
    c.central = { postgres: { connectionString: server.url('aup', 'aup_kiosk'), passwordFile: files.kiosk } };
    // A bell period longer than any unlock or override: the longest unlock the database allows.
    c.lock.bellSchedule = [{ name: 'Block', days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '07:30', end: '16:00' }];
  });
});
afterAll(async () => {
  await server?.stop();
  await tmp?.cleanup();
});

const migrateArgs = () => [
  'db',
  'migrate',
  '--config',
  config,
  '--admin-url',
  server.url('aup'),
  '--admin-password-file',
  files.admin,
  '--kiosk-password-file',
  files.kiosk,
  '--reporting-password-file',
  files.reporting,
];

/** The last hash each machine's chain ends on: the database takes a record only where its machine's chain stands. */
const tips = new Map<string, string>();

/** A record as a kiosk's ledger would have written it, for `user`, made at `room` (one machine per room). */
function line(user: string, room: string, fields: Record<string, unknown>, minutes = 0): string {
  const at = isoWithOffset(new Date(Date.parse('2026-09-01T14:00:00Z') + minutes * 60_000), 'America/Chicago');
  const record = {
    prev: tips.get(room) ?? null,
    id: randomUUID(),
    at,
    schoolYear: '2026-27',
    user,
    ...fields,
    machine: `${room}-PC01`,
    campus: 'Lockhart High School',
    room,
    appVersion: '0.1.0',
  };
  const { line: bytes, hash } = encodeLine(record as unknown as UnhashedRecord);
  tips.set(room, hash);
  return bytes.toString('utf8').trimEnd();
}
const acceptance = (policyId: string, version: string) => ({
  type: 'acceptance',
  policyId,
  version,
  language: 'en',
  sha256: 'e3'.repeat(32),
  method: 'kiosk',
});

describe('aup db migrate', () => {
  it('applies the schema and lets the kiosk and reporting roles sign in with the passwords from their files; a second run changes nothing', async () => {
    const first = await aup(migrateArgs());
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/applying 001_records\.sql/);
    expect(first.stdout).toMatch(/aup_kiosk may sign in/);
    expect(first.stdout).toMatch(/aup_reporting may sign in/);
    // The district's rules the database checks records by, from the config: 8.5 h of bell period is the longest unlock.
    expect(first.stdout).toMatch(/records are checked against America\/Chicago, school year from 08-01, unlocks up to 510 min/);
    const admin = await server.superClient('aup');
    try {
      const { rows } = await admin.query('SELECT time_zone, school_year_start, max_unlock_minutes FROM aup.settings');
      expect(rows).toEqual([{ time_zone: 'America/Chicago', school_year_start: '08-01', max_unlock_minutes: 510 }]);
    } finally {
      await admin.end();
    }
    // The kiosk, as configured, can now ask.
    const store = await CentralStore.open({ connectionString: server.url('aup', 'aup_kiosk'), passwordFile: files.kiosk });
    try {
      expect(await store.hasAccepted({ user: 'x', policyId: 'student-aup', version: '2026-27', schoolYear: '2026-27' })).toBe(false);
    } finally {
      await store.close();
    }
    const again = await aup([...migrateArgs(), '--json']);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({
      applied: [],
      current: ['001_records.sql', '002_checked_records.sql', '003_room_grants.sql', '004_evidence.sql', '005_machine_logins.sql'],
    });
  });

  it('takes the admin connection from AUP_DB_ADMIN_URL; a password in it is refused (exit 2), never used', async () => {
    const env = await aup(['db', 'migrate', '--admin-password-file', files.admin], { env: { AUP_DB_ADMIN_URL: server.url('aup') } });
    expect(env.code).toBe(0);
    expect(env.stdout).toMatch(/up to date/);
    const inline = await aup(['db', 'migrate', '--admin-url', `postgres://postgres:${server.superPassword}@127.0.0.1:${server.port}/aup`]);
    expect(inline.code).toBe(2);
    expect(inline.stderr).toMatch(/must not hold the password: put it in a file and give --admin-password-file/);
    const none = await aup(['db', 'migrate']);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/--admin-url or AUP_DB_ADMIN_URL/);
  });

  it('a wrong admin password is a sentence and exit 1, not a stack trace', async () => {
    const wrong = server.secretFile('wrong-admin.password', 'not-the-admin-password\n');
    const r = await aup(['db', 'migrate', '--admin-url', server.url('aup'), '--admin-password-file', wrong]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/refused the sign-in \(password authentication failed for user "postgres"\)/);
    expect(r.stderr).not.toMatch(/at .*\.ts:\d+/);
  });
});

describe('reports from the central database', () => {
  beforeAll(async () => {
    const store = await CentralStore.open({ connectionString: server.url('aup', 'aup_kiosk'), passwordFile: files.kiosk });
    try {
      const stored = await store.recordBatch([
        line('diego.ramos', 'Lab 204', acceptance('student-aup', '2026-27')),
        line('diego.ramos', 'Lab 204', { type: 'safety-ack', rulesId: 'safety-rules-secondary', version: '2026-27' }, 1),
        line('carla.diaz', 'Library', acceptance('student-aup', '2026-27')),
        line('dev.patel', 'Lab 204', acceptance('student-aup', '2026-27')),
        line('ms.garcia', 'Library', acceptance('staff-aup', '2026-27')),
        // An acceptance of last year's version does not count for this one.
        line('ben.carter', 'Lab 204', acceptance('student-aup', '2025-26')),
        // A guardian's paper form, typed in at the office weeks after it was signed.
        line(
          'diego.ramos',
          'Office',
          {
            type: 'guardian-agreement',
            policyId: 'guardian-agreement',
            version: '2025-26',
            language: 'es',
            sha256: 'a6661f0931e60ee108c88473390391b354e2469f8c37f3ebdf447856cd8777db',
            method: 'paper',
            signedOn: '2026-08-20',
            signer: 'guardian',
            enteredBy: 'clerk.kim',
          },
          2,
        ),
      ]);
      expect(stored).toMatchObject({ inserted: 7, rejected: [] });
    } finally {
      await store.close();
    }
  });

  const central = () => ['--config', config, '--central', server.url('aup', 'aup_reporting'), '--password-file', files.reporting, '--at', AT];

  it('the campus report lists, per grade and room, who has and has not accepted the policy in force', async () => {
    const r = await aup(['report', ...central(), '--format', 'json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report).toMatchObject({ schoolYear: '2026-27', source: 'central' });
    const by = (u: string) => report.rows.find((x: any) => x.username === u);
    expect(by('diego.ramos')).toMatchObject({
      grade: 10,
      gradeBand: 'high',
      room: 'Lab 204',
      accepted: 'yes',
      acceptedVersion: '2026-27',
      machine: 'Lab 204-PC01',
    });
    expect(by('carla.diaz')).toMatchObject({ grade: 7, room: 'Library', accepted: 'yes' });
    expect(by('ben.carter')).toMatchObject({ grade: 4, room: '', accepted: 'no', versionInForce: '2026-27', acceptedVersion: '2025-26' });
    expect(by('ana.lopez')).toMatchObject({ grade: 0, accepted: 'no', acceptedVersion: '' });
    expect(by('ms.garcia')).toMatchObject({ grade: '', role: 'teacher', policyId: 'staff-aup', accepted: 'yes' });
    // Every person on the roster who must accept is there, accepted or not, in grade order.
    expect(report.rows.map((x: any) => x.grade).filter((g: any) => g !== '')).toEqual([0, 3, 4, 7, 8, 10, 11, 12]);
    expect(report.summary).toEqual(
      expect.arrayContaining([
        { grade: 8, room: 'Lab 204', accepted: 1, missing: 0 },
        { grade: 4, room: '', accepted: 0, missing: 1 },
        { grade: 10, room: 'Lab 204', accepted: 1, missing: 0 },
      ]),
    );
  });

  it('--missing lists only who has not accepted; CSV opens in Excel', async () => {
    const r = await aup(['report', ...central(), '--missing']);
    expect(r.code).toBe(0);
    const [header, ...rows] = r.stdout
      .replace(/^\uFEFF/, '')
      .trimEnd()
      .split('\r\n');
    expect(header).toBe(
      'grade,gradeBand,room,username,displayName,role,policyId,versionInForce,accepted,acceptedVersion,at,signedOn,enteredBy,campus,machine',
    );
    const names = rows.map((row) => row.split(',')[3]);
    expect(names).toContain('ana.lopez');
    expect(names).toContain('ben.carter');
    expect(names).not.toContain('diego.ramos');
    expect(rows.every((row) => row.split(',')[8] === 'no')).toBe(true);
  });

  it('aup status --central sees what the student did on another machine; without it, only this machine', async () => {
    const local = await aup(['status', '--user', 'diego.ramos', '--config', config, '--at', AT, '--json']);
    expect(JSON.parse(local.stdout)).toMatchObject({ next: 'policy', reason: 'not-accepted' });
    const r = await aup(['status', '--user', 'diego.ramos', ...central(), '--json']);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toMatchObject({ user: 'diego.ramos', next: 'locked', evidence: 'local+central' });
    const carla = await aup(['status', '--user', 'carla.diaz', ...central(), '--json']);
    expect(JSON.parse(carla.stdout)).toMatchObject({ next: 'safety-rules' });
    const ben = await aup(['status', '--user', 'ben.carter', ...central(), '--json']);
    expect(JSON.parse(ben.stdout)).toMatchObject({ next: 'policy', reason: 'new-version' });
  });

  it('reports show when a paper form was signed and who entered it, not only when it was typed in', async () => {
    const r = await aup(['report', ...central(), '--format', 'json']);
    const report = JSON.parse(r.stdout);
    expect(report.rows.find((x: any) => x.username === 'diego.ramos').signedOn).toBe('');
    const facts = await aup(['report', ...central(), '--format', 'html', '--out', path.join(tmp.dir, 'campus.html')]);
    expect(facts.code, facts.stderr).toBe(0);
    const html = await readFile(path.join(tmp.dir, 'campus.html'), 'utf8');
    expect(html).toMatch(
      /<td>Diego Ramos<\/td><td>diego\.ramos<\/td><td>Grade 10<\/td><td>Aug 20, 2026<\/td><td>paper form, entered by clerk\.kim<\/td>/,
    );
  });

  it('aup report --format html --central: per campus, grade and room, bars and who has not accepted, from the whole district', async () => {
    const out = path.join(tmp.dir, 'campus-es.html');
    const r = await aup(['report', ...central(), '--format', 'html', '--lang', 'es', '--campus', 'lockhart high school', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const html = await readFile(out, 'utf8');
    expect(html).toContain('<html lang="es">');
    expect(html).toContain('la base de datos del distrito');
    expect(html).toMatch(/<svg role="img" aria-labelledby="c0-g-t"/);
    expect(html).toMatch(/Grado 10 1 de 1 la aceptaron \(100 %\)/);
    expect(html).toMatch(/Todavía no la aceptan: Sin salón asignado en la lista, Lockhart High School/);
    const unknown = await aup(['report', ...central(), '--format', 'html', '--campus', 'Nowhere Elementary', '--out', out]);
    expect([unknown.code, unknown.stderr]).toEqual([
      2,
      expect.stringMatching(/--campus: "Nowhere Elementary" is not a campus of this report \(Lockhart High School\)/),
    ]);
  });

  it("aup evidence --central: one student's records from every machine, each checked again against its chain", async () => {
    const out = path.join(tmp.dir, 'diego.html');
    const r = await aup(['evidence', '--user', 'diego.ramos', ...central(), '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/3 records of diego\.ramos in 2026-27/);
    const html = await readFile(out, 'utf8');
    expect(html).toContain('the district database (127.0.0.1');
    expect(html).toMatch(/Lab 204-PC01: chain intact from record \d+ to \d+\./);
    expect(html).toMatch(/Office-PC01: chain intact from record \d+ to \d+\./);
    expect(html).toContain('Paper form signed by the parent or guardian on Aug 20, 2026, entered by clerk.kim');
    // The guardian form names the bundled Spanish agreement's exact hash: its text is on the page, matched.
    expect(html).toContain('Match: this is the exact text the record names.');
    // The test's made-up acceptance hash names no text in the catalog: said, not hidden.
    expect(html).toContain('No match: this text is not the one the record names.');
  });

  it('aup evidence --central on a record changed inside the database: exit 3, and the page names it', async () => {
    const admin = await server.superClient('aup');
    try {
      await admin.query(`UPDATE aup.records SET line = replace(line, '"room":"Library"', '"room":"Gym"') WHERE username = 'carla.diaz'`);
    } finally {
      await admin.end();
    }
    const out = path.join(tmp.dir, 'carla.html');
    const r = await aup(['evidence', '--user', 'carla.diaz', ...central(), '--out', out]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/TAMPERED/);
    expect(await readFile(out, 'utf8')).toMatch(/Library-PC01, link \d+: record [0-9a-f-]+: edited \(its content does not match its hash\)/);
  });

  it('the kiosk role cannot run the report: permission denied, said plainly', async () => {
    const r = await aup(['report', '--config', config, '--central', server.url('aup', 'aup_kiosk'), '--password-file', files.kiosk, '--at', AT]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/permission denied for schema aup_reports/);
  });

  it('a password in --central is refused (exit 2)', async () => {
    const r = await aup(['report', '--config', config, '--central', `postgres://aup_reporting:${passwords.reporting}@127.0.0.1:${server.port}/aup`]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--central must not hold the password: give --password-file/);
    expect(r.stderr).not.toContain(passwords.reporting);
  });
});
