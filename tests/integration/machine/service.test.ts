// The machine service for real: `aup service run` as root on a temp root-owned tree, its screens as
// real processes under real test accounts over the local channel, and the attacks of issue 10 tried
// as a student would. Each test says which line of the issue it holds.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { chmod, copyFile, mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { canCreateAccounts, createTestAccounts, runAs, spawnAs, type TestAccount } from '../../../harness/os-accounts.ts';
import { Child } from '../../support/child.ts';
import { REPO } from '../../support/fixtures.ts';
import { call, machineTree, ready, screenOf, startService as startServiceOn, toTheLock, waitView, type MachineTree } from '../../support/machine.ts';

const AUP = path.join(REPO, 'bin/aup.mjs');

let tree: MachineTree;
let accounts: TestAccount[];
let removeAccounts: () => Promise<void>;
const children: Child[] = [];
const sleepers: ChildProcess[] = [];

const etc = () => tree.etc;
const data = () => tree.data;

async function machine(): Promise<void> {
  tree = await machineTree(accounts);
}

const startService = () => startServiceOn(tree, children);
const screen = (account: TestAccount) => screenOf(tree, children, account);

/** A process standing for the account's signed-in session. */
function signIn(account: TestAccount): ChildProcess {
  const p = spawnAs(account, 'sleep', ['1000']);
  sleepers.push(p);
  return p;
}

const gone = (p: ChildProcess) => p.exitCode !== null || p.signalCode !== null;

async function ledgerText(): Promise<string> {
  const dir = path.join(data(), 'ledger');
  const files = (await readdir(dir)).filter((f) => f.endsWith('.jsonl'));
  return (await Promise.all(files.map((f) => readFile(path.join(dir, f), 'utf8')))).join('');
}

describe.skipIf(!canCreateAccounts || process.platform !== 'linux')('the machine service (root, real accounts)', () => {
  beforeAll(async () => {
    ({ accounts, remove: removeAccounts } = await createTestAccounts(3, 'auptsvc'));
  });
  afterEach(async () => {
    for (const c of children.splice(0)) await c.kill().catch(() => undefined);
    for (const p of sleepers.splice(0)) if (!gone(p)) p.kill('SIGKILL');
    await rm(tree.root, { recursive: true, force: true });
  });
  afterAll(async () => removeAccounts?.());

  it('the attack of "Why": the student can neither read nor write the lock state, the ledger or the roster, and a forged grant outside the service changes nothing', async () => {
    await machine();
    await ready(startService());
    const [student] = accounts as [TestAccount];
    const s = screen(student);
    await toTheLock(s, 'Test Student 1');
    const stateFile = path.join(data(), 'state/kiosk-state.json');
    // The forged grant of the review, written where the student's own kiosk used to keep its state:
    const forged = {
      grants: { anything: { user: student.name, kind: 'teacher', by: 'ms.garcia', since: '2026-01-01T00:00:00Z', until: '2099-01-01T00:00:00Z' } },
    };
    for (const [what, file] of [
      ['the lock state', stateFile],
      ['the ledger', path.join(data(), 'ledger')],
      ['the roster (PIN hashes)', path.join(etc(), 'roster.json')],
    ] as const) {
      const read = await runAs(student, 'cat', [file]);
      expect(read.code, what).not.toBe(0);
      expect(read.stderr, what).toMatch(/Permission denied/);
    }
    const write = await runAs(student, 'sh', ['-c', `echo '${JSON.stringify(forged)}' > '${stateFile}'`]);
    expect(write.stderr).toMatch(/Permission denied/);
    const replace = await runAs(student, 'sh', ['-c', `cp /dev/null /tmp/x.$$ && mv -f /tmp/x.$$ '${stateFile}'`]);
    expect(replace.code).not.toBe(0);
    // Root writes the forged grant into a copy of the state outside the service's folder: nothing changes.
    const elsewhere = path.join(student.home, 'state');
    await mkdir(elsewhere, { recursive: true });
    await writeFile(path.join(elsewhere, 'kiosk-state.json'), JSON.stringify(forged));
    expect(await call(s, 'getView')).toMatchObject({ kind: 'locked' });
    // And the student cannot run a service of their own with their own config.
    const own = await runAs(student, process.execPath, [AUP, 'service', 'run', '--root', student.home]);
    expect(own.code).toBe(2);
    expect(own.stderr).toContain('runs as root');
  });

  it('a screen killed while its student session is locked: the session is ended and the ledger says so; killed while unlocked: nothing ends', async () => {
    await machine();
    const service = await ready(startService());
    const [locked, unlocked] = accounts as [TestAccount, TestAccount];
    const session1 = signIn(locked);
    const session2 = signIn(unlocked);
    const s1 = screen(locked);
    const s2 = screen(unlocked);
    await toTheLock(s1, 'Test Student 1');
    await toTheLock(s2, 'Test Student 2');
    expect(await call(s2, 'teacherUnlock', { username: 'ms.garcia', secret: '2468' })).toEqual({ ok: true });
    await waitView(s2, 'unlocked');

    await s2.kill();
    await service.waitForLog((l) => l.includes('it is open, so it is left alone') && l.includes(unlocked.name), 'the unlocked session left alone');
    expect(gone(session2)).toBe(false);

    await s1.kill();
    await service.waitForLog(
      (l) => l.includes('ended a locked session without kiosk screens') && l.includes(locked.name),
      'the locked session ended',
    );
    await new Promise<void>((resolve) => (gone(session1) ? resolve() : session1.once('exit', () => resolve())));
    expect(gone(session2)).toBe(false);
    const text = await ledgerText();
    expect(text).toMatch(new RegExp(`"type":"session-ended".*"user":"${locked.name}".*"why":"screen-gone".*"showing":"locked"`));
    expect(text).not.toMatch(new RegExp(`"type":"session-ended"[^\\n]*"user":"${unlocked.name}"`));
  });

  it('a session whose screens never come (the autostart entry hidden) is ended after the grace', async () => {
    await machine();
    const service = await ready(startService());
    const [, , hidden] = accounts as [TestAccount, TestAccount, TestAccount];
    const session = signIn(hidden);
    await service.waitForLog((l) => l.includes('ended a locked session without kiosk screens') && l.includes(hidden.name), 'the session ended');
    await new Promise<void>((resolve) => (gone(session) ? resolve() : session.once('exit', () => resolve())));
    expect(await ledgerText()).toMatch(new RegExp(`"type":"session-ended".*"user":"${hidden.name}".*"why":"no-screen"`));
  });

  it('the service killed with SIGKILL and started again: the unlock, the lock and the lockout are as they were; the screens come back by themselves', async () => {
    await machine();
    const service = await ready(startService());
    const [a, b] = accounts as [TestAccount, TestAccount];
    const sa = screen(a);
    const sb = screen(b);
    await toTheLock(sa, 'Test Student 1');
    await toTheLock(sb, 'Test Student 2');
    expect(await call(sa, 'teacherUnlock', { username: 'mr.lee', secret: '1357' })).toEqual({ ok: true });
    for (let i = 0; i < 5; i++) await call(sb, 'teacherUnlock', { username: 'ms.garcia', secret: '0000' });
    expect(await call(sb, 'teacherUnlock', { username: 'ms.garcia', secret: '2468' })).toMatchObject({ ok: false, reason: 'rate-limited' });

    await service.kill();
    await waitView(sa, 'service-unavailable', 'the "service not running" screen');
    await waitView(sb, 'service-unavailable', 'the "service not running" screen');
    expect(await call(sb, 'teacherUnlock', { username: 'mr.lee', secret: '1357' })).toMatchObject({ ok: false, reason: 'not-now' });

    await ready(startService());
    await waitView(sa, 'unlocked', 'the unlock, back');
    await waitView(sb, 'locked', 'the lock, back');
    expect(await call(sb, 'teacherUnlock', { username: 'ms.garcia', secret: '2468' })).toMatchObject({ ok: false, reason: 'rate-limited' });
  });

  it('a folder with the wrong permissions is a config error: the service opens nothing and says what to fix', async () => {
    await machine();
    await mkdir(path.join(data(), 'state'), { recursive: true, mode: 0o700 });
    await chmod(path.join(data(), 'state'), 0o777);
    await ready(startService());
    const [student] = accounts as [TestAccount];
    const s = screen(student);
    await waitView(s, 'config-error');
    const view = (await call(s, 'getView')) as { problems: { path: string; message: string }[] };
    expect(view.problems.map((p) => p.message).join('\n')).toMatch(/chmod 700/);
    expect(await call(s, 'teacherUnlock', { username: 'ms.garcia', secret: '2468' })).toMatchObject({ ok: false });
    const status = await new Promise<{ code: number | null; out: string }>((resolve) => {
      const c = new Child(AUP, ['service', 'status', '--root', tree.root, '--json'], { NODE_OPTIONS: '' });
      children.push(c);
      void c.exited.then((code) => resolve({ code, out: c.lines.join('\n') }));
    });
    expect(status.code).toBe(1);
    expect(JSON.parse(status.out)).toMatchObject({ running: true });
  });

  it('a copy of the config given by hand is not read: the service reads only the machine location', async () => {
    await machine();
    await copyFile(path.join(etc(), 'config.json'), path.join(tree.root, 'mine.json'));
    const service = startService();
    await ready(service);
    expect(service.stderr).not.toContain('mine.json');
  });
});
