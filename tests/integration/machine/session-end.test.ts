// Ending a session on Linux for real: a test account's processes end (those it started in sessions of
// their own too), another account's do not; and while an account has a process, the service sees it
// signed in. This container has no logind, so what runs here is the fallback: loginctl fails, pkill
// ends the processes, and ps is what lists the signed-in accounts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';
import { canCreateAccounts, createTestAccounts, spawnAs, type TestAccount } from '../../../harness/os-accounts.ts';
import { endSession, sessionEndPlan } from '../../../electron/core/machine/session-end.ts';
import { osSessionHooks, signedInNow } from '../../../electron/core/machine/os-hooks.ts';
import { MemoryLog } from '../../../electron/core/log.ts';
import { until as untilWithin } from '../../support/until.ts';

const exited = (child: ChildProcess) =>
  new Promise<NodeJS.Signals | number | null>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve(child.signalCode ?? child.exitCode);
    else child.once('exit', (code, signal) => resolve(signal ?? code));
  });

/**
 * The uid's live processes, from ps. Zombies are left out: a killed process stays one until its parent
 * reaps it, and here that parent is this container's init, which takes its time.
 */
async function liveOf(uid: number): Promise<number> {
  const r = await promisify(execFile)('/bin/ps', ['-U', String(uid), '-o', 'stat=']).catch((error: { code?: number }) => {
    if (error.code === 1) return { stdout: '' }; // none
    throw error;
  });
  return r.stdout.split('\n').filter((stat) => stat && !stat.startsWith('Z')).length;
}

const signedIn = async (name: string) => (await signedInNow('linux')).some((s) => s.account === name);

describe.skipIf(!canCreateAccounts || process.platform !== 'linux')('ending an OS session (Linux, real accounts)', () => {
  let accounts: TestAccount[];
  let remove: () => Promise<void>;
  beforeAll(async () => {
    ({ accounts, remove } = await createTestAccounts(2));
  });
  afterAll(async () => remove?.());

  it('an account with a process is signed in; once its processes end, it is not', async () => {
    const [student] = accounts as [TestAccount];
    expect(await signedIn(student.name)).toBe(false);
    const child = spawnAs(student, 'sleep', ['1000']);
    await until(() => signedIn(student.name), `${student.name} signed in`);
    const seen = (await signedInNow('linux')).find((s) => s.account === student.name);
    expect(seen).toEqual({ account: student.name, uid: student.uid, active: true });
    child.kill('SIGKILL');
    await exited(child);
    await until(async () => !(await signedIn(student.name)), `${student.name} signed out`);
  });

  it("the plan ends every process of the account, its detached ones too, and none of another's", async () => {
    const [student, other] = accounts as [TestAccount, TestAccount];
    // A process in a session of its own, outside the first one's group: what a student would try.
    const mine = spawnAs(student, '/bin/sh', ['-c', 'setsid sleep 1000 & exec sleep 1000']);
    const theirs = spawnAs(other, 'sleep', ['1000']);
    await until(async () => (await liveOf(student.uid)) === 2, "the student's two processes");
    await until(async () => (await liveOf(other.uid)) === 1, "the other account's process");

    const plan = sessionEndPlan('linux', { account: student.name, uid: student.uid });
    const result = await endSession(plan);

    // No logind here: loginctl fails and the fallback is what ended it (the ledger names it).
    expect(result).toEqual({ command: `/usr/bin/pkill -KILL -U ${student.uid}`, exitCode: 0, ended: true });
    expect(await exited(mine)).toBe('SIGKILL');
    await until(async () => (await liveOf(student.uid)) === 0, 'no process of the student left');
    expect(theirs.exitCode).toBeNull();
    expect(await liveOf(other.uid)).toBe(1);
    expect(await signedIn(other.name)).toBe(true);

    // Ending it again finds nothing left, which also counts as ended (pkill exits 1, or 0 while a
    // zombie of the first round is still there to match).
    expect(await endSession(plan)).toMatchObject({ ended: true });
    theirs.kill('SIGKILL');
    await exited(theirs);
  });

  it("the service's hooks: seen signed in, then ended by name", async () => {
    const [student, other] = accounts as [TestAccount, TestAccount];
    const mine = spawnAs(student, 'sleep', ['1000']);
    const theirs = spawnAs(other, 'sleep', ['1000']);
    const hooks = osSessionHooks('linux', new MemoryLog());
    await until(async () => {
      const now = await hooks.listSignedIn();
      return now.includes(student.name) && now.includes(other.name);
    }, 'both accounts signed in');
    const result = await hooks.endSession(student.name);
    expect(result).toMatchObject({ command: `/usr/bin/pkill -KILL -U ${student.uid}`, ended: true });
    expect(await exited(mine)).toBe('SIGKILL');
    expect(theirs.exitCode).toBeNull();
    theirs.kill('SIGKILL');
    await exited(theirs);
  });

  it('an account that does not exist has no plan, and nothing runs', async () => {
    const result = await osSessionHooks('linux', new MemoryLog()).endSession('no-such-account-here');
    expect(result).toEqual({ command: '(no plan: the account could not be resolved)', exitCode: null, ended: false });
  });
});

function until(test: () => Promise<boolean>, what: string): Promise<void> {
  return untilWithin(test, what);
}
