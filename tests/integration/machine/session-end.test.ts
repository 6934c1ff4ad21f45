// Ending a session on Linux for real: a test account's processes end, another account's do not; and
// while an account has a process, the service sees it signed in (this container has no logind, so
// the ps fallback is what runs here).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChildProcess } from 'node:child_process';
import { canCreateAccounts, createTestAccounts, spawnAs, type TestAccount } from '../../../harness/os-accounts.ts';
import { osSessionHooks, signedInNow } from '../../../electron/core/machine/os-hooks.ts';
import { MemoryLog } from '../../../electron/core/log.ts';

const exited = (child: ChildProcess) =>
  new Promise<NodeJS.Signals | number | null>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve(child.signalCode ?? child.exitCode);
    else child.once('exit', (code, signal) => resolve(signal ?? code));
  });

describe.skipIf(!canCreateAccounts || process.platform !== 'linux')('ending an OS session (Linux, real accounts)', () => {
  let accounts: TestAccount[];
  let remove: () => Promise<void>;
  beforeAll(async () => {
    ({ accounts, remove } = await createTestAccounts(2));
  });
  afterAll(async () => remove?.());

  it("ends every process of the account, and none of another's", async () => {
    const [student, other] = accounts as [TestAccount, TestAccount];
    const mine = spawnAs(student, 'sleep', ['1000']);
    const theirs = spawnAs(other, 'sleep', ['1000']);
    const hooks = osSessionHooks('linux', new MemoryLog());
    // wait until both are seen signed in
    for (let i = 0; i < 100; i++) {
      const now = await hooks.listSignedIn();
      if (now.includes(student.name) && now.includes(other.name)) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(await hooks.listSignedIn()).toEqual(expect.arrayContaining([student.name, other.name]));
    const result = await hooks.endSession(student.name);
    expect(result.ended).toBe(true);
    expect(result.command).toMatch(new RegExp(`(loginctl terminate-user|pkill -KILL -U) ${student.uid}$`));
    expect(await exited(mine)).toBe('SIGKILL');
    expect(theirs.exitCode).toBeNull();
    expect((await signedInNow('linux')).map((s) => s.account)).not.toContain(student.name);
    theirs.kill('SIGKILL');
    await exited(theirs);
  });

  it('an account that does not exist has no plan, and nothing runs', async () => {
    const result = await osSessionHooks('linux', new MemoryLog()).endSession('no-such-account-here');
    expect(result).toEqual({ command: '(no plan: the account could not be resolved)', exitCode: null, ended: false });
  });
});
