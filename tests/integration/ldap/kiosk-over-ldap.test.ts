// The whole lock, through KioskService, with teachers signing in against a real OpenLDAP: each
// role's unlock result, wrong password, injection, the directory going down, lockout and restart.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readFile, readdir } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { openKioskService } from '../../../electron/core/setup.ts';
import type { KioskHost, KioskSessionApi } from '../../../electron/core/kiosk/kiosk-service.ts';
import { MemoryLog } from '../../../electron/core/log.ts';
import { ManualClock } from '../../../electron/core/time.ts';
import { directoryConfigFor, startSlapd, type SlapdHandle } from '../../../harness/slapd.ts';
import { demoConfigIn, tempDir, type TempDir } from '../../support/fixtures.ts';

let slapd: SlapdHandle;
let tmp: TempDir;
let clock: ManualClock;
let log: MemoryLog;
const kiosks: KioskHost[] = [];

beforeAll(async () => {
  slapd = await startSlapd();
});
afterAll(async () => {
  await slapd?.stop();
});
beforeEach(async () => {
  tmp = await tempDir();
  clock = new ManualClock('2026-10-06T15:00:00Z');
  log = new MemoryLog();
});
afterEach(async () => {
  for (const k of kiosks.splice(0)) await k.close();
  await tmp.cleanup();
});

async function kiosk(url = slapd.url, extra: Record<string, unknown> = {}): Promise<KioskHost> {
  const config = await demoConfigIn(tmp.dir, (c) => {
    c.directory = directoryConfigFor(slapd, { url, timeoutSeconds: 2, ...extra });
  });
  const k = await openKioskService({ configFile: config, clock, log });
  kiosks.push(k);
  return k;
}

/** A student who has accepted and seen the rules: the session is at the lock. */
async function atTheLock(k: KioskHost, key: 'seventhGrader' | 'suspendedStudent' = 'seventhGrader'): Promise<KioskSessionApi> {
  const s = k.session(slapd.users[key].username);
  for (let i = 0; i < 2; i++) {
    const v = await s.getView();
    if (v.kind === 'policy') {
      const d = v.document;
      expect(
        await s.acceptPolicy({ policyId: d.policyId, version: d.version, sha256: d.sha256, language: d.language, typedName: v.user.displayName }),
      ).toEqual({ ok: true });
    } else if (v.kind === 'safety-rules') {
      expect(await s.acknowledgeSafetyRules({ rulesId: v.document.policyId, version: v.document.version })).toEqual({ ok: true });
    }
  }
  expect(await s.getView()).toMatchObject({ kind: 'locked' });
  return s;
}

const u = (key: keyof SlapdHandle['users']) => ({ username: slapd.users[key].username, secret: slapd.users[key].password });

describe('unlocking with district credentials (LDAP)', () => {
  it('each role gets its answer: teacher unlocks, substitute and staff are refused, administrator may override', async () => {
    const k = await kiosk();
    const s = await atTheLock(k);
    expect(await s.teacherUnlock(u('substitute'))).toEqual({ ok: false, reason: 'substitute' });
    expect(await s.teacherUnlock(u('substituteAlsoApproved'))).toEqual({ ok: false, reason: 'substitute' });
    expect(await s.teacherUnlock(u('librarianClerk'))).toEqual({ ok: false, reason: 'not-approved' });
    expect(await s.teacherUnlock(u('eleventhGrader'))).toEqual({ ok: false, reason: 'not-approved' });
    expect(await s.adminOverride({ ...u('teacher'), reason: 'Needs the lab', minutes: 20 })).toEqual({ ok: false, reason: 'not-administrator' });
    expect(await s.teacherUnlock(u('teacher'))).toEqual({ ok: true });
    expect(await s.getView()).toMatchObject({ kind: 'unlocked', by: 'tgarcia', unlockKind: 'teacher' });
  });

  it('a suspended student opens only by an administrator override with a reason and a time limit', async () => {
    const k = await kiosk();
    const s = await atTheLock(k, 'suspendedStudent');
    expect(await s.getView()).toMatchObject({ kind: 'locked', reason: 'privileges-suspended', guardianDeniedInternet: true });
    expect(await s.teacherUnlock(u('teacher'))).toEqual({ ok: false, reason: 'not-administrator' });
    expect(await s.adminOverride({ ...u('administrator'), reason: '', minutes: 20 })).toEqual({ ok: false, reason: 'reason-required' });
    expect(await s.adminOverride({ ...u('administrator'), reason: 'Credit recovery', minutes: 481 })).toEqual({
      ok: false,
      reason: 'too-long',
      maxMinutes: 480,
    });
    expect(await s.adminOverride({ ...u('administrator'), reason: 'Credit recovery', minutes: 45 })).toEqual({ ok: true });
  });

  it('a wrong password, an unknown user, a locked account and filter injection are all bad credentials, and never logged', async () => {
    const k = await kiosk();
    const s = await atTheLock(k);
    const teacher = u('teacher');
    expect(await s.teacherUnlock({ username: teacher.username, secret: 'wrong-password' })).toEqual({ ok: false, reason: 'bad-credentials' });
    expect(await s.teacherUnlock({ username: 'no.such.person', secret: teacher.secret })).toEqual({ ok: false, reason: 'bad-credentials' });
    expect(await s.teacherUnlock(u('lockedOut'))).toEqual({ ok: false, reason: 'bad-credentials' });
    expect(await s.teacherUnlock({ username: '*)(uid=*', secret: teacher.secret })).toEqual({ ok: false, reason: 'bad-credentials' });
    const ledger = (
      await Promise.all(
        (await readdir(path.join(tmp.dir, 'ledger')))
          .filter((f) => f.endsWith('.jsonl'))
          .map((f) => readFile(path.join(tmp.dir, 'ledger', f), 'utf8')),
      )
    ).join('');
    expect(ledger.match(/"type":"auth-failure"/g)?.length).toBe(4);
    for (const secret of ['wrong-password', teacher.secret, slapd.servicePassword]) {
      expect(ledger).not.toContain(secret);
      expect(log.lines.join('\n')).not.toContain(secret);
    }
  });

  it('repeated failures lock sign-ins out, and the lockout survives a restart of the kiosk', async () => {
    const k = await kiosk();
    const s = await atTheLock(k);
    for (let i = 0; i < 5; i++) await s.teacherUnlock({ username: 'tgarcia', secret: `guess-${i}` });
    expect(await s.teacherUnlock(u('teacher'))).toMatchObject({ ok: false, reason: 'rate-limited' });
    await k.close();
    const again = (await kiosk()).session(slapd.users.seventhGrader.username);
    expect(await again.teacherUnlock(u('teacher'))).toMatchObject({ ok: false, reason: 'rate-limited', retryAfterSeconds: 60 });
    clock.advance(61_000);
    expect(await again.teacherUnlock(u('teacher'))).toEqual({ ok: true });
  });

  it('a directory that is down gives a clear refusal in bounded time, and counts no failed attempt', async () => {
    // A server that accepts connections and never answers.
    const silent = net.createServer(() => {});
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const port = (silent.address() as net.AddressInfo).port;
    try {
      const k = await kiosk(`ldap://127.0.0.1:${port}`, { timeoutSeconds: 1 });
      // the signed-in user cannot be looked up either: the session stays locked
      const s = k.session(slapd.users.seventhGrader.username);
      expect(await s.getView()).toMatchObject({ kind: 'locked' });
      const started = Date.now();
      expect(await s.teacherUnlock(u('teacher'))).toEqual({ ok: false, reason: 'directory-unavailable' });
      expect(Date.now() - started).toBeLessThan(10_000);
      for (let i = 0; i < 5; i++) expect(await s.teacherUnlock(u('teacher'))).toEqual({ ok: false, reason: 'directory-unavailable' });
    } finally {
      silent.close();
    }
  });

  it('TLS is required: a directory whose certificate is not trusted is unavailable, not bypassed', async () => {
    const k = await kiosk(slapd.url, { tls: {} });
    const s = k.session(slapd.users.seventhGrader.username);
    expect(await s.getView()).toMatchObject({ kind: 'locked' });
    expect(await s.teacherUnlock(u('teacher'))).toEqual({ ok: false, reason: 'directory-unavailable' });
  });
});
