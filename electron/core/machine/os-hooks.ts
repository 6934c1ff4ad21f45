// The machine service's hands on the OS's sessions: who is signed in (os-sessions.ts) and ending a
// session (session-end.ts), by the plans for this OS, run with the real tools.
import { readFile } from 'node:fs/promises';
import type { KioskLog } from '../log.ts';
import type { SystemValues } from '../config/locate.ts';
import { resolveSystemAccount } from './capability.ts';
import { runTool, type Runner } from './folders.ts';
import { LIST_PLAN, signedInPlan, parseLoginctl, parsePs, parseQuerySession, parseWho, uidMinOf, type SignedIn } from './os-sessions.ts';
import { endSession, sessionEndPlan } from './session-end.ts';
import type { SessionEndResult } from './screen-watch.ts';

export interface OsSessionHooks {
  endSession: (account: string) => Promise<SessionEndResult>;
  listSignedIn: () => Promise<string[]>;
}

/** The signed-in sessions now, by the first plan step that answers. */
export async function signedInNow(platform: NodeJS.Platform, run: Runner = runTool, system: SystemValues = {}): Promise<SignedIn[]> {
  if (platform === 'win32') {
    const r = await run(signedInPlan('win32', system)[0]!);
    if (r.code !== 0) throw new Error(`query session failed (${r.error ?? r.code}): ${r.stderr.trim()}`);
    return parseQuerySession(r.stdout);
  }
  if (platform === 'darwin') {
    const r = await run(LIST_PLAN.darwin[0]!);
    if (r.code !== 0) throw new Error(`who failed (${r.error ?? r.code})`);
    return parseWho(r.stdout);
  }
  const [logind, ps] = LIST_PLAN.linux;
  const r = await run(logind!);
  // No logind (no systemd: containers, minimal images): the processes of human accounts stand for sessions.
  if (r.code === 0) return parseLoginctl(r.stdout);
  const p = await run(ps!);
  if (p.code !== 0) throw new Error(`neither loginctl nor ps answered (${r.error ?? r.code}, ${p.error ?? p.code})`);
  return parsePs(p.stdout, uidMinOf(await readFile('/etc/login.defs', 'utf8').catch(() => '')));
}

/** Windows names: no domain, any case (query session prints them without `LISD\`, and Windows ignores case). */
const sameAccount = (a: string, b: string) => a.replace(/^[^\\]*\\/, '').toLowerCase() === b.replace(/^[^\\]*\\/, '').toLowerCase();

export function osSessionHooks(platform: NodeJS.Platform, log: KioskLog, run: Runner = runTool, system: SystemValues = {}): OsSessionHooks {
  let last: SignedIn[] = [];
  return {
    async listSignedIn() {
      last = await signedInNow(platform, run, system);
      return [...new Set(last.map((s) => s.account))];
    },
    async endSession(account) {
      const seen = last.find((s) => (platform === 'win32' ? sameAccount(s.account, account) : s.account === account));
      const identity = platform === 'win32' ? null : await resolveSystemAccount(account, platform);
      const plan = sessionEndPlan(
        platform,
        {
          account,
          ...(identity && identity.uid > 0 ? { uid: identity.uid } : seen?.uid !== undefined ? { uid: seen.uid } : {}),
          ...(seen?.sessionId ? { sessionId: seen.sessionId } : {}),
        },
        system,
      );
      const result = await endSession(plan, run);
      log.write(result.ended ? 'info' : 'warn', 'session end', { account, ...result });
      return result;
    },
  };
}

/** Whether a process runs (EPERM: it does, as someone this process may not signal). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
