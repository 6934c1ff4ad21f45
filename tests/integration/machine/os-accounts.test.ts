// The harness's real accounts are what the boundary tests stand on: prove they are real.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chmod, chown, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { canCreateAccounts, createTestAccounts, runAs, type TestAccount } from '../../../harness/os-accounts.ts';

describe.skipIf(!canCreateAccounts)('test accounts (root on Linux)', () => {
  let accounts: TestAccount[];
  let remove: () => Promise<void>;
  beforeAll(async () => {
    ({ accounts, remove } = await createTestAccounts(2));
  });
  afterAll(async () => {
    await remove?.();
  });

  it('two accounts, two uids; a process spawned as one runs with its uid, and its own groups only', async () => {
    const [a, b] = accounts as [TestAccount, TestAccount];
    expect(a.uid).not.toBe(b.uid);
    expect(a.uid).not.toBe(0);
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

  it('remove() leaves no account behind', async () => {
    const extra = await createTestAccounts(1, 'auptgone');
    const name = extra.accounts[0]!.name;
    expect(readFileSync('/etc/passwd', 'utf8')).toContain(`${name}:`);
    await extra.remove();
    expect(readFileSync('/etc/passwd', 'utf8')).not.toContain(`${name}:`);
  });
});
