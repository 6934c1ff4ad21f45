// Time in the district's zone. Every rule of the policy is about local dates (the school year starts
// on 1 August in Lockhart, not in UTC), so instants are turned into wall-clock parts with Intl and
// local dates back into instants, never with the machine's own zone.

/** The kiosk's notion of now, injected everywhere so tests move time without sleeping. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** Milliseconds from an arbitrary start that only move forward (the OS's monotonic clock). */
export type MonotonicMs = () => number;
export const monotonicMs: MonotonicMs = () => performance.now();

/**
 * The kiosk's own time: the wall clock, but never earlier than the last instant it gave plus the
 * monotonic time since. Setting the computer's clock back therefore does not stretch an unlock (55
 * minutes became about 99 when the lock trusted the wall clock); a jump forward (NTP, a fixed clock)
 * is taken. `floor`: the last instant a previous run saw, so a restart cannot go back either.
 */
export class NonDecreasingClock implements Clock {
  readonly #wall: Clock;
  readonly #mono: MonotonicMs;
  #lastMs: number;
  #lastMono: number;

  constructor(wall: Clock, mono: MonotonicMs = monotonicMs, floor?: Date) {
    this.#wall = wall;
    this.#mono = mono;
    this.#lastMs = floor ? floor.getTime() : -Infinity;
    this.#lastMono = mono();
  }

  now(): Date {
    const m = this.#mono();
    const carried = this.#lastMs + Math.max(0, m - this.#lastMono);
    const t = Math.max(this.#wall.now().getTime(), carried);
    this.#lastMs = t;
    this.#lastMono = m;
    return new Date(t);
  }
}

/** A clock the tests (and the preview's test hook) set by hand. */
export class ManualClock implements Clock {
  #ms: number;
  constructor(start: Date | string | number) {
    this.#ms = new Date(start).getTime();
  }
  now(): Date {
    return new Date(this.#ms);
  }
  set(instant: Date | string | number): void {
    this.#ms = new Date(instant).getTime();
  }
  advance(ms: number): void {
    this.#ms += ms;
  }
}

export interface LocalParts {
  year: number;
  month: number; // 1-12
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** 0 = Sunday … 6 = Saturday */
  weekday: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      weekday: 'short',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** Wall-clock parts of an instant in a time zone. */
export function localParts(instant: Date, timeZone: string): LocalParts {
  const parts: Record<string, string> = {};
  for (const p of formatterFor(timeZone).formatToParts(instant)) parts[p.type] = p.value;
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    second: Number(parts.second),
    weekday: WEEKDAYS.indexOf(parts.weekday ?? ''),
  };
}

/** True when `timeZone` is an IANA zone this runtime knows. */
export function isValidTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

/** Offset of the zone from UTC at an instant, in minutes (Chicago in winter: -360). */
export function offsetMinutes(instant: Date, timeZone: string): number {
  return offsetFromParts(instant, localParts(instant, timeZone));
}

function offsetFromParts(instant: Date, p: LocalParts): number {
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  const ms = instant.getTime() - (instant.getTime() % 1000);
  return Math.round((asUtc - ms) / 60_000);
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** ISO 8601 with the zone's offset: `2026-07-31T23:30:00.000-05:00`. What the ledger writes. */
export function isoWithOffset(instant: Date, timeZone: string): string {
  const p = localParts(instant, timeZone);
  const off = offsetFromParts(instant, p); // one Intl call, not two: this runs on every ledger append
  const sign = off < 0 ? '-' : '+';
  const abs = Math.abs(off);
  return (
    `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)}T${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}` +
    `.${pad(instant.getUTCMilliseconds(), 3)}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`
  );
}

/** The local calendar date of an instant, `YYYY-MM-DD`. */
export function localDate(instant: Date, timeZone: string): string {
  const p = localParts(instant, timeZone);
  return `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)}`;
}

/**
 * The instant of a local wall-clock time in a zone, disambiguated as Temporal's "compatible" does:
 * a time that repeats (fall back) is the earlier instant; a time a DST jump skips (spring forward)
 * is moved forward by the length of the jump (a skipped midnight becomes the first instant of the day).
 */
export function instantOfLocal(
  date: { year: number; month: number; day: number },
  timeZone: string,
  time: { hour: number; minute: number } = { hour: 0, minute: 0 },
): Date {
  const guess = Date.UTC(date.year, date.month - 1, date.day, time.hour, time.minute);
  const DAY = 86_400_000;
  // Offsets change at most a couple of times a year: those a day either side cover every case.
  const offsets = [...new Set([-DAY, 0, DAY].map((d) => offsetMinutes(new Date(guess + d), timeZone)))];
  const candidates = offsets.map((off) => guess - off * 60_000).sort((a, b) => a - b);
  const wanted = (x: number) => {
    const p = localParts(new Date(x), timeZone);
    return p.year === date.year && p.month === date.month && p.day === date.day && p.hour === time.hour && p.minute === time.minute;
  };
  const exact = candidates.find(wanted);
  if (exact !== undefined) return new Date(exact);
  // In a gap: the offset before the jump, which lands after it.
  const before = offsetMinutes(new Date(guess - DAY), timeZone);
  return new Date(guess - before * 60_000);
}

/** Parses `YYYY-MM-DD` strictly. */
export function parseLocalDate(text: string): { year: number; month: number; day: number } | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return null;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const d = new Date(Date.UTC(year, month - 1, day));
  if (d.getUTCFullYear() !== year || d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day) return null;
  return { year, month, day };
}

/** Local midnight at the start of `YYYY-MM-DD` in the zone. */
export function startOfLocalDate(text: string, timeZone: string): Date {
  const d = parseLocalDate(text);
  if (!d) throw new Error(`not a date: ${text}`);
  return instantOfLocal(d, timeZone);
}
