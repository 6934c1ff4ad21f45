// The DBA's side: apply the migrations and give the kiosk and reporting roles their passwords.
// Passwords are sent as SCRAM-SHA-256 verifiers computed here, so the plain password never reaches
// the server (nor its statement log).
import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import type pg from 'pg';
import { loadMigrations, migrate, type MigrateOptions, type MigrateResult } from './migrate.ts';

export const KIOSK_ROLE = 'aup_kiosk';
export const REPORTING_ROLE = 'aup_reporting';

/**
 * The verifier PostgreSQL stores for a SCRAM-SHA-256 password (RFC 5802/7677): the server can check
 * a client's proof with it but cannot recover the password. Computed on the raw UTF-8 bytes, as
 * node-postgres computes its proof (use an ASCII password where other clients, e.g. psql, connect too).
 */
export function scramSha256Verifier(password: string, iterations = 4096, salt: Buffer = randomBytes(16)): string {
  const salted = pbkdf2Sync(Buffer.from(password, 'utf8'), salt, iterations, 32, 'sha256');
  const clientKey = createHmac('sha256', salted).update('Client Key').digest();
  const storedKey = createHash('sha256').update(clientKey).digest();
  const serverKey = createHmac('sha256', salted).update('Server Key').digest();
  return `SCRAM-SHA-256$${iterations}:${salt.toString('base64')}$${storedKey.toString('base64')}:${serverKey.toString('base64')}`;
}

/** Lets `role` sign in with `password` (as a verifier). The role must exist (the migration makes them). */
export async function setLoginPassword(client: pg.ClientBase, role: string, password: string): Promise<void> {
  if (!/^[a-z_][a-z0-9_]*$/.test(role)) throw new Error(`not a role name: ${role}`);
  if (password.length < 12) throw new Error(`the password for ${role} is shorter than 12 characters`);
  // A verifier is base64, digits, `$`, `:` and `=`: nothing to escape, checked anyway.
  const verifier = scramSha256Verifier(password);
  if (!/^[A-Za-z0-9+/=$:-]+$/.test(verifier)) throw new Error('unexpected characters in the SCRAM verifier');
  await client.query(`ALTER ROLE ${role} WITH LOGIN PASSWORD '${verifier}'`);
}

export interface DatabaseSetup extends MigrateResult {
  /** Roles given a password (and LOGIN) by this run. */
  logins: string[];
}

/** Applies the bundled migrations, then sets the passwords given. */
export async function setUpDatabase(
  client: pg.ClientBase,
  passwords: { kiosk?: string; reporting?: string } = {},
  options: MigrateOptions = {},
): Promise<DatabaseSetup> {
  const result = await migrate(client, await loadMigrations(), options);
  const logins: string[] = [];
  if (passwords.kiosk !== undefined) {
    await setLoginPassword(client, KIOSK_ROLE, passwords.kiosk);
    logins.push(KIOSK_ROLE);
  }
  if (passwords.reporting !== undefined) {
    await setLoginPassword(client, REPORTING_ROLE, passwords.reporting);
    logins.push(REPORTING_ROLE);
  }
  return { ...result, logins };
}
