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

// ---- a database login per PC (migrations/005_machine_logins.sql) ---------------------------------

/** A PC's name as the kiosk records it (its host name): letters, digits, `.`, `_`, `-`, at most 56. */
const MACHINE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,55}$/;

/** Why `machine` cannot be a PC's name, or null when it can. */
export function machineNameProblem(machine: string): string | null {
  if (MACHINE_NAME.test(machine)) return null;
  if (machine === '') return 'the PC name is empty';
  if (machine.length > 56) return `"${machine}" is longer than the 56 characters a PC name may have here`;
  return `"${machine}" is not a PC name: use its host name (letters, digits, ".", "_" and "-", starting with a letter or digit)`;
}

/** The login role of a PC: `LAB204-01` → `aup_pc_lab204_01` (cluster-wide; one database's mapping says which PC it is). */
export function machineRoleName(machine: string): string {
  return `aup_pc_${machine.toLowerCase().replace(/[^a-z0-9]/g, '_')}`;
}

/** A refusal to act on the machine logins: the DBA's input, not the database, is what is wrong. */
export class MachineLoginError extends Error {
  override name = 'MachineLoginError';
}

export interface MachineLogin {
  machine: string;
  role: string;
  addedAt: Date;
  addedBy: string;
  removedAt: Date | null;
  removedBy: string | null;
  /** The role may sign in now (LOGIN, a member of aup_kiosk). */
  canSignIn: boolean;
}

async function inTransaction<T>(client: pg.ClientBase, work: () => Promise<T>): Promise<T> {
  await client.query('BEGIN');
  try {
    const result = await work();
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

/**
 * Creates the login role of `machine` (a member of aup_kiosk, nothing of its own) with `password`, or
 * gives an existing one that password again (and unlocks it, if it was removed). `created` says which.
 */
export async function addMachineLogin(client: pg.ClientBase, machine: string, password: string): Promise<{ role: string; created: boolean }> {
  const problem = machineNameProblem(machine);
  if (problem) throw new MachineLoginError(problem);
  const role = machineRoleName(machine);
  return inTransaction(client, async () => {
    // One PC at a time changes the mapping (two technicians adding LAB204-01 and LAB204_01 at once).
    await client.query('LOCK TABLE aup.machine_logins IN SHARE ROW EXCLUSIVE MODE');
    const { rows: mapped } = await client.query<{ role_name: string; machine: string }>(
      'SELECT role_name, machine FROM aup.machine_logins WHERE role_name = $1 OR lower(machine) = lower($2)',
      [role, machine],
    );
    const other = mapped.find((m) => m.machine.toLowerCase() !== machine.toLowerCase());
    if (other)
      throw new MachineLoginError(
        `${machine}'s login would be ${role}, which is already the login of ${other.machine}: give one of the two PCs another name`,
      );
    const { rows: existing } = await client.query<{ member: boolean; superuser: boolean }>(
      `SELECT pg_has_role(rolname, $2, 'MEMBER') AS member, rolsuper AS superuser FROM pg_roles WHERE rolname = $1`,
      [role, KIOSK_ROLE],
    );
    const found = existing[0];
    // A role of that name that is not one this command made (for this or another database of the cluster) is not taken over.
    if (found && (found.superuser || (mapped.length === 0 && !found.member)))
      throw new MachineLoginError(
        `a role named ${role} already exists in this PostgreSQL cluster and is not an AUP Kiosk PC login; rename or drop it first`,
      );
    if (!found) await client.query(`CREATE ROLE ${role} NOLOGIN`);
    await client.query(`GRANT ${KIOSK_ROLE} TO ${role}`);
    // Role settings are not inherited from aup_kiosk: each login gets the kiosks' own (migrations/001).
    await client.query(`ALTER ROLE ${role} SET statement_timeout = '10s'`);
    await client.query(`ALTER ROLE ${role} SET synchronous_commit = 'on'`);
    await setLoginPassword(client, role, password);
    await client.query(
      `INSERT INTO aup.machine_logins (role_name, machine) VALUES ($1, $2)
       ON CONFLICT (role_name) DO UPDATE SET machine = EXCLUDED.machine, added_at = now(), added_by = session_user, removed_at = NULL, removed_by = NULL`,
      [role, machine],
    );
    return { role, created: !found };
  });
}

/**
 * Shuts a PC out: its login may no longer sign in, is no longer a member of aup_kiosk (so a session
 * already open can call nothing), and its password is gone. Its row stays (marked removed), so its
 * refusals still name it. `ended`: its open sessions ended now (0 where the DBA may not end them).
 */
export async function removeMachineLogin(client: pg.ClientBase, machine: string): Promise<{ role: string; ended: number }> {
  const { rows } = await client.query<{ role_name: string; machine: string }>(
    'SELECT role_name, machine FROM aup.machine_logins WHERE lower(machine) = lower($1)',
    [machine],
  );
  const row = rows[0];
  if (!row) throw new MachineLoginError(`no PC named ${machine} has a login in this database ("aup db machine list" shows those that do)`);
  const role = row.role_name;
  await inTransaction(client, async () => {
    const { rows: exists } = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role]);
    if (exists.length > 0) {
      await client.query(`ALTER ROLE ${role} WITH NOLOGIN PASSWORD NULL`);
      await client.query(`REVOKE ${KIOSK_ROLE} FROM ${role}`);
    }
    await client.query('UPDATE aup.machine_logins SET removed_at = now(), removed_by = session_user WHERE role_name = $1 AND removed_at IS NULL', [
      role,
    ]);
  });
  let ended = 0;
  try {
    const { rows: done } = await client.query<{ ok: boolean }>(
      'SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE usename = $1 AND pid <> pg_backend_pid()',
      [role],
    );
    ended = done.filter((d) => d.ok).length;
  } catch {
    // Not allowed to end another role's sessions: an open one can still call nothing (no longer a member).
  }
  return { role, ended };
}

/** Every PC login of this database, by name, with whether it may sign in now. */
export async function listMachineLogins(client: pg.ClientBase): Promise<{ required: boolean; machines: MachineLogin[] }> {
  const { rows: settings } = await client.query<{ required: boolean }>('SELECT require_machine_logins AS required FROM aup.settings');
  const { rows } = await client.query<{
    machine: string;
    role_name: string;
    added_at: Date;
    added_by: string;
    removed_at: Date | null;
    removed_by: string | null;
    can_sign_in: boolean | null;
  }>(
    `SELECT m.machine, m.role_name, m.added_at, m.added_by, m.removed_at, m.removed_by,
            r.rolcanlogin AND pg_has_role(r.rolname, $1, 'MEMBER') AS can_sign_in
     FROM aup.machine_logins m LEFT JOIN pg_roles r ON r.rolname = m.role_name
     ORDER BY lower(m.machine)`,
    [KIOSK_ROLE],
  );
  return {
    required: settings[0]?.required === true,
    machines: rows.map((r) => ({
      machine: r.machine,
      role: r.role_name,
      addedAt: r.added_at,
      addedBy: r.added_by,
      removedAt: r.removed_at,
      removedBy: r.removed_by,
      canSignIn: r.can_sign_in === true,
    })),
  };
}

/** Whether the shared aup_kiosk login's records are refused (each PC must sign in as its own). */
export async function requireMachineLogins(client: pg.ClientBase, required: boolean): Promise<void> {
  await client.query('UPDATE aup.settings SET require_machine_logins = $1', [required]);
}

/** The school year the database is in now, by the district's rules it holds (aup.settings). */
export async function currentSchoolYear(client: pg.ClientBase): Promise<string> {
  const { rows } = await client.query<{ year: string }>(
    'SELECT aup.school_year_of(now() AT TIME ZONE s.time_zone, s.school_year_start) AS year FROM aup.settings s',
  );
  return rows[0]!.year;
}

/**
 * The machines the database has heard from in `schoolYear`, by name: a chain (records, or a
 * reopening), or only refused records (a PC renamed mid-year, whose first record under its new name
 * follows a line of its old one).
 */
export async function machinesHeardFrom(client: pg.ClientBase, schoolYear: string): Promise<string[]> {
  const { rows } = await client.query<{ machine: string }>(
    `SELECT machine FROM aup.chain_links WHERE school_year = $1
     UNION SELECT machine FROM aup.refusals WHERE school_year = $1 AND machine IS NOT NULL
     ORDER BY machine`,
    [schoolYear],
  );
  return rows.map((r) => r.machine);
}
