// The machine service's folders and files on a real disk, checked as the service checks them at
// start-up: a temp tree laid out like /etc, /var/lib and /run (owned by root, open to traversal so that
// only the modes under test stand between a test account and a file), real test accounts reading
// through `cat` as their own uid, and the real `aup` executable. Needs root, as CI is.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { chmod, chown, lstat, mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { serviceFolders, type ServiceFolders } from '../../../electron/core/machine/folders.ts';
import { checkFolders, configFilesProblems, machineConfigProblems } from '../../../electron/core/machine/permissions.ts';
import { loadSetup } from '../../../electron/core/setup.ts';
import { canCreateAccounts, createTestAccounts, spawnAs, type TestAccount } from '../../../harness/os-accounts.ts';
import { aup } from '../../support/cli.ts';
import { demoConfigIn } from '../../support/fixtures.ts';

const asRoot = process.getuid?.() === 0;

/**
 * A command run as the account, its standard input closed (`cat`, `ls` and `touch` read none; a pipe
 * they exit before reading would fail with EPIPE).
 */
function runAs(account: TestAccount, command: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawnAs(account, command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
const modeOf = async (p: string) => (await lstat(p)).mode & 0o7777;

let root: string;
let folders: ServiceFolders;

/** What the installer lays down: the config folder (0755) and a config file (0644), both root's. */
async function install() {
  await mkdir(folders.config.folder, { recursive: true });
  for (const p of [path.join(root, 'etc'), folders.config.folder]) await chmod(p, 0o755);
  await writeFile(folders.config.file, '{}\n', { mode: 0o644 });
}

beforeEach(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'aup-machine-'));
  await chmod(root, 0o755); // mkdtemp makes it 0700, which alone would keep every test account out
  folders = serviceFolders('linux', {}, { root });
});
afterEach(() => rm(root, { recursive: true, force: true }));

describe.skipIf(!asRoot)('the service folders on a real disk (as root)', () => {
  it('a district UI language folder that every account can change is a problem: its words are on every screen', async () => {
    await install();
    const secret = path.join(folders.config.folder, 'ldap-password');
    await writeFile(secret, 'hunter2\n');
    await chmod(secret, 0o600);
    const languages = path.join(folders.config.folder, 'languages');
    await mkdir(languages);
    await writeFile(path.join(languages, 'vi.json'), JSON.stringify({ locked: { heading: 'Máy tính này đang bị khóa' } }));
    const file = await ldapConfigFileIn(
      folders.config.folder,
      'ldap-password',
      (c) => (c.languages = { default: 'en', offered: ['en', 'vi'], folder: 'languages' }),
    );
    const setup = await loadSetup(file);
    if (!setup.ok) throw new Error(JSON.stringify(setup.problems));
    expect(await configFilesProblems(setup.config)).toEqual([]);
    await chmod(languages, 0o777);
    expect(await configFilesProblems(setup.config)).toEqual([
      { path: 'languages.folder', message: expect.stringMatching(new RegExp(`the UI language folder ${languages} .*Fix: chmod`)) },
    ]);
  });

  for (const umask of [0o077, 0o000]) {
    it(`missing data and run folders are created with their exact modes under umask ${umask.toString(8).padStart(3, '0')}`, async () => {
      await install();
      const saved = process.umask(umask);
      let problems;
      try {
        problems = await checkFolders(folders, { allowCreate: true });
      } finally {
        process.umask(saved);
      }
      expect(problems).toEqual([]);
      const modes = Object.fromEntries(
        await Promise.all(
          [
            path.join(root, 'var'),
            path.join(root, 'var/lib'),
            path.join(root, 'run'),
            folders.data.folder,
            folders.data.ledger,
            folders.data.state,
            folders.data.seal,
            folders.run.folder!,
            folders.run.sessions,
          ].map(async (p) => [path.relative(root, p), (await modeOf(p)).toString(8)]),
        ),
      );
      expect(modes).toEqual({
        var: '755',
        'var/lib': '755',
        run: '755',
        'var/lib/aup-kiosk': '700',
        'var/lib/aup-kiosk/ledger': '700',
        'var/lib/aup-kiosk/state': '700',
        'var/lib/aup-kiosk/seal': '700',
        'run/aup-kiosk': '755',
        'run/aup-kiosk/sessions': '755',
      });
      expect(await checkFolders(folders, { allowCreate: false })).toEqual([]);
    });
  }

  it('without allowCreate nothing is created, and a missing config folder is named with the installer fix', async () => {
    const problems = await checkFolders(folders, { allowCreate: false });
    expect(problems).toEqual([
      {
        path: folders.config.folder,
        message: `the config folder ${folders.config.folder} is missing. Fix: install -d -m 755 -o root -g root ${folders.config.folder}, or reinstall AUP Kiosk`,
      },
    ]);
    expect(await readdir(root)).toEqual([]);
  });

  it('a state folder every account can write is a problem naming it and the chmod that fixes it', async () => {
    await install();
    expect(await checkFolders(folders, { allowCreate: true })).toEqual([]);
    await chmod(folders.data.state, 0o777);
    expect(await checkFolders(folders, { allowCreate: true })).toEqual([
      {
        path: folders.data.state,
        message: `the state folder ${folders.data.state} has mode 0777, so its group (root) and every account can list, write and enter it; only root may read or change it. Fix: chmod 700 ${folders.data.state}`,
      },
    ]);
    expect(await modeOf(folders.data.state)).toBe(0o777); // reported, not silently changed
  });

  it('a state folder that is a symbolic link is refused and never followed', async () => {
    await install();
    const elsewhere = path.join(root, 'elsewhere');
    await mkdir(elsewhere, { mode: 0o777 });
    await chmod(elsewhere, 0o777);
    await mkdir(folders.data.folder, { recursive: true });
    await chmod(folders.data.folder, 0o700);
    await symlink(elsewhere, folders.data.state);
    const problems = await checkFolders(folders, { allowCreate: true });
    expect(problems).toEqual([
      {
        path: folders.data.state,
        message: `the state folder ${folders.data.state} is a symbolic link (to ${elsewhere}): the service follows none, since whoever made it chooses where it points. Fix: rm ${folders.data.state} (the service creates the folder)`,
      },
    ]);
    expect(await modeOf(elsewhere)).toBe(0o777);
    expect(await readdir(elsewhere)).toEqual([]);
  });

  it('a symbolic link anywhere above a folder is a problem, and nothing is created through it', async () => {
    await install();
    const elsewhere = path.join(root, 'elsewhere');
    await mkdir(elsewhere, { mode: 0o755 });
    await mkdir(path.join(root, 'var'), { mode: 0o755 });
    await symlink(elsewhere, path.join(root, 'var/lib'));
    const problems = await checkFolders(folders, { allowCreate: true });
    expect(problems.map((p) => p.path)).toEqual([path.join(root, 'var/lib')]);
    expect(problems[0]!.message).toMatch(/is a symbolic link \(to .*elsewhere\) on the way to the data folder .*: the service follows none/);
    expect(await readdir(elsewhere)).toEqual([]);
  });

  it('a parent folder other accounts can write is a problem (they could swap what is inside)', async () => {
    await install();
    await mkdir(path.join(root, 'var/lib'), { recursive: true });
    await chmod(path.join(root, 'var'), 0o755);
    await chmod(path.join(root, 'var/lib'), 0o777);
    const problems = await checkFolders(folders, { allowCreate: true });
    expect(problems.map((p) => p.path)).toEqual([path.join(root, 'var/lib')]);
    expect(problems[0]!.message).toContain(`Fix: chmod go-w ${path.join(root, 'var/lib')}`);
  });
});

describe.skipIf(!asRoot || !canCreateAccounts)('what a student account can reach once the check passes', () => {
  let student: TestAccount;
  let remove: () => Promise<void>;
  beforeAll(async () => {
    const made = await createTestAccounts(1, 'aupperm');
    student = made.accounts[0]!;
    remove = made.remove;
  });
  afterAll(() => remove?.());

  it('a test account cannot read a secret or anything in the state or ledger folder, nor create in the run folder', async () => {
    await install();
    expect(await checkFolders(folders, { allowCreate: true })).toEqual([]);
    await mkdir(folders.config.secrets, { mode: 0o700 });
    await chmod(folders.config.secrets, 0o700);
    const secret = path.join(folders.config.secrets, 'ldap-password');
    await writeFile(secret, 'hunter2\n', { mode: 0o600 });
    // Files the folder alone must protect: world-readable inside a 0700 folder.
    const state = path.join(folders.data.state, 'kiosk-state.json');
    const ledger = path.join(folders.data.ledger, '2026-27.jsonl');
    for (const f of [state, ledger]) await writeFile(f, '{}\n', { mode: 0o644 });
    expect(await checkFolders(folders, { allowCreate: false })).toEqual([]);

    const readConfig = await runAs(student, 'cat', [folders.config.file]);
    expect(readConfig.code).toBe(0); // the way in is open: only the modes below stop the account
    for (const file of [secret, state, ledger]) {
      const r = await runAs(student, 'cat', [file]);
      expect(r.code, file).not.toBe(0);
      expect(r.stderr).toMatch(/Permission denied/);
    }
    for (const folder of [folders.data.state, folders.data.ledger, folders.data.seal]) {
      expect((await runAs(student, 'ls', [folder])).stderr).toMatch(/Permission denied/);
    }
    for (const folder of [folders.run.folder!, folders.run.sessions]) {
      const r = await runAs(student, 'touch', [path.join(folder, 'planted')]);
      expect(r.stderr).toMatch(/Permission denied/);
      expect((await runAs(student, 'ls', [folder])).code).toBe(0); // readable: the socket is reached through it
    }
  });

  it('a secret made readable by every account is read by the student, and the check names it with chmod 600', async () => {
    await install();
    const secret = path.join(folders.config.folder, 'ldap-password');
    await writeFile(secret, 'hunter2\n');
    await chmod(secret, 0o644);
    expect((await runAs(student, 'cat', [secret])).stdout).toBe('hunter2\n');
    const config = await ldapConfigIn(folders.config.folder, 'ldap-password');
    const problems = await configFilesProblems(config);
    expect(problems).toEqual([
      {
        path: 'directory.bindPasswordFile',
        message: `the LDAP password file ${secret} has mode 0644, so its group (root) and every account can read it; only root may read or change it. Fix: chmod 600 ${secret}`,
      },
    ]);
    await chmod(secret, 0o600);
    expect(await configFilesProblems(config)).toEqual([]);
    expect((await runAs(student, 'cat', [secret])).stderr).toMatch(/Permission denied/);
  });

  it('a state folder owned by the student is a problem with the chown fix', async () => {
    await install();
    expect(await checkFolders(folders, { allowCreate: true })).toEqual([]);
    await chown(folders.data.state, student.uid, student.gid);
    const problems = await checkFolders(folders, { allowCreate: true });
    expect(problems).toEqual([
      {
        path: folders.data.state,
        message: `the state folder ${folders.data.state} is owned by ${student.name} (uid ${student.uid}), not root (an owner can change its mode and content); only root may read or change it. Fix: chown root:root ${folders.data.state}`,
      },
    ]);
  });

  describe('the machine config the installed service reads', () => {
    it('root-owned, 0644, in a root-owned 0755 folder: accepted', async () => {
      await install();
      expect(await machineConfigProblems(folders.config.file)).toEqual([]);
    });

    it("a student's own read-only config is refused: its owner can make it writable again", async () => {
      await install();
      await chown(folders.config.file, student.uid, student.gid);
      await chmod(folders.config.file, 0o444);
      expect(await machineConfigProblems(folders.config.file)).toEqual([
        {
          path: folders.config.file,
          message: `the machine config ${folders.config.file} is owned by ${student.name} (uid ${student.uid}), not root (an owner can change its mode and content); only root may change it. Fix: chown root:root ${folders.config.file}`,
        },
      ]);
      expect((await runAs(student, 'chmod', ['644', folders.config.file])).code).toBe(0);
    });

    it('a config in a folder the student owns is refused: the student can replace the file', async () => {
      await install();
      await chown(folders.config.folder, student.uid, student.gid);
      const problems = await machineConfigProblems(folders.config.file);
      expect(problems.map((p) => p.path)).toEqual([folders.config.folder]);
      expect(problems[0]!.message).toContain(`owned by ${student.name}`);
      expect(problems[0]!.message).toContain(`Fix: chown root:root ${folders.config.folder}`);
    });

    it('a config every account can write, or reached through a symbolic link, is refused', async () => {
      await install();
      await chmod(folders.config.file, 0o666);
      expect((await machineConfigProblems(folders.config.file))[0]!.message).toMatch(/has mode 0666, .* Fix: chmod 644 /);
      await chmod(folders.config.file, 0o644);
      const link = path.join(folders.config.folder, 'linked.json');
      await symlink(folders.config.file, link);
      expect((await machineConfigProblems(link))[0]!.message).toMatch(/is a symbolic link/);
    });
  });
});

describe.skipIf(!asRoot)('aup config validate --service (the real CLI)', () => {
  it('a world-readable roster fails for the machine service (exit 2, naming it and chmod 600); the CLI alone still accepts it', async () => {
    const file = await demoConfigIn(root);
    const roster = path.join(root, 'roster.json');
    await chmod(roster, 0o644);
    const plain = await aup(['config', 'validate', '--config', file]);
    expect(plain.code).toBe(0);

    const r = await aup(['config', 'validate', '--service', '--config', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('1 problem for the machine service');
    expect(r.stderr).toContain(`directory.file: the roster (it holds PIN hashes) ${roster} has mode 0644`);
    expect(r.stderr).toContain(`Fix: chmod 600 ${roster}`);
    expect(r.stderr).not.toMatch(/at .*\.ts:\d+/);

    await chmod(roster, 0o600);
    const fixed = await aup(['config', 'validate', '--service', '--config', file]);
    expect(fixed.stdout).toContain('valid for the machine service');
    expect(fixed.code).toBe(0);
  });

  it('a world-readable LDAP password: a warning for the CLI, a failure for the service, which does not repeat the warning', async () => {
    await demoConfigIn(root);
    await writeFile(path.join(root, 'bind.pw'), 'hunter2\n', { mode: 0o644 });
    await chmod(path.join(root, 'roster.json'), 0o600);
    const file = await ldapConfigFileIn(root, 'bind.pw');
    const plain = await aup(['config', 'validate', '--config', file]);
    expect(plain.code).toBe(0);
    expect(plain.stderr).toMatch(/warning: directory\.bindPasswordFile: .* can be read by every user/);

    const r = await aup(['config', 'validate', '--service', '--config', file, '--json']);
    expect(r.code).toBe(2);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ ok: false, service: true, problems: [{ path: 'directory.bindPasswordFile' }] });
    expect(out.problems[0].message).toContain(`Fix: chmod 600 ${path.join(root, 'bind.pw')}`);
    expect(JSON.stringify(out)).not.toContain('hunter2');
  });

  it('a config owned by another account and a 0777 state folder are both named, in one pass', async () => {
    const file = await demoConfigIn(root);
    await chmod(path.join(root, 'roster.json'), 0o600);
    await chown(file, 4242, 4242);
    await mkdir(path.join(root, 'state'));
    await chmod(path.join(root, 'state'), 0o777);
    const r = await aup(['config', 'validate', '--service', '--config', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${file}: the machine config ${file} is owned by uid 4242, not root`);
    expect(r.stderr).toContain(`Fix: chown root:root ${file}`);
    expect(r.stderr).toContain(`Fix: chmod 700 ${path.join(root, 'state')}`);
  });
});

async function ldapConfigFileIn(dir: string, passwordFile: string, edit: (c: Record<string, any>) => void = () => {}): Promise<string> {
  return demoConfigIn(dir, (c) => {
    edit(c);
    c.directory = {
      type: 'ldap',
      url: 'ldaps://dc1.lockhart.test',
      bindDn: 'cn=svc',
      bindPasswordFile: passwordFile,
      userBase: 'ou=people,dc=x',
      groups: { student: 'cn=s', staff: 'cn=st', approvedTeacher: 'cn=t', substitute: 'cn=sub', administrator: 'cn=a' },
    };
  });
}

async function ldapConfigIn(dir: string, passwordFile: string) {
  const setup = await loadSetup(await ldapConfigFileIn(dir, passwordFile));
  if (!setup.ok) throw new Error(`the test config has problems: ${JSON.stringify(setup.problems)}`);
  return setup.config;
}
