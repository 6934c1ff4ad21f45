import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { forbiddenSwitches, kioskConfigLocation, parseShellArgs, userArgs, writableByUser } from '../../../electron/core/shell/args.ts';
import { USAGE } from '../../../electron/core/cli/main.ts';
import { tempDir, type TempDir } from '../../support/fixtures.ts';

const packaged = { packaged: true };
const dev = { packaged: false };

describe('the packaged executable: the CLI or the kiosk', () => {
  it('"AUP Kiosk.exe" config validate runs the CLI with exactly those arguments', () => {
    expect(parseShellArgs(['config', 'validate', '--config', 'C:\\x\\config.json'], packaged)).toEqual({
      mode: 'cli',
      argv: ['config', 'validate', '--config', 'C:\\x\\config.json'],
    });
  });

  it('every command of the CLI usage is recognised as the CLI', () => {
    const commands = [...USAGE.matchAll(/^ {2}([a-z][a-z-]*)/gm)].map((m) => m[1]!);
    expect(commands.length).toBeGreaterThan(5);
    for (const command of new Set(commands)) expect(parseShellArgs([command], packaged).mode).toBe('cli');
  });

  it('help, --help and -h are the CLI; an unknown word is too (the CLI says it is unknown, exit 2)', () => {
    for (const a of ['help', '--help', '-h', 'frobnicate']) expect(parseShellArgs([a], packaged).mode).toBe('cli');
  });

  it('Chromium switches before the command are skipped (the Linux wrapper passes --headless)', () => {
    expect(parseShellArgs(['--headless', '--disable-gpu', 'school-year', '--at', '2026-08-01'], packaged)).toEqual({
      mode: 'cli',
      argv: ['school-year', '--at', '2026-08-01'],
    });
  });

  it('no arguments, or only switches, start the kiosk', () => {
    expect(parseShellArgs([], packaged)).toEqual({ mode: 'kiosk', notes: [] });
    expect(parseShellArgs(['--no-sandbox', '--enable-logging'], dev)).toEqual({ mode: 'kiosk', notes: [] });
  });

  it('the kiosk reads --config F and --config=F', () => {
    expect(parseShellArgs(['--config', '/etc/x.json'], packaged)).toEqual({ mode: 'kiosk', config: '/etc/x.json', notes: [] });
    expect(parseShellArgs(['--config=/etc/y.json'], packaged)).toEqual({ mode: 'kiosk', config: '/etc/y.json', notes: [] });
  });

  it('--config before a word is the kiosk reading that file, not the CLI', () => {
    expect(parseShellArgs(['--config', 'config.json'], packaged).mode).toBe('kiosk');
  });

  it('--user U shows that user in a development build, for tests', () => {
    expect(parseShellArgs(['--config', 'c.json', '--user', 'ben.carter'], dev)).toEqual({
      mode: 'kiosk',
      config: 'c.json',
      user: 'ben.carter',
      notes: [],
    });
  });

  it('an installed kiosk ignores --user: a student cannot start it as a teacher', () => {
    const args = parseShellArgs(['--user', 'ms.garcia'], packaged);
    expect(args).toMatchObject({ mode: 'kiosk', notes: [expect.stringContaining('--user is for development')] });
    expect(args).not.toHaveProperty('user');
  });

  it('a flag without its value is noted and ignored', () => {
    expect(parseShellArgs(['--config'], packaged)).toEqual({ mode: 'kiosk', notes: ['--config needs a value; ignored'] });
  });

  it('the process serial number macOS once added is dropped', () => {
    expect(parseShellArgs(['-psn_0_12345'], packaged)).toEqual({ mode: 'kiosk', notes: [] });
  });

  it("takes the app's arguments from process.argv: after the executable, or after the app's path in development", () => {
    expect(userArgs(['C:\\Program Files\\AUP Kiosk\\AUP Kiosk.exe', 'config', 'validate'], true)).toEqual(['config', 'validate']);
    expect(userArgs(['/usr/bin/electron', 'out/main/index.js', '--config', 'c.json'], false)).toEqual(['--config', 'c.json']);
    expect(userArgs(['/usr/bin/electron', '--no-sandbox', 'out/main/index.js', 'school-year'], false)).toEqual(['school-year']);
    expect(userArgs(['/usr/bin/electron'], false)).toEqual([]);
  });

  it('finds the switches an installed kiosk refuses, in either form', () => {
    expect(forbiddenSwitches(['--remote-debugging-port=9222', '--inspect', '--no-sandbox', '--enable-logging', '--config', 'x'])).toEqual([
      'remote-debugging-port',
      'inspect',
      'no-sandbox',
    ]);
    expect(forbiddenSwitches(['--config', 'x.json'])).toEqual([]);
  });
});

describe('where the kiosk reads its config', () => {
  let tmp: TempDir;
  beforeEach(async () => (tmp = await tempDir()));
  afterEach(() => tmp.cleanup());

  const env = { ProgramData: 'C:\\ProgramData' };

  it('in development: --config, then AUP_KIOSK_CONFIG, then the machine location (docs/design.md)', () => {
    expect(kioskConfigLocation('/a/config.json', { packaged: false, env: { AUP_KIOSK_CONFIG: '/b.json' }, platform: 'linux' })).toEqual({
      location: { file: '/a/config.json', how: 'flag' },
      notes: [],
    });
    expect(kioskConfigLocation(undefined, { packaged: false, env: { AUP_KIOSK_CONFIG: '/b.json' }, platform: 'linux' }).location).toEqual({
      file: '/b.json',
      how: 'env',
    });
  });

  it('an installed kiosk ignores AUP_KIOSK_CONFIG: a per-user variable must not replace the district config', () => {
    const choice = kioskConfigLocation(undefined, {
      packaged: true,
      env: { ...env, AUP_KIOSK_CONFIG: 'C:\\Users\\ben\\mine.json' },
      platform: 'win32',
      writable: () => false,
    });
    expect(choice.location).toEqual({ file: 'C:\\ProgramData\\AUP Kiosk\\config.json', how: 'os' });
    expect(choice.notes).toEqual([expect.stringContaining('AUP_KIOSK_CONFIG is ignored')]);
  });

  it('an installed kiosk takes --config only for a file the signed-in account cannot change', () => {
    const readOnly = kioskConfigLocation('/srv/share/config.json', { packaged: true, env: {}, platform: 'linux', writable: () => false });
    expect(readOnly).toEqual({ location: { file: '/srv/share/config.json', how: 'flag' }, notes: [] });
    const own = kioskConfigLocation('/home/ben/config.json', { packaged: true, env: {}, platform: 'linux', writable: (f) => f.startsWith('/home/') });
    expect(own.location).toEqual({ file: '/etc/aup-kiosk/config.json', how: 'os' });
    expect(own.notes).toEqual([expect.stringContaining('the signed-in account can change that file')]);
  });

  it('warns when the machine config itself can be changed by the signed-in account', () => {
    const choice = kioskConfigLocation(undefined, { packaged: true, env: {}, platform: 'darwin', writable: () => true });
    expect(choice.location.file).toBe('/Library/Application Support/AUP Kiosk/config.json');
    expect(choice.notes).toEqual([expect.stringContaining('can be changed by the signed-in account')]);
  });

  it('tells a file the account can write from one it cannot, without changing either', async () => {
    const file = path.join(tmp.dir, 'config.json');
    await writeFile(file, '{"x":1}');
    expect(writableByUser(file)).toBe(true);
    expect(writableByUser(path.join(tmp.dir, 'missing.json'))).toBe(false);
    if (process.getuid?.() !== 0) {
      // root may write anything; as any other account a read-only file is not writable
      await chmod(file, 0o444);
      expect(writableByUser(file)).toBe(false);
    }
    expect(await readFile(file, 'utf8')).toBe('{"x":1}');
  });
});
