// The school year of an instant. Acceptance is per school year, and the year turns over at local
// midnight of `schoolYearStart` in the district's zone: 11:30 pm on 31 July in Lockhart belongs to
// the school year that is ending, whatever UTC says.
import { instantOfLocal, localParts } from './time.ts';

export interface SchoolYearRule {
  timeZone: string;
  /** `MM-DD`, the first day of the school year (Lockhart: `08-01`). */
  start: string;
}

/** `2026-27` for the year that starts in 2026. */
export type SchoolYear = string;

export function parseMonthDay(text: string): { month: number; day: number } | null {
  const m = /^(\d{2})-(\d{2})$/.exec(text);
  if (!m) return null;
  const month = Number(m[1]);
  const day = Number(m[2]);
  // 29 February is refused: a school year must start on a day every year has.
  const daysIn = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  if (month < 1 || month > 12 || day < 1 || day > (daysIn[month - 1] ?? 0)) return null;
  return { month, day };
}

function startOf(rule: SchoolYearRule) {
  const md = parseMonthDay(rule.start);
  if (!md) throw new Error(`schoolYearStart must be MM-DD, got ${rule.start}`);
  return md;
}

export function schoolYearLabel(startYear: number): SchoolYear {
  return `${startYear}-${String((startYear + 1) % 100).padStart(2, '0')}`;
}

/** The calendar year in which the school year of `instant` began. */
export function schoolYearStartYear(instant: Date, rule: SchoolYearRule): number {
  const { month, day } = startOf(rule);
  const p = localParts(instant, rule.timeZone);
  const beforeStart = p.month < month || (p.month === month && p.day < day);
  return beforeStart ? p.year - 1 : p.year;
}

export function schoolYearOf(instant: Date, rule: SchoolYearRule): SchoolYear {
  return schoolYearLabel(schoolYearStartYear(instant, rule));
}

/** Parses `2026-27` (the second part must follow the first). */
export function parseSchoolYear(text: string): number | null {
  const m = /^(\d{4})-(\d{2})$/.exec(text);
  if (!m) return null;
  const start = Number(m[1]);
  return (start + 1) % 100 === Number(m[2]) ? start : null;
}

/** The instants a school year spans: [start, end). */
export function schoolYearBounds(year: SchoolYear, rule: SchoolYearRule): { start: Date; end: Date } {
  const startYear = parseSchoolYear(year);
  if (startYear === null) throw new Error(`not a school year: ${year}`);
  const { month, day } = startOf(rule);
  return {
    start: instantOfLocal({ year: startYear, month, day }, rule.timeZone),
    end: instantOfLocal({ year: startYear + 1, month, day }, rule.timeZone),
  };
}
