// The log on a real disk: what it writes, where, how it rotates, and that no secret ever reaches it.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  LogFile,
  formatLogLine,
  isSecretKey,
  logFileName,
  machineLogFolder,
  openKioskLog,
  redact,
  userLogFolder,
} from '../../../electron/core/shell/log-file.ts';
import { tempDir, type TempDir } from '../../support/fixtures.ts';

let tmp: TempDir;
beforeEach(async () => (tmp = await tempDir()));
afterEach(() => tmp.cleanup());

const at = new Date('2026-09-08T13:30:00.000Z');
const read = (file: string) => readFileSync(file, 'utf8');

describe('where a technician finds the log', () => {
  it('in the OS log folder of each platform', () => {
    expect(machineLogFolder('win32', { ProgramData: 'C:\\ProgramData' })).toBe('C:\\ProgramData\\AUP Kiosk\\logs');
    expect(machineLogFolder('darwin', {})).toBe('/Library/Logs/AUP Kiosk');
    expect(machineLogFolder('linux', {})).toBe('/var/log/aup-kiosk');
  });

  it("else in the account's own log folder (XDG state on Linux)", () => {
    expect(userLogFolder('linux', { XDG_STATE_HOME: '/home/ben/.state' }, '/home/ben')).toBe('/home/ben/.state/aup-kiosk');
    expect(userLogFolder('linux', {}, '/home/ben')).toBe('/home/ben/.local/state/aup-kiosk');
    expect(userLogFolder('darwin', {}, '/Users/ben')).toBe('/Users/ben/Library/Logs/AUP Kiosk');
    expect(userLogFolder('win32', { LOCALAPPDATA: 'C:\\Users\\ben\\AppData\\Local' }, 'C:\\Users\\ben')).toBe(
      'C:\\Users\\ben\\AppData\\Local\\AUP Kiosk\\logs',
    );
  });

  it('one file per account, named so every file system takes it', () => {
    expect(logFileName('ben.carter')).toBe('aup-kiosk-ben.carter.log');
    expect(logFileName('DISTRICT\\ms garcia')).toBe('aup-kiosk-DISTRICT_ms_garcia.log');
    expect(logFileName('../../etc/passwd')).toMatch(/^aup-kiosk-[^./\\][^/\\]*\.log$/);
    expect(logFileName('')).toBe('aup-kiosk-unknown.log');
  });

  it('falls back to the next folder when the machine folder cannot be written, and says why', () => {
    const blocked = path.join(tmp.dir, 'not-a-folder');
    writeFileSync(blocked, 'a file where the folder should be');
    const fallback = path.join(tmp.dir, 'mine');
    const choice = openKioskLog({ username: 'ben.carter', folders: [blocked, fallback] });
    choice.log.write('info', 'AUP Kiosk starting');
    choice.log.close();
    expect(choice.file).toBe(path.join(fallback, 'aup-kiosk-ben.carter.log'));
    expect(choice.problems).toHaveLength(1);
    expect(read(choice.file!)).toContain('AUP Kiosk starting');
  });
});

describe('what a line says', () => {
  it('time, level, message and the fields as JSON', () => {
    expect(formatLogLine(at, 'warn', 'failed sign-in', { user: 'ben.carter', failures: 2 })).toBe(
      '2026-09-08T13:30:00.000Z warn  failed sign-in {"user":"ben.carter","failures":2}\n',
    );
    expect(formatLogLine(at, 'info', 'AUP Kiosk quitting')).toBe('2026-09-08T13:30:00.000Z info  AUP Kiosk quitting\n');
  });

  it('a newline typed into a user name cannot forge a line of its own', () => {
    const line = formatLogLine(at, 'warn', 'failed sign-in\n2026-09-08T00:00:00.000Z info  teacher unlock', {
      attemptedBy: 'x\ninfo teacher unlock',
    });
    expect(line.split('\n')).toHaveLength(2);
    expect(line.endsWith('\n')).toBe(true);
  });

  it('a huge field is cut, not written whole', () => {
    expect(formatLogLine(at, 'error', 'boom', { error: 'x'.repeat(100_000) }).length).toBeLessThan(9_000);
  });
});

describe('never a secret', () => {
  it.each([
    'secret',
    'password',
    'pin',
    'PIN',
    'pinHash',
    'bindPassword',
    'bind_password',
    'adminPin',
    'token',
    'connectionString',
    'clientSecret',
    'privateKey',
  ])('a field named %s is redacted', (key) => expect(isSecretKey(key)).toBe(true));

  it.each(['user', 'username', 'attemptedBy', 'reason', 'spinner', 'opinion', 'bindPasswordFile', 'passwordFile', 'pinning'])(
    'a field named %s is kept',
    (key) => expect(isSecretKey(key)).toBe(false),
  );

  it('a PIN-shaped value in a field named secret, password or pin never reaches the file, however deep', () => {
    const file = path.join(tmp.dir, 'kiosk.log');
    const log = new LogFile({ file, now: () => at });
    log.write('warn', 'failed sign-in', { secret: '2468', user: 'ben.carter' });
    log.write('warn', 'failed sign-in', { password: '135792', nested: { request: { pin: '86420', username: 'mr.lee' } } });
    log.write('error', 'teacher unlock failed', {
      request: [{ username: 'ms.garcia', secret: '9753' }],
      pinHash: 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB',
    });
    log.close();
    const text = read(file);
    for (const secret of ['2468', '135792', '86420', '9753', 'scrypt$', 'BBBBBBBB']) expect(text).not.toContain(secret);
    expect(text.match(/\[redacted\]/g)).toHaveLength(5);
    // What a technician needs is still there.
    expect(text).toContain('"user":"ben.carter"');
    expect(text).toContain('"username":"mr.lee"');
  });

  it('a PIN typed in the user-name box is redacted from attemptedBy; a real name is kept', () => {
    expect(redact({ attemptedBy: '2468' })).toEqual({ attemptedBy: '[redacted] (looks like a PIN)' });
    expect(redact({ attemptedBy: 'ms.garcia' })).toEqual({ attemptedBy: 'ms.garcia' });
  });

  it('a password inside a URL or a message is redacted', () => {
    expect(
      formatLogLine(at, 'error', 'cannot reach postgres://kiosk:s3cret@db.district.org/aup', { detail: 'ldaps://cn=svc:hunter2@ldap.example' }),
    ).not.toMatch(/s3cret|hunter2/);
  });
});

describe('rotation by size', () => {
  it('keeps the file under its size and N older files, newest first', () => {
    const file = path.join(tmp.dir, 'aup-kiosk-ben.log');
    const log = new LogFile({ file, maxBytes: 2_000, keep: 3, now: () => at });
    for (let i = 0; i < 200; i++) log.write('info', `event ${String(i).padStart(3, '0')}`, { filler: 'x'.repeat(40) });
    log.close();
    expect(readdirSync(tmp.dir).sort()).toEqual(['aup-kiosk-ben.log', 'aup-kiosk-ben.log.1', 'aup-kiosk-ben.log.2', 'aup-kiosk-ben.log.3']);
    for (const name of readdirSync(tmp.dir)) expect(read(path.join(tmp.dir, name)).length).toBeLessThanOrEqual(2_000);
    expect(read(file)).toContain('event 199');
    const last = (f: string) => Number(/event (\d+)/.exec(read(f).trim().split('\n').at(-1)!)![1]);
    expect(last(`${file}.1`)).toBeLessThan(last(file));
    expect(last(`${file}.2`)).toBeLessThan(last(`${file}.1`));
    expect(last(`${file}.3`)).toBeLessThan(last(`${file}.2`));
  });

  it('appends to the file a previous run left, and rotates it when full', () => {
    const file = path.join(tmp.dir, 'k.log');
    writeFileSync(file, 'earlier run\n'.repeat(200));
    const log = new LogFile({ file, maxBytes: 1_500, keep: 2, now: () => at });
    log.write('info', 'AUP Kiosk starting');
    log.close();
    expect(read(`${file}.1`)).toContain('earlier run');
    expect(read(file)).toContain('AUP Kiosk starting');
  });
});

describe('a log folder every account can write to', () => {
  it.skipIf(process.platform === 'win32')('refuses a link planted under the account’s file name (it would append to another file)', () => {
    const target = path.join(tmp.dir, 'bashrc');
    writeFileSync(target, 'original\n');
    const file = path.join(tmp.dir, 'aup-kiosk-ben.log');
    symlinkSync(target, file);
    expect(() => new LogFile({ file })).toThrow();
    expect(read(target)).toBe('original\n');
    const choice = openKioskLog({ username: 'ben', folders: [tmp.dir, path.join(tmp.dir, 'own')] });
    choice.log.close();
    expect(choice.file).toBe(path.join(tmp.dir, 'own', 'aup-kiosk-ben.log'));
    expect(existsSync(choice.file!)).toBe(true);
  });
});
