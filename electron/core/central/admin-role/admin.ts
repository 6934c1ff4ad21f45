// The DBA's side: apply the migrations, give the kiosk and reporting roles their passwords, and tell
// the database the district's rules it judges records by (time zone, school-year start, longest
// unlock: migrations/002_checked_records.sql). Passwords are sent as SCRAM-SHA-256 verifiers computed
// here, so the plain password never reaches the server (nor its statement log).
import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import type pg from 'pg';
import type { KioskConfig } from '../../config/schema.ts';
import { loadMigrations, migrate, type MigrateOptions, type MigrateResult } from './migrate.ts';
import { checkoutResources } from '../../config/resources.ts';

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

/** What record_batch checks a record against (one row, aup.settings). */
export interface DistrictRules {
  /** IANA zone: a record's school year is that of its `at` there. */
  timeZone: string;
  /** `MM-DD`, the first day of the school year. */
  schoolYearStart: string;
  /** The longest an unlock or override may last. */
  maxUnlockMinutes: number;
}

/** The rules a machine config implies: the longest unlock is the greatest of the unlock, the override and the longest bell period. */
export function districtRulesOf(config: Pick<KioskConfig, 'district' | 'lock'>): DistrictRules {
  const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
  const longestPeriod = Math.max(0, ...config.lock.bellSchedule.map((p) => minutes(p.end) - minutes(p.start)));
  return {
    timeZone: config.district.timeZone,
    schoolYearStart: config.district.schoolYearStart,
    maxUnlockMinutes: Math.min(1440, Math.max(config.lock.unlockMinutes, config.lock.maxOverrideMinutes, longestPeriod)),
  };
}

/** Sets the district's rules (the database refuses a zone it does not know, or a day no year has). */
export async function setDistrictRules(client: pg.ClientBase, rules: DistrictRules): Promise<void> {
  await client.query('UPDATE aup.settings SET time_zone = $1, school_year_start = $2, max_unlock_minutes = $3', [
    rules.timeZone,
    rules.schoolYearStart,
    rules.maxUnlockMinutes,
  ]);
}

/**
 * Lets the next record `machine` sends for `schoolYear` continue its chain whatever its `prev`: for a
 * PC reimaged (its ledger started afresh) or renamed mid-year, whose records the chain check refuses.
 */
export async function reopenChain(client: pg.ClientBase, machine: string, schoolYear: string): Promise<void> {
  await client.query('SELECT aup.reopen_chain($1, $2)', [machine, schoolYear]);
}

export interface DatabaseSetup extends MigrateResult {
  /** Roles given a password (and LOGIN) by this run. */
  logins: string[];
  /** The rules set by this run (none without a config: the database keeps what it has). */
  district: DistrictRules | null;
}

export interface SetUpOptions extends MigrateOptions {
  /** The migrations folder (Resources.migrations); the checkout's by default. */
  migrationsDir?: string;
}

/** Applies the bundled migrations, then sets the district's rules and the passwords given. */
export async function setUpDatabase(
  client: pg.ClientBase,
  passwords: { kiosk?: string; reporting?: string } = {},
  options: SetUpOptions = {},
  district?: DistrictRules,
): Promise<DatabaseSetup> {
  const result = await migrate(client, await loadMigrations(options.migrationsDir ?? checkoutResources().migrations), options);
  if (district) await setDistrictRules(client, district);
  const logins: string[] = [];
  if (passwords.kiosk !== undefined) {
    await setLoginPassword(client, KIOSK_ROLE, passwords.kiosk);
    logins.push(KIOSK_ROLE);
  }
  if (passwords.reporting !== undefined) {
    await setLoginPassword(client, REPORTING_ROLE, passwords.reporting);
    logins.push(REPORTING_ROLE);
  }
  return { ...result, logins, district: district ?? null };
}
