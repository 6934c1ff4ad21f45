// Who a person is to the kiosk, and the one interface it learns that from (a roster or LDAP).
import type { Privileges, Role } from './api/contract.ts';

/** A person as the directory (roster or LDAP) knows them. Grade 0 is kindergarten. */
export interface DirectoryUser {
  username: string;
  displayName: string;
  role: Role;
  grade?: number;
  language?: string;
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
