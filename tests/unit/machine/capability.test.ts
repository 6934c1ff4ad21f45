// The pure parts of the channel's identity proof: account names, passwd lines, where the service
// lives on each OS, the Windows folder ACL plan, and the per-connection rate limit.
import { describe, expect, it } from 'vitest';
import {
  ACCOUNT_NAME,
  WINDOWS_ACCOUNT_NAME,
  defaultChannelPaths,
  parsePasswdLine,
  resolveSystemAccount,
  windowsSessionFolderPlan,
} from '../../../electron/core/machine/capability.ts';
import { TokenBucket } from '../../../electron/core/machine/channel.ts';

describe('account names', () => {
  it('are a single safe path segment', () => {
    for (const ok of ['aupt1', 'carla.diaz', 'svc_kiosk', 'jdoe@district.org', "sean.o'brien"]) expect(ACCOUNT_NAME.test(ok)).toBe(true);
    for (const bad of ['', '.', '..', '../root', 'a/b', '-n', '1000', 'a b', 'a\nb', 'x'.repeat(65)]) expect(ACCOUNT_NAME.test(bad)).toBe(false);
  });

  it('on Windows may carry a domain, and never a path', () => {
    expect(WINDOWS_ACCOUNT_NAME.test('LAB\\carla.diaz')).toBe(true);
    expect(WINDOWS_ACCOUNT_NAME.test('carla.diaz')).toBe(true);
    expect(WINDOWS_ACCOUNT_NAME.test("LAB\\sean.o'brien")).toBe(true);
    for (const bad of ['..\\x\\y', 'a/b', 'LAB\\a\\b', 'a:b', 'x'.repeat(21)]) expect(WINDOWS_ACCOUNT_NAME.test(bad)).toBe(false);
  });
});

describe('parsePasswdLine', () => {
  it('reads uid and gid of exactly the account asked for', () => {
    expect(parsePasswdLine('aupt1:x:1001:1002:AUP test:/home/aupt1:/bin/sh\n', 'aupt1')).toEqual({ name: 'aupt1', uid: 1001, gid: 1002 });
  });

  it('refuses a line for another name (getent also answers a uid) or a broken line', () => {
    expect(parsePasswdLine('root:x:0:0:root:/root:/bin/bash', '0')).toBeNull();
    expect(parsePasswdLine('aupt10:x:1010:1010::/home/aupt10:/bin/sh', 'aupt1')).toBeNull();
    expect(parsePasswdLine('aupt1:x:-1:5::/:/bin/sh', 'aupt1')).toBeNull();
    expect(parsePasswdLine('aupt1:x', 'aupt1')).toBeNull();
  });
});

describe('resolveSystemAccount', () => {
  it('asks the system, by exact name only', async () => {
    expect(await resolveSystemAccount('root', 'linux')).toEqual({ name: 'root', uid: 0, gid: 0 });
    expect(await resolveSystemAccount('no-such-aup-account', 'linux')).toBeNull();
    expect(await resolveSystemAccount('0', 'linux')).toBeNull(); // a uid is not a name
    expect(await resolveSystemAccount('../root', 'linux')).toBeNull();
  });
});

describe('defaultChannelPaths', () => {
  it("are the service's run folder: the socket and the token folders, the pipe on Windows", () => {
    expect(defaultChannelPaths('linux')).toEqual({ socketPath: '/run/aup-kiosk/service.sock', sessionsRoot: '/run/aup-kiosk/sessions' });
    expect(defaultChannelPaths('darwin')).toEqual({
      socketPath: '/private/var/run/aup-kiosk/service.sock',
      sessionsRoot: '/private/var/run/aup-kiosk/sessions',
    });
    expect(defaultChannelPaths('win32', { programData: 'D:\\ProgramData' })).toEqual({
      socketPath: '\\\\.\\pipe\\aup-kiosk',
      sessionsRoot: 'D:\\ProgramData\\AUP Kiosk\\sessions',
    });
  });
});

describe('windowsSessionFolderPlan', () => {
  const root = 'C:\\ProgramData\\AUP Kiosk\\sessions';

  it('gives the folder to SYSTEM and lets the account alone read it, nothing inherited', () => {
    const plan = windowsSessionFolderPlan(root, 'LAB\\carla.diaz');
    expect(plan.folder).toBe('C:\\ProgramData\\AUP Kiosk\\sessions\\LAB+carla.diaz');
    expect(plan.steps).toEqual([
      { command: 'icacls', args: [plan.folder, '/setowner', '*S-1-5-18'] },
      { command: 'icacls', args: [plan.folder, '/inheritance:r', '/grant:r', '*S-1-5-18:(OI)(CI)F', 'LAB\\carla.diaz:(OI)(CI)R'] },
    ]);
    // Read only: the account can plant nothing in its folder; Users and Everyone appear nowhere.
    const args = plan.steps.flatMap((s) => s.args).join(' ');
    expect(args).not.toMatch(/Users|Everyone|S-1-1-0|S-1-5-32-545|Authenticated/);
    expect(plan.steps.flatMap((s) => s.args).filter((a) => a.startsWith('LAB\\carla.diaz:'))).toEqual(['LAB\\carla.diaz:(OI)(CI)R']);
  });

  it('refuses a name that would leave the sessions folder', () => {
    expect(() => windowsSessionFolderPlan(root, '..\\..\\Windows')).toThrow();
    expect(() => windowsSessionFolderPlan(root, 'a/b')).toThrow();
  });
});

describe('TokenBucket', () => {
  it('allows the burst at once, then the sustained rate, and says how long to wait', () => {
    let t = 0;
    const bucket = new TokenBucket(10, 3, () => t);
    expect([bucket.take(), bucket.take(), bucket.take()]).toEqual([0, 0, 0]);
    expect(bucket.take()).toBe(100);
    t += 100;
    expect(bucket.take()).toBe(0);
    expect(bucket.take()).toBeGreaterThan(0);
    t += 10_000;
    expect([bucket.take(), bucket.take(), bucket.take()]).toEqual([0, 0, 0]); // never more than the burst
    expect(bucket.take()).toBeGreaterThan(0);
  });
});
