// Which OS account is which directory user (red-team finding): `STUDENTS\jlee` and `STAFF\jlee`, or
// `jlee@students.lockhart.org`, used to be the one kiosk user `jlee`, so a student whose short name
// matched a teacher's got the teacher's session. Only the district's own account domains
// (service.accountDomains) map to a user; local accounts only where the config allows them.
import { describe, expect, it } from 'vitest';
import { accountUser, type AccountRules } from '../../../electron/core/machine/service.ts';
import { configJsonSchema, configSchema, type KioskConfig } from '../../../electron/core/config/schema.ts';
import { problemsFromZod } from '../../../electron/core/config/problems.ts';
import type { ConfigProblem } from '../../../electron/core/api/contract.ts';

/** The config as the service reads it: the values, or the problems a technician reads. */
function validateConfig(input: unknown): { ok: true; config: KioskConfig } | { ok: false; problems: ConfigProblem[] } {
  const parsed = configSchema.safeParse(input);
  return parsed.success ? { ok: true, config: parsed.data } : { ok: false, problems: problemsFromZod(parsed.error, input, '', configJsonSchema()) };
}

const DISTRICT: AccountRules = { accountDomains: ['STAFF', 'lockhart.org'] };
const user = (account: string, rules: AccountRules = DISTRICT) => accountUser(account, rules);

describe('accountUser: an OS account to the kiosk user', () => {
  it('an account of a listed domain is its short name, lower case, whatever the case of the domain', () => {
    for (const [account, name] of [
      ['STAFF\\jlee', 'jlee'],
      ['staff\\JLee', 'jlee'],
      ['Staff\\Ms.Garcia', 'ms.garcia'],
      ['jlee@lockhart.org', 'jlee'],
      ['JLee@LOCKHART.ORG', 'jlee'],
    ] as const) {
      expect(user(account), account).toEqual({ ok: true, user: name });
    }
  });

  it('the same short name in a domain not listed is nobody: refused with the domain named', () => {
    for (const [account, domain] of [
      ['STUDENTS\\jlee', 'STUDENTS'],
      ['jlee@students.lockhart.org', 'students.lockhart.org'], // a subdomain is another domain
      ['jlee@lockhart.org.evil.example', 'lockhart.org.evil.example'],
      ['jlee@org', 'org'],
      ['STAFF2\\jlee', 'STAFF2'],
      ['lockhart\\jlee', 'lockhart'], // the NetBIOS name is listed only as "lockhart.org"
    ] as const) {
      const result = user(account);
      expect(result.ok, account).toBe(false);
      expect(!result.ok && result.why, account).toContain(`the domain "${domain}" is not one of service.accountDomains (STAFF, lockhart.org)`);
    }
  });

  it('a malformed account name is nobody', () => {
    for (const account of [
      'STAFF\\',
      '\\jlee',
      '@lockhart.org',
      'jlee@',
      'STAFF\\jlee@lockhart.org',
      'A\\B\\jlee',
      'jlee@lockhart.org@lockhart.org',
      'STAFF\\ ',
    ]) {
      expect(user(account).ok, account).toBe(false);
    }
    expect(user('STAFF\\jlee@lockhart.org')).toEqual({ ok: false, why: 'the account name has more than one domain part' });
    expect(user('\\jlee')).toEqual({ ok: false, why: 'the account has an empty domain' });
    expect(user('STAFF\\')).toEqual({ ok: false, why: 'the account has no name' });
  });

  it('a local account: allowed by default only where no domain is listed; the config says otherwise either way', () => {
    // A machine of local accounts (Linux, macOS, the demo): no domain listed, local accounts are the users.
    expect(user('jlee', { accountDomains: [] })).toEqual({ ok: true, user: 'jlee' });
    expect(user('.\\JLee', { accountDomains: [] })).toEqual({ ok: true, user: 'jlee' });
    // ... and no domain account at all: nothing is trusted that was not named.
    expect(user('STAFF\\jlee', { accountDomains: [] })).toEqual({
      ok: false,
      why: 'the domain "STAFF" is not trusted: service.accountDomains lists none',
    });
    expect(user('jlee@lockhart.org', { accountDomains: [] }).ok).toBe(false);
    // A domain-joined machine: a local account named like a teacher is not that teacher.
    const local = { ok: false, why: 'a local account (no domain), and service.localAccounts does not allow local accounts' };
    expect(user('jlee')).toEqual(local);
    expect(user('.\\jlee')).toEqual(local);
    expect(user('jlee', { accountDomains: [], localAccounts: false })).toEqual(local);
    expect(user('jlee', { ...DISTRICT, localAccounts: true })).toEqual({ ok: true, user: 'jlee' });
    expect(user('STUDENTS\\jlee', { ...DISTRICT, localAccounts: true }).ok).toBe(false);
  });
});

describe('the config: service.accountDomains and service.localAccounts', () => {
  const base = {
    district: { name: 'Lockhart ISD' },
    site: { campus: 'Lockhart High School', room: 'Lab 204' },
    directory: { type: 'roster', file: 'roster.json' },
  };

  it('defaults to no domain and local accounts as the machine has them', () => {
    const result = validateConfig(base);
    expect(result.ok && result.config.service).toEqual({ screenGraceSeconds: 15, exemptAccounts: [], accountDomains: [] });
  });

  it('takes NetBIOS names and UPN suffixes, and says what is wrong with anything else', () => {
    const ok = validateConfig({ ...base, service: { accountDomains: ['LOCKHART', 'lockhart.org', 'staff.lockhart.org'], localAccounts: false } });
    expect(ok.ok && ok.config.service).toMatchObject({ accountDomains: ['LOCKHART', 'lockhart.org', 'staff.lockhart.org'], localAccounts: false });
    for (const bad of ['LOCKHART\\', '@lockhart.org', 'lockhart..org', '.lockhart.org', '', 'lock hart']) {
      const result = validateConfig({ ...base, service: { accountDomains: [bad] } });
      expect(result.ok, bad).toBe(false);
      expect(!result.ok && result.problems.map((p) => `${p.path}: ${p.message}`).join('\n'), bad).toMatch(
        /service\.accountDomains\[0\]: expected an account domain like "LOCKHART" \(NetBIOS\) or "lockhart\.org" \(UPN suffix\)/,
      );
    }
    const notAList = validateConfig({ ...base, service: { accountDomains: 'LOCKHART' } });
    expect(!notAList.ok && notAList.problems[0]!.message).toBe(
      'expected a list of account domains like ["LOCKHART", "lockhart.org"], got text "LOCKHART"',
    );
  });
});
