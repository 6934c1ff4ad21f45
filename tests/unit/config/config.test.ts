import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chmod, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { loadSetup } from '../../../electron/core/setup.ts';
import { locateConfig } from '../../../electron/core/config/locate.ts';
import { configJsonSchema } from '../../../electron/core/config/schema.ts';
import { demoConfigIn, tempDir, DEMO_CONFIG, type TempDir } from '../../support/fixtures.ts';

let tmp: TempDir;
beforeEach(async () => (tmp = await tempDir()));
afterEach(() => tmp.cleanup());

const problemsOf = async (file: string) => {
  const r = await loadSetup(file);
  if (r.ok) throw new Error('expected problems');
  return r.problems;
};

describe('the machine config', () => {
  it('the bundled demo config is valid and fills the defaults', async () => {
    const r = await loadSetup(DEMO_CONFIG);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.config.district.timeZone).toBe('America/Chicago');
    expect(r.config.lock.unlockMinutes).toBe(55);
    expect(r.roster?.users.length).toBeGreaterThan(5);
    expect(r.catalog.policies.map((p) => p.id)).toContain('student-aup');
  });

  it('three mistakes are reported together, each with its path', async () => {
    const file = await demoConfigIn(tmp.dir, (c) => {
      c.lock.unlockMinutes = 900;
      c.district.timeZone = 'America/Lockhart';
      c.site.rooom = 'typo';
    });
    const problems = await problemsOf(file);
    expect(problems.map((p) => p.path).sort()).toEqual(['district.timeZone', 'lock.unlockMinutes', 'site.rooom']);
    expect(problems.find((p) => p.path === 'lock.unlockMinutes')?.message).toBe('expected a whole number from 1 to 480');
    expect(problems.find((p) => p.path === 'site.rooom')?.message).toMatch(/unknown setting/);
  });

  it('one mistake is reported once: a bad unlockMinutes does not also blame the default warning', async () => {
    const file = await demoConfigIn(tmp.dir, (c) => (c.lock = { unlockMinutes: 0 }));
    expect((await problemsOf(file)).map((p) => p.path)).toEqual(['lock.unlockMinutes']);
    const warn = await demoConfigIn(tmp.dir, (c) => (c.lock = { unlockMinutes: 5, warnBeforeMinutes: 5 }));
    expect((await problemsOf(warn)).map((p) => p.path)).toEqual(['lock.warnBeforeMinutes']);
  });

  it('a missing required section names the section', async () => {
    const file = await demoConfigIn(tmp.dir, (c) => delete c.site);
    expect(await problemsOf(file)).toEqual([{ path: 'site', message: expect.stringMatching(/required/) }]);
  });

  it('a file that is not JSON is reported with its line and column', async () => {
    const file = path.join(tmp.dir, 'config.json');
    await writeFile(file, '{\n  "district": {,\n}');
    const [p] = await problemsOf(file);
    expect(p?.message).toMatch(/not valid JSON at line 2, column/);
  });

  it('a config file that does not exist says so', async () => {
    const [p] = await problemsOf(path.join(tmp.dir, 'nope.json'));
    expect(p?.message).toMatch(/cannot read the config file .*nope\.json: there is no file there/);
  });

  it('overlapping grade bands and a default language that is not offered are refused', async () => {
    const file = await demoConfigIn(tmp.dir, (c) => {
      c.district.gradeBands = { elementary: [0, 6], middle: [6, 8], high: [9, 12] };
      c.languages = { default: 'es', offered: ['en'] };
    });
    const paths = (await problemsOf(file)).map((p) => p.path).sort();
    expect(paths).toEqual(['district.gradeBands.middle', 'languages.default']);
  });

  it('a roster with a bad row names the row and field', async () => {
    const file = await demoConfigIn(tmp.dir);
    await writeFile(
      path.join(tmp.dir, 'roster.json'),
      JSON.stringify({
        users: [
          { username: 'kid', displayName: 'Kid', role: 'student' },
          { username: 'sub', displayName: 'Sub', role: 'substitute' },
        ],
      }),
    );
    const problems = await problemsOf(file);
    expect(problems).toEqual([{ path: 'directory.file.users[0].grade', message: expect.stringMatching(/needs a grade/) }]);
  });

  it('a substitute without a PIN is a warning: they cannot sign in, but the kiosk runs', async () => {
    const file = await demoConfigIn(tmp.dir);
    await writeFile(path.join(tmp.dir, 'roster.json'), JSON.stringify({ users: [{ username: 'sub', displayName: 'Sub', role: 'substitute' }] }));
    const r = await loadSetup(file);
    expect(r.ok).toBe(true);
    if (r.ok)
      expect(r.warnings).toEqual([{ path: 'directory.file', message: expect.stringMatching(/without a pinHash cannot sign in at the kiosk: sub$/) }]);
  });

  it('a connection string holding a password is refused: passwords live in files', async () => {
    for (const connectionString of ['postgres://kiosk:hunter2@db/aup', 'postgresql://kiosk@db/aup?sslmode=require&password=hunter2']) {
      const file = await demoConfigIn(tmp.dir, (c) => (c.central = { postgres: { connectionString } }));
      const [p] = await problemsOf(file);
      expect(p?.path).toBe('central.postgres.connectionString');
      expect(JSON.stringify(p)).not.toContain('hunter2');
    }
  });

  it('an LDAP password file readable by every user is a warning; a missing one is a problem', async () => {
    const ldap = (c: Record<string, any>) =>
      (c.directory = {
        type: 'ldap',
        url: 'ldaps://dc1.lockhart.test',
        bindDn: 'cn=svc',
        bindPasswordFile: 'bind.pw',
        userBase: 'ou=people,dc=x',
        groups: { student: 'cn=s', staff: 'cn=st', approvedTeacher: 'cn=t', substitute: 'cn=sub', administrator: 'cn=a' },
      });
    const file = await demoConfigIn(tmp.dir, ldap);
    expect((await problemsOf(file))[0]).toEqual({ path: 'directory.bindPasswordFile', message: expect.stringMatching(/cannot read/) });
    await writeFile(path.join(tmp.dir, 'bind.pw'), 'secret\n');
    await chmod(path.join(tmp.dir, 'bind.pw'), 0o644);
    const r = await loadSetup(file);
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.warnings.map((w) => w.path)).toEqual(['directory.bindPasswordFile']);
  });

  it('plain LDAP needs to be asked for: an ldaps URL with mode starttls is a mistake', async () => {
    const file = await demoConfigIn(tmp.dir, (c) => {
      c.directory = {
        type: 'ldap',
        url: 'ldaps://dc1',
        bindDn: 'cn=svc',
        bindPasswordFile: 'x',
        userBase: 'dc=x',
        tls: { mode: 'starttls' },
        groups: { student: 'a', staff: 'b', approvedTeacher: 'c', substitute: 'd', administrator: 'e' },
      };
    });
    expect((await problemsOf(file)).map((p) => p.path)).toContain('directory.tls.mode');
  });

  it('is looked up from --config, then AUP_KIOSK_CONFIG, then the OS location', () => {
    expect(locateConfig('/x/c.json', { AUP_KIOSK_CONFIG: '/y/c.json' }, 'linux')).toEqual({ file: '/x/c.json', how: 'flag' });
    expect(locateConfig(undefined, { AUP_KIOSK_CONFIG: '/y/c.json' }, 'linux')).toEqual({ file: '/y/c.json', how: 'env' });
    expect(locateConfig(undefined, {}, 'linux').file).toBe('/etc/aup-kiosk/config.json');
    expect(locateConfig(undefined, {}, 'darwin').file).toBe('/Library/Application Support/AUP Kiosk/config.json');
    expect(locateConfig(undefined, { ProgramData: 'C:\\ProgramData' }, 'win32').file).toBe('C:\\ProgramData\\AUP Kiosk\\config.json');
  });

  it('emits a JSON Schema from the same source, with the defaults', () => {
    const schema = configJsonSchema() as any;
    expect(schema.properties.lock.properties.unlockMinutes).toMatchObject({ type: 'integer', minimum: 1, maximum: 480, default: 55 });
    expect(schema.required).toEqual(expect.arrayContaining(['district', 'site', 'directory']));
  });
});

describe('build/config.schema.json', () => {
  it('is the schema `aup config schema` prints (regenerate it: npx aup config schema > build/config.schema.json)', async () => {
    const { readFile } = await import('node:fs/promises');
    const { REPO } = await import('../../support/fixtures.ts');
    const committed = JSON.parse(await readFile(path.join(REPO, 'build/config.schema.json'), 'utf8'));
    expect(committed).toEqual(JSON.parse(JSON.stringify(configJsonSchema())));
  });
});
