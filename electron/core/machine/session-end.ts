// Ending an OS session, as each OS does it, decided here as a plan (like the autostart plans) and
// run by the service when a locked student session has no kiosk screen within the grace:
//   Windows  logoff <session id>            (System32's, by the system root: never found on PATH)
//   macOS    launchctl bootout gui/<uid>    (the whole graphical session of that user)
//   Linux    loginctl terminate-user <uid>  (every session of the user)
// Where that cannot run, every process of the uid is killed (pkill -KILL -U <uid>): on Linux where
// logind is not running (no systemd: a container, a minimal image), on macOS where bootout fails
// ("Boot-out failed: 5: Input/output error" is a known launchctl answer). The same outcome by the
// only means left: failing closed must not depend on one tool's mood.
// Absolute paths throughout: a root service never looks a program up on a PATH.
import { runTool, type Runner, type ToolCommand } from './folders.ts';
import { windowsSystem32 } from './os-sessions.ts';
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

const killEveryProcess = (uid: string, why: string): SessionEndStep => ({
  command: '/usr/bin/pkill',
  args: ['-KILL', '-U', uid],
  why,
  done: [0, 1],
});

/**
 * The steps, in order, that end `target`'s session on `platform`; empty when the target cannot be
 * named safely (no session id, session 0 (the services'), no uid, uid 0): nothing is better than
 * the wrong session. `systemRoot`: the registry's SystemRoot, as the service read it.
 */
export function sessionEndPlan(platform: NodeJS.Platform, target: SessionTarget, system: { systemRoot?: string } = {}): SessionEndStep[] {
  if (platform === 'win32') {
    if (!target.sessionId || !/^[1-9]\d{0,4}$/.test(target.sessionId)) return [];
    return [{ command: windowsSystem32('logoff.exe', system), args: [target.sessionId], why: 'sign out the Windows session', done: [0] }];
  }
  if (target.uid === undefined || !Number.isInteger(target.uid) || target.uid <= 0) return [];
  const uid = String(target.uid);
  if (platform === 'darwin')
    return [
      { command: '/bin/launchctl', args: ['bootout', `gui/${uid}`], why: "end the user's graphical session", done: [0] },
      killEveryProcess(uid, 'launchctl bootout failed: end every process of the user'),
    ];
  return [
    { command: '/usr/bin/loginctl', args: ['terminate-user', uid], why: "end the user's sessions (logind)", done: [0] },
    killEveryProcess(uid, 'logind is not running: end every process of the user'),
  ];
}

/**
 * Runs the plan's steps in order until one ends the session. The result names the step that did (or
 * the last one tried) and its exit code: what the ledger keeps.
 */
export async function endSession(plan: SessionEndStep[], run: Runner = runTool): Promise<SessionEndResult> {
  if (plan.length === 0) return { command: '(no plan: the account could not be resolved)', exitCode: null, ended: false };
  let last: SessionEndResult = { command: '', exitCode: null, ended: false };
  for (const step of plan) {
    const r = await run(step);
    last = { command: [step.command, ...step.args].join(' '), exitCode: r.code, ended: r.code !== null && step.done.includes(r.code) };
    if (last.ended) return last;
  }
  return last;
}
