// Which policy, which version, which language: pure functions of the catalog, the person and the
// instant. "The version in force is the newest whose effective date has passed", and the effective
// date is a local date in the district's zone, so a version takes effect at local midnight.
import type { Role } from '../api/contract.ts';
import { localDate } from '../time.ts';
import type { Catalog, LoadedDocument, Policy, PolicyVersion } from './catalog.ts';

export type GradeBands = Record<string, readonly [number, number]>;

export interface PolicyRules {
  timeZone: string;
  gradeBands: GradeBands;
  defaultLanguage: string;
}

export interface Audience {
  role: Role | 'guardian';
  grade?: number;
}

export interface ResolvedPolicy {
  policy: Policy;
  version: PolicyVersion;
  document: LoadedDocument;
  /** The language of `document`: the one asked for, or the fallback. */
  language: string;
}

export function gradeBandOf(grade: number | undefined, bands: GradeBands): string | undefined {
  if (grade === undefined) return undefined;
  for (const [name, [lo, hi]] of Object.entries(bands)) if (grade >= lo && grade <= hi) return name;
  return undefined;
}

export function appliesTo(policy: Policy, audience: Audience, bands: GradeBands): boolean {
  if (!policy.audience.roles.includes(audience.role)) return false;
  if (!policy.audience.gradeBands) return true;
  const band = gradeBandOf(audience.grade, bands);
  return band !== undefined && policy.audience.gradeBands.includes(band);
}

/** The newest version whose effective local date is on or before the instant's local date. */
export function versionInForce(policy: Policy, instant: Date, timeZone: string): PolicyVersion | undefined {
  const today = localDate(instant, timeZone);
  let found: PolicyVersion | undefined;
  for (const v of policy.versions) if (v.effective <= today) found = v; // versions are sorted oldest first
  return found;
}

/** The document in `language`, else the district default, else English, else any. */
export function pickDocument(version: PolicyVersion, language: string | undefined, defaultLanguage: string): LoadedDocument {
  const docs = version.documents;
  return (language ? docs.get(language) : undefined) ?? docs.get(defaultLanguage) ?? docs.get('en') ?? [...docs.values()][0]!;
}

/** The first policy of `kind` for the audience with a version in force at the instant, in a language. */
export function resolvePolicy(
  catalog: Catalog,
  kind: Policy['kind'],
  audience: Audience,
  instant: Date,
  rules: PolicyRules,
  language?: string,
): ResolvedPolicy | null {
  for (const policy of catalog.policies) {
    if (policy.kind !== kind || !appliesTo(policy, audience, rules.gradeBands)) continue;
    const version = versionInForce(policy, instant, rules.timeZone);
    if (!version) continue;
    const document = pickDocument(version, language, rules.defaultLanguage);
    return { policy, version, document, language: document.language };
  }
  return null;
}

export function findPolicy(catalog: Catalog, id: string): Policy | undefined {
  return catalog.policies.find((p) => p.id === id);
}

/**
 * The plain-words summary shown above a resolved policy (issue 14): a catalog document of kind
 * "summary" that summarises this policy, is for this audience (e.g. the elementary band), has the
 * same version label and is in the language of the text shown. None: the full text alone.
 */
export function resolveSummary(catalog: Catalog, shown: ResolvedPolicy, audience: Audience, rules: PolicyRules): ResolvedPolicy | null {
  for (const policy of catalog.policies) {
    if (policy.kind !== 'summary' || policy.summarizes !== shown.policy.id || !appliesTo(policy, audience, rules.gradeBands)) continue;
    const version = policy.versions.find((v) => v.version === shown.version.version);
    const document = version?.documents.get(shown.language);
    if (version && document) return { policy, version, document, language: document.language };
  }
  return null;
}
