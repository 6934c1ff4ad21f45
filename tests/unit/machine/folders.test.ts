// The machine service's folders, from the system's own values: the paths and the modes each must
// have, and %ProgramData% read from the registry (reg.exe's output parsed here, since Windows is not).
import { afterEach, describe, expect, it } from 'vitest';
import {
  PROGRAM_DATA_PLAN,
  foldersForConfig,
  parseRegValue,
  programDataFrom,
  readSystemValues,
  serviceConfigLocation,
  serviceFolders,
} from '../../../electron/core/machine/folders.ts';
import { locateConfig, machineFolder, machineFolderOf } from '../../../electron/core/config/locate.ts';

const ok = (stdout: string) => ({ code: 0, stdout, stderr: '' });
const failed = { code: 1, stdout: '', stderr: 'ERROR: The system was unable to find the specified registry key or value.\r\n' };
const PROFILE_LIST =
  '\r\nHKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\ProfileList\r\n    ProgramData    REG_EXPAND_SZ    %SystemDrive%\\ProgramData\r\n\r\n';
const systemRoot = (root: string) =>
  ok(`\r\nHKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\r\n    SystemRoot    REG_SZ    ${root}\r\n\r\n`);

const modes = (folders: ReturnType<typeof serviceFolders>) =>
  Object.fromEntries(folders.required.map((r) => [r.path, { mode: r.mode.toString(8), allowed: r.allowed.toString(8), create: r.create }]));

describe('the service folders on Linux and macOS', () => {
  it('Linux: config in /etc, ledger, state and seal root-only in /var/lib, the socket and sessions in /run', () => {
    const f = serviceFolders('linux');
    expect(f.config).toEqual({
      folder: '/etc/aup-kiosk',
      file: '/etc/aup-kiosk/config.json',
      policies: '/etc/aup-kiosk/policies',
      secrets: '/etc/aup-kiosk/secrets',
    });
    expect(f.data).toEqual({
      folder: '/var/lib/aup-kiosk',
      ledger: '/var/lib/aup-kiosk/ledger',
      state: '/var/lib/aup-kiosk/state',
      seal: '/var/lib/aup-kiosk/seal',
    });
    expect(f.run).toEqual({ folder: '/run/aup-kiosk', socket: '/run/aup-kiosk/service.sock', sessions: '/run/aup-kiosk/sessions' });
    expect(modes(f)).toEqual({
      '/etc/aup-kiosk': { mode: '755', allowed: '755', create: false },
      '/etc/aup-kiosk/policies': { mode: '755', allowed: '755', create: false },
      '/etc/aup-kiosk/secrets': { mode: '700', allowed: '700', create: false },
      '/var/lib/aup-kiosk': { mode: '700', allowed: '755', create: true },
      '/var/lib/aup-kiosk/ledger': { mode: '700', allowed: '700', create: true },
      '/var/lib/aup-kiosk/state': { mode: '700', allowed: '700', create: true },
      '/var/lib/aup-kiosk/seal': { mode: '700', allowed: '700', create: true },
      '/run/aup-kiosk': { mode: '755', allowed: '755', create: true },
      '/run/aup-kiosk/sessions': { mode: '755', allowed: '755', create: true },
    });
  });

  it('macOS: the Application Support folder, its data folder, and a run folder under /private/var (no link on the way)', () => {
    const f = serviceFolders('darwin');
    expect(f.config.file).toBe('/Library/Application Support/AUP Kiosk/config.json');
    expect(f.data.state).toBe('/Library/Application Support/AUP Kiosk/data/state');
    expect(f.run.socket).toBe('/private/var/run/aup-kiosk/service.sock');
    expect(
      f.required.every((r) => r.path.startsWith('/Library/Application Support/AUP Kiosk') || r.path.startsWith('/private/var/run/aup-kiosk')),
    ).toBe(true);
  });

  it('a root prefix moves every path under it, so tests never touch /etc', () => {
    const f = serviceFolders('linux', {}, { root: '/tmp/aup-x' });
    expect(f.config.file).toBe('/tmp/aup-x/etc/aup-kiosk/config.json');
    expect(f.required.map((r) => r.path).every((p) => p.startsWith('/tmp/aup-x/'))).toBe(true);
  });

  it('parents come before the folders inside them, so a check creates and checks them in order', () => {
    const paths = serviceFolders('linux').required.map((r) => r.path);
    paths.forEach((p, i) => paths.slice(i + 1).forEach((later) => expect(p.startsWith(later + '/')).toBe(false)));
  });

  it('the ledger and state folders a config names replace the default ones, with the same rules', () => {
    const f = foldersForConfig(serviceFolders('linux'), { ledger: { dir: '/srv/aup/ledger' }, state: { dir: '/srv/aup/state' } });
    expect(f.data.state).toBe('/srv/aup/state');
    expect(f.required.find((r) => r.path === '/srv/aup/state')).toMatchObject({ what: 'the state folder', mode: 0o700, allowed: 0o700 });
    expect(f.required.some((r) => r.path === '/var/lib/aup-kiosk/state')).toBe(false);
  });
});

describe('the installed service reads the machine config only', () => {
  it('--config and AUP_KIOSK_CONFIG are ignored, each with a note', () => {
    const f = serviceFolders('linux');
    const r = serviceConfigLocation(f, { flag: '/home/student1/config.json', env: { AUP_KIOSK_CONFIG: '/tmp/mine.json' } });
    expect(r.file).toBe('/etc/aup-kiosk/config.json');
    expect(r.notes).toEqual([
      '--config /home/student1/config.json is ignored: the machine service reads only the machine config /etc/aup-kiosk/config.json',
      'AUP_KIOSK_CONFIG (/tmp/mine.json) is ignored: the machine service reads only the machine config /etc/aup-kiosk/config.json',
    ]);
  });

  it('the CLI keeps the full lookup, %ProgramData% from its environment', () => {
    expect(machineFolder('win32', { ProgramData: 'D:\\PD' })).toBe('D:\\PD\\AUP Kiosk');
    expect(locateConfig(undefined, { ProgramData: 'D:\\PD' }, 'win32').file).toBe('D:\\PD\\AUP Kiosk\\config.json');
    expect(locateConfig('x.json', { AUP_KIOSK_CONFIG: 'y.json' }).how).toBe('flag');
    expect(machineFolderOf('linux', {})).toBe('/etc/aup-kiosk');
  });
});

describe('Windows: %ProgramData% from the registry, never from the environment', () => {
  const saved = process.env.ProgramData;
  afterEach(() => (saved === undefined ? delete process.env.ProgramData : (process.env.ProgramData = saved)));

  it('the plan asks reg.exe for ProfileList\\ProgramData and the Windows folder, in the 64-bit view', () => {
    expect(PROGRAM_DATA_PLAN.programData).toEqual({
      command: 'reg',
      args: ['query', 'HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\ProfileList', '/v', 'ProgramData', '/reg:64'],
    });
    expect(PROGRAM_DATA_PLAN.systemRoot.args).toEqual([
      'query',
      'HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion',
      '/v',
      'SystemRoot',
      '/reg:64',
    ]);
  });

  it('reads a value out of reg query output, and nothing else', () => {
    expect(parseRegValue(PROFILE_LIST, 'ProgramData')).toEqual({ type: 'REG_EXPAND_SZ', data: '%SystemDrive%\\ProgramData' });
    expect(parseRegValue(PROFILE_LIST, 'programdata')?.data).toBe('%SystemDrive%\\ProgramData');
    expect(parseRegValue(PROFILE_LIST, 'Default')).toBeNull();
    expect(parseRegValue('    Empty Value    REG_SZ    \r\n', 'Empty Value')).toEqual({ type: 'REG_SZ', data: '' });
  });

  it("%SystemDrive% is the drive of the registry's SystemRoot", () => {
    expect(programDataFrom({ programData: ok(PROFILE_LIST), systemRoot: systemRoot('C:\\WINDOWS') })).toEqual({ programData: 'C:\\ProgramData' });
    expect(programDataFrom({ programData: ok(PROFILE_LIST), systemRoot: systemRoot('D:\\Windows') })).toEqual({ programData: 'D:\\ProgramData' });
  });

  it('a ProgramData the machine moved is taken as the registry says', () => {
    const moved = ok('\r\nHKEY_LOCAL_MACHINE\\...\\ProfileList\r\n    ProgramData    REG_SZ    E:\\Shared Data\\\r\n');
    expect(programDataFrom({ programData: moved, systemRoot: failed })).toEqual({ programData: 'E:\\Shared Data' });
  });

  it('a failed query, a variable the registry cannot give, or no drive: C:\\ProgramData, and the log says why', () => {
    const noValue = programDataFrom({ programData: failed, systemRoot: systemRoot('C:\\Windows') });
    expect(noValue.programData).toBe('C:\\ProgramData');
    expect(noValue.note).toMatch(/could not be read; using C:\\ProgramData \(the environment's %ProgramData% is never used/);
    const userVariable = ok('    ProgramData    REG_EXPAND_SZ    %USERPROFILE%\\Data\r\n');
    expect(programDataFrom({ programData: userVariable, systemRoot: systemRoot('C:\\Windows') }).note).toMatch(
      /%USERPROFILE% cannot be read from the registry/,
    );
    const noSystemRoot = programDataFrom({ programData: ok(PROFILE_LIST), systemRoot: failed });
    expect(noSystemRoot).toMatchObject({ programData: 'C:\\ProgramData', note: expect.stringMatching(/%SystemDrive% cannot be read/) });
    const relative = ok('    ProgramData    REG_SZ    ProgramData\r\n');
    expect(programDataFrom({ programData: relative, systemRoot: failed }).note).toMatch(/not a folder on a drive/);
  });

  it('a user who redefines %ProgramData% for their own account does not move the service', () => {
    process.env.ProgramData = 'C:\\Users\\student1\\fake';
    expect(serviceFolders('win32').config.file).toBe('C:\\ProgramData\\AUP Kiosk\\config.json');
    const f = serviceFolders('win32', { programData: 'D:\\ProgramData' });
    expect(f.data.state).toBe('D:\\ProgramData\\AUP Kiosk\\data\\state');
    expect(f.run).toEqual({ folder: null, socket: '\\\\.\\pipe\\aup-kiosk', sessions: 'D:\\ProgramData\\AUP Kiosk\\sessions' });
    expect(f.required.filter((r) => r.usersRead).map((r) => r.what)).toEqual(['the config folder', 'the policies folder']);
  });

  it('on Linux and macOS there is nothing to read: no tool runs', async () => {
    const run = () => Promise.reject(new Error('no tool should run'));
    expect(await readSystemValues('linux', { run })).toEqual({});
    expect(await readSystemValues('darwin', { run })).toEqual({});
  });
});
