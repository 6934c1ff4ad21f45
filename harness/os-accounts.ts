// Real, unprivileged OS accounts for the tests: a boundary between accounts is tested with accounts,
// not described. Root creates them (useradd), runs child processes under their uid and gid, and
// removes them (their processes killed first). Accounts a killed run left behind are swept: they
// carry a marker with the creating process's pid in their GECOS field, so nothing else is ever
// removed, and nothing of a run still going (test files run in parallel).
import { execFile, spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { accessSync, constants, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const REPO = path.resolve(import.meta.dirname, '..');
const MARKER = 'aup-kiosk test account';

export interface TestAccount {
  name: string;
  uid: number;
  gid: number;
  home: string;
}

/** Root on Linux with useradd: tests that need accounts skip with this reason otherwise. */
export const canCreateAccounts: boolean =
  process.platform === 'linux' && process.getuid?.() === 0 && ['/usr/sbin/useradd', '/sbin/useradd'].some((f) => exists(f));

function exists(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

async function kill(name: string): Promise<void> {
  // pkill exits 1 when nothing matched: that is fine.
  await run('pkill', ['-KILL', '-u', name]).catch(() => undefined);
}

async function removeAccount(name: string): Promise<void> {
  await kill(name);
  for (let i = 0; i < 20; i++) {
    try {
      await run('userdel', ['-r', '-f', name]);
      return;
    } catch (error) {
      // userdel refuses while a process of the account is still exiting (exit 8): wait for it.
      if (!/currently used|exit code 8/.test(String((error as Error).message)) && i > 2) break;
      await kill(name);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  await run('userdel', ['-f', name]).catch(() => undefined);
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** Accounts a killed earlier run left: ours by marker, made by a process that is gone. */
async function sweep(): Promise<void> {
  const lines = readFileSync('/etc/passwd', 'utf8').split('\n');
  for (const line of lines) {
    const [name, , , , gecos] = line.split(':');
    const m = gecos ? new RegExp(`^${MARKER} pid (\\d+)$`).exec(gecos) : null;
    if (name && m && !alive(Number(m[1]))) await removeAccount(name);
  }
}

/**
 * Creates `count` real, unprivileged accounts (own group, a home in a temp folder, shell /bin/sh),
 * named `${prefix}${n}${random}` (at most 31 characters, lower case).
 */
export async function createTestAccounts(count: number, prefix = 'aupt'): Promise<{ accounts: TestAccount[]; remove(): Promise<void> }> {
  if (!canCreateAccounts) throw new Error('creating test accounts needs root on Linux with useradd');
  await sweep();
  const homes = await mkdtemp(path.join(os.tmpdir(), 'aup-accounts-'));
  await chmod(homes, 0o755);
  const accounts: TestAccount[] = [];
  try {
    for (let n = 1; n <= count; n++) {
      const name = `${prefix}${n}${randomBytes(2).toString('hex')}`.toLowerCase().slice(0, 31);
      const home = path.join(homes, name);
      await run('useradd', [
        '--create-home',
        '--home-dir',
        home,
        '--shell',
        '/bin/sh',
        '--user-group',
        '--comment',
        `${MARKER} pid ${process.pid}`,
        name,
      ]);
      const uid = Number((await run('id', ['-u', name])).stdout.trim());
      const gid = Number((await run('id', ['-g', name])).stdout.trim());
      accounts.push({ name, uid, gid, home });
    }
  } catch (error) {
    for (const a of accounts) await removeAccount(a.name);
    await rm(homes, { recursive: true, force: true });
    throw error;
  }
  return {
    accounts,
    async remove() {
      for (const a of accounts) await removeAccount(a.name);
      await rm(homes, { recursive: true, force: true });
    },
  };
}

/** The account's own, minimal environment: nothing of root's leaks into the child. */
function accountEnv(account: TestAccount, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    HOME: account.home,
    USER: account.name,
    LOGNAME: account.name,
    PATH: `${path.dirname(process.execPath)}:/usr/local/bin:/usr/bin:/bin`,
    // tsx keeps its cache in the temp folder: the account's own, not root's.
    TMPDIR: account.home,
    LANG: 'C.UTF-8',
    ...extra,
  };
}

/** spawn() as that account: its uid and gid, no supplementary groups, its own environment. */
export function spawnAs(
  account: TestAccount,
  command: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string; stdio?: StdioOptions } = {},
): ChildProcess {
  return spawn(command, args, {
    uid: account.uid,
    gid: account.gid,
    cwd: options.cwd ?? REPO,
    env: accountEnv(account, options.env),
    stdio: options.stdio ?? 'pipe',
  });
}

/** Runs a command as that account to completion. */
export function runAs(
  account: TestAccount,
  command: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; input?: string } = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawnAs(account, command, args, { ...(options.env ? { env: options.env } : {}), stdio: 'pipe' });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    // The command may exit before it reads its input.
    child.stdin!.on('error', () => undefined);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin!.end(options.input ?? '');
  });
}
