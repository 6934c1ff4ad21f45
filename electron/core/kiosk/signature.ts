// How a person signs the policy. The Student AUP ends with a user agreement the student signs; a
// kindergartner cannot type their name, so the elementary band presses a large "I agree" and everyone
// else (older students, staff) types their full name, which must match the directory's name.
import type { DirectoryUser } from '../people.ts';
import { gradeBandOf, type GradeBands } from '../policy/resolve.ts';

export type Signature = 'typed-name' | 'i-agree';

/**
 * The band that signs with "I agree": the one named `elementary`, or, where a district names its
 * bands otherwise, the band that holds the youngest grades.
 */
export function iAgreeBand(bands: GradeBands): string | undefined {
  if ('elementary' in bands) return 'elementary';
  return Object.entries(bands).sort(([, a], [, b]) => a[0] - b[0])[0]?.[0];
}

/** Staff and students past the elementary band type their name; a student of unknown grade presses "I agree". */
export function signatureFor(user: Pick<DirectoryUser, 'role' | 'grade'>, bands: GradeBands): Signature {
  if (user.role !== 'student') return 'typed-name';
  if (user.grade === undefined) return 'i-agree';
  const band = gradeBandOf(user.grade, bands);
  return band !== undefined && band === iAgreeBand(bands) ? 'i-agree' : 'typed-name';
}

/** Names compared loosely: case, accents and spacing do not matter; every word of the name must be typed. */
export function nameMatches(typed: string, displayName: string): boolean {
  const words = (s: string) =>
    s
      .normalize('NFD')
      .replace(/\p{M}/gu, '')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}]+/gu, ' ')
      .trim()
      .split(' ')
      .filter(Boolean)
      .sort()
      .join(' ');
  const t = words(typed);
  return t.length > 0 && t === words(displayName);
}
