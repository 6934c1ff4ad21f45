// The first-login decision and the signature rule as properties, over every role, grade, privilege,
// instant and record of evidence fast-check can think of (until now they were reached only through
// the integration tests). The catalog is the real bundled one.
import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { loadCatalog, type Catalog } from '../../../electron/core/policy/catalog.ts';
import { decide, type DecisionRules, type EvidenceIndex } from '../../../electron/core/kiosk/decision.ts';
import { nameMatches, signatureFor } from '../../../electron/core/kiosk/signature.ts';
import { schoolYearOf } from '../../../electron/core/school-year.ts';
import type { DirectoryUser } from '../../../electron/core/people.ts';
import { PRIVILEGES, ROLES } from '../../../electron/core/api/contract.ts';
import { BUNDLED_CATALOG } from '../../support/fixtures.ts';
import { LOCK_RULES } from '../../support/lock-rules.ts';

const rules: DecisionRules = {
  timeZone: 'America/Chicago',
  schoolYearStart: '08-01',
  gradeBands: { elementary: [0, 5], middle: [6, 8], high: [9, 12] },
  defaultLanguage: 'en',
  lock: LOCK_RULES,
};

/** Evidence as a set of keys: a small real EvidenceIndex. */
class Evidence implements EvidenceIndex {
  readonly accepted = new Set<string>();
  readonly acknowledged = new Set<string>();
  hasAccepted(user: string, policyId: string, version: string, year: string) {
    return this.accepted.has(`${user}|${policyId}|${version}|${year}`);
  }
  hasAcknowledgedSafety(user: string, rulesId: string, year: string) {
    return this.acknowledged.has(`${user}|${rulesId}|${year}`);
  }
}

let catalog: Catalog;
beforeAll(async () => {
  const r = await loadCatalog(BUNDLED_CATALOG);
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  catalog = r.catalog;
});

const arbUser = fc
  .record({
    role: fc.constantFrom(...ROLES),
    grade: fc.integer({ min: 0, max: 12 }),
    privileges: fc.constantFrom(...PRIVILEGES),
    guardianDeniedInternet: fc.boolean(),
  })
  .map((u): DirectoryUser => ({
    username: 'someone',
    displayName: 'Some One',
    role: u.role,
    privileges: u.role === 'student' ? u.privileges : 'active',
    guardianDeniedInternet: u.guardianDeniedInternet,
    ...(u.role === 'student' ? { grade: u.grade } : {}),
  }));
// From the first version in force (2026-08-01 in Lockhart) to the end of the next school year.
const arbInstant = fc.date({ min: new Date('2026-08-01T05:00:00Z'), max: new Date('2028-07-31T04:59:59Z'), noInvalidDate: true });

describe('the first-login decision', () => {
  it('nothing is unlocked or free before the policy in force is accepted this school year', () => {
    fc.assert(
      fc.property(arbUser, arbInstant, (user, now) => {
        const d = decide({ user, catalog, evidence: new Evidence(), grant: undefined, now, rules });
        expect(d.next).toBe('policy');
      }),
    );
  });

  it('an acceptance counts for its own school year only: the next year asks again', () => {
    fc.assert(
      fc.property(arbUser, arbInstant, (user, now) => {
        const first = decide({ user, catalog, evidence: new Evidence(), grant: undefined, now, rules });
        if (first.next !== 'policy') throw new Error('expected the policy first');
        const evidence = new Evidence();
        evidence.accepted.add(`${user.username}|${first.policy.policy.id}|${first.policy.version.version}|${first.schoolYear}`);
        expect(decide({ user, catalog, evidence, grant: undefined, now, rules }).next).not.toBe('policy');
        const nextYear = new Date(now.getTime() + 366 * 24 * 3600_000);
        expect(schoolYearOf(nextYear, { timeZone: rules.timeZone, start: rules.schoolYearStart })).not.toBe(first.schoolYear);
        expect(decide({ user, catalog, evidence, grant: undefined, now: nextYear, rules }).next).toBe('policy');
      }),
    );
  });

  it('after the policy and the rules: staff are free, students locked; suspended and revoked only an override opens', () => {
    fc.assert(
      fc.property(arbUser, arbInstant, (user, now) => {
        const evidence = new Evidence();
        let d = decide({ user, catalog, evidence, grant: undefined, now, rules });
        for (let i = 0; i < 3 && (d.next === 'policy' || d.next === 'safety-rules'); i++) {
          if (d.next === 'policy') evidence.accepted.add(`${user.username}|${d.policy.policy.id}|${d.policy.version.version}|${d.schoolYear}`);
          else evidence.acknowledged.add(`${user.username}|${d.policy.policy.id}|${d.schoolYear}`);
          d = decide({ user, catalog, evidence, grant: undefined, now, rules });
        }
        if (user.role !== 'student') {
          expect(d.next).toBe('free');
          return;
        }
        expect(d.next).toBe('locked');
        if (d.next !== 'locked') return;
        expect(d.lock).toMatchObject({ state: 'locked', overrideOnly: user.privileges === 'suspended' || user.privileges === 'revoked' });
        const teacherGrant = {
          user: user.username,
          kind: 'teacher' as const,
          by: 'ms.garcia',
          since: now.toISOString(),
          until: new Date(now.getTime() + 55 * 60_000).toISOString(),
        };
        const withTeacher = decide({ user, catalog, evidence, grant: teacherGrant, now, rules });
        expect(withTeacher.next).toBe(user.privileges === 'suspended' || user.privileges === 'revoked' ? 'locked' : 'unlocked');
      }),
    );
  });
});

describe('how a person signs', () => {
  it('with the default bands: staff and grades 6-12 type their name, K-5 press "I agree" (as before the bands decided it)', () => {
    fc.assert(
      fc.property(arbUser, (user) => {
        const before = user.role !== 'student' || (user.grade ?? 0) >= 6 ? 'typed-name' : 'i-agree';
        expect(signatureFor(user, rules.gradeBands)).toBe(before);
      }),
    );
  });

  it("follows the district's bands: with elementary K-4, a fifth grader types their name", () => {
    const bands = { elementary: [0, 4], middle: [5, 8], high: [9, 12] } as const;
    expect(signatureFor({ role: 'student', grade: 4 }, bands)).toBe('i-agree');
    expect(signatureFor({ role: 'student', grade: 5 }, bands)).toBe('typed-name');
    // bands named otherwise: the youngest band presses "I agree"
    expect(signatureFor({ role: 'student', grade: 2 }, { primary: [0, 2], upper: [3, 12] })).toBe('i-agree');
    expect(signatureFor({ role: 'student', grade: 3 }, { primary: [0, 2], upper: [3, 12] })).toBe('typed-name');
  });

  const word = fc.stringMatching(/^[A-Za-zÁÉÍÓÚáéíóúÑñÜü]{1,12}$/);
  const strip = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();

  it('a typed name matches whatever its case, accents, spacing and word order', () => {
    fc.assert(
      fc.property(fc.array(word, { minLength: 1, maxLength: 4 }), fc.boolean(), (words, upper) => {
        const name = words.join(' ');
        const typed = `  ${[...words]
          .reverse()
          .map((w) => strip(upper ? w.toUpperCase() : w))
          .join('   ')} `;
        expect(nameMatches(typed, name)).toBe(true);
      }),
    );
  });

  it('a name with a word missing, or nothing typed, never matches', () => {
    fc.assert(
      fc.property(fc.array(word, { minLength: 2, maxLength: 4 }), fc.nat(), (words, drop) => {
        const name = words.join(' ');
        const without = words.filter((_, i) => i !== drop % words.length).join(' ');
        if (strip(without).split(' ').sort().join(' ') === strip(name).split(' ').sort().join(' ')) return; // a repeated word
        expect(nameMatches(without, name)).toBe(false);
        expect(nameMatches('', name)).toBe(false);
        expect(nameMatches('   ', name)).toBe(false);
      }),
    );
  });
});
