// The kiosk's time, shown in the district's zone. The page only displays it: the kiosk sends `now`
// with every view and decides expiry itself; between views the clock runs on from that instant.
import { useEffect, useState } from 'react';
import { useKiosk } from './store.ts';

/** Now as the kiosk sees it, refreshed every `everyMs`. */
export function useKioskNow(everyMs = 1000): Date {
  const skew = useKiosk((s) => s.clockSkewMs);
  const [, setTick] = useState(0);
  useEffect(() => {
    const id = window.setInterval(() => setTick((n) => n + 1), everyMs);
    return () => window.clearInterval(id);
  }, [everyMs]);
  // Read the page clock at render, so a fresh view's `now` is never shown older than it is.
  return new Date(Date.now() + skew);
}

/**
 * The bundled languages as a United States district writes them: Spanish times in `es-US` form
 * (`1:40 p.m.`, as Texas families read them), not Spain's 24-hour `13:40`.
 */
const REGIONAL: Record<string, string> = { en: 'en-US', es: 'es-US' };
export const formattingLocale = (language: string) => REGIONAL[language] ?? language;

export function formatTime(instant: Date, language: string, timeZone: string): string {
  return new Intl.DateTimeFormat(formattingLocale(language), { timeZone, hour: 'numeric', minute: '2-digit' }).format(instant);
}

/**
 * A time after "until" or "at". Spanish puts the article in front of the hour, singular for one
 * o'clock: "hasta la 1:19 p.m.", "hasta las 2:19 p.m." (the strings say "hasta {{until}}").
 */
export function formatUntil(instant: Date, language: string, timeZone: string): string {
  const time = formatTime(instant, language, timeZone);
  if (language !== 'es') return time;
  const hour = new Intl.DateTimeFormat('es-US', { timeZone, hour: 'numeric', hour12: true }).formatToParts(instant).find((p) => p.type === 'hour');
  return `${hour?.value === '1' ? 'la' : 'las'} ${time}`;
}

export function formatDate(instant: Date, language: string, timeZone: string): string {
  return new Intl.DateTimeFormat(formattingLocale(language), { timeZone, weekday: 'long', month: 'long', day: 'numeric' }).format(instant);
}

/** A local calendar date (`2026-08-01`) in words, without a zone shift. */
export function formatLocalDate(date: string, language: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return date;
  const instant = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), 12));
  return new Intl.DateTimeFormat(formattingLocale(language), { timeZone: 'UTC', year: 'numeric', month: 'long', day: 'numeric' }).format(instant);
}
