// How the service ends an OS session and learns who is signed in, per OS: the plans, and the parsers
// against what the tools print (Windows and macOS are not here; Linux runs for real in
// tests/integration/machine/session-end.test.ts).
import { describe, expect, it } from 'vitest';
import { sessionEndPlan } from '../../../electron/core/machine/session-end.ts';
import { parseLoginctl, parsePs, parseQuerySession, parseWho, uidMinOf } from '../../../electron/core/machine/os-sessions.ts';

describe('ending a session, per OS', () => {
  it('Windows: logoff with the session id, from System32 by the system root', () => {
    expect(sessionEndPlan('win32', { account: 'LISD\\diego.ramos', sessionId: '3' }, { systemRoot: 'D:\\Windows' })).toEqual([
      { command: 'D:\\Windows\\System32\\logoff.exe', args: ['3'], why: 'sign out the Windows session', done: [0] },
    ]);
    // no session id, or not a number: nothing to run (never "logoff" with what an account name says)
    expect(sessionEndPlan('win32', { account: 'x' })).toEqual([]);
    expect(sessionEndPlan('win32', { account: 'x', sessionId: '3 & calc' })).toEqual([]);
  });

  it("macOS: launchctl bootout of the user's GUI domain", () => {
    expect(sessionEndPlan('darwin', { account: 'diego', uid: 501 })).toEqual([
      { command: '/bin/launchctl', args: ['bootout', 'gui/501'], why: "end the user's graphical session", done: [0] },
    ]);
  });

  it('Linux: loginctl terminate-user, then every process of the uid where logind is not running; never uid 0', () => {
    const plan = sessionEndPlan('linux', { account: 'diego', uid: 1001 });
    expect(plan.map((s) => [s.command, ...s.args].join(' '))).toEqual(['/usr/bin/loginctl terminate-user 1001', '/usr/bin/pkill -KILL -U 1001']);
    expect(sessionEndPlan('linux', { account: 'root', uid: 0 })).toEqual([]);
    expect(sessionEndPlan('linux', { account: 'nouid' })).toEqual([]);
  });
});

describe('who is signed in, per OS', () => {
  it('loginctl list-sessions (old and new columns)', () => {
    expect(parseLoginctl('     c2 1001 diego.ramos seat0 tty2\n      5 1002 carla.diaz       \n')).toEqual([
      { account: 'diego.ramos', uid: 1001, sessionId: 'c2', active: true },
      { account: 'carla.diaz', uid: 1002, sessionId: '5', active: true },
    ]);
    expect(parseLoginctl('3 1003 eli seat0 tty3 active no -\n4 1004 fay - - closing no -\n').map((s) => [s.account, s.active])).toEqual([
      ['eli', true],
      ['fay', false],
    ]);
  });

  it('ps, where logind is not running: human accounts only, once each', () => {
    expect(parsePs('    0 root\n  101 postgres\n 1001 diego\n 1001 diego\n65534 nobody\n 1002 carla\n', 1000)).toEqual([
      { account: 'diego', uid: 1001, active: true },
      { account: 'carla', uid: 1002, active: true },
    ]);
    expect(uidMinOf('# comment\nUID_MIN\t\t\t 500\nUID_MAX 60000\n')).toBe(500);
    expect(uidMinOf('')).toBe(1000);
  });

  it('who on macOS: the console user', () => {
    expect(parseWho('diego    console  Nov 28 08:00\ndiego    ttys000  Nov 28 08:05\n')).toEqual([{ account: 'diego', active: true }]);
  });

  it('query session, in English and in Spanish', () => {
    const en = [
      ' SESSIONNAME       USERNAME                 ID  STATE   TYPE        DEVICE',
      ' services                                    0  Disc',
      '>console           diego.ramos               1  Active',
      ' rdp-tcp#0         carla.diaz                2  Active',
      '                   eli.brooks                3  Disc',
      ' rdp-tcp                                 65536  Listen',
    ].join('\r\n');
    expect(parseQuerySession(en)).toEqual([
      { account: 'diego.ramos', sessionId: '1', active: true },
      { account: 'carla.diaz', sessionId: '2', active: true },
      { account: 'eli.brooks', sessionId: '3', active: false },
    ]);
    const es = [
      ' NOMBRE DE SESIÓN  NOMBRE DE USUARIO        ID  ESTADO  TIPO        DISPOSITIVO',
      '>console           diego.ramos               1  Activo',
    ].join('\r\n');
    expect(parseQuerySession(es)).toEqual([{ account: 'diego.ramos', sessionId: '1', active: true }]);
  });
});
