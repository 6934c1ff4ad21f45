import type { DirectoryUser } from '../../../electron/core/people.ts';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  afterFailure,
  afterSuccess,
  attemptsAllowed,
  currentPeriodEnd,
  decideOverride,
  decideTeacherUnlock,
  sessionLock,
  type AttemptState,
  type LockRules,
  type UnlockGrant,
} from '../../../electron/core/lock/lock.ts';
import { LOCK_RULES } from '../../support/lock-rules.ts';
import type { Privileges, Role } from '../../../electron/core/api/contract.ts';

const rules: LockRules = LOCK_RULES;
const person = (role: Role, extra: Partial<DirectoryUser> = {}): DirectoryUser => ({
  username: `${role}-1`,
  displayName: role,
  role,
  privileges: 'active',
  guardianDeniedInternet: false,
  ...(role === 'student' ? { grade: 7 } : {}),
  ...extra,
});
const student = person('student');
const teacher = person('teacher');
const now = new Date('2026-10-06T15:00:00Z'); // Tuesday 10:00 in Lockhart
const MIN = 60_000;

describe('the classroom lock', () => {
  it('a student session starts locked: no teacher has unlocked it', () => {
    expect(sessionLock(student, rules, undefined, now)).toEqual({ state: 'locked', reason: 'no-teacher', overrideOnly: false });
  });

  it('staff sessions are never locked', () => {
    for (const role of ['teacher', 'substitute', 'staff', 'administrator'] as const) {
      expect(sessionLock(person(role), rules, undefined, now)).toEqual({ state: 'free' });
    }
  });

  it('where rooms do not lock, a student under "direct supervision" still needs a teacher', () => {
    const open = { ...rules, students: false };
    expect(sessionLock(student, open, undefined, now)).toEqual({ state: 'free' });
    expect(sessionLock(person('student', { privileges: 'supervised' }), open, undefined, now)).toEqual({
      state: 'locked',
      reason: 'supervision-required',
      overrideOnly: false,
    });
  });

  it('an approved teacher unlocks for unlockMinutes', () => {
    const d = decideTeacherUnlock(student, teacher, rules, now);
    expect(d.ok).toBe(true);
    if (!d.ok) return;
    expect(Date.parse(d.grant.until) - now.getTime()).toBe(55 * MIN);
    expect(sessionLock(student, rules, d.grant, new Date(now.getTime() + 10 * MIN))).toMatchObject({ state: 'unlocked', warning: false });
  });

  it('a substitute cannot unlock a student session', () => {
    expect(decideTeacherUnlock(student, person('substitute'), rules, now)).toEqual({ ok: false, reason: 'substitute' });
  });

  it('a staff member who is not an approved teacher is refused, and so is a student', () => {
    expect(decideTeacherUnlock(student, person('staff'), rules, now)).toEqual({ ok: false, reason: 'not-approved' });
    expect(decideTeacherUnlock(student, person('student', { username: 'friend' }), rules, now)).toEqual({ ok: false, reason: 'not-approved' });
  });

  it('suspended or revoked privileges open only by an administrator override, and each is said as it is', () => {
    for (const privileges of ['suspended', 'revoked'] as const) {
      const s = person('student', { privileges });
      expect(sessionLock(s, rules, undefined, now)).toEqual({ state: 'locked', reason: `privileges-${privileges}`, overrideOnly: true });
      expect(decideTeacherUnlock(s, teacher, rules, now)).toEqual({ ok: false, reason: 'not-administrator' });
      const o = decideOverride(s, person('administrator'), { reason: 'Testing accommodation', minutes: 30 }, rules, now);
      expect(o.ok).toBe(true);
      if (o.ok) expect(sessionLock(s, rules, o.grant, now)).toMatchObject({ state: 'unlocked' });
    }
  });

  it('a teacher grant stored before a suspension does not open a suspended session', () => {
    const d = decideTeacherUnlock(student, teacher, rules, now);
    if (!d.ok) throw new Error();
    expect(sessionLock({ ...student, privileges: 'suspended' }, rules, d.grant, now)).toMatchObject({
      state: 'locked',
      reason: 'privileges-suspended',
    });
  });

  it('an override needs a written reason and a time limit up to maxOverrideMinutes', () => {
    const admin = person('administrator');
    expect(decideOverride(student, admin, { reason: '   ', minutes: 30 }, rules, now)).toEqual({ ok: false, reason: 'reason-required' });
    expect(decideOverride(student, admin, { reason: 'Make-up test', minutes: 481 }, rules, now)).toEqual({
      ok: false,
      reason: 'too-long',
      maxMinutes: 480,
    });
    expect(decideOverride(student, admin, { reason: 'Make-up test', minutes: 0 }, rules, now)).toEqual({ ok: false, reason: 'invalid-request' });
    expect(decideOverride(student, teacher, { reason: 'Make-up test', minutes: 30 }, rules, now)).toEqual({ ok: false, reason: 'not-administrator' });
    const ok = decideOverride(student, admin, { reason: '  Make-up   test ', minutes: 480 }, rules, now);
    expect(ok).toMatchObject({ ok: true, grant: { kind: 'override', by: admin.username, reason: 'Make-up test' } });
  });

  it('the unlock expires and the session relocks, with a warning warnBeforeMinutes before', () => {
    const d = decideTeacherUnlock(student, teacher, rules, now);
    if (!d.ok) throw new Error();
    const at = (m: number) => sessionLock(student, rules, d.grant, new Date(now.getTime() + m * MIN));
    expect(at(52)).toMatchObject({ state: 'unlocked', warning: false });
    expect(at(53)).toMatchObject({ state: 'unlocked', warning: true });
    expect(at(55)).toEqual({ state: 'locked', reason: 'expired', overrideOnly: false });
    // the next morning the lock is simply waiting for a teacher again
    expect(at(24 * 60)).toEqual({ state: 'locked', reason: 'no-teacher', overrideOnly: false });
  });

  it('an unlock belongs to the user it was given to: another user finds the session locked', () => {
    const d = decideTeacherUnlock(student, teacher, rules, now);
    if (!d.ok) throw new Error();
    expect(sessionLock(person('student', { username: 'someone-else' }), rules, d.grant, now)).toMatchObject({ state: 'locked' });
  });

  it('a grant from the future (a clock set back, an edited file) is not honoured', () => {
    const grant: UnlockGrant = { user: student.username, kind: 'teacher', by: 't', since: '2026-10-07T00:00:00Z', until: '2026-10-08T00:00:00Z' };
    expect(sessionLock(student, rules, grant, now)).toMatchObject({ state: 'locked' });
  });

  it("with a bell schedule, a teacher's unlock lasts to the end of the current period", () => {
    const withBells: LockRules = {
      ...rules,
      bellSchedule: [
        { name: '2nd period', days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '09:00', end: '09:50' },
        { name: '3rd period', days: ['tue'], start: '09:55', end: '10:45' },
      ],
    };
    const at1002 = new Date('2026-10-06T15:02:30Z'); // Tuesday 10:02:30 in Lockhart
    expect(currentPeriodEnd(at1002, withBells)?.name).toBe('3rd period');
    const d = decideTeacherUnlock(student, teacher, withBells, at1002);
    expect(d.ok && d.grant.until).toBe('2026-10-06T15:45:00.000Z');
    // between periods or on a weekend: unlockMinutes
    const saturday = new Date('2026-10-10T15:02:00Z');
    const s = decideTeacherUnlock(student, teacher, withBells, saturday);
    expect(s.ok && Date.parse(s.grant.until) - saturday.getTime()).toBe(55 * MIN);
  });
});

describe('failed sign-ins', () => {
  it('after maxFailedAttempts the kiosk refuses for lockoutSeconds, doubling on each further failure', () => {
    let state: AttemptState = afterSuccess();
    for (let i = 0; i < 4; i++) state = afterFailure(state, rules, now);
    expect(attemptsAllowed(state, now)).toEqual({ ok: true });
    state = afterFailure(state, rules, now); // 5th
    expect(attemptsAllowed(state, now)).toEqual({ ok: false, retryAfterSeconds: 60 });
    expect(attemptsAllowed(state, new Date(now.getTime() + 60_000))).toEqual({ ok: true });
    state = afterFailure(state, rules, new Date(now.getTime() + 60_000)); // 6th
    expect(attemptsAllowed(state, new Date(now.getTime() + 60_000))).toEqual({ ok: false, retryAfterSeconds: 120 });
    state = afterFailure(state, rules, new Date(now.getTime() + 180_000)); // 7th
    expect(attemptsAllowed(state, new Date(now.getTime() + 180_000))).toEqual({ ok: false, retryAfterSeconds: 240 });
    expect(afterSuccess()).toEqual({ failures: 0 });
  });
});

// Property: whatever happens, in whatever order, no student is unlocked past the end of the grant
// they hold, by a substitute, or (when suspended) by anyone but an administrator.
describe('properties of the lock', () => {
  const roles = fc.constantFrom<Role>('student', 'teacher', 'substitute', 'staff', 'administrator');
  const event = fc.oneof(
    fc.record({ kind: fc.constant('teacher' as const), signer: roles, advance: fc.integer({ min: 0, max: 600 }) }),
    fc.record({
      kind: fc.constant('override' as const),
      signer: roles,
      minutes: fc.integer({ min: -5, max: 600 }),
      reason: fc.constantFrom('', ' ', 'Make-up test', 'x'),
      advance: fc.integer({ min: 0, max: 600 }),
    }),
    fc.record({ kind: fc.constant('wait' as const), advance: fc.integer({ min: 0, max: 24 * 60 }) }),
  );

  it('no sequence of events leaves a student unlocked past its expiry or unlocked by a substitute', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<Privileges>('active', 'supervised', 'suspended', 'revoked'),
        fc.array(event, { maxLength: 25 }),
        (privileges, events) => {
          const s = person('student', { privileges });
          let t = now.getTime();
          let grant: UnlockGrant | undefined;
          for (const e of events) {
            t += e.advance * MIN;
            const at = new Date(t);
            if (e.kind !== 'wait') {
              const signer = person(e.signer);
              const d =
                e.kind === 'teacher'
                  ? decideTeacherUnlock(s, signer, rules, at)
                  : decideOverride(s, signer, { reason: e.reason, minutes: e.minutes }, rules, at);
              if (d.ok) {
                expect(d.grant.by).not.toBe(person('substitute').username);
                if (e.kind === 'override') expect(e.signer).toBe('administrator');
                if (privileges === 'suspended' || privileges === 'revoked') expect(d.grant.kind).toBe('override');
                expect(Date.parse(d.grant.until) - t).toBeLessThanOrEqual(rules.maxOverrideMinutes * MIN);
                grant = d.grant;
              }
            }
            const lock = sessionLock(s, rules, grant, at);
            if (lock.state === 'unlocked') {
              expect(t).toBeLessThan(Date.parse(lock.grant.until));
              expect(lock.grant.by).not.toBe(person('substitute').username);
            }
            if (!grant || t >= Date.parse(grant.until)) expect(lock.state).toBe('locked');
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
