// How the service ends an OS session, per OS: the plans (Windows and macOS are only planned here;
// Linux runs for real in tests/integration/machine/session-end.test.ts), and the executor against
// real processes: the first step that ends the session is the one the ledger names.
import { describe, expect, it } from 'vitest';
import { endSession, sessionEndPlan, type SessionEndStep } from '../../../electron/core/machine/session-end.ts';

const line = (plan: SessionEndStep[]) => plan.map((s) => [s.command, ...s.args].join(' '));

describe('ending a session, per OS', () => {
  it('Windows: logoff with the session id, from System32 by the system root', () => {
    expect(sessionEndPlan('win32', { account: 'LISD\\diego.ramos', sessionId: '3' }, { systemRoot: 'D:\\Windows' })).toEqual([
      { command: 'D:\\Windows\\System32\\logoff.exe', args: ['3'], why: 'sign out the Windows session', done: [0] },
    ]);
    expect(line(sessionEndPlan('win32', { account: 'x', sessionId: '12' }))).toEqual(['C:\\Windows\\System32\\logoff.exe 12']);
  });

  it('Windows: a system root that is not a plain folder on a drive is not used', () => {
    for (const systemRoot of ['%USERPROFILE%\\bin', '\\\\server\\share', 'Windows', 'C:\\Windows" & calc'])
      expect(line(sessionEndPlan('win32', { account: 'x', sessionId: '2' }, { systemRoot }))).toEqual(['C:\\Windows\\System32\\logoff.exe 2']);
  });

  it('Windows: no session id, one that is not a number, or session 0 (the services) gives nothing to run', () => {
    expect(sessionEndPlan('win32', { account: 'x' })).toEqual([]);
    expect(sessionEndPlan('win32', { account: 'x', sessionId: '3 & calc' })).toEqual([]);
    expect(sessionEndPlan('win32', { account: 'x', sessionId: '0' })).toEqual([]);
    expect(sessionEndPlan('win32', { account: 'x', sessionId: '-1' })).toEqual([]);
  });

  it("macOS: launchctl bootout of the user's GUI domain, then every process of the uid if bootout fails", () => {
    const plan = sessionEndPlan('darwin', { account: 'diego', uid: 501 });
    expect(line(plan)).toEqual(['/bin/launchctl bootout gui/501', '/usr/bin/pkill -KILL -U 501']);
    expect(plan.map((s) => s.done)).toEqual([[0], [0, 1]]);
  });

  it('Linux: loginctl terminate-user, then every process of the uid where logind is not running', () => {
    const plan = sessionEndPlan('linux', { account: 'diego', uid: 1001 });
    expect(line(plan)).toEqual(['/usr/bin/loginctl terminate-user 1001', '/usr/bin/pkill -KILL -U 1001']);
    expect(plan[1]!.why).toMatch(/logind is not running/);
  });

  it('never root, and never without a uid', () => {
    for (const platform of ['linux', 'darwin'] as const) {
      expect(sessionEndPlan(platform, { account: 'root', uid: 0 })).toEqual([]);
      expect(sessionEndPlan(platform, { account: 'nouid' })).toEqual([]);
      expect(sessionEndPlan(platform, { account: 'odd', uid: 1.5 })).toEqual([]);
      expect(sessionEndPlan(platform, { account: 'odd', uid: -2 })).toEqual([]);
    }
  });
});

describe('running a plan', () => {
  // Real processes: node exiting with a chosen code stands for a tool that failed or succeeded.
  const exits = (code: number, done = [0]): SessionEndStep => ({
    command: process.execPath,
    args: ['-e', `process.exit(${code})`],
    why: `exit ${code}`,
    done,
  });

  it('the first step that ends the session is the one reported; later steps do not run', async () => {
    const result = await endSession([exits(1), exits(0), exits(7, [7])]);
    expect(result).toEqual({ command: `${process.execPath} -e process.exit(0)`, exitCode: 0, ended: true });
  });

  it('an exit code the step counts as done ends it (pkill: 1, nothing was left)', async () => {
    expect(await endSession([exits(1, [0, 1])])).toMatchObject({ exitCode: 1, ended: true });
  });

  it('when no step ends the session, the last one tried is reported, not ended', async () => {
    expect(await endSession([exits(3), exits(4)])).toEqual({ command: `${process.execPath} -e process.exit(4)`, exitCode: 4, ended: false });
  });

  it('a tool that is not installed is passed over, with no exit code', async () => {
    const missing: SessionEndStep = { command: '/nonexistent/loginctl', args: ['terminate-user', '1001'], why: 'x', done: [0] };
    expect(await endSession([missing])).toEqual({ command: '/nonexistent/loginctl terminate-user 1001', exitCode: null, ended: false });
    expect(await endSession([missing, exits(0)])).toMatchObject({ exitCode: 0, ended: true });
  });

  it('an empty plan runs nothing and says why', async () => {
    expect(await endSession([])).toEqual({ command: '(no plan: the account could not be resolved)', exitCode: null, ended: false });
  });
});
