import { describe, expect, it } from 'vitest';
import { NewLedgerRecordSchema, type NewLedgerRecord } from '../../../electron/core/ledger/records.ts';

const HEX = 'ab'.repeat(32);
const kioskAcceptance = {
  type: 'acceptance',
  user: 'stu1001',
  policyId: 'student-aup',
  version: '2026-27',
  language: 'es',
  sha256: HEX,
  method: 'kiosk',
} as const satisfies NewLedgerRecord;
const paperAcceptance = {
  ...kioskAcceptance,
  method: 'paper',
  signedOn: '2026-07-20',
  signer: 'guardian',
  enteredBy: 'registrar',
} as const satisfies NewLedgerRecord;

function refusal(input: unknown): string[] {
  const r = NewLedgerRecordSchema.safeParse(input);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

describe('what a ledger record must say', () => {
  it('a kiosk acceptance names the policy, version, language and the hash of the text shown', () => {
    expect(refusal(kioskAcceptance)).toEqual([]);
    expect(refusal({ ...kioskAcceptance, typedName: 'Stu Dent' })).toEqual([]);
    for (const field of ['policyId', 'version', 'language', 'sha256', 'method'] as const) {
      const { [field]: _gone, ...rest } = kioskAcceptance;
      expect(refusal(rest).join()).toContain(field);
    }
  });

  it('a kiosk acceptance may carry the config in force, the audience rule and the summary shown; a paper form may not; old records without them stay valid', () => {
    const court = {
      ...kioskAcceptance,
      configSha256: HEX,
      audience: { role: 'student', grade: -1, gradeBand: 'elementary' },
      summary: { policyId: 'student-aup-summary', version: '2026-27', language: 'es', sha256: HEX },
    } as const satisfies NewLedgerRecord;
    expect(refusal(court)).toEqual([]);
    // Before issue 12 a kiosk acceptance had none of them: still a sound record.
    expect(refusal(kioskAcceptance)).toEqual([]);
    expect(refusal({ ...court, audience: { role: 'janitor' } }).join()).toContain('audience.role');
    expect(refusal({ ...court, configSha256: 'not-a-hash' }).join()).toContain('configSha256');
    expect(refusal({ ...court, audience: { ...court.audience, extra: 1 } }).join()).toContain('audience');
    expect(refusal({ ...paperAcceptance, configSha256: HEX })).toEqual(['configSha256: only for a kiosk record']);
    expect(refusal({ ...paperAcceptance, audience: { role: 'student' } })).toEqual(['audience: only for a kiosk record']);
  });

  it('an acceptance whose sha256 is not 64 lowercase hex digits is refused', () => {
    expect(refusal({ ...kioskAcceptance, sha256: 'AB'.repeat(32) }).join()).toContain('sha256');
    expect(refusal({ ...kioskAcceptance, sha256: 'ab'.repeat(31) }).join()).toContain('sha256');
  });

  it('a paper form needs the date written on it, who signed it and who typed it in', () => {
    expect(refusal(paperAcceptance)).toEqual([]);
    const { signedOn: _s, signer: _g, enteredBy: _e, ...bare } = paperAcceptance;
    expect(refusal(bare).sort()).toEqual([
      'enteredBy: required for a paper form',
      'signedOn: required for a paper form',
      'signer: required for a paper form',
    ]);
    expect(refusal({ ...paperAcceptance, signedOn: '2026-02-30' }).join()).toContain('signedOn');
  });

  it('a kiosk acceptance cannot carry paper-form fields', () => {
    expect(refusal({ ...kioskAcceptance, enteredBy: 'registrar' })).toEqual(['enteredBy: only for a paper form']);
  });

  it('only a paper form names its school year; a kiosk record takes the year of its own time', () => {
    expect(refusal({ ...paperAcceptance, schoolYear: '2026-27' })).toEqual([]);
    expect(refusal({ ...paperAcceptance, schoolYear: '2026-28' }).join()).toContain('schoolYear');
    expect(refusal({ ...kioskAcceptance, schoolYear: '2026-27' }).join()).toContain('only a paper form');
    expect(
      refusal({ type: 'unlock', user: 'stu', by: 't', until: '2026-09-15T09:10:00.000-05:00', minutes: 55, schoolYear: '2026-27' }).join(),
    ).toContain('Unrecognized key');
  });

  it('an auth-failure keeps the username typed, and a secret can never ride along', () => {
    const failure = { type: 'auth-failure', user: 'stu1001', attemptedBy: 'tteacher', refusal: 'bad-credentials' };
    expect(refusal(failure)).toEqual([]);
    expect(refusal({ ...failure, attemptedBy: '' })).toEqual([]);
    expect(refusal({ ...failure, secret: 'hunter2' }).join()).toContain('Unrecognized key: "secret"');
    expect(refusal({ ...failure, password: 'hunter2' }).join()).toContain('Unrecognized key: "password"');
  });

  it('an override needs a written reason; an unlock does not take one', () => {
    const unlock = { type: 'unlock', user: 'stu', by: 'tteacher', until: '2026-09-15T09:10:00.000-05:00', minutes: 55 };
    expect(refusal(unlock)).toEqual([]);
    expect(refusal({ ...unlock, type: 'override' }).join()).toContain('reason');
    expect(refusal({ ...unlock, type: 'override', reason: '   ' }).join()).toContain('reason');
    expect(refusal({ ...unlock, type: 'override', reason: 'state testing make-up' })).toEqual([]);
    expect(refusal({ ...unlock, reason: 'x' }).join()).toContain('Unrecognized key');
  });

  it('unlock minutes are a whole number from 1 to 1440, and until carries an offset', () => {
    const unlock = { type: 'unlock', user: 'stu', by: 'tteacher', until: '2026-09-15T09:10:00.000-05:00', minutes: 55 };
    expect(refusal({ ...unlock, minutes: 0 }).join()).toContain('minutes');
    expect(refusal({ ...unlock, minutes: 1441 }).join()).toContain('minutes');
    expect(refusal({ ...unlock, minutes: 5.5 }).join()).toContain('minutes');
    expect(refusal({ ...unlock, until: '2026-09-15 09:10' }).join()).toContain('until');
  });

  it('a denial names who was refused and why, as a reason code', () => {
    const denied = { type: 'denied', user: 'stu', by: 'ssub', refusal: 'substitute' };
    expect(refusal(denied)).toEqual([]);
    expect(refusal({ ...denied, refusal: 'Substitute teacher!' }).join()).toContain('refusal');
    expect(refusal({ ...denied, by: undefined }).join()).toContain('by');
  });

  it('a safety acknowledgement names the rules and their version', () => {
    expect(refusal({ type: 'safety-ack', user: 'stu', rulesId: 'internet-safety', version: '2026-27' })).toEqual([]);
    expect(refusal({ type: 'safety-ack', user: 'stu', rulesId: 'internet-safety' }).join()).toContain('version');
  });

  it('a user name may not be blank or hold a line break', () => {
    expect(refusal({ ...kioskAcceptance, user: '  ' }).join()).toContain('user');
    expect(refusal({ ...kioskAcceptance, user: 'stu\n{"type":"acceptance"}' }).join()).toContain('control characters');
  });

  it('an unknown record type is refused', () => {
    expect(refusal({ ...kioskAcceptance, type: 'acceptence' }).join()).toContain('type');
  });
});
