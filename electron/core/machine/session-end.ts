// Ending an OS session, as each OS does it, decided here as a plan (like the autostart plans) and
// run by the service when a locked student session has no kiosk screen within the grace:
//   Windows  logoff <session id>            (System32's, by the system root: never found on PATH)
//   macOS    launchctl bootout gui/<uid>    (the whole graphical session of that user)
//   Linux    loginctl terminate-user <uid>  (every session of the user), and where logind is not
//            running (a container, a minimal image) pkill -KILL -U <uid>, which ends every process
//            of the user: the same outcome by the only means left.
// Absolute paths throughout: a root service never looks a program up on a PATH.
import type { Runner, ToolCommand } from './folders.ts';
import type { SessionEndResult } from './screen-watch.ts';

export interface SessionTarget {
  account: string;
  /** macOS and Linux. */
  uid?: number;
  /** Windows: the session id `query session` shows. */
  sessionId?: string;
}

export interface SessionEndStep extends ToolCommand {
  /** Why this step, for the log. */
  why: string;
  /** Exit codes that mean "the session is gone" (pkill: 1 = nothing left to end). */
  done: number[];
}

export function sessionEndPlan(platform: NodeJS.Platform, target: SessionTarget, system: { systemRoot?: string } = {}): SessionEndStep[] {
  if (platform === 'win32') {
    if (!target.sessionId || !/^\d{1,5}$/.test(target.sessionId)) return [];
    const root = system.systemRoot ?? 'C:\\Windows';
    return [{ command: `${root}\\System32\\logoff.exe`, args: [target.sessionId], why: 'sign out the Windows session', done: [0] }];
  }
  if (target.uid === undefined || !Number.isInteger(target.uid) || target.uid <= 0) return [];
  const uid = String(target.uid);
  if (platform === 'darwin')
    return [{ command: '/bin/launchctl', args: ['bootout', `gui/${uid}`], why: "end the user's graphical session", done: [0] }];
  return [
    { command: '/usr/bin/loginctl', args: ['terminate-user', uid], why: "end the user's sessions (logind)", done: [0] },
    { command: '/usr/bin/pkill', args: ['-KILL', '-U', uid], why: 'logind is not running: end every process of the user', done: [0, 1] },
  ];
}

/** Runs the plan's steps in order until one ends the session; what ran is what the ledger keeps. */
export async function endSession(plan: SessionEndStep[], run: Runner): Promise<SessionEndResult> {
  if (plan.length === 0) return { command: '(no plan: the account could not be resolved)', exitCode: null, ended: false };
  let last: SessionEndResult = { command: '', exitCode: null, ended: false };
  for (const step of plan) {
    const r = await run(step);
    last = { command: [step.command, ...step.args].join(' '), exitCode: r.code, ended: r.code !== null && step.done.includes(r.code) };
    if (last.ended) return last;
  }
  return last;
}
