// The CLI's district-scale commands: `aup db migrate` for the DBA, and the `--central` paths of
// `aup status` and `aup report` for administrators. Secrets come from files, never from the
// command line (where `ps` and shell history would show them).
import type { DirectoryUser } from '../people.ts';
import { existsSync } from 'node:fs';

import { EXIT, UsageError, parse, type CliIo } from './io.ts';
import { loadSetup, type KioskSetup } from '../setup.ts';
import { locateConfig } from '../config/locate.ts';
import { CentralConfigError, clientConfig, describeDbError, hasPasswordInUrl, readPasswordFile } from '../central/kiosk-role/connection.ts';
import { districtRulesOf, KIOSK_ROLE, setUpDatabase } from '../central/admin-role/admin.ts';
import { MigrationError } from '../central/admin-role/migrate.ts';
import {
  acceptedVersions,
  campusReport,
  CAMPUS_COLUMNS,
  connectReporting,
  latestAcceptances,
  reportingSettings,
  userEvidence,
  yearAcceptances,
  type CentralAcceptance,
  type CentralIndex,
} from '../central/admin-role/report.ts';
import pg from 'pg';
import type { AcceptanceFact } from '../reports/campus.ts';

async function secret(file: string | undefined, what: string): Promise<string | undefined> {
  if (!file) return undefined;
  try {
    return await readPasswordFile(file);
  } catch (error) {
    throw new UsageError(`${what}: ${(error as Error).message}`);
  }
}

/** The options every `aup db …` command takes to reach the database as the DBA. */
export const ADMIN_OPTIONS = {
  config: { type: 'string' },
  'admin-url': { type: 'string' },
  'admin-password-file': { type: 'string' },
  'ca-file': { type: 'string' },
  json: { type: 'boolean' },
} as const;

interface AdminFlags {
  config?: string | undefined;
  'admin-url'?: string | undefined;
  'admin-password-file'?: string | undefined;
  'ca-file'?: string | undefined;
}

/**
 * The DBA's connection for an `aup db …` command: the URL from --admin-url or AUP_DB_ADMIN_URL (never
 * with a password in it), the password from its file, the CA from --ca-file or the config. Bad input
 * throws a UsageError; a database that cannot be reached is said on stderr and gives null (exit 1).
 */
export async function connectAdmin(
  values: AdminFlags,
  io: CliIo,
  command: string,
): Promise<{ client: pg.Client; setup: KioskSetup | null; url: string } | null> {
  const url = values['admin-url'] ?? io.env.AUP_DB_ADMIN_URL;
  if (!url)
    throw new UsageError('give the admin connection string with --admin-url or AUP_DB_ADMIN_URL (e.g. postgres://postgres@db.district.org/aup)');
  if (hasPasswordInUrl(url))
    throw new UsageError('the admin connection string must not hold the password: put it in a file and give --admin-password-file');
  // The config (when there is one) gives the CA file and names the role the kiosks sign in as.
  let setup: KioskSetup | null = null;
  const location = locateConfig(values.config, io.env);
  if (values.config || (location.how !== 'os' && existsSync(location.file))) {
    const loaded = await loadSetup(location.file, { bundledCatalog: io.resources.policies });
    if (!loaded.ok)
      throw new UsageError(
        `the config ${loaded.source} has ${loaded.problems.length} problem${loaded.problems.length === 1 ? '' : 's'}`,
        loaded.problems,
      );
    setup = loaded;
  }
  const caFile = values['ca-file'] ?? setup?.config.central?.postgres.caFile;
  const password = await secret(values['admin-password-file'], '--admin-password-file');
  let config: pg.ClientConfig;
  try {
    config = await clientConfig(
      { connectionString: url, ...(caFile ? { caFile } : {}) },
      { applicationName: 'aup-admin', connectTimeoutMs: 10_000, ...(password !== undefined ? { password } : {}) },
    );
  } catch (error) {
    if (error instanceof CentralConfigError) throw new UsageError(error.message);
    throw error;
  }
  const client = new pg.Client(config);
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (error) {
    io.err(`aup ${command}: ${describeDbError(error, 'the database')}\n`);
    await client.end().catch(() => undefined);
    return null;
  }
  return { client, setup, url };
}

/**
 * `aup db migrate [--config F] [--admin-url URL] [--admin-password-file F]
 *                 [--kiosk-password-file F] [--reporting-password-file F] [--ca-file F] [--json]`
 * Applies the schema as the DBA and (with the password files) lets aup_kiosk and aup_reporting sign in.
 */
export async function dbMigrate(args: string[], io: CliIo): Promise<number> {
  const { values } = parse(args, {
    ...ADMIN_OPTIONS,
    'kiosk-password-file': { type: 'string' },
    'reporting-password-file': { type: 'string' },
  });
  const kiosk = await secret(values['kiosk-password-file'], '--kiosk-password-file');
  const reporting = await secret(values['reporting-password-file'], '--reporting-password-file');
  const admin = await connectAdmin(values, io, 'db migrate');
  if (!admin) return EXIT.failure;
  const { client, setup } = admin;
  try {
    const result = await setUpDatabase(
      client,
      { ...(kiosk !== undefined ? { kiosk } : {}), ...(reporting !== undefined ? { reporting } : {}) },
      {
        migrationsDir: io.resources.migrations,
        onApply: (file) => {
          if (!values.json) io.out(`applying ${file}\n`);
        },
      },
      // The database judges records by the district's calendar and lock rules: from the config, when there is one.
      setup ? districtRulesOf(setup.config) : undefined,
    );
    const notes: string[] = [];
    const kioskUser = setup?.config.central ? new URL(setup.config.central.postgres.connectionString).username : '';
    if (kioskUser) {
      const { rows } = await client.query<{ member: boolean | null }>(
        `SELECT CASE WHEN EXISTS (SELECT FROM pg_roles WHERE rolname = $1) THEN pg_has_role($1, $2, 'MEMBER') END AS member`,
        [decodeURIComponent(kioskUser), KIOSK_ROLE],
      );
      const member = rows[0]?.member;
      if (member === null)
        notes.push(
          `the config's kiosks sign in as "${kioskUser}", which is not a role in this database's cluster; use ${KIOSK_ROLE} (and --kiosk-password-file)`,
        );
      else if (member === false)
        notes.push(`the config's kiosks sign in as "${kioskUser}", which is not a member of ${KIOSK_ROLE}: GRANT ${KIOSK_ROLE} TO "${kioskUser}"`);
    }
    if (values.json) io.out(JSON.stringify({ ...result, notes }, null, 2) + '\n');
    else {
      if (result.applied.length === 0)
        io.out(
          `the database is up to date (${result.current.length} migration${result.current.length === 1 ? '' : 's'} applied before, checksums verified)\n`,
        );
      else io.out(`applied ${result.applied.length} migration${result.applied.length === 1 ? '' : 's'}\n`);
      for (const role of result.logins) io.out(`${role} may sign in with the password from its file\n`);
      if (result.district)
        io.out(
          `records are checked against ${result.district.timeZone}, school year from ${result.district.schoolYearStart}, unlocks up to ${result.district.maxUnlockMinutes} min\n`,
        );
      for (const n of notes) io.out(`note: ${n}\n`);
    }
    return EXIT.ok;
  } catch (error) {
    if (error instanceof MigrationError) {
      io.err(`aup db migrate: ${error.message}\n`);
      return EXIT.failure;
    }
    io.err(`aup db migrate: ${describeDbError(error, 'the database')}\n`);
    return EXIT.failure;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** The options `aup status` and `aup report` take for the central database. */
export const CENTRAL_OPTIONS = {
  central: { type: 'string' },
  'password-file': { type: 'string' },
  'ca-file': { type: 'string' },
} as const;

interface CentralFlags {
  central?: string | undefined;
  'password-file'?: string | undefined;
  'ca-file'?: string | undefined;
}

async function reportingClient(flags: CentralFlags, setup: KioskSetup): Promise<pg.Client> {
  const caFile = flags['ca-file'] ?? setup.config.central?.postgres.caFile;
  try {
    const settings = reportingSettings(flags.central!, flags['password-file'], caFile);
    if (hasPasswordInUrl(settings.connectionString)) throw new CentralConfigError('--central must not hold the password: give --password-file');
    return await connectReporting(settings);
  } catch (error) {
    if (error instanceof CentralConfigError) throw new UsageError(error.message);
    throw new Error(describeDbError(error), { cause: error });
  }
}

/** How a page names the district database it was read from: its host and database, never its user or password. */
export function databaseLabel(connectionString: string): string {
  try {
    const url = new URL(connectionString);
    return `${url.host}${url.pathname}`;
  } catch {
    return 'the district database';
  }
}

/** Runs `query` as the reporting role and closes the connection; a database error becomes one sentence. */
export async function withReportingClient<T>(flags: CentralFlags, setup: KioskSetup, query: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = await reportingClient(flags, setup);
  try {
    return await query(client);
  } catch (error) {
    throw new Error(describeDbError(error), { cause: error });
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Every acceptance and guardian agreement of a school year in the district database, for the campus page. */
export async function centralYearFacts(flags: CentralFlags, setup: KioskSetup, schoolYear: string): Promise<AcceptanceFact[]> {
  return withReportingClient(flags, setup, async (client) =>
    (await yearAcceptances(client, schoolYear)).map((a) => ({
      type: a.type as AcceptanceFact['type'],
      username: a.username,
      policyId: a.policyId,
      version: a.version,
      at: a.at,
      campus: a.campus,
      room: a.room,
      machine: a.machine,
      method: a.method,
      signer: a.signer,
      signedOn: a.signedOn,
      enteredBy: a.enteredBy,
    })),
  );
}

/** `aup status --central URL`: the user's evidence of the year on every machine of the district. */
export async function centralUserEvidence(flags: CentralFlags, setup: KioskSetup, user: string, schoolYear: string): Promise<CentralIndex> {
  const client = await reportingClient(flags, setup);
  try {
    return await userEvidence(client, user, schoolYear);
  } catch (error) {
    throw new Error(describeDbError(error), { cause: error });
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * `aup report --central URL [--missing]`: the campus report. With a roster, everyone who must accept
 * is listed, accepted or not; with LDAP (no list of everyone), the acceptances recorded at this campus.
 */
export async function centralReport(
  flags: CentralFlags & { missing?: boolean | undefined; format?: string | undefined },
  setup: KioskSetup,
  io: CliIo,
  year: string,
  people: DirectoryUser[] | null,
  policyFor: (person: DirectoryUser) => { policyId: string; version: string } | null,
  gradeBandOf: (grade: number | undefined) => string | null,
  excelCsv: (rows: Record<string, unknown>[], columns: string[]) => string,
  emit: (text: string) => Promise<void>,
): Promise<number> {
  const client = await reportingClient(flags, setup);
  let latest: CentralAcceptance[];
  let versions: Map<string, Set<string>>;
  try {
    latest = await latestAcceptances(client, year);
    versions = await acceptedVersions(client, year);
  } catch (error) {
    throw new Error(describeDbError(error), { cause: error });
  } finally {
    await client.end().catch(() => undefined);
  }
  let report: ReturnType<typeof campusReport>;
  if (people) report = campusReport({ people, policyFor, gradeBandOf, latest, versions });
  else {
    io.err(
      `note: the directory cannot list everyone (LDAP): listing the acceptances recorded at ${setup.config.site.campus}; who has not accepted needs a roster\n`,
    );
    const here = latest.filter((a) => a.type === 'acceptance' && a.campus === setup.config.site.campus);
    report = campusReport({
      people: here.map((a) => ({ username: a.username, displayName: '', role: 'student', privileges: 'active', guardianDeniedInternet: false })),
      policyFor: (p) => {
        const a = here.find((x) => x.username === p.username);
        return a ? { policyId: a.policyId, version: a.version } : null;
      },
      gradeBandOf: () => null,
      latest,
      versions,
    });
    for (const r of report.rows) r.role = '';
  }
  const rows = flags.missing ? report.rows.filter((r) => r.accepted === 'no') : report.rows;
  if (flags.format === 'json') {
    await emit(
      JSON.stringify({ schoolYear: year, source: 'central', missing: Boolean(flags.missing), summary: report.summary, rows }, null, 2) + '\n',
    );
  } else await emit(excelCsv(rows as unknown as Record<string, unknown>[], CAMPUS_COLUMNS));
  return EXIT.ok;
}
