import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseSchoolYear, schoolYearBounds, schoolYearOf } from '../../electron/core/school-year.ts';
import { instantOfLocal, isoWithOffset, localParts } from '../../electron/core/time.ts';

const lockhart = { timeZone: 'America/Chicago', start: '08-01' };
const ZONES = [
  'America/Chicago',
  'America/New_York',
  'America/Denver',
  'America/Los_Angeles',
  'America/Anchorage',
  'Pacific/Honolulu',
  'America/Phoenix',
  'UTC',
  'Asia/Kolkata',
  'Australia/Lord_Howe',
  'Pacific/Chatham',
];

describe('the school year of an instant', () => {
  it('11:30 pm on 31 July in Lockhart belongs to the school year that is ending, whatever UTC says', () => {
    // 2026-08-01T04:30Z is 23:30 on 31 July in Chicago (CDT, UTC-5).
    expect(schoolYearOf(new Date('2026-08-01T04:30:00Z'), lockhart)).toBe('2025-26');
  });

  it('local midnight on 1 August starts the new school year', () => {
    expect(schoolYearOf(new Date('2026-08-01T05:00:00Z'), lockhart)).toBe('2026-27');
    expect(schoolYearOf(new Date('2026-08-01T04:59:59.999Z'), lockhart)).toBe('2025-26');
  });

  it('a district may start its year on another day', () => {
    const rule = { timeZone: 'America/Chicago', start: '07-15' };
    expect(schoolYearOf(new Date('2026-07-15T05:00:00Z'), rule)).toBe('2026-27');
    expect(schoolYearOf(new Date('2026-07-15T04:59:00Z'), rule)).toBe('2025-26');
  });

  it('the label of the year that starts in 2099 is 2099-00', () => {
    expect(schoolYearOf(new Date('2099-09-01T12:00:00Z'), lockhart)).toBe('2099-00');
    expect(parseSchoolYear('2099-00')).toBe(2099);
    expect(parseSchoolYear('2026-28')).toBeNull();
  });

  it('property: an instant lies inside the bounds of its own school year, in any zone', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2090-01-01T00:00:00Z'), noInvalidDate: true }),
        fc.constantFrom(...ZONES),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 28 }),
        (instant, timeZone, month, day) => {
          const rule = { timeZone, start: `${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}` };
          const year = schoolYearOf(instant, rule);
          const { start, end } = schoolYearBounds(year, rule);
          expect(start.getTime()).toBeLessThanOrEqual(instant.getTime());
          expect(instant.getTime()).toBeLessThan(end.getTime());
          // and the start is local midnight of the start day
          const p = localParts(start, timeZone);
          expect([p.month, p.day]).toEqual([month, day]);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('property: one millisecond before a year starts belongs to the year before', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2000, max: 2090 }), fc.constantFrom(...ZONES), (startYear, timeZone) => {
        const rule = { timeZone, start: '08-01' };
        const start = instantOfLocal({ year: startYear, month: 8, day: 1 }, timeZone);
        expect(schoolYearOf(start, rule)).toBe(`${startYear}-${String((startYear + 1) % 100).padStart(2, '0')}`);
        expect(parseSchoolYear(schoolYearOf(new Date(start.getTime() - 1), rule))).toBe(startYear - 1);
      }),
      { numRuns: 200 },
    );
  });
});

describe('local time in the district zone', () => {
  it('writes ISO 8601 with the zone offset, summer and winter', () => {
    expect(isoWithOffset(new Date('2026-08-01T04:30:00Z'), 'America/Chicago')).toBe('2026-07-31T23:30:00.000-05:00');
    expect(isoWithOffset(new Date('2026-12-01T18:00:00Z'), 'America/Chicago')).toBe('2026-12-01T12:00:00.000-06:00');
  });

  it('property: the offset form names the same instant', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('1990-01-01Z'), max: new Date('2090-01-01Z'), noInvalidDate: true }),
        fc.constantFrom(...ZONES),
        (d, tz) => {
          expect(new Date(isoWithOffset(d, tz)).getTime()).toBe(d.getTime());
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a local midnight skipped by daylight saving resolves to the first instant of that day', () => {
    // Chile's America/Santiago springs forward at 00:00 (to 01:00) on 2026-09-06.
    const t = instantOfLocal({ year: 2026, month: 9, day: 6 }, 'America/Santiago');
    const p = localParts(t, 'America/Santiago');
    expect([p.month, p.day, p.hour]).toEqual([9, 6, 1]);
  });
});
