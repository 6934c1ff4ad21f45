// What the first-login decision reads: who accepted which policy version, and who acknowledged the
// Internet Safety rules, per school year. Built once at start-up from the files, kept in memory,
// answered synchronously. It keeps only what decisions need (not the records: reports re-read the
// file), so 100,000 records stay a few megabytes.
import type { LedgerRecord, RecordType } from './records.ts';

/** The latest acceptance (or guardian agreement) of a policy by a user in a school year. */
export interface AcceptanceSummary {
  readonly id: string;
  readonly at: string;
  readonly policyId: string;
  readonly version: string;
  readonly language: string;
  readonly method: 'kiosk' | 'paper';
}

class Acceptance implements AcceptanceSummary {
  constructor(
    readonly id: string,
    readonly at: string,
    readonly policyId: string,
    readonly version: string,
    readonly language: string,
    readonly method: 'kiosk' | 'paper',
    /** Other versions accepted earlier in the year (a new version mid-year), usually none. */
    readonly earlier: readonly string[] | null,
  ) {}
}

class YearIndex {
  readonly acceptances = new Map<string, Acceptance>();
  readonly guardianAgreements = new Map<string, Acceptance>();
  /** user + rulesId → versions acknowledged (one string, or several after a mid-year revision). */
  readonly safety = new Map<string, string | string[]>();
  readonly counts = new Map<RecordType, number>();
}

// User names cannot hold control characters (records.ts), so NUL cannot be forged into a key.
const key = (user: string, id: string) => `${user}\u0000${id}`;

export class LedgerIndex {
  readonly #years = new Map<string, YearIndex>();
  /** Policy ids, versions and languages repeat across thousands of records: keep one copy. */
  readonly #strings = new Map<string, string>();

  #intern(s: string): string {
    const known = this.#strings.get(s);
    if (known !== undefined) return known;
    this.#strings.set(s, s);
    return s;
  }

  #year(schoolYear: string): YearIndex {
    let y = this.#years.get(schoolYear);
    if (!y) {
      y = new YearIndex();
      this.#years.set(schoolYear, y);
    }
    return y;
  }

  /** Takes in one record, in file order: a later acceptance of the same policy is the latest. */
  add(record: LedgerRecord): void {
    const year = this.#year(record.schoolYear);
    year.counts.set(record.type, (year.counts.get(record.type) ?? 0) + 1);
    switch (record.type) {
      case 'acceptance':
      case 'guardian-agreement': {
        const map = record.type === 'acceptance' ? year.acceptances : year.guardianAgreements;
        const k = key(record.user, record.policyId);
        const before = map.get(k);
        const earlier = before ? [...(before.earlier ?? []), before.version].filter((v) => v !== record.version) : [];
        map.set(
          k,
          new Acceptance(
            record.id,
            record.at,
            this.#intern(record.policyId),
            this.#intern(record.version),
            this.#intern(record.language),
            record.method,
            earlier.length > 0 ? [...new Set(earlier)] : null,
          ),
        );
        break;
      }
      case 'safety-ack': {
        const k = key(record.user, record.rulesId);
        const version = this.#intern(record.version);
        const before = year.safety.get(k);
        if (before === undefined) year.safety.set(k, version);
        else if (typeof before === 'string') {
          if (before !== version) year.safety.set(k, [before, version]);
        } else if (!before.includes(version)) before.push(version);
        break;
      }
      default:
        break;
    }
  }

  /** Forgets a year (its file is being read again from the start). */
  dropYear(schoolYear: string): void {
    this.#years.delete(schoolYear);
  }

  /** Has `user` accepted this exact version of the policy during the school year? */
  hasAccepted(user: string, policyId: string, version: string, schoolYear: string): boolean {
    const a = this.#years.get(schoolYear)?.acceptances.get(key(user, policyId));
    return a !== undefined && (a.version === version || (a.earlier?.includes(version) ?? false));
  }

  /** The user's latest acceptance of the policy in the school year, whatever its version. */
  acceptanceOf(user: string, policyId: string, schoolYear: string): AcceptanceSummary | null {
    return this.#years.get(schoolYear)?.acceptances.get(key(user, policyId)) ?? null;
  }

  /** The latest parent/guardian agreement recorded for the user (a student) in the school year. */
  guardianAgreementOf(user: string, policyId: string, schoolYear: string): AcceptanceSummary | null {
    return this.#years.get(schoolYear)?.guardianAgreements.get(key(user, policyId)) ?? null;
  }

  /** Has `user` acknowledged the Internet Safety rules this year (this version, when given)? */
  hasAcknowledgedSafety(user: string, rulesId: string, schoolYear: string, version?: string): boolean {
    const v = this.#years.get(schoolYear)?.safety.get(key(user, rulesId));
    if (v === undefined) return false;
    if (version === undefined) return true;
    return typeof v === 'string' ? v === version : v.includes(version);
  }

  /** School years with at least one record, oldest first. */
  schoolYears(): string[] {
    return [...this.#years.keys()].sort();
  }

  /** Records of a year (of one type, when given) that the index has taken in. */
  count(schoolYear: string, type?: RecordType): number {
    const counts = this.#years.get(schoolYear)?.counts;
    if (!counts) return 0;
    if (type) return counts.get(type) ?? 0;
    let n = 0;
    for (const c of counts.values()) n += c;
    return n;
  }
}
