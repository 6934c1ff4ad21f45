import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { LedgerIndex } from '../../../electron/core/ledger/ledger-index.ts';
import type { LedgerRecord } from '../../../electron/core/ledger/records.ts';

const HEX = 'cd'.repeat(32);
let minute = 0;

function envelope(schoolYear: string, user: string) {
  minute++;
  return {
    hash: HEX,
    prev: null,
    id: randomUUID(),
    at: `2026-09-15T08:${String(minute % 60).padStart(2, '0')}:00.000-05:00`,
    schoolYear,
    user,
    machine: 'LAB204-01',
    campus: 'LHS',
    room: '204',
    appVersion: '0.1.0',
  };
}

function accepted(user: string, version: string, schoolYear = '2026-27', type: 'acceptance' | 'guardian-agreement' = 'acceptance'): LedgerRecord {
  return { ...envelope(schoolYear, user), type, policyId: 'student-aup', version, language: 'en', sha256: HEX, method: 'kiosk' };
}

function acknowledged(user: string, version: string, schoolYear = '2026-27'): LedgerRecord {
  return { ...envelope(schoolYear, user), type: 'safety-ack', rulesId: 'internet-safety', version };
}

function indexOf(...records: LedgerRecord[]): LedgerIndex {
  const index = new LedgerIndex();
  for (const r of records) index.add(r);
  return index;
}

describe('the decision index', () => {
  it('an acceptance counts for its user, policy, version and school year only', () => {
    const index = indexOf(accepted('stu1', '2026-27'));
    expect(index.hasAccepted('stu1', 'student-aup', '2026-27', '2026-27')).toBe(true);
    expect(index.hasAccepted('stu2', 'student-aup', '2026-27', '2026-27')).toBe(false);
    expect(index.hasAccepted('stu1', 'staff-aup', '2026-27', '2026-27')).toBe(false);
    expect(index.hasAccepted('stu1', 'student-aup', '2026-27b', '2026-27')).toBe(false);
    expect(index.hasAccepted('stu1', 'student-aup', '2026-27', '2027-28')).toBe(false);
  });

  it('acceptance is per school year: last year’s acceptance does not carry over', () => {
    const index = indexOf(accepted('stu1', '2025-26', '2025-26'));
    expect(index.acceptanceOf('stu1', 'student-aup', '2025-26')?.version).toBe('2025-26');
    expect(index.acceptanceOf('stu1', 'student-aup', '2026-27')).toBeNull();
  });

  it('the latest acceptance of the year is the one written last, and a mid-year version keeps the earlier one', () => {
    const first = accepted('stu1', '2026-27');
    const second = accepted('stu1', '2026-27.2');
    const index = indexOf(first, second);
    expect(index.acceptanceOf('stu1', 'student-aup', '2026-27')).toMatchObject({
      id: second.id,
      version: '2026-27.2',
      at: second.at,
      method: 'kiosk',
      language: 'en',
    });
    expect(index.hasAccepted('stu1', 'student-aup', '2026-27', '2026-27')).toBe(true);
    expect(index.hasAccepted('stu1', 'student-aup', '2026-27.2', '2026-27')).toBe(true);
  });

  it('a parent or guardian agreement is not the student’s own acceptance', () => {
    const index = indexOf(accepted('stu1', '2026-27', '2026-27', 'guardian-agreement'));
    expect(index.hasAccepted('stu1', 'student-aup', '2026-27', '2026-27')).toBe(false);
    expect(index.acceptanceOf('stu1', 'student-aup', '2026-27')).toBeNull();
    expect(index.guardianAgreementOf('stu1', 'student-aup', '2026-27')?.version).toBe('2026-27');
  });

  it('the Internet Safety rules are acknowledged per rules, school year and, when asked, version', () => {
    const index = indexOf(acknowledged('stu1', '2026-27'), acknowledged('stu1', '2026-27.2'), acknowledged('stu2', '2025-26', '2025-26'));
    expect(index.hasAcknowledgedSafety('stu1', 'internet-safety', '2026-27')).toBe(true);
    expect(index.hasAcknowledgedSafety('stu1', 'internet-safety', '2026-27', '2026-27')).toBe(true);
    expect(index.hasAcknowledgedSafety('stu1', 'internet-safety', '2026-27', '2026-27.2')).toBe(true);
    expect(index.hasAcknowledgedSafety('stu1', 'internet-safety', '2026-27', '2027-28')).toBe(false);
    expect(index.hasAcknowledgedSafety('stu1', 'other-rules', '2026-27')).toBe(false);
    expect(index.hasAcknowledgedSafety('stu2', 'internet-safety', '2026-27')).toBe(false);
  });

  it('unlocks and refusals are counted but answer no acceptance question', () => {
    const unlock: LedgerRecord = {
      ...envelope('2026-27', 'stu1'),
      type: 'unlock',
      by: 'tteacher',
      until: '2026-09-15T09:10:00.000-05:00',
      minutes: 55,
    };
    const denied: LedgerRecord = { ...envelope('2026-27', 'stu1'), type: 'denied', by: 'ssub', refusal: 'substitute' };
    const index = indexOf(unlock, denied, accepted('stu1', '2026-27'));
    expect(index.count('2026-27')).toBe(3);
    expect(index.count('2026-27', 'unlock')).toBe(1);
    expect(index.count('2026-27', 'override')).toBe(0);
    expect(index.schoolYears()).toEqual(['2026-27']);
  });

  it('a user name cannot reach into another user’s entry through the key separator', () => {
    const index = indexOf(accepted('stu1', '2026-27'));
    expect(index.hasAccepted('stu1\u0000student-aup', '', '2026-27', '2026-27')).toBe(false);
  });

  it('dropping a year forgets that year only, and years are listed oldest first', () => {
    const index = indexOf(accepted('stu1', 'v', '2026-27'), accepted('stu1', 'v', '2024-25'), accepted('stu1', 'v', '2025-26'));
    expect(index.schoolYears()).toEqual(['2024-25', '2025-26', '2026-27']);
    index.dropYear('2025-26');
    expect(index.schoolYears()).toEqual(['2024-25', '2026-27']);
    expect(index.hasAccepted('stu1', 'student-aup', 'v', '2025-26')).toBe(false);
    expect(index.hasAccepted('stu1', 'student-aup', 'v', '2026-27')).toBe(true);
  });
});
