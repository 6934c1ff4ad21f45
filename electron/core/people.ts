// Who a person is to the kiosk, and the one interface it learns that from (a roster or LDAP).
import type { Privileges, Role } from './api/contract.ts';

/** A person as the directory (roster or LDAP) knows them. Grade 0 is kindergarten, -1 pre-kindergarten. */
export interface DirectoryUser {
  username: string;
  /** The formal name, as the district keeps it (possibly "López, Ana"): what evidence and reports carry. */
  displayName: string;
  /** The name to greet with, as people say it ("Ana López"): a roster's preferredName or first and last name. */
  greetingName?: string;
  role: Role;
  grade?: number;
  language?: string;
  /** Where the student information system places them (a roster's campus and homeroom), for the campus report. */
  campus?: string;
  homeroom?: string;
  privileges: Privileges;
  /** A parent or guardian denied Internet access by letter to the principal. */
  guardianDeniedInternet: boolean;
}

/** Result of checking a secret (an LDAP password or a roster PIN). Never carries the secret. */
export type AuthResult = { ok: true; user: DirectoryUser } | { ok: false; reason: 'bad-credentials' | 'directory-unavailable'; detail?: string };

/** The one interface the kiosk uses to know people; two real implementations (roster, LDAP). */
export interface Directory {
  readonly kind: 'roster' | 'ldap';
  /** The signed-in user of a session, looked up without a secret. `null`: unknown. */
  findUser(username: string): Promise<DirectoryUser | null>;
  /** Checks a secret. Resolves (never rejects) for wrong input, unknown users or a directory that is down. */
  authenticate(username: string, secret: string): Promise<AuthResult>;
  /** Everyone, where the directory can list them cheaply (the roster); LDAP answers `null`. */
  listUsers(): Promise<DirectoryUser[] | null>;
  close(): Promise<void>;
}

/** Pre-kindergarten (Texas elementary campuses have PK classes). */
export const PRE_K = -1;

/**
 * A grade as schools write it: `PK` (also `PreK`, `Pre-K`, `PK3`, `PK4`) is -1, `K`/`KG` is 0, `1`..`12`
 * (also `01`..`12`). Anything else: undefined.
 */
export function parseGrade(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim().toUpperCase();
  if (/^(PK|PRE[\s-]?K|PRE[\s-]?KINDERGARTEN)[34]?$/.test(text)) return PRE_K;
  if (text === 'K' || text === 'KG') return 0;
  if (!/^\d{1,2}$/.test(text)) return undefined;
  const grade = Number(text);
  return grade <= 12 ? grade : undefined;
}

/** How a grade is written back: `PK`, `K`, `1`..`12`. */
export function gradeName(grade: number): string {
  return grade === PRE_K ? 'PK' : grade === 0 ? 'K' : String(grade);
}

/** The name to greet a person with: their greeting name where the directory has one, else the formal name. */
export function greetingNameOf(user: Pick<DirectoryUser, 'displayName' | 'greetingName'>): string {
  return user.greetingName ?? user.displayName;
}
