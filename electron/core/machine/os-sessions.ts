// Who is signed in, as the OS says: the service compares it with the screens connected, so a session
// whose kiosk never came (an autostart entry hidden, a LaunchAgent booted out) is seen. Plans and
// pure parsers, one per OS:
//   Linux    loginctl list-sessions --no-legend. Where logind is not running (no systemd: containers,
//            minimal images) the processes of human accounts (uid ≥ UID_MIN) stand for sessions, not
//            `who`: utmp is written only by programs that choose to (login, sshd, some display
//            managers), so a session that never wrote it would pass unseen; and there the session is
//            ended by killing the account's processes (session-end.ts), so "signed in" means the same
//            thing as what ending it removes.
//   macOS    who: the console lines are the graphical sessions.
//   Windows  query session (System32's, by the system root), in whatever display language: no header
//            word is read; each row is told apart by its shape (session name, user, id, state).
// Absolute paths throughout: a root service never looks a program up on a PATH.
import type { ToolCommand } from './folders.ts';

export interface SignedIn {
  account: string;
  uid?: number;
  /** loginctl's session, or Windows's session id (what `logoff` takes). */
  sessionId?: string;
  /** In use now: not closing, not disconnected, not a background login of the same user. */
  active: boolean;
}

const DEFAULT_SYSTEM_ROOT = 'C:\\Windows';

/**
 * A program in Windows's System32. `systemRoot` is the registry's SystemRoot as the service read it;
 * anything not a plain folder on a drive falls back to C:\Windows (never a user's %SystemRoot%).
 */
export function windowsSystem32(program: string, system: { systemRoot?: string } = {}): string {
  const root = system.systemRoot && /^[A-Za-z]:\\[^%"<>|?*\r\n]*$/.test(system.systemRoot) ? system.systemRoot : DEFAULT_SYSTEM_ROOT;
  return `${root.replace(/\\+$/, '')}\\System32\\${program}`;
}

/** What to run, in order: the first that answers is parsed with the parser for its tool. */
export function signedInPlan(platform: 'linux' | 'darwin' | 'win32', system: { systemRoot?: string } = {}): ToolCommand[] {
  if (platform === 'win32') return [{ command: windowsSystem32('query.exe', system), args: ['session'] }];
  if (platform === 'darwin') return [{ command: '/usr/bin/who', args: [] }];
  return [
    { command: '/usr/bin/loginctl', args: ['list-sessions', '--no-legend'] },
    { command: '/bin/ps', args: ['-e', '-o', 'uid=', '-o', 'stat=', '-o', 'user:64='] },
  ];
}

/** The plans with Windows at C:\Windows; signedInPlan takes the registry's root where it has been read. */
export const LIST_PLAN: Record<'linux' | 'darwin' | 'win32', ToolCommand[]> = {
  linux: signedInPlan('linux'),
  darwin: signedInPlan('darwin'),
  win32: signedInPlan('win32'),
};

// logind's session classes that are not a person at a screen (systemd 256 lists them): the per-user
// service manager, background logins (cron), the display manager's greeter, its lock screen.
const NOT_A_SIGN_IN = /^(manager|manager-early|background|background-light|greeter|lock-screen)$/;
const LOGIND_STATE = /^(active|online|closing|opening)$/;

/**
 * `loginctl list-sessions --no-legend`, in each column layout logind has had:
 *   ≤ 253  SESSION UID USER SEAT TTY
 *   254-5  SESSION UID USER SEAT TTY STATE IDLE SINCE
 *   ≥ 256  SESSION UID USER SEAT LEADER CLASS TTY IDLE SINCE
 * Only the first three are read by position; the class and state are recognised by their words.
 */
export function parseLoginctl(stdout: string): SignedIn[] {
  const out: SignedIn[] = [];
  for (const line of stdout.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 3 || !/^\d+$/.test(f[1]!)) continue;
    const rest = f.slice(3);
    if (rest.some((w) => NOT_A_SIGN_IN.test(w))) continue;
    // "online": signed in but another session has the seat (fast user switching).
    const state = rest.find((w) => LOGIND_STATE.test(w));
    out.push({ account: f[2]!, uid: Number(f[1]), sessionId: f[0]!, active: state === undefined || state === 'active' });
  }
  return out;
}

/**
 * `ps -e -o uid= -o stat= -o user:64=`: the human accounts with a live process, one each. A zombie
 * (stat Z: killed, not yet reaped by its parent) is not someone signed in.
 */
export function parsePs(stdout: string, uidMin = 1000): SignedIn[] {
  const seen = new Map<string, SignedIn>();
  for (const line of stdout.split('\n')) {
    const m = /^\s*(\d+)\s+(\S+)\s+(\S+)\s*$/.exec(line);
    if (!m || m[2]!.startsWith('Z')) continue;
    const uid = Number(m[1]);
    if (uid < uidMin || uid === 65534) continue; // system accounts and nobody
    seen.set(m[3]!, { account: m[3]!, uid, active: true });
  }
  return [...seen.values()];
}

/** `who`: "alice    console  Nov 28 08:00"; the console line is the signed-in graphical user. */
export function parseWho(stdout: string): SignedIn[] {
  const seen = new Map<string, SignedIn>();
  for (const line of stdout.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length >= 2 && f[1] === 'console') seen.set(f[0]!, { account: f[0]!, active: true });
  }
  return [...seen.values()];
}

// "Active" in the display languages a district is likely to run; every other state (Disc, Conn,
// Listen, Desc, Getr., Déco…) is a session nobody is at.
const WINDOWS_ACTIVE = /^(active|activo|activa|aktiv|actif|ativo|attivo|actief)$/i;

/**
 * `query session`:
 *   " SESSIONNAME       USERNAME                 ID  STATE   TYPE        DEVICE"
 *   ">console           alice                     1  Active"
 *   " rdp-tcp#0         bob                       2  Active"
 *   "                   carol                     3  Disc"
 *   " services                                    0  Disc"
 * The first column is '>' for the caller's own session. The header is translated, its titles can
 * hold spaces ("NOMBRE DE USUARIO") and the console may print it in another code page, so it is not
 * read: a session name (never blank inside) starts right after the marker, the user (which may be all
 * digits, as student ids are, or hold a space) runs up to the number before the state word.
 */
export function parseQuerySession(stdout: string): SignedIn[] {
  const out: SignedIn[] = [];
  const lines = stdout.split(/\r?\n/).filter((l) => l.trim());
  for (const line of lines.slice(1)) {
    const row = /^[ >]?(\S+)?(.*?)\s+(\d+)\s+([^\s\d]\S*)/.exec(line);
    if (!row) continue;
    const user = row[2]!.trim();
    if (!user) continue; // services, a listener: no one signed in
    out.push({ account: user, sessionId: row[3]!, active: WINDOWS_ACTIVE.test(row[4]!) });
  }
  return out;
}

/** UID_MIN of /etc/login.defs (1000 when it says nothing). */
export function uidMinOf(loginDefs: string): number {
  const m = /^\s*UID_MIN\s+(\d+)/m.exec(loginDefs);
  return m ? Number(m[1]) : 1000;
}
