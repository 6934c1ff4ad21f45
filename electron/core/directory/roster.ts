// The roster directory (docs/design.md "Roster"): a JSON file of users for districts without LDAP, and
// the demo. Teachers, substitutes and administrators sign in with a PIN kept only as a scrypt hash.
import { PRE_K, type AuthResult, type Directory, type DirectoryUser } from '../people.ts';
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import type { ConfigProblem } from '../api/contract.ts';
import { PRIVILEGES, ROLES } from '../api/contract.ts';
import { fileErrorWords, problemsFromZod, jsonErrorPosition } from '../config/problems.ts';
import { decodeJsonText } from '../config/json-text.ts';
import { PIN_HASH_PATTERN, verifyPin } from './pin.ts';

const SIGNS_IN = new Set(['teacher', 'substitute', 'administrator']);
const GRADE_MESSAGE = 'expected a grade from -1 (pre-kindergarten, PK) or 0 (kindergarten) to 12';
const personName = (what: string) =>
  z
    .string({ error: `expected ${what}` })
    .trim()
    .min(1, { error: `expected ${what}; it is empty` })
    .max(200);

export const rosterUserSchema = z
  .strictObject({
    username: z
      .string({ error: 'expected a username' })
      .trim()
      .min(1, { error: 'expected a username; it is empty' })
      .max(100, { error: 'a username is at most 100 characters' })
      .regex(/^[\p{L}\p{N}._@'-]+$/u, { error: "a username is letters, digits and . _ @ ' - only" }),
    displayName: z.string({ error: 'expected a display name' }).trim().min(1, { error: 'expected a display name; it is empty' }).max(200),
    /** The name to greet with, as people say it ("Ana López" for a displayName "López, Ana"). */
    preferredName: personName('a preferred name').optional(),
    firstName: personName('a first name').optional(),
    lastName: personName('a last name').optional(),
    role: z.enum(ROLES, { error: `expected a role: ${ROLES.join(', ')}` }),
    grade: z
      .number({ error: GRADE_MESSAGE })
      .int({ error: GRADE_MESSAGE })
      .min(PRE_K, { error: GRADE_MESSAGE })
      .max(12, { error: GRADE_MESSAGE })
      .optional(),
    language: z
      .string()
      .regex(/^[a-z]{2}$/, { error: 'expected a two-letter language code like "en" or "es"' })
      .optional(),
    /** The campus and homeroom the student information system places them in: the campus report lists who has not accepted by these. */
    campus: z.string().trim().min(1, { error: 'expected a campus name; it is empty' }).max(200).optional(),
    homeroom: z.string().trim().min(1, { error: 'expected a homeroom; it is empty' }).max(100).optional(),
    privileges: z.enum(PRIVILEGES, { error: `expected privileges: ${PRIVILEGES.join(', ')}` }).default('active'),
    guardianDeniedInternet: z.boolean({ error: 'expected true or false' }).default(false),
    pinHash: z.string().regex(PIN_HASH_PATTERN, { error: 'expected a scrypt hash from "aup roster hash-pin" (never a plain PIN)' }).optional(),
  })
  .superRefine((u, ctx) => {
    if ((u.firstName === undefined) !== (u.lastName === undefined) && u.preferredName === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: [u.firstName === undefined ? 'firstName' : 'lastName'],
        message: 'give both firstName and lastName (or a preferredName)',
      });
    }
    if (u.role === 'student' && u.grade === undefined) {
      ctx.addIssue({ code: 'custom', path: ['grade'], message: 'a student needs a grade from -1 (pre-kindergarten, PK) or 0 (kindergarten) to 12' });
    }
    if (u.role !== 'student' && u.grade !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['grade'], message: `only students have a grade (this user is a ${u.role})` });
    }
    if (u.role === 'student' && u.pinHash) {
      ctx.addIssue({ code: 'custom', path: ['pinHash'], message: 'students do not sign in to unlock: remove the pinHash' });
    }
  });

export const rosterSchema = z
  .strictObject({
    $schema: z.string().optional(),
    users: z.array(rosterUserSchema, { error: 'expected "users": a list of people' }),
  })
  .superRefine((roster, ctx) => {
    const seen = new Map<string, number>();
    roster.users.forEach((u, i) => {
      const key = u.username.toLowerCase();
      const first = seen.get(key);
      if (first !== undefined) {
        ctx.addIssue({ code: 'custom', path: ['users', i, 'username'], message: `"${u.username}" is already used by users[${first}]` });
      } else seen.set(key, i);
    });
  });

export type RosterUser = z.infer<typeof rosterUserSchema>;

/** Teachers, substitutes and administrators without a PIN cannot sign in: worth a warning, not an error. */
export function rosterWarnings(roster: { users: RosterUser[] }, prefix = 'roster'): ConfigProblem[] {
  const without = roster.users.filter((u) => SIGNS_IN.has(u.role) && !u.pinHash).map((u) => u.username);
  if (without.length === 0) return [];
  const list = without.slice(0, 10).join(', ') + (without.length > 10 ? ` and ${without.length - 10} more` : '');
  return [
    {
      path: prefix,
      message: `${without.length} teacher${without.length === 1 ? '' : 's'}, substitute${without.length === 1 ? '' : 's'} or administrator${without.length === 1 ? '' : 's'} without a pinHash cannot sign in at the kiosk: ${list}`,
    },
  ];
}
export type Roster = z.infer<typeof rosterSchema>;

export type RosterLoad = { ok: true; roster: Roster } | { ok: false; problems: ConfigProblem[] };

/** Reads and validates a roster file; `prefix` names where it was referenced from (for problem paths). */
export async function loadRoster(file: string, prefix = 'roster'): Promise<RosterLoad> {
  let textContent: string;
  try {
    const decoded = decodeJsonText(await readFile(file));
    if (!decoded.ok) return { ok: false, problems: [{ path: prefix, message: `the roster file ${file} ${decoded.message}` }] };
    textContent = decoded.text;
  } catch (error) {
    return {
      ok: false,
      problems: [{ path: prefix, message: `cannot read the roster file ${file}: ${fileErrorWords(error)}` }],
    };
  }
  let json: unknown;
  try {
    json = JSON.parse(textContent);
  } catch (error) {
    return { ok: false, problems: [{ path: prefix, message: `the roster file ${file} is ${jsonErrorPosition(textContent, error)}` }] };
  }
  const parsed = rosterSchema.safeParse(json);
  if (!parsed.success) return { ok: false, problems: problemsFromZod(parsed.error, json, prefix) };
  return { ok: true, roster: parsed.data };
}

/** How a roster user is greeted: the preferred name, else first and last name, else none (the display name). */
export function rosterGreetingName(u: Pick<RosterUser, 'preferredName' | 'firstName' | 'lastName'>): string | undefined {
  if (u.preferredName) return u.preferredName;
  if (u.firstName && u.lastName) return `${u.firstName} ${u.lastName}`;
  return undefined;
}

function toDirectoryUser(u: RosterUser): DirectoryUser {
  const greetingName = rosterGreetingName(u);
  return {
    username: u.username,
    displayName: u.displayName,
    ...(greetingName ? { greetingName } : {}),
    role: u.role,
    ...(u.grade !== undefined ? { grade: u.grade } : {}),
    ...(u.language ? { language: u.language } : {}),
    ...(u.campus ? { campus: u.campus } : {}),
    ...(u.homeroom ? { homeroom: u.homeroom } : {}),
    privileges: u.privileges,
    guardianDeniedInternet: u.guardianDeniedInternet,
  };
}

export class RosterDirectory implements Directory {
  readonly kind = 'roster' as const;
  readonly #users = new Map<string, RosterUser>();

  constructor(roster: Roster) {
    for (const u of roster.users) this.#users.set(u.username.toLowerCase(), u);
  }

  async findUser(username: string): Promise<DirectoryUser | null> {
    const u = this.#users.get(username.trim().toLowerCase());
    return u ? toDirectoryUser(u) : null;
  }

  async authenticate(username: string, secret: string): Promise<AuthResult> {
    if (typeof username !== 'string' || typeof secret !== 'string' || username.length > 100 || secret.length > 64) {
      return { ok: false, reason: 'bad-credentials' };
    }
    const u = this.#users.get(username.trim().toLowerCase());
    // verifyPin costs the same for an unknown user, so timing does not tell who exists.
    const match = await verifyPin(secret, u?.pinHash);
    return match && u ? { ok: true, user: toDirectoryUser(u) } : { ok: false, reason: 'bad-credentials' };
  }

  async listUsers(): Promise<DirectoryUser[]> {
    return [...this.#users.values()].map(toDirectoryUser);
  }

  async close(): Promise<void> {}
}
