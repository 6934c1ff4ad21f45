// The lock rules the unit tests decide with: the config's defaults, in Lockhart's time zone.
import type { LockRules } from '../../electron/core/lock/lock.ts';

export const LOCK_RULES: LockRules = {
  students: true,
  unlockMinutes: 55,
  maxOverrideMinutes: 480,
  warnBeforeMinutes: 2,
  maxFailedAttempts: 5,
  lockoutSeconds: 60,
  bellSchedule: [],
  timeZone: 'America/Chicago',
};
