// Who is signed in, as the OS says: the service compares it with the screens connected, so a session
// whose kiosk never came (an autostart entry hidden, a LaunchAgent booted out) is seen. Plans and
// pure parsers, one per OS:
//   Linux    loginctl list-sessions --no-legend; where logind is not running, the processes of
//            human accounts (uid ≥ UID_MIN) stand for their sessions
//   macOS    who (the console user)
//   Windows  query session (quser's machine-wide form), whatever the display language: the columns
//            are found by position, not by their (translated) titles
import type { ToolCommand } from './folders.ts';

export interface SignedIn {
  account: string;
  uid?: number;
  sessionId?: string;
  active: boolean;
}

export const LIST_PLAN: Record<'linux' | 'darwin' | 'win32', ToolCommand[]> = {
  linux: [
    { command: '/usr/bin/loginctl', args: ['list-sessions', '--no-legend'] },
    { command: '/bin/ps', args: ['-e', '-o', 'uid=', '-o', 'user:64='] },
  ],
  darwin: [{ command: '/usr/bin/who', args: [] }],
  win32: [{ command: 'C:\\Windows\\System32\\query.exe', args: ['session'] }],
};

/** `loginctl list-sessions --no-legend`: "SESSION UID USER SEAT TTY" (newer: "… STATE IDLE SINCE"). */
export function parseLoginctl(stdout: string): SignedIn[] {
  const out: SignedIn[] = [];
  for (const line of stdout.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 3 || !/^\d+$/.test(f[1]!)) continue;
    out.push({ account: f[2]!, uid: Number(f[1]), sessionId: f[0]!, active: !/\b(closing)\b/.test(line) });
  }
  return out;
}

/** `ps -e -o uid= -o user:64=`: the human accounts with a process, one each. */
export function parsePs(stdout: string, uidMin = 1000): SignedIn[] {
  const seen = new Map<string, SignedIn>();
  for (const line of stdout.split('\n')) {
    const m = /^\s*(\d+)\s+(\S+)\s*$/.exec(line);
    if (!m) continue;
    const uid = Number(m[1]);
    if (uid < uidMin || uid === 65534) continue; // system accounts and nobody
    seen.set(m[2]!, { account: m[2]!, uid, active: true });
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

/**
 * `query session`:
 *   " SESSIONNAME       USERNAME                 ID  STATE   TYPE        DEVICE"
 *   ">console           alice                     1  Active"
 *   " rdp-tcp#0         bob                       2  Active"
 *   "                   carol                     3  Disc"
 * The header is translated (NOMBRE DE SESIÓN, NOMBRE DE USUARIO, ID, ESTADO…) but the columns are not
 * moved: the user name starts where the header's second column does. Rows without a user are skipped.
 */
export function parseQuerySession(stdout: string): SignedIn[] {
  const lines = stdout.split(/\r?\n/).filter((l) => l.trim());
  if (lines.length === 0) return [];
  const header = lines[0]!;
  const second = header.slice(1).search(/\s\S/) + 2; // where USERNAME (or its translation) starts
  const out: SignedIn[] = [];
  for (const line of lines.slice(1)) {
    const rest = line.slice(second).trim().split(/\s+/);
    const [user, id, state] = rest;
    if (!user || !id || !/^\d+$/.test(id) || /^\d+$/.test(user)) continue;
    out.push({ account: user, sessionId: id, active: /^(active|activo|activa)$/i.test(state ?? '') });
  }
  return out;
}

/** UID_MIN of /etc/login.defs (1000 when it says nothing). */
export function uidMinOf(loginDefs: string): number {
  const m = /^\s*UID_MIN\s+(\d+)/m.exec(loginDefs);
  return m ? Number(m[1]) : 1000;
}
