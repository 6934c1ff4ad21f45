// The capability files of the local channel: how the service learns, from the OS, which account is
// on the other end of a socket. As DBUS_COOKIE_SHA1 does, the service writes a fresh random token
// where only the claimed account can read it, and the client proves it read it. Unlike the D-Bus
// keyring (CVE-2019-12749), the folder is never one the user controls: `<sessionsRoot>/<account>/`
// sits in a root-owned folder no user can write, so the account cannot put a symlink in its place,
// and inside it (the account owns it) the token file is created O_CREAT|O_EXCL|O_NOFOLLOW: an entry
// planted there is never opened, followed or written through.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { lstat, mkdir, open, readFile, readdir, realpath, rename, rm, unlink } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { serviceFolders, type SystemValues } from './folders.ts';

const run = promisify(execFile);

/** An OS account name as the channel accepts it: a path segment that is never `.`, `..`, an option or a uid. */
// An apostrophe is allowed (o'brien, as the roster allows it): names reach commands as execFile
// arguments, never through a shell.
export const ACCOUNT_NAME = /^[A-Za-z_][A-Za-z0-9_.@'-]{0,63}$/;
/** Windows: `user` or `DOMAIN\user` (sAMAccountName rules, narrowed). */
export const WINDOWS_ACCOUNT_NAME = /^(?:[A-Za-z0-9._-]{1,15}\\)?[A-Za-z0-9._'-]{1,20}$/;

/** Who an account is, as the system says (passwd via NSS), never as a client says. */
export interface AccountIdentity {
  name: string;
  /** -1 on Windows, where the folder's ACL names the account instead. */
  uid: number;
  gid: number;
}

export const TOKEN_FILE = /^[0-9a-f]{32}\.token$/;

/**
 * Where the service listens and keeps the token folders (the run folder of folders.ts, the one place
 * that says): Linux /run/aup-kiosk, macOS /private/var/run/aup-kiosk, Windows the pipe `aup-kiosk` and
 * `%ProgramData%\AUP Kiosk\sessions` — `system.programData` from the registry, never the user's environment.
 */
export function defaultChannelPaths(platform: NodeJS.Platform, system: SystemValues = {}): { socketPath: string; sessionsRoot: string } {
  const { run } = serviceFolders(platform, system);
  return { socketPath: run.socket, sessionsRoot: run.sessions };
}

/** A passwd line (`name:x:uid:gid:...`) for exactly `name`, or null. */
export function parsePasswdLine(line: string, name: string): AccountIdentity | null {
  const fields = line.trim().split(':');
  if (fields.length < 4 || fields[0] !== name) return null;
  const uid = Number(fields[2]);
  const gid = Number(fields[3]);
  return Number.isSafeInteger(uid) && uid >= 0 && Number.isSafeInteger(gid) && gid >= 0 ? { name, uid, gid } : null;
}

/**
 * The account's uid and gid from the system's own database: /etc/passwd (root-owned; read in well
 * under a millisecond, where a `getent` process costs about 4 ms of every handshake), then NSS
 * (`/usr/bin/getent passwd` on Linux, `/usr/bin/id -P` on macOS), so directory accounts (sssd, AD)
 * resolve too. Null when unknown.
 */
export async function resolveSystemAccount(name: string, platform: NodeJS.Platform = process.platform): Promise<AccountIdentity | null> {
  if (platform === 'win32') return WINDOWS_ACCOUNT_NAME.test(name) ? { name, uid: -1, gid: -1 } : null;
  if (!ACCOUNT_NAME.test(name)) return null;
  if (platform === 'linux') {
    const passwd = await readFile('/etc/passwd', 'utf8').catch(() => '');
    const line = passwd.split('\n').find((l) => l.startsWith(`${name}:`));
    const local = line === undefined ? null : parsePasswdLine(line, name);
    if (local) return local;
  }
  try {
    // By absolute path, never found on a PATH: a program of the same name earlier on it would say who anyone is.
    const { stdout } = platform === 'darwin' ? await run('/usr/bin/id', ['-P', name]) : await run('/usr/bin/getent', ['passwd', name]);
    return parsePasswdLine(stdout.split('\n')[0] ?? '', name);
  } catch {
    return null; // getent exits 2 for an unknown name
  }
}

/**
 * Why `dir` is not a safe home for the service's socket or token folders, or null: it and every
 * folder above it must be owned by root (or the service) and writable by no one else, unless sticky
 * (as /tmp is) — otherwise a user could move it away and put their own in its place.
 */
export async function unsafeServiceFolder(dir: string): Promise<string | null> {
  const own = process.getuid?.() ?? 0;
  let st;
  try {
    st = await lstat(dir);
  } catch (error) {
    return `${dir}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`;
  }
  if (st.isSymbolicLink() || !st.isDirectory()) return `${dir} must be a folder, not a link`;
  if (st.uid !== own) return `${dir} must be owned by the service's account (uid ${own}), not uid ${st.uid}`;
  if ((st.mode & 0o022) !== 0) return `${dir} must not be writable by group or others (chmod 755)`;
  for (let up = path.dirname(await realpath(dir)); ; up = path.dirname(up)) {
    const s = await lstat(up);
    if (s.uid !== 0 && s.uid !== own) return `${up} (above ${dir}) is owned by uid ${s.uid}: only root may own the folders above`;
    if ((s.mode & 0o022) !== 0 && (s.mode & 0o1000) === 0) return `${up} (above ${dir}) is writable by others without the sticky bit`;
    if (up === path.dirname(up)) return null;
  }
}

/**
 * The folder `<sessionsRoot>/<account>/`, made right: a real folder (never a link followed) owned by
 * the account, mode 0700. Anything else found there is put aside and replaced. Only root writes
 * `sessionsRoot`, so what is found there came from an earlier service run or an administrator.
 */
export function accountFolder(sessionsRoot: string, account: AccountIdentity): Promise<string> {
  // One at a time per folder: handshakes of one account at once would otherwise see each other's
  // folder half made (root's, before its chown) and put it aside as stale.
  const dir = path.join(sessionsRoot, account.name);
  const turn = (folderTurns.get(dir) ?? Promise.resolve()).then(() => makeAccountFolder(dir, sessionsRoot, account));
  const settled = turn.then(
    () => undefined,
    () => undefined,
  );
  folderTurns.set(dir, settled);
  void settled.then(() => folderTurns.get(dir) === settled && folderTurns.delete(dir));
  return turn;
}

const folderTurns = new Map<string, Promise<void>>();

async function makeAccountFolder(dir: string, sessionsRoot: string, account: AccountIdentity): Promise<string> {
  let st = await lstat(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return null;
    throw error;
  });
  if (st && !st.isDirectory()) {
    await unlink(dir); // a link or a file: unlink removes the entry, never what a link points to
    st = null;
  } else if (st && st.uid !== account.uid) {
    // Left by an account of the same name and another uid: out of the way first, then removed.
    const aside = path.join(sessionsRoot, `.stale-${randomBytes(8).toString('hex')}`);
    await rename(dir, aside);
    await rm(aside, { recursive: true, force: true });
    st = null;
  }
  // Several handshakes of one account at once all find it missing: the first makes it, the others
  // go on with it (EEXIST), and what they then open is checked like any folder found there.
  if (!st)
    await mkdir(dir, { mode: 0o700 }).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw error;
    });
  const handle = await open(dir, constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW);
  try {
    const s = await handle.stat();
    if (!s.isDirectory()) throw new Error(`${dir} is not a folder`);
    if (s.uid !== account.uid || s.gid !== account.gid) await handle.chown(account.uid, account.gid);
    // The account owns the folder and may have opened it up; it is closed again on every use.
    if ((s.mode & 0o7777) !== 0o700) await handle.chmod(0o700);
  } finally {
    await handle.close();
  }
  return dir;
}

export interface IssuedToken {
  file: string;
  /** 32 random bytes; the file holds them as hex. */
  token: Buffer;
  /** Deletes the file (a link put in its place is removed, never followed). */
  revoke(): Promise<void>;
}

/**
 * Writes a fresh token for `account` into its folder: a new file (`name`, random by default) that
 * did not exist, created without following a link, 0600, owned by the account.
 */
export async function issueToken(
  sessionsRoot: string,
  account: AccountIdentity,
  name = `${randomBytes(16).toString('hex')}.token`,
): Promise<IssuedToken> {
  if (path.basename(name) !== name || name === '.' || name === '..') throw new Error(`bad token file name ${name}`);
  const token = randomBytes(32);
  if (process.platform === 'win32') return issueWindowsToken(sessionsRoot, account, name, token);
  const dir = await accountFolder(sessionsRoot, account);
  const file = path.join(dir, name);
  const handle = await open(file, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
  const revoke = () => unlink(file).catch(() => undefined);
  try {
    await handle.chmod(0o600);
    await handle.chown(account.uid, account.gid);
    await handle.writeFile(token.toString('hex'));
  } catch (error) {
    await handle.close();
    await revoke();
    throw error;
  }
  await handle.close();
  return { file, token, revoke };
}

/** Removes the token files a stopped service left behind (tokens are only good for the run that wrote them). */
export async function sweepTokens(sessionsRoot: string): Promise<number> {
  let removed = 0;
  for (const entry of await readdir(sessionsRoot, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const dir = path.join(sessionsRoot, entry.name);
    for (const name of await readdir(dir).catch(() => [] as string[])) {
      if (!TOKEN_FILE.test(name)) continue;
      await unlink(path.join(dir, name)).then(
        () => removed++,
        () => undefined,
      );
    }
  }
  return removed;
}

export interface PlanStep {
  command: string;
  args: string[];
}

/** The account's folder name on Windows (`DOMAIN\user` → `DOMAIN+user`). */
export const windowsFolderName = (account: string): string => account.replace('\\', '+');

/**
 * The Windows token folder `%ProgramData%\AUP Kiosk\sessions\<account>` and the icacls steps that
 * leave it readable by that account alone (and SYSTEM, the service): inherited entries removed
 * (ProgramData lets Users read), no write for the account, so it can plant nothing there.
 */
export function windowsSessionFolderPlan(sessionsRoot: string, account: string): { folder: string; steps: PlanStep[] } {
  if (!WINDOWS_ACCOUNT_NAME.test(account)) throw new Error(`not a Windows account name: ${account}`);
  const folder = path.win32.join(sessionsRoot, windowsFolderName(account));
  return {
    folder,
    steps: [
      { command: 'icacls', args: [folder, '/setowner', '*S-1-5-18'] },
      { command: 'icacls', args: [folder, '/inheritance:r', '/grant:r', '*S-1-5-18:(OI)(CI)F', `${account}:(OI)(CI)R`] },
    ],
  };
}

/** Untested here (no Windows): the plan above, run by the service as SYSTEM, then an exclusive create. */
async function issueWindowsToken(sessionsRoot: string, account: AccountIdentity, name: string, token: Buffer): Promise<IssuedToken> {
  const plan = windowsSessionFolderPlan(sessionsRoot, account.name);
  await mkdir(plan.folder).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'EEXIST') throw error;
  });
  for (const step of plan.steps) await run(step.command, step.args, { windowsHide: true });
  const file = path.win32.join(plan.folder, name);
  const handle = await open(file, 'wx');
  try {
    await handle.writeFile(token.toString('hex'));
  } finally {
    await handle.close();
  }
  return { file, token, revoke: () => unlink(file).catch(() => undefined) };
}
