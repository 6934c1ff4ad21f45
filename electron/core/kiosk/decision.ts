// The first-login decision: for a person at an instant, what the kiosk must show first. The
// current version of their AUP must be accepted each school year (again when a new version takes
// effect mid-year); students then see the Internet Safety rules once a year; then the lock.
// Pure: KioskService and `aup status` both ask it, so the CLI says exactly what the kiosk would do.

import type { DirectoryUser } from '../people.ts';
import type { Catalog } from '../policy/catalog.ts';
import { resolvePolicy, resolveSummary, type GradeBands, type ResolvedPolicy } from '../policy/resolve.ts';
import { schoolYearOf } from '../school-year.ts';
import { sessionLock, type LockRules, type SessionLock, type UnlockGrant } from '../lock/lock.ts';

export interface EvidenceIndex {
  hasAccepted(user: string, policyId: string, version: string, schoolYear: string): boolean;
  hasAcknowledgedSafety(user: string, rulesId: string, schoolYear: string): boolean;
}

export interface DecisionRules {
  timeZone: string;
  schoolYearStart: string;
  gradeBands: GradeBands;
  defaultLanguage: string;
  lock: LockRules;
}

export type Decision =
  /** `summary`: the plain-words version shown above the policy (K-5), when the catalog has one. */
  | { next: 'policy'; schoolYear: string; policy: ResolvedPolicy; summary: ResolvedPolicy | null }
  | { next: 'safety-rules'; schoolYear: string; policy: ResolvedPolicy }
  /**
   * `accepted`: the policy accepted this year, which the person may open again to read (null where
   * none applies), with the plain-words summary shown above it (K-5, issue 14) in `acceptedSummary`.
   */
  | ({ next: 'locked' | 'unlocked' | 'free'; schoolYear: string; safetyRules: ResolvedPolicy | null; accepted: ResolvedPolicy | null } & {
      acceptedSummary?: ResolvedPolicy;
      lock: SessionLock;
    });

export function resolveFor(catalog: Catalog, kind: 'aup' | 'safety-rules', user: DirectoryUser, now: Date, rules: DecisionRules, language?: string) {
  return resolvePolicy(catalog, kind, { role: user.role, ...(user.grade !== undefined ? { grade: user.grade } : {}) }, now, rules, language);
}

export function decide(input: {
  user: DirectoryUser;
  catalog: Catalog;
  evidence: EvidenceIndex;
  grant: UnlockGrant | undefined;
  now: Date;
  rules: DecisionRules;
  language?: string;
}): Decision {
  const { user, catalog, evidence, now, rules, language } = input;
  const schoolYear = schoolYearOf(now, { timeZone: rules.timeZone, start: rules.schoolYearStart });
  const aup = resolveFor(catalog, 'aup', user, now, rules, language);
  const audience = { role: user.role, ...(user.grade !== undefined ? { grade: user.grade } : {}) };
  if (aup && !evidence.hasAccepted(user.username, aup.policy.id, aup.version.version, schoolYear)) {
    return { next: 'policy', schoolYear, policy: aup, summary: resolveSummary(catalog, aup, audience, rules) };
  }
  const safetyRules = user.role === 'student' ? resolveFor(catalog, 'safety-rules', user, now, rules, language) : null;
  if (safetyRules && !evidence.hasAcknowledgedSafety(user.username, safetyRules.policy.id, schoolYear)) {
    return { next: 'safety-rules', schoolYear, policy: safetyRules };
  }
  const lock = sessionLock(user, rules.lock, input.grant, now);
  const acceptedSummary = aup ? resolveSummary(catalog, aup, audience, rules) : null;
  return { next: lock.state, schoolYear, safetyRules, accepted: aup, ...(acceptedSummary ? { acceptedSummary } : {}), lock };
}
