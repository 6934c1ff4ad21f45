// `aup db migrate` and `aup report --central` as a technician runs them from the README against a
// real, throwaway PostgreSQL: a forgotten password file, or one that is not there, is said in words,
// never as the driver's "SASL: SCRAM-SERVER-FIRST-MESSAGE: client password must be a string".
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { aup } from '../../support/cli.ts';
import { demoConfigIn, tempDir, type TempDir } from '../../support/fixtures.ts';
import { startPostgres, type PostgresHandle } from '../../../harness/postgres.ts';

let server: PostgresHandle;
let tmp: TempDir;

beforeAll(async () => {
  server = await startPostgres();
  await server.createDatabase('aup');
  tmp = await tempDir('aup-cli-walk-db-');
});
afterAll(async () => {
  await server?.stop();
  await tmp?.cleanup();
});

describe('the district database from the command line, as the README prints it', () => {
  it('a forgotten --admin-password-file is named, not SCRAM', async () => {
    const r = await aup(['db', 'migrate', '--admin-url', server.url('aup')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/asks for a password and none was given: name the file that holds it \(--password-file, --admin-password-file/);
    expect(r.stderr).not.toMatch(/SASL|SCRAM/);
  });

  it('a password file that is not there is said in words', async () => {
    const r = await aup(['db', 'migrate', '--admin-url', server.url('aup'), '--admin-password-file', path.join(tmp.dir, 'admin.password')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot read the database password file .*admin\.password: there is no file there/);
    expect(r.stderr).not.toMatch(/ENOENT/);
  });

  it('migrates, then a report without --password-file says what is missing', async () => {
    const reporting = server.secretFile('reporting.password', 'reporting-password-0123456789\r\n');
    const migrated = await aup([
      'db',
      'migrate',
      '--admin-url',
      server.url('aup'),
      '--admin-password-file',
      server.superPasswordFile,
      '--reporting-password-file',
      reporting,
    ]);
    expect(migrated.code, migrated.stderr).toBe(0);
    const config = await demoConfigIn(tmp.dir);
    const central = server.url('aup', 'aup_reporting');
    const none = await aup(['report', '--central', central, '--config', config]);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/asks for a password and none was given/);
    // A password file saved by Notepad (CRLF) works as it is.
    const ok = await aup(['report', '--central', central, '--password-file', reporting, '--config', config, '--at', '2026-09-16']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/\r\nK,elementary,.*ana\.lopez,Ana López,student,student-aup,2026-27,no,/);
  });
});
