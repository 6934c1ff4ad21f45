// The lock rules the unit tests decide with: the config's own defaults (its schema says them once),
// in Lockhart's time zone.
import { lockSchema } from '../../electron/core/config/schema.ts';
import type { LockRules } from '../../electron/core/lock/lock.ts';

export const LOCK_RULES: LockRules = { ...lockSchema.parse({}), timeZone: 'America/Chicago' };
