// The classroom lock, as pure functions of the person, the config, what is stored and the instant.
// From the district's policy: "No student computer access authorized with a substitute teacher.
// Campus administrators may approve special circumstances." and its consequences: network use
// "only under direct supervision", "suspension/revocation of ... privileges".
import type { DirectoryUser } from '../people.ts';
import type { LockReason, RefusalReason } from '../api/contract.ts';
import { localDate, localParts } from '../time.ts';
import type { BellPeriod } from '../config/schema.ts';

export interface LockRules {
  students: boolean;
  unlockMinutes: number;
  maxOverrideMinutes: number;
  warnBeforeMinutes: number;
  maxFailedAttempts: number;
  lockoutSeconds: number;
  bellSchedule: BellPeriod[];
  timeZone: string;
}

/** An unlock given to one user on one machine; stored so a restart or reboot neither opens nor closes it early. */
export interface UnlockGrant {
  user: string;
  kind: 'teacher' | 'override';
  by: string;
  /** The signer's display name, for the unlocked screen. */
  byName?: string;
  /** ISO instants. */
  since: string;
  until: string;
  reason?: string;
  /** The ledger record that holds the evidence. */
  recordId?: string;
  /** The room grant (the whole room opened for the period) this unlock came from. */
  roomGrant?: string;
}

export type SessionLock =
  { state: 'free' } | { state: 'locked'; reason: LockReason; overrideOnly: boolean } | { state: 'unlocked'; grant: UnlockGrant; warning: boolean };

const MINUTE = 60_000;

/** True when this user's sessions are locked until someone unlocks them. */
export function needsLock(user: DirectoryUser, rules: Pick<LockRules, 'students'>): boolean {
  if (user.role !== 'student') return false;
  return rules.students || user.privileges !== 'active';
}

function lockedReason(user: DirectoryUser, hadGrant: boolean): { reason: LockReason; overrideOnly: boolean } {
  if (user.privileges === 'suspended') return { reason: 'privileges-suspended', overrideOnly: true };
  if (user.privileges === 'revoked') return { reason: 'privileges-revoked', overrideOnly: true };
  if (hadGrant) return { reason: 'expired', overrideOnly: false };
  if (user.privileges === 'supervised') return { reason: 'supervision-required', overrideOnly: false };
  return { reason: 'no-teacher', overrideOnly: false };
}

/** The lock of `user`'s session at `now`, given the last grant stored for them on this machine. */
export function sessionLock(user: DirectoryUser, rules: LockRules, grant: UnlockGrant | undefined, now: Date): SessionLock {
  if (!needsLock(user, rules)) return { state: 'free' };
  const mine = grant && grant.user.toLowerCase() === user.username.toLowerCase() ? grant : undefined;
  const until = mine ? Date.parse(mine.until) : NaN;
  const since = mine ? Date.parse(mine.since) : NaN;
  const suspended = user.privileges === 'suspended' || user.privileges === 'revoked';
  // A grant from the future (a clock set back, a hand-edited file) is not honoured.
  const valid = mine && Number.isFinite(until) && Number.isFinite(since) && since <= now.getTime() && (!suspended || mine.kind === 'override');
  if (valid && now.getTime() < until) {
    return { state: 'unlocked', grant: mine, warning: until - now.getTime() <= rules.warnBeforeMinutes * MINUTE };
  }
  // "Expired" explains a relock the same day; the next morning the lock is simply waiting for a teacher.
  const expiredToday = Boolean(valid) && localDate(new Date(until), rules.timeZone) === localDate(now, rules.timeZone);
  return { state: 'locked', ...lockedReason(user, expiredToday) };
}

/** The end of the bell period `now` falls in, if the schedule has one. */
export function currentPeriodEnd(now: Date, rules: Pick<LockRules, 'bellSchedule' | 'timeZone'>): { name: string; end: Date } | null {
  const p = localParts(now, rules.timeZone);
  const day = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'][p.weekday];
  const hhmm = `${String(p.hour).padStart(2, '0')}:${String(p.minute).padStart(2, '0')}`;
  for (const period of rules.bellSchedule) {
    if (!period.days.includes(day as BellPeriod['days'][number])) continue;
    if (hhmm >= period.start && hhmm < period.end) {
      const [h, m] = period.end.split(':').map(Number) as [number, number];
      const minutesLeft = h * 60 + m - (p.hour * 60 + p.minute);
      const end = new Date(now.getTime() - (p.second * 1000 + now.getUTCMilliseconds()) + minutesLeft * MINUTE);
      return { name: period.name, end };
    }
  }
  return null;
}

export type UnlockDecision = { ok: true; grant: UnlockGrant } | { ok: false; reason: RefusalReason; maxMinutes?: number };

/** A teacher's unlock: approved teachers (and administrators) only; to the end of the period where there is a bell schedule. */
export function decideTeacherUnlock(student: DirectoryUser, signer: DirectoryUser, rules: LockRules, now: Date): UnlockDecision {
  if (signer.role === 'substitute') return { ok: false, reason: 'substitute' };
  if (signer.role !== 'teacher' && signer.role !== 'administrator') return { ok: false, reason: 'not-approved' };
  // "Suspension/Revocation of ... privileges": only a campus administrator's override opens these.
  if (student.privileges === 'suspended' || student.privileges === 'revoked') return { ok: false, reason: 'not-administrator' };
  const period = currentPeriodEnd(now, rules);
  const until = period ? period.end : new Date(now.getTime() + rules.unlockMinutes * MINUTE);
  return {
    ok: true,
    grant: {
      user: student.username,
      kind: 'teacher',
      by: signer.username,
      byName: signer.displayName,
      since: now.toISOString(),
      until: until.toISOString(),
    },
  };
}

/**
 * Opening the whole room for the class period (issue 11): an approved teacher, until the end of the
 * bell period (or for `minutes`, up to `unlockMinutes`); an administrator as an override with a
 * written reason (up to `maxOverrideMinutes`). "No student computer access authorized with a
 * substitute teacher": a substitute is refused, as at one computer.
 */
export function decideRoomOpening(
  signer: DirectoryUser,
  request: { minutes?: number | undefined; reason?: string | undefined },
  rules: LockRules,
  now: Date,
): { ok: true; kind: 'teacher' | 'override'; until: Date; reason?: string } | { ok: false; reason: RefusalReason; maxMinutes?: number } {
  if (signer.role === 'substitute') return { ok: false, reason: 'substitute' };
  if (signer.role !== 'teacher' && signer.role !== 'administrator') return { ok: false, reason: 'not-approved' };
  const override = signer.role === 'administrator';
  const reason = request.reason?.trim().replace(/\s+/g, ' ') ?? '';
  if (override && reason.length < MIN_REASON_LENGTH) return { ok: false, reason: 'reason-required' };
  const max = override ? rules.maxOverrideMinutes : rules.unlockMinutes;
  if (request.minutes !== undefined) {
    if (!Number.isInteger(request.minutes) || request.minutes < 1) return { ok: false, reason: 'invalid-request' };
    if (request.minutes > max) return { ok: false, reason: 'too-long', maxMinutes: max };
    return {
      ok: true,
      kind: override ? 'override' : 'teacher',
      until: new Date(now.getTime() + request.minutes * MINUTE),
      ...(override ? { reason } : {}),
    };
  }
  const period = currentPeriodEnd(now, rules);
  const until = period ? period.end : new Date(now.getTime() + rules.unlockMinutes * MINUTE);
  return { ok: true, kind: override ? 'override' : 'teacher', until, ...(override ? { reason } : {}) };
}

/** A room grant opens students' sessions; never a suspended or revoked student's (an override per student only). */
export const roomGrantOpens = (student: DirectoryUser): boolean =>
  student.role === 'student' && student.privileges !== 'suspended' && student.privileges !== 'revoked';

export const MIN_REASON_LENGTH = 5;
export const MAX_REASON_LENGTH = 500;

/** An administrator's override: a written reason and a time limit up to `maxOverrideMinutes`. */
export function decideOverride(
  student: DirectoryUser,
  signer: DirectoryUser,
  request: { reason: string; minutes: number },
  rules: LockRules,
  now: Date,
): UnlockDecision {
  if (signer.role !== 'administrator') return { ok: false, reason: signer.role === 'substitute' ? 'substitute' : 'not-administrator' };
  const reason = request.reason.trim().replace(/\s+/g, ' ');
  if (reason.length < MIN_REASON_LENGTH) return { ok: false, reason: 'reason-required' };
  if (!Number.isInteger(request.minutes) || request.minutes < 1) return { ok: false, reason: 'invalid-request' };
  if (request.minutes > rules.maxOverrideMinutes) return { ok: false, reason: 'too-long', maxMinutes: rules.maxOverrideMinutes };
  return {
    ok: true,
    grant: {
      user: student.username,
      kind: 'override',
      by: signer.username,
      byName: signer.displayName,
      since: now.toISOString(),
      until: new Date(now.getTime() + request.minutes * MINUTE).toISOString(),
      reason,
    },
  };
}

/**
 * Failed sign-ins, counted per name typed: guessing one teacher's PIN locks out that name on this
 * machine, doubling, not every teacher. A machine-wide ceiling slows guessing across many names,
 * and never for hours: one student failing on purpose cannot keep the room's teacher out.
 */
export interface AttemptState {
  failures: number;
  /** ISO instant until which sign-ins are refused. */
  lockedUntil?: string;
  /** ISO instant of the last failure (the machine-wide count forgets failures older than an hour). */
  lastFailure?: string;
}

export function attemptsAllowed(state: AttemptState, now: Date): { ok: true } | { ok: false; retryAfterSeconds: number } {
  const until = state.lockedUntil ? Date.parse(state.lockedUntil) : NaN;
  if (Number.isFinite(until) && now.getTime() < until) return { ok: false, retryAfterSeconds: Math.ceil((until - now.getTime()) / 1000) };
  return { ok: true };
}

const MAX_LOCKOUT_SECONDS = 24 * 60 * 60;

/** After `maxFailedAttempts` failures the name is refused for `lockoutSeconds`, doubling on each further failure. */
export function afterFailure(state: AttemptState, rules: Pick<LockRules, 'maxFailedAttempts' | 'lockoutSeconds'>, now: Date): AttemptState {
  const failures = state.failures + 1;
  const lastFailure = now.toISOString();
  if (failures < rules.maxFailedAttempts) return { failures, lastFailure };
  const doublings = Math.min(failures - rules.maxFailedAttempts, 20);
  const seconds = Math.min(rules.lockoutSeconds * 2 ** doublings, MAX_LOCKOUT_SECONDS);
  return { failures, lockedUntil: new Date(now.getTime() + seconds * 1000).toISOString(), lastFailure };
}

/** The machine-wide ceiling: this many times `maxFailedAttempts` failures, over every name, within an hour. */
export const MACHINE_CEILING_FACTOR = 4;
const MACHINE_WINDOW_MS = 60 * MINUTE;
/** The ceiling's lockout doubles too, but stops at 15 minutes: a nuisance, never a lockout for the day. */
const MACHINE_MAX_LOCKOUT_SECONDS = 15 * 60;

export function afterMachineFailure(state: AttemptState, rules: Pick<LockRules, 'maxFailedAttempts' | 'lockoutSeconds'>, now: Date): AttemptState {
  const last = state.lastFailure ? Date.parse(state.lastFailure) : NaN;
  const recent = Number.isFinite(last) && now.getTime() - last < MACHINE_WINDOW_MS && now.getTime() >= last;
  const failures = (recent ? state.failures : 0) + 1;
  const lastFailure = now.toISOString();
  const ceiling = rules.maxFailedAttempts * MACHINE_CEILING_FACTOR;
  if (failures < ceiling) return { failures, lastFailure };
  const doublings = Math.min(failures - ceiling, 20);
  const seconds = Math.min(rules.lockoutSeconds * 2 ** doublings, MACHINE_MAX_LOCKOUT_SECONDS);
  return { failures, lockedUntil: new Date(now.getTime() + seconds * 1000).toISOString(), lastFailure };
}

/** The later of two refusals, or allowed when both allow. */
export function bothAllowed(a: AttemptState, b: AttemptState, now: Date): { ok: true } | { ok: false; retryAfterSeconds: number } {
  const x = attemptsAllowed(a, now);
  const y = attemptsAllowed(b, now);
  if (x.ok) return y;
  if (y.ok) return x;
  return { ok: false, retryAfterSeconds: Math.max(x.retryAfterSeconds, y.retryAfterSeconds) };
}

/** The name a counter is kept under: what was typed, the way the directory compares names. */
export const signerKey = (typed: string): string => typed.normalize('NFC').trim().toLowerCase().slice(0, 256);

export const afterSuccess = (): AttemptState => ({ failures: 0 });
