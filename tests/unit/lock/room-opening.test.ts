// Who may open the whole room for the class period, and until when (issue 11): the same rules as one
// computer's unlock — an approved teacher, never a substitute ("No student computer access authorized
// with a substitute teacher"), an administrator only as an override with a written reason.
import { describe, expect, it } from 'vitest';
import { decideRoomOpening, roomGrantOpens, type LockRules } from '../../../electron/core/lock/lock.ts';
import type { DirectoryUser } from '../../../electron/core/people.ts';
import type { Role } from '../../../electron/core/api/contract.ts';
import { LOCK_RULES } from '../../support/lock-rules.ts';

const rules: LockRules = { ...LOCK_RULES, bellSchedule: [{ name: '2nd period', days: ['tue'], start: '09:50', end: '10:40' }] };
const who = (role: Role, extra: Partial<DirectoryUser> = {}): DirectoryUser => ({
  username: role,
  displayName: role,
  role,
  privileges: 'active',
  guardianDeniedInternet: false,
  ...extra,
});
const tuesday10 = new Date('2026-10-06T15:00:00Z'); // 10:00 in Lockhart, in 2nd period
const saturday = new Date('2026-10-10T15:00:00Z');

describe('opening the room', () => {
  it('an approved teacher: to the end of the bell period by default, or for minutes up to unlockMinutes', () => {
    expect(decideRoomOpening(who('teacher'), {}, rules, tuesday10)).toEqual({ ok: true, kind: 'teacher', until: new Date('2026-10-06T15:40:00Z') });
    expect(decideRoomOpening(who('teacher'), {}, rules, saturday)).toEqual({
      ok: true,
      kind: 'teacher',
      until: new Date(saturday.getTime() + 55 * 60_000),
    });
    expect(decideRoomOpening(who('teacher'), { minutes: 30 }, rules, tuesday10)).toMatchObject({
      ok: true,
      until: new Date(tuesday10.getTime() + 30 * 60_000),
    });
    expect(decideRoomOpening(who('teacher'), { minutes: 56 }, rules, tuesday10)).toEqual({ ok: false, reason: 'too-long', maxMinutes: 55 });
    expect(decideRoomOpening(who('teacher'), { minutes: 0 }, rules, tuesday10)).toEqual({ ok: false, reason: 'invalid-request' });
  });

  it('a substitute is refused with the policy’s reason; staff and students are not approved', () => {
    expect(decideRoomOpening(who('substitute'), {}, rules, tuesday10)).toEqual({ ok: false, reason: 'substitute' });
    expect(decideRoomOpening(who('staff'), {}, rules, tuesday10)).toEqual({ ok: false, reason: 'not-approved' });
    expect(decideRoomOpening(who('student'), {}, rules, tuesday10)).toEqual({ ok: false, reason: 'not-approved' });
  });

  it('an administrator: an override, only with a written reason, up to maxOverrideMinutes', () => {
    expect(decideRoomOpening(who('administrator'), {}, rules, tuesday10)).toEqual({ ok: false, reason: 'reason-required' });
    expect(decideRoomOpening(who('administrator'), { reason: '  ok ' }, rules, tuesday10)).toEqual({ ok: false, reason: 'reason-required' });
    expect(decideRoomOpening(who('administrator'), { reason: 'State testing,  room 204', minutes: 120 }, rules, tuesday10)).toEqual({
      ok: true,
      kind: 'override',
      until: new Date(tuesday10.getTime() + 120 * 60_000),
      reason: 'State testing, room 204',
    });
    expect(decideRoomOpening(who('administrator'), { reason: 'State testing', minutes: 481 }, rules, tuesday10)).toEqual({
      ok: false,
      reason: 'too-long',
      maxMinutes: 480,
    });
  });

  it('a room grant opens active and supervised students; never a suspended or revoked one, nor staff', () => {
    expect(roomGrantOpens(who('student'))).toBe(true);
    expect(roomGrantOpens(who('student', { privileges: 'supervised' }))).toBe(true);
    expect(roomGrantOpens(who('student', { privileges: 'suspended' }))).toBe(false);
    expect(roomGrantOpens(who('student', { privileges: 'revoked' }))).toBe(false);
    expect(roomGrantOpens(who('teacher'))).toBe(false);
  });
});
