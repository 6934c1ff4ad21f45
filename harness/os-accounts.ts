// Real, unprivileged OS accounts for the tests: a boundary between accounts is tested with accounts,
// not described. Root creates them (useradd), runs child processes under their uid and gid, and
// removes them: their processes killed and gone first, the account checked gone after. Accounts a
// killed run left behind are swept: they carry a marker with the creating process's pid in their
// GECOS field, so nothing else is ever removed, and nothing of a run still going (test files run
// in parallel).
import { execFile, spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { accessSync, constants, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { processAlive as alive } from '../electron/core/machine/os-hooks.ts';

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

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The uid's processes that still run (real or effective uid), from /proc; zombies are already dead. */
function liveProcessesOf(uid: number): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let status: string;
    try {
      status = readFileSync(`/proc/${entry}/status`, 'utf8');
    } catch {
      continue; // gone meanwhile
    }
    const ids = /^Uid:\s+(\d+)\s+(\d+)/m.exec(status);
    const state = /^State:\s+(\S)/m.exec(status)?.[1];
    if (ids && (Number(ids[1]) === uid || Number(ids[2]) === uid) && state !== 'Z' && state !== 'X') pids.push(Number(entry));
  }
  return pids;
}

const inPasswd = (name: string) =>
  readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .some((line) => line.startsWith(`${name}:`));

/**
 * Kills the account's processes and waits until none runs (so a later account given the same uid
 * inherits nothing), deletes it with its home, and checks it is gone: a leftover is an error.
 */
async function removeAccount(name: string, uid: number): Promise<void> {
  if (!Number.isInteger(uid) || uid <= 0) throw new Error(`test account ${name}: uid ${uid} is not one to kill processes of`);
  // SIGKILL is not refused: this limit (far above the milliseconds it takes) only catches a hang.
  const deadline = Date.now() + 60_000;
  for (;;) {
    // pkill exits 1 when nothing matched: that is fine.
    await run('pkill', ['-KILL', '-U', String(uid)]).catch(() => undefined);
    await run('pkill', ['-KILL', '-u', String(uid)]).catch(() => undefined);
    const left = liveProcessesOf(uid);
    if (left.length === 0) break;
    if (Date.now() > deadline) throw new Error(`test account ${name}: processes ${left.join(', ')} still run after SIGKILL`);
    await pause(20);
  }
  let why = '';
  for (let i = 0; i < 5 && inPasswd(name); i++) {
    // -f: a zombie of the account (not yet reaped) must not keep it.
    await run('userdel', ['-r', '-f', name]).catch((error: Error) => (why = error.message.trim()));
    if (inPasswd(name)) await pause(50);
  }
  if (inPasswd(name)) throw new Error(`test account ${name} could not be removed: ${why || 'userdel left it in /etc/passwd'}`);
}

/** Accounts a killed earlier run left: ours by marker, made by a process that is gone. */
async function sweep(): Promise<void> {
  const lines = readFileSync('/etc/passwd', 'utf8').split('\n');
  for (const line of lines) {
    const [name, , uid, , gecos] = line.split(':');
    const m = gecos ? new RegExp(`^${MARKER} pid (\\d+)$`).exec(gecos) : null;
    // A leftover that cannot be removed now is no reason to refuse new accounts: the next run tries again.
    if (name && m && !alive(Number(m[1]))) await removeAccount(name, Number(uid)).catch(() => undefined);
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
    for (const a of accounts) await removeAccount(a.name, a.uid).catch(() => undefined);
    await rm(homes, { recursive: true, force: true });
    throw error;
  }
  return {
    accounts,
    async remove() {
      const failed: string[] = [];
      for (const a of accounts) await removeAccount(a.name, a.uid).catch((error: Error) => failed.push(error.message));
      await rm(homes, { recursive: true, force: true });
      if (failed.length > 0) throw new Error(failed.join('; '));
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

/**
 * spawn() as that account: its uid and gid, no supplementary groups (libuv calls setgroups(0) before
 * setgid/setuid), its own environment. The repo and node_modules are world-readable (755/644), so
 * `node --import tsx script.ts` runs as the account from the repo root.
 */
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
