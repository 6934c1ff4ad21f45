// The harness's real accounts are what the boundary tests stand on: prove they are real, that a
// child really runs as one (TypeScript from the repo included), and that nothing is left after them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chmod, chown, writeFile } from 'node:fs/promises';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { canCreateAccounts, createTestAccounts, runAs, spawnAs, type TestAccount } from '../../../harness/os-accounts.ts';

const REPO = path.resolve(import.meta.dirname, '../../..');
const inPasswd = (name: string) =>
  readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .some((l) => l.startsWith(`${name}:`));

describe.skipIf(!canCreateAccounts)('test accounts (root on Linux)', () => {
  let accounts: TestAccount[];
  let remove: () => Promise<void>;
  beforeAll(async () => {
    ({ accounts, remove } = await createTestAccounts(2));
  });
  afterAll(async () => {
    await remove?.();
  });

  it('two accounts, two uids; a process spawned as one runs with its uid, and its own group only', async () => {
    const [a, b] = accounts as [TestAccount, TestAccount];
    expect(a.uid).not.toBe(b.uid);
    expect(a.uid).not.toBe(0);
    expect(a.name).toMatch(/^aupt1[0-9a-f]{4}$/);
    expect((await runAs(a, 'id', ['-u'])).stdout.trim()).toBe(String(a.uid));
    expect((await runAs(a, 'id', ['-G'])).stdout.trim()).toBe(String(a.gid));
  });

  it("one account cannot read the other's 0600 file", async () => {
    const [a, b] = accounts as [TestAccount, TestAccount];
    const file = path.join(b.home, 'secret.txt');
    await writeFile(file, 'only b');
    await chown(file, b.uid, b.gid);
    await chmod(file, 0o600);
    expect((await runAs(b, 'cat', [file])).stdout).toBe('only b');
    const r = await runAs(a, 'cat', [file]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/Permission denied/);
  });

  it("the child's environment is the account's own, with nothing of root's", async () => {
    const [a] = accounts as [TestAccount];
    const r = await runAs(a, 'env', [], { env: { AUP_EXTRA: 'yes' } });
    const env = Object.fromEntries(
      r.stdout
        .trim()
        .split('\n')
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
    );
    expect(Object.keys(env).sort()).toEqual(['AUP_EXTRA', 'HOME', 'LANG', 'LOGNAME', 'PATH', 'TMPDIR', 'USER']);
    expect(env).toMatchObject({ HOME: a.home, USER: a.name, LOGNAME: a.name, TMPDIR: a.home });
  });

  it('runs TypeScript from the repo as the account (node --import tsx), its cache in its own temp folder', async () => {
    const [a] = accounts as [TestAccount];
    const script = path.join(a.home, 'who.ts');
    const module = path.join(REPO, 'electron/core/machine/os-sessions.ts');
    await writeFile(
      script,
      `import { uidMinOf } from ${JSON.stringify(module)};\nconst uid: number = process.getuid!();\nconsole.log(uid, uidMinOf(''));\n`,
    );
    const r = await runAs(a, process.execPath, ['--import', 'tsx', script]);
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe(`${a.uid} 1000`);
    expect(existsSync(path.join(a.home, `tsx-${a.uid}`))).toBe(true);
  });

  it("remove() ends the account's processes and leaves no account and no home behind", async () => {
    const extra = await createTestAccounts(1, 'auptgone');
    const [gone] = extra.accounts as [TestAccount];
    expect(inPasswd(gone.name)).toBe(true);
    const child = spawnAs(gone, 'sleep', ['1000']);
    const ended = new Promise((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
    await extra.remove();
    expect(await ended).toBe('SIGKILL');
    expect(inPasswd(gone.name)).toBe(false);
    expect(readFileSync('/etc/group', 'utf8')).not.toMatch(new RegExp(`^${gone.name}:`, 'm'));
    expect(existsSync(gone.home)).toBe(false);
  });
});
