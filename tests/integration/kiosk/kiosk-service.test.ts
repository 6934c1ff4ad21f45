// KioskService against real folders: the demo roster, the bundled catalog, a real ledger and state
// folder, and a clock the test moves. Restarts are new KioskHost instances on the same folders.
import { describe, expect, it } from 'vitest';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { KioskHost, KioskSessionApi } from '../../../electron/core/kiosk/kiosk-service.ts';
import type { KioskView } from '../../../electron/core/api/contract.ts';
import type { KioskSession } from '../../../electron/core/kiosk/session.ts';
import { catalogCopyIn, demoConfigIn } from '../../support/fixtures.ts';
import { acceptShown, demoKiosks, watch } from '../../support/kiosk-host.ts';

const kiosks = demoKiosks(); // Tuesday 10:00 in Lockhart, Lab 204
const kiosk = (file?: string) => kiosks.open(file);
const ledgerText = async () => (await kiosks.ledgerLines()).map((l) => `${l}\n`).join('');
const acceptAs = async (s: KioskSessionApi, typedName?: string) => (await acceptShown(s, typedName)).result;

async function throughPolicyAndRules(s: KioskSessionApi, typedName?: string) {
  expect(await acceptAs(s, typedName)).toEqual({ ok: true });
  const v = await s.getView();
  if (v.kind === 'safety-rules')
    expect(await s.acknowledgeSafetyRules({ rulesId: v.document.policyId, version: v.document.version })).toEqual({ ok: true });
}

describe("a student's first login of the school year", () => {
  it('shows the student AUP in their language, then the Internet Safety rules, then the lock', async () => {
    const k = await kiosk();
    const w = watch(k.session('carla.diaz'));
    const s = w.session;
    const v = await s.getView();
    expect(v).toMatchObject({
      kind: 'policy',
      signature: 'typed-name',
      document: { policyId: 'student-aup', version: '2026-27', language: 'es', reviewed: false },
    });
    expect(await s.setLanguage('en')).toEqual({ ok: true });
    const en = await s.getView();
    expect(en).toMatchObject({ kind: 'policy', document: { language: 'en', reviewed: true } });
    // a grade 7 student signs with their full name, accents optional
    expect(await acceptAs(s, 'Carla')).toEqual({ ok: false, reason: 'name-required' });
    expect(await acceptAs(s, 'carla diaz')).toEqual({ ok: true });
    expect(w.last()).toMatchObject({ kind: 'safety-rules', mustAcknowledge: true, document: { policyId: 'safety-rules-secondary' } });
    const rules = w.last() as Extract<KioskView, { kind: 'safety-rules' }>;
    expect(await s.acknowledgeSafetyRules({ rulesId: rules.document.policyId, version: rules.document.version })).toEqual({ ok: true });
    expect(w.last()).toMatchObject({ kind: 'locked', reason: 'no-teacher', context: { site: { campus: 'Lockhart High School', room: 'Lab 204' } } });
    const text = await ledgerText();
    expect(text).toMatch(/"type":"acceptance"/);
    expect(text).toMatch(/"typedName":"carla diaz"/);
    expect(text).toMatch(/"machine":"LAB204-PC07"/);
  });

  it('an elementary student presses a large "I agree" and sees the plain-words safety rules', async () => {
    const k = await kiosk();
    const s = k.session('ben.carter');
    expect(await s.getView()).toMatchObject({ kind: 'policy', signature: 'i-agree' });
    expect(await acceptAs(s)).toEqual({ ok: true });
    expect(await s.getView()).toMatchObject({ kind: 'safety-rules', document: { policyId: 'safety-rules-elementary' } });
  });

  it('an acceptance of a document that is not the one in force is refused as stale', async () => {
    const k = await kiosk();
    const s = k.session('ben.carter');
    const v = (await s.getView()) as Extract<KioskView, { kind: 'policy' }>;
    const d = { policyId: v.document.policyId, version: v.document.version, sha256: v.document.sha256, language: v.document.language };
    expect(await s.acceptPolicy({ ...d, sha256: '0'.repeat(64) })).toEqual({ ok: false, reason: 'stale-document' });
    expect(await s.acceptPolicy({ ...d, version: '2025-26' })).toEqual({ ok: false, reason: 'stale-document' });
    expect(await s.acceptPolicy({ ...d, language: 'es' })).toEqual({ ok: false, reason: 'stale-document' });
    expect(await s.getView()).toMatchObject({ kind: 'policy' });
  });

  it('arguments that are not what KioskApi takes are refused, not trusted', async () => {
    const k = await kiosk();
    const s = k.session('ben.carter');
    expect(await s.acceptPolicy({ policyId: 'student-aup' } as never)).toEqual({ ok: false, reason: 'invalid-request' });
    expect(await s.teacherUnlock({ username: 'ms.garcia', secret: '2468', extra: 1 } as never)).toEqual({ ok: false, reason: 'invalid-request' });
    expect(await s.setLanguage('fr')).toEqual({ ok: false, reason: 'invalid-request' });
    expect(await s.teacherUnlock({ username: 'ms.garcia', secret: '2468' })).toEqual({ ok: false, reason: 'not-now' }); // policy first
  });
});

describe('the classroom lock through KioskService', () => {
  async function lockedStudent(k: KioskHost, user = 'diego.ramos', name = 'Diego Ramos') {
    const w = watch(k.session(user));
    await throughPolicyAndRules(w.session, name);
    expect(await w.session.getView()).toMatchObject({ kind: 'locked' });
    return w;
  }

  it('an approved teacher unlocks; the unlock expires with a warning first, and the session relocks', async () => {
    const k = await kiosk();
    const w = await lockedStudent(k);
    expect(await w.session.teacherUnlock({ username: 'mr.lee', secret: '1357' })).toEqual({ ok: true });
    expect(w.last()).toMatchObject({
      kind: 'unlocked',
      by: 'mr.lee',
      byName: 'James Lee',
      unlockKind: 'teacher',
      warning: false,
      until: '2026-10-06T10:55:00.000-05:00',
    });
    kiosks.clock.advance(53 * 60_000);
    await k.tick();
    expect(w.last()).toMatchObject({ kind: 'unlocked', warning: true });
    kiosks.clock.advance(2 * 60_000);
    await k.tick();
    expect(w.last()).toMatchObject({ kind: 'locked', reason: 'expired' });
    expect(await ledgerText()).toMatch(/"type":"unlock".*"by":"mr.lee"/);
  });

  it('wrong PINs typed for one name lock out that name only: another teacher still unlocks', async () => {
    const k = await kiosk();
    const w = await lockedStudent(k);
    for (let i = 0; i < 5; i++) await w.session.teacherUnlock({ username: 'ms.garcia', secret: '0000' });
    expect(await w.session.teacherUnlock({ username: 'ms.garcia', secret: '2468' })).toMatchObject({ ok: false, reason: 'rate-limited' });
    expect(await w.session.teacherUnlock({ username: 'mr.lee', secret: '1357' })).toEqual({ ok: true });
  });

  it('a valid sign-in refused for the role resets nothing: the fifth wrong PIN still locks the name out', async () => {
    const k = await kiosk();
    const w = await lockedStudent(k);
    for (let i = 0; i < 4; i++) {
      expect(await w.session.teacherUnlock({ username: 'MS.GARCIA ', secret: String(1000 + i) })).toEqual({ ok: false, reason: 'bad-credentials' });
      expect(await w.session.teacherUnlock({ username: 'clerk.kim', secret: '4444' })).toEqual({ ok: false, reason: 'not-approved' });
    }
    expect(await w.session.teacherUnlock({ username: 'ms.garcia', secret: '1004' })).toEqual({
      ok: false,
      reason: 'bad-credentials',
      retryAfterSeconds: 60,
    });
  });

  it('guessing across many names meets the machine-wide ceiling, which lasts minutes, not hours; an unlock starts the counts again', async () => {
    const k = await kiosk();
    const w = await lockedStudent(k);
    for (let i = 0; i < 19; i++)
      expect(await w.session.teacherUnlock({ username: `guess${i}`, secret: '0000' })).toEqual({ ok: false, reason: 'bad-credentials' });
    expect(await w.session.teacherUnlock({ username: 'guess19', secret: '0000' })).toEqual({
      ok: false,
      reason: 'bad-credentials',
      retryAfterSeconds: 60,
    });
    // the ceiling holds for everyone, even the right PIN
    expect(await w.session.teacherUnlock({ username: 'mr.lee', secret: '1357' })).toEqual({
      ok: false,
      reason: 'rate-limited',
      retryAfterSeconds: 60,
    });
    // failing on purpose: the machine's lockout doubles, but stops at 15 minutes
    for (let i = 0; i < 12; i++) {
      kiosks.clock.advance(20 * 60_000);
      await w.session.teacherUnlock({ username: `again${i}`, secret: '0000' });
    }
    const refused = await w.session.teacherUnlock({ username: 'mr.lee', secret: '1357' });
    expect(refused).toMatchObject({ ok: false, reason: 'rate-limited' });
    expect((refused as { retryAfterSeconds: number }).retryAfterSeconds).toBeLessThanOrEqual(15 * 60);
    kiosks.clock.advance(15 * 60_000);
    expect(await w.session.teacherUnlock({ username: 'mr.lee', secret: '1357' })).toEqual({ ok: true });
    // the unlock reset the machine's count: one more failure is not locked out
    const k2 = w.session;
    kiosks.clock.advance(60 * 60_000);
    await k.tick();
    expect(await k2.teacherUnlock({ username: 'guess-after', secret: '0000' })).toEqual({ ok: false, reason: 'bad-credentials' });
  });

  it("setting the computer's clock back does not stretch an unlock, not even across a restart", async () => {
    let mono = 0;
    const guarded = () => kiosks.open(kiosks.config, { monotonic: () => mono });
    const k = await guarded();
    const w = await lockedStudent(k);
    expect(await w.session.teacherUnlock({ username: 'mr.lee', secret: '1357' })).toEqual({ ok: true }); // 10:00 to 10:55
    kiosks.clock.advance(50 * 60_000);
    mono += 50 * 60_000;
    await k.tick(); // 10:50: the kiosk notes how far its time has come
    kiosks.clock.set('2026-10-06T15:06:00Z'); // the student sets the clock back to 10:06
    await k.tick();
    expect(w.last()).toMatchObject({ kind: 'unlocked', warning: false });
    kiosks.clock.advance(5 * 60_000);
    mono += 5 * 60_000;
    await k.tick();
    expect(w.last()).toMatchObject({ kind: 'locked', reason: 'expired' }); // 55 minutes, not 99
    // restarted (the monotonic clock starts over), the wall clock still set back: still locked
    await kiosks.close(k);
    mono = 0;
    const again = await guarded();
    expect(await again.session('diego.ramos').getView()).toMatchObject({ kind: 'locked' });
  });

  it("a substitute is refused with the policy's reason, and the refusal is recorded", async () => {
    const k = await kiosk();
    const w = await lockedStudent(k);
    expect(await w.session.teacherUnlock({ username: 'sub.jones', secret: '9999' })).toEqual({ ok: false, reason: 'substitute' });
    expect(await w.session.teacherUnlock({ username: 'clerk.kim', secret: '4444' })).toEqual({ ok: false, reason: 'not-approved' });
    expect(w.last()).toMatchObject({ kind: 'locked' });
    const text = await ledgerText();
    expect(text).toMatch(/"type":"denied".*"by":"sub.jones".*"refusal":"substitute"/);
  });

  it('a wrong PIN is refused and recorded without the PIN; after five the kiosk locks sign-ins out, across a restart', async () => {
    const k = await kiosk();
    const w = await lockedStudent(k);
    for (let i = 0; i < 4; i++)
      expect(await w.session.teacherUnlock({ username: 'ms.garcia', secret: '0000' })).toEqual({ ok: false, reason: 'bad-credentials' });
    expect(await w.session.teacherUnlock({ username: 'ms.garcia', secret: '0000' })).toEqual({
      ok: false,
      reason: 'bad-credentials',
      retryAfterSeconds: 60,
    });
    expect(await w.session.teacherUnlock({ username: 'ms.garcia', secret: '2468' })).toEqual({
      ok: false,
      reason: 'rate-limited',
      retryAfterSeconds: 60,
    });
    // the student kills the kiosk: the lockout is still there
    await k.close();
    const again = await kiosk();
    const s2 = again.session('diego.ramos');
    kiosks.clock.advance(30_000);
    expect(await s2.teacherUnlock({ username: 'ms.garcia', secret: '2468' })).toEqual({ ok: false, reason: 'rate-limited', retryAfterSeconds: 30 });
    kiosks.clock.advance(30_000);
    expect(await s2.teacherUnlock({ username: 'ms.garcia', secret: '2468' })).toEqual({ ok: true });
    const text = await ledgerText();
    expect(text.match(/"type":"auth-failure"/g)?.length).toBe(5);
    // The wrong PIN never appears as a value (hashes are hex, so "0000" may occur inside one by chance).
    expect(text).not.toMatch(/(?<![0-9a-f])0000(?![0-9a-f])/);
    expect(text).toContain('"attemptedBy":"ms.garcia"');
    expect(kiosks.log.lines.join('\n')).not.toContain('0000');
    expect(kiosks.log.lines.join('\n')).not.toContain('2468');
  });

  it('a password typed into the name box is not kept as the name tried', async () => {
    const k = await kiosk();
    const w = await lockedStudent(k);
    expect(await w.session.teacherUnlock({ username: 'Summer2026!', secret: 'ms.garcia' })).toEqual({ ok: false, reason: 'bad-credentials' });
    const text = await ledgerText();
    expect(text).not.toContain('Summer2026!');
    expect(text).toContain('"attemptedBy":"(not a known username)"');
  });

  it('a restart never unlocks a session and never relocks one whose unlock is still running', async () => {
    const k = await kiosk();
    const w = await lockedStudent(k);
    await w.session.teacherUnlock({ username: 'mr.lee', secret: '1357' });
    await k.close();
    kiosks.clock.advance(10 * 60_000);
    const k2 = await kiosk();
    expect(await k2.session('diego.ramos').getView()).toMatchObject({ kind: 'unlocked', by: 'mr.lee' });
    // another student who signs in on this machine finds their own session locked
    expect(await k2.session('fay.olsen').getView()).toMatchObject({ kind: 'policy' });
    kiosks.clock.advance(50 * 60_000);
    const k3 = await kiosk();
    expect(await k3.session('diego.ramos').getView()).toMatchObject({ kind: 'locked', reason: 'expired' });
  });

  it('an administrator overrides with a reason and a time limit; without a reason, or too long, is refused', async () => {
    const k = await kiosk();
    const w = await lockedStudent(k, 'eli.brooks', 'Eli Brooks');
    expect(w.last()).toMatchObject({ kind: 'locked', reason: 'privileges-suspended', overrideOnly: true });
    expect(await w.session.teacherUnlock({ username: 'mr.lee', secret: '1357' })).toEqual({ ok: false, reason: 'not-administrator' });
    const admin = { username: 'principal.ortiz', secret: '8642' };
    expect(await w.session.adminOverride({ ...admin, reason: '', minutes: 30 })).toEqual({ ok: false, reason: 'reason-required' });
    expect(await w.session.adminOverride({ ...admin, reason: 'State testing make-up', minutes: 481 })).toEqual({
      ok: false,
      reason: 'too-long',
      maxMinutes: 480,
    });
    expect(await w.session.adminOverride({ username: 'mr.lee', secret: '1357', reason: 'State testing make-up', minutes: 30 })).toEqual({
      ok: false,
      reason: 'not-administrator',
    });
    expect(await w.session.adminOverride({ ...admin, reason: 'State testing make-up', minutes: 30 })).toEqual({ ok: true });
    expect(w.last()).toMatchObject({ kind: 'unlocked', unlockKind: 'override', by: 'principal.ortiz' });
    expect(await ledgerText()).toMatch(/"type":"override".*"reason":"State testing make-up"/);
  });

  it('a revoked student is told "revoked", a suspended one "suspended", and the room view says which', async () => {
    const k = await kiosk();
    const fay = await lockedStudent(k, 'fay.olsen', "Fay O'Neil-Olsen");
    expect(fay.last()).toMatchObject({ kind: 'locked', reason: 'privileges-revoked', overrideOnly: true });
    // What the teacher's room view shows for this computer (KioskService's sessions are KioskSessions).
    const notesOf = async (s: object) => (await (s as KioskSession).presence())?.notes;
    expect(await notesOf(fay.session)).toEqual(['revoked']);
    const eli = await lockedStudent(k, 'eli.brooks', 'Eli Brooks');
    expect(eli.last()).toMatchObject({ kind: 'locked', reason: 'privileges-suspended', overrideOnly: true });
    expect(await notesOf(eli.session)).toEqual(['suspended']);
  });

  it("the guardian's denial of Internet access is shown to the teacher", async () => {
    const k = await kiosk();
    const s = k.session('gia.nguyen');
    await throughPolicyAndRules(s);
    expect(await s.getView()).toMatchObject({ kind: 'locked', guardianDeniedInternet: true });
  });

  it('the Internet Safety rules can be opened again at any time and closed', async () => {
    const k = await kiosk();
    const w = await lockedStudent(k);
    expect(await w.session.openSafetyRules()).toEqual({ ok: true });
    expect(w.last()).toMatchObject({ kind: 'safety-rules', mustAcknowledge: false });
    expect(await w.session.closeSafetyRules()).toEqual({ ok: true });
    expect(w.last()).toMatchObject({ kind: 'locked' });
  });
});

describe('the first login of each school year', () => {
  it('a second login the same year goes straight to the lock; the next school year asks again', async () => {
    const k = await kiosk();
    const s = k.session('diego.ramos');
    await throughPolicyAndRules(s, 'Diego Ramos');
    await k.close();
    kiosks.clock.set('2027-05-20T15:00:00Z');
    expect(await (await kiosk()).session('diego.ramos').getView()).toMatchObject({ kind: 'locked' });
    kiosks.clock.set('2027-08-01T05:00:00Z'); // local midnight, 1 August 2027
    expect(await (await kiosk()).session('diego.ramos').getView()).toMatchObject({ kind: 'policy', document: { policyId: 'student-aup' } });
  });

  it('a version that takes effect mid-year is asked for again; the safety rules are not', async () => {
    const folder = await catalogCopyIn(kiosks.dir);
    const catalogFile = path.join(folder, 'catalog.json');
    const catalog = JSON.parse(await readFile(catalogFile, 'utf8'));
    const student = catalog.policies.find((p: { id: string }) => p.id === 'student-aup');
    student.versions.push({ ...student.versions.at(-1), version: '2026-27-rev1', effective: '2027-01-04' });
    await writeFile(catalogFile, JSON.stringify(catalog));
    const file = await demoConfigIn(kiosks.dir, (c) => (c.policies = { catalog: 'catalog' }));
    const s = (await kiosk(file)).session('diego.ramos');
    await throughPolicyAndRules(s, 'Diego Ramos');
    kiosks.clock.set('2027-01-04T06:00:00Z'); // local midnight, 4 January
    const k2 = await kiosk(file);
    const s2 = k2.session('diego.ramos');
    expect(await s2.getView()).toMatchObject({ kind: 'policy', document: { version: '2026-27-rev1' } });
    expect(await acceptAs(s2, 'Diego Ramos')).toEqual({ ok: true });
    expect(await s2.getView()).toMatchObject({ kind: 'locked' });
  });

  it('staff accept the Staff AUP and then have nothing more to do', async () => {
    const k = await kiosk();
    const s = k.session('clerk.kim');
    expect(await s.getView()).toMatchObject({ kind: 'policy', signature: 'typed-name', document: { policyId: 'staff-aup' } });
    expect(await acceptAs(s, 'Sun Kim')).toEqual({ ok: true });
    expect(await s.getView()).toMatchObject({ kind: 'free', user: { role: 'staff' } });
  });

  it('a user the directory does not know is kept locked', async () => {
    const k = await kiosk();
    expect(await k.session('stranger').getView()).toMatchObject({ kind: 'locked', reason: 'no-teacher' });
  });
});

describe('branding', () => {
  it('the district logo travels in the view as a data: URL, so every transport shows it', async () => {
    await writeFile(path.join(kiosks.dir, 'logo.svg'), '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>');
    const file = await demoConfigIn(kiosks.dir, (c) => (c.district.logo = 'logo.svg'));
    const v = await (await kiosk(file)).session('ben.carter').getView();
    expect('context' in v && v.context?.district.logo).toMatch(/^data:image\/svg\+xml;base64,/);
  });

  it('a logo that is not an image is a config error', async () => {
    await writeFile(path.join(kiosks.dir, 'logo.exe'), 'MZ');
    const file = await demoConfigIn(kiosks.dir, (c) => (c.district.logo = 'logo.exe'));
    expect(await (await kiosk(file)).session('ben.carter').getView()).toMatchObject({ kind: 'config-error', problems: [{ path: 'district.logo' }] });
  });
});

describe('a broken config', () => {
  it('shows the technician every problem and where the config was read from', async () => {
    const bad = path.join(kiosks.dir, 'bad.json');
    await writeFile(bad, JSON.stringify({ district: { name: 'X' }, site: { campus: 'C' }, directory: { type: 'roster' } }));
    const k = await kiosk(bad);
    const v = await k.session('ben.carter').getView();
    expect(v).toMatchObject({ kind: 'config-error', source: bad });
    if (v.kind === 'config-error') expect(v.problems.map((p) => p.path).sort()).toEqual(['directory.file', 'site.room']);
  });

  it('a ledger folder that cannot be written is a config error naming the folder', async () => {
    await writeFile(path.join(kiosks.dir, 'not-a-folder'), 'x');
    const file = await demoConfigIn(kiosks.dir, (c) => (c.ledger = { dir: 'not-a-folder/ledger' }));
    const v = await (await kiosk(file)).session('ben.carter').getView();
    expect(v).toMatchObject({ kind: 'config-error', problems: [{ path: 'ledger.dir', message: expect.stringContaining('not-a-folder') }] });
  });
});
