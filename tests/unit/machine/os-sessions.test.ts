// Who is signed in, per OS: the plans, and the parsers against what the tools print. The samples are
// written from these tools' documented formats; the Spanish `query session` header is from memory
// (the parser reads no header word, so a different translation changes nothing).
import { describe, expect, it } from 'vitest';
import {
  parseLoginctl,
  parsePs,
  parseQuerySession,
  parseWho,
  signedInPlan,
  uidMinOf,
  windowsSystem32,
} from '../../../electron/core/machine/os-sessions.ts';

describe('the plans', () => {
  it('absolute paths only; Windows by the system root', () => {
    expect(signedInPlan('linux').map((c) => c.command)).toEqual(['/usr/bin/loginctl', '/bin/ps']);
    expect(signedInPlan('darwin')).toEqual([{ command: '/usr/bin/who', args: [] }]);
    expect(signedInPlan('win32', { systemRoot: 'E:\\WINNT\\' })).toEqual([{ command: 'E:\\WINNT\\System32\\query.exe', args: ['session'] }]);
    expect(windowsSystem32('query.exe', { systemRoot: '%SystemRoot%' })).toBe('C:\\Windows\\System32\\query.exe');
  });
});

describe('Linux: loginctl list-sessions --no-legend', () => {
  it('systemd ≤ 253: SESSION UID USER SEAT TTY', () => {
    expect(parseLoginctl('        c2 1001 diego.ramos seat0 tty2\n         5 1002 carla.diaz\n')).toEqual([
      { account: 'diego.ramos', uid: 1001, sessionId: 'c2', active: true },
      { account: 'carla.diaz', uid: 1002, sessionId: '5', active: true },
    ]);
  });

  it('systemd 254-255: a STATE column; online (another session has the seat) and closing are not active', () => {
    const out = [
      '      3 1003 eli   seat0 tty3  active  no  -',
      '      4 1004 fay   -     pts/0 closing no  -',
      '      6 1005 gus   seat0 tty4  online  yes 2h',
    ];
    expect(parseLoginctl(out.join('\n')).map((s) => [s.account, s.active])).toEqual([
      ['eli', true],
      ['fay', false],
      ['gus', false],
    ]);
  });

  it("systemd ≥ 256: LEADER and CLASS; the user's service manager and the greeter are not sign-ins", () => {
    const out = [
      '      1 1000 diego seat0 1403 user    tty2 no  -',
      '      3 1000 diego -     1521 manager -    no  -',
      '     c1  120 gdm   seat0 1200 greeter tty1 no  -',
      '      7 1002 carla -     2211 user    pts/1 no -',
    ];
    expect(parseLoginctl(out.join('\n'))).toEqual([
      { account: 'diego', uid: 1000, sessionId: '1', active: true },
      { account: 'carla', uid: 1002, sessionId: '7', active: true },
    ]);
  });

  it('nothing, or an error text, is nobody', () => {
    expect(parseLoginctl('')).toEqual([]);
    expect(parseLoginctl('No sessions.\n')).toEqual([]);
  });
});

describe('Linux without logind: ps', () => {
  it('human accounts with a live process only, once each', () => {
    const ps = [
      '    0 Ss   root',
      '  101 Ssl  postgres',
      ' 1001 Sl   diego',
      ' 1001 R+   diego',
      '65534 S    nobody',
      ' 1002 S    carla',
      ' 1003 Z    eli',
    ];
    expect(parsePs(ps.join('\n'), 1000)).toEqual([
      { account: 'diego', uid: 1001, active: true },
      { account: 'carla', uid: 1002, active: true },
    ]);
    expect(parsePs(' 600 S old\n', 500)).toEqual([{ account: 'old', uid: 600, active: true }]);
  });

  it('an account whose processes are all killed but not yet reaped (zombies) is not signed in', () => {
    expect(parsePs(' 1003 Zs   eli\n 1003 Z    eli\n')).toEqual([]);
  });

  it('UID_MIN from /etc/login.defs', () => {
    expect(uidMinOf('# comment\nUID_MIN\t\t\t 500\nUID_MAX 60000\n')).toBe(500);
    expect(uidMinOf('#UID_MIN 10\n')).toBe(1000);
    expect(uidMinOf('')).toBe(1000);
  });
});

describe('macOS: who', () => {
  it('the console users, not their terminals', () => {
    expect(parseWho('diego    console  Nov 28 08:00\ndiego    ttys000  Nov 28 08:05\ncarla    console  Nov 28 07:50\n')).toEqual([
      { account: 'diego', active: true },
      { account: 'carla', active: true },
    ]);
    expect(parseWho('')).toEqual([]);
  });
});

describe('Windows: query session', () => {
  const en = [
    ' SESSIONNAME       USERNAME                 ID  STATE   TYPE        DEVICE ',
    ' services                                    0  Disc                        ',
    '>console           diego.ramos               1  Active                      ',
    ' rdp-tcp#0         carla.diaz                2  Active  rdpwd               ',
    '                   eli.brooks                3  Disc                        ',
    ' rdp-tcp                                 65536  Listen                      ',
  ].join('\r\n');

  it('the user, the session id logoff takes, and whether it is active', () => {
    expect(parseQuerySession(en)).toEqual([
      { account: 'diego.ramos', sessionId: '1', active: true },
      { account: 'carla.diaz', sessionId: '2', active: true },
      { account: 'eli.brooks', sessionId: '3', active: false },
    ]);
  });

  it('a user name of digits only (a student id) or with a space is a user', () => {
    const out = [
      ' SESSIONNAME       USERNAME                 ID  STATE   TYPE        DEVICE',
      '>console           204518                    1  Active',
      '                   31337                     4  Disc',
      ' rdp-tcp#1         Diego Ramos               5  Active',
    ].join('\r\n');
    expect(parseQuerySession(out)).toEqual([
      { account: '204518', sessionId: '1', active: true },
      { account: '31337', sessionId: '4', active: false },
      { account: 'Diego Ramos', sessionId: '5', active: true },
    ]);
  });

  it('in Spanish, whose titles hold spaces, and whatever the code page did to them', () => {
    const es = [
      ' NOMBRE DE SESI\uFFFDN  NOMBRE DE USUARIO        ID  ESTADO  TIPO        DISPOSITIVO',
      ' services                                    0  Desc',
      '>console           diego.ramos               1  Activo',
      ' rdp-tcp#0         carla.diaz                2  Activo',
      '                   eli.brooks                3  Desc',
      ' rdp-tcp                                 65536  Escuchar',
    ].join('\r\n');
    expect(parseQuerySession(es)).toEqual([
      { account: 'diego.ramos', sessionId: '1', active: true },
      { account: 'carla.diaz', sessionId: '2', active: true },
      { account: 'eli.brooks', sessionId: '3', active: false },
    ]);
  });

  it('in German and French, "active" is still active', () => {
    const de =
      ' SITZUNGSNAME      BENUTZERNAME             ID  STATUS  TYP         GERÄT\n>console           anna                      1  Aktiv\n                   ben                       2  Getr.\n';
    const fr =
      ' SESSION           UTILISATEUR              ID  ÉTAT    TYPE        PÉRIPHÉRIQUE\n>console           chloé                     1  Actif\n';
    expect(parseQuerySession(de).map((s) => [s.account, s.active])).toEqual([
      ['anna', true],
      ['ben', false],
    ]);
    expect(parseQuerySession(fr)).toEqual([{ account: 'chloé', sessionId: '1', active: true }]);
  });

  it('no rows, or an error text, is nobody', () => {
    expect(parseQuerySession('')).toEqual([]);
    expect(parseQuerySession('No User exists for *\r\n')).toEqual([]);
  });
});
