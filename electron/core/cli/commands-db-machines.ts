// A database login per PC (migrations/005_machine_logins.sql), for the DBA or a technician with the
// admin connection: `aup db machine add|remove|list`, `aup db require-machine-roles on|off`, and
// `aup db reopen-chain` for a PC reimaged mid-year. A leaked kiosk password then forges for one PC,
// not the district, and a lost PC is shut out with one command. Connection options are `aup db
// migrate`'s (commands-central.ts); the password is generated into a file, never on a command line.
import { randomBytes } from 'node:crypto';
import { stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type pg from 'pg';
import { EXIT, UsageError, parse, type CliIo } from './io.ts';
import { ADMIN_OPTIONS, connectAdmin } from './commands-central.ts';
import { CentralConfigError, describeDbError, readPasswordFile } from '../central/kiosk-role/connection.ts';
import {
  addMachineLogin,
  currentSchoolYear,
  KIOSK_ROLE,
  listMachineLogins,
  machineNameProblem,
  machinesHeardFrom,
  MachineLoginError,
  removeMachineLogin,
  reopenChain,
  requireMachineLogins,
} from '../central/admin-role/admin.ts';
import type { KioskSetup } from '../setup.ts';
import { parseSchoolYear } from '../school-year.ts';

type AdminSession = NonNullable<Awaited<ReturnType<typeof connectAdmin>>>;

/** Connects as the DBA, runs `work`, closes; a database error is one sentence (exit 1), a refusal of the input exit 2. */
async function asAdmin(
  values: Parameters<typeof connectAdmin>[0],
  io: CliIo,
  command: string,
  work: (session: AdminSession) => Promise<number>,
): Promise<number> {
  const session = await connectAdmin(values, io, command);
  if (!session) return EXIT.failure;
  try {
    return await work(session);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    if (error instanceof MachineLoginError) throw new UsageError(error.message);
    io.err(`aup ${command}: ${describeDbError(error, 'the database')}\n`);
    return EXIT.failure;
  } finally {
    await session.client.end().catch(() => undefined);
  }
}

/** The one PC name a command takes, checked. */
function machineArgument(positionals: string[], command: string, example: string): string {
  if (positionals.length === 0) throw new UsageError(`give the PC's name, as its host name: ${example}`);
  if (positionals.length > 1) throw new UsageError(`one PC at a time: got ${positionals.map((p) => `"${p}"`).join(', ')}`);
  const machine = positionals[0]!;
  const problem = machineNameProblem(machine);
  if (problem) throw new UsageError(`${problem} (aup ${command} --help)`);
  return machine;
}

/** The password in `file`, or a new one written there (mode 0600) when the file does not exist. */
async function passwordIn(file: string): Promise<{ password: string; made: boolean; openMode: string | null }> {
  let mode: number | null = null;
  try {
    mode = (await stat(file)).mode;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
      throw new UsageError(`--password-file: cannot read ${file}: ${(error as NodeJS.ErrnoException).code}`);
  }
  if (mode === null) {
    // 32 characters of base64url: ASCII, so any client (psql too) signs in with it.
    const password = randomBytes(24).toString('base64url');
    try {
      await writeFile(file, `${password}\n`, { mode: 0o600, flag: 'wx' });
    } catch (error) {
      throw new UsageError(`--password-file: cannot write ${file}: ${(error as NodeJS.ErrnoException).code ?? error}`);
    }
    return { password, made: true, openMode: null };
  }
  let password: string;
  try {
    password = await readPasswordFile(file);
  } catch (error) {
    if (error instanceof CentralConfigError) throw new UsageError(`--password-file: ${error.message}`);
    throw error;
  }
  if (password.length < 12) throw new UsageError(`--password-file: the password in ${file} is shorter than 12 characters`);
  const open = process.platform !== 'win32' && (mode & 0o077) !== 0 ? (mode & 0o777).toString(8).padStart(4, '0') : null;
  return { password, made: false, openMode: open };
}

/** Stands for the server's name where the admin connection does not give one. */
const DB_HOST = 'DB-HOST';

/** What the PC's config names: the kiosks' connection string (the config's, else the admin's) with the PC's login. */
function pcConnectionString(setup: KioskSetup | null, adminUrl: string, role: string): string {
  const url = new URL(setup?.config.central?.postgres.connectionString ?? adminUrl);
  for (const key of ['user', 'password', 'application_name']) url.searchParams.delete(key);
  // An admin on the server's own socket (postgres:///aup?host=/run/postgresql): the PCs need its network name.
  if (url.hostname === '' || url.searchParams.get('host')?.startsWith('/')) {
    url.searchParams.delete('host');
    return `postgres://${role}@${DB_HOST}${url.port ? `:${url.port}` : ''}${url.pathname}${url.search}`;
  }
  url.username = role;
  url.password = '';
  return url.toString();
}

/** `aup db machine add NAME --password-file F`: the PC's own login, member of aup_kiosk. */
export async function dbMachineAdd(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, { ...ADMIN_OPTIONS, 'password-file': { type: 'string' } }, true);
  const machine = machineArgument(positionals, 'db machine add', 'aup db machine add LAB204-01 --password-file LAB204-01.password');
  const file = values['password-file'];
  if (!file) throw new UsageError(`give --password-file F: where ${machine}'s password is written (a new file, mode 0600) or read (a file you made)`);
  const { password, made, openMode } = await passwordIn(file);
  return asAdmin(values, io, 'db machine add', async ({ client, setup, url }) => {
    const { role, created } = await addMachineLogin(client, machine, password);
    const connectionString = pcConnectionString(setup, url, role);
    const caFile = setup?.config.central?.postgres.caFile;
    const postgres = { connectionString, passwordFile: path.basename(file), ...(caFile ? { caFile: path.basename(caFile) } : {}) };
    if (values.json) {
      io.out(JSON.stringify({ machine, role, created, passwordFile: file, passwordMade: made, central: { postgres } }, null, 2) + '\n');
      return EXIT.ok;
    }
    io.out(
      `${machine} ${created ? 'has a new database login' : 'keeps its database login'}, ${role}` +
        `, with the password ${made ? `just written to ${file} (mode 0600)` : `from ${file}`}.\n`,
    );
    if (connectionString.includes(`@${DB_HOST}`))
      io.out(`note: replace ${DB_HOST} with the database server's name as the PCs reach it (the admin connection is the server's own socket)\n`);
    if (openMode) io.out(`note: ${file} is readable by others (mode ${openMode}): chmod 600 ${file}\n`);
    io.out(
      `\nOn ${machine}: put that file beside its config (the machine service's, mode 0600, nobody else may read it),\n` +
        `set this in its config and restart the machine service:\n\n` +
        `  "central": { "postgres": ${JSON.stringify(postgres)} }\n\n` +
        `Records it sends for any other PC are refused from now on. The server's pg_hba.conf must let the login in;\n` +
        `one line lets every PC's login in: hostssl ${new URL(connectionString).pathname.slice(1) || 'aup'} +${KIOSK_ROLE} 10.0.0.0/8 scram-sha-256\n`,
    );
    return EXIT.ok;
  });
}

/** `aup db machine remove NAME`: the PC can no longer sign in, write or ask. */
export async function dbMachineRemove(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, ADMIN_OPTIONS, true);
  const machine = machineArgument(positionals, 'db machine remove', 'aup db machine remove LAB204-01');
  return asAdmin(values, io, 'db machine remove', async ({ client }) => {
    const { role, ended } = await removeMachineLogin(client, machine);
    if (values.json) {
      io.out(JSON.stringify({ machine, role, removed: true, sessionsEnded: ended }, null, 2) + '\n');
      return EXIT.ok;
    }
    io.out(
      `${machine} is shut out: ${role} may not sign in, its password is gone, and a session still open can call nothing` +
        `${ended > 0 ? ` (${ended} ended now)` : ''}.\n` +
        `Its records stay. To let it back in, with a new password: aup db machine add ${machine} --password-file F\n`,
    );
    return EXIT.ok;
  });
}

/** `aup db machine list`: every PC login of this database. */
export async function dbMachineList(args: string[], io: CliIo): Promise<number> {
  const { values } = parse(args, ADMIN_OPTIONS);
  return asAdmin(values, io, 'db machine list', async ({ client }) => {
    const { required, machines } = await listMachineLogins(client);
    if (values.json) {
      io.out(JSON.stringify({ required, machines }, null, 2) + '\n');
      return EXIT.ok;
    }
    io.out(
      required
        ? `A login per PC is required: records sent as ${KIOSK_ROLE} are refused.\n`
        : `A login per PC is not required: PCs without one still sign in as ${KIOSK_ROLE} (aup db require-machine-roles on).\n`,
    );
    if (machines.length === 0) {
      io.out('No PC has a login of its own yet (aup db machine add NAME --password-file F).\n');
      return EXIT.ok;
    }
    const width = Math.max(7, ...machines.map((m) => m.machine.length));
    const roleWidth = Math.max(5, ...machines.map((m) => m.role.length));
    io.out(`\n${'machine'.padEnd(width)}  ${'login'.padEnd(roleWidth)}  state\n`);
    for (const m of machines) {
      const state = m.removedAt
        ? `removed ${m.removedAt.toISOString().slice(0, 10)} by ${m.removedBy ?? '?'}`
        : m.canSignIn
          ? `may sign in (added ${m.addedAt.toISOString().slice(0, 10)} by ${m.addedBy})`
          : 'locked: its role cannot sign in (aup db machine add gives it a password again)';
      io.out(`${m.machine.padEnd(width)}  ${m.role.padEnd(roleWidth)}  ${state}\n`);
    }
    return EXIT.ok;
  });
}

/** `aup db reopen-chain NAME [--year Y]`: a reimaged PC's fresh ledger may start its chain again. */
export async function dbReopenChain(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, { ...ADMIN_OPTIONS, year: { type: 'string' } }, true);
  const machine = machineArgument(positionals, 'db reopen-chain', 'aup db reopen-chain LAB204-01 --year 2026-27');
  if (values.year !== undefined && parseSchoolYear(values.year) === null)
    throw new UsageError(`--year: "${values.year}" is not a school year like 2026-27`);
  return asAdmin(values, io, 'db reopen-chain', async ({ client }) => {
    const year = values.year ?? (await currentSchoolYear(client));
    const known = await machinesHeardFrom(client, year);
    if (!known.includes(machine)) {
      const alike = known.find((m) => m.toLowerCase() === machine.toLowerCase());
      throw new UsageError(
        alike
          ? `the database has no ${year} records from "${machine}", but has from "${alike}" (names are compared exactly here): aup db reopen-chain ${alike} --year ${year}`
          : `the database has no ${year} records, stored or refused, from "${machine}": nothing to reopen (check the PC's name, and --year)`,
      );
    }
    await reopenChain(client, machine, year);
    if (values.json) {
      io.out(JSON.stringify({ machine, schoolYear: year, reopened: true }, null, 2) + '\n');
      return EXIT.ok;
    }
    io.out(
      `${machine}'s ${year} chain is reopened: the next record it sends for ${year} is taken whatever it follows, and the chain goes on from it.\n\n` +
        `Now, on ${machine}: stop the machine service, delete central-sync.json in its data folder\n` +
        `(Windows %ProgramData%\\AUP Kiosk\\data, macOS /Library/Application Support/AUP Kiosk/data, Linux /var/lib/aup-kiosk)\n` +
        `and start the service: it sends its whole ledger again, oldest first (records already stored count as duplicates).\n` +
        `If it sent a new record before that, that record started the chain and the older ones are refused: reopen again, then delete the file.\n`,
    );
    return EXIT.ok;
  });
}

/** `aup db require-machine-roles on|off`: refuse (or take again) records sent as the shared aup_kiosk. */
export async function dbRequireMachineRoles(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, ADMIN_OPTIONS, true);
  const word = positionals[0];
  if (positionals.length !== 1 || (word !== 'on' && word !== 'off'))
    throw new UsageError(
      positionals.length === 0
        ? 'say on or off: aup db require-machine-roles on'
        : `expected on or off, not ${positionals.map((p) => `"${p}"`).join(' ')}`,
    );
  const required = word === 'on';
  return asAdmin(values, io, 'db require-machine-roles', async ({ client }) => {
    await requireMachineLogins(client, required);
    const without = required ? await machinesWithoutLogin(client) : [];
    if (values.json) {
      io.out(JSON.stringify({ required, machinesWithoutLogin: without }, null, 2) + '\n');
      return EXIT.ok;
    }
    if (!required) {
      io.out(
        `A login per PC is no longer required: PCs may sign in as ${KIOSK_ROLE} again (PCs with their own login still write only their own records).\n`,
      );
      return EXIT.ok;
    }
    io.out(
      `A login per PC is required: records sent as ${KIOSK_ROLE} are refused (as machine-login), and such a PC keeps them in its ledger\n` +
        `and sends them once it has its own login (aup db machine add NAME --password-file F).\n`,
    );
    if (without.length > 0)
      io.out(
        `\n${without.length} PC${without.length === 1 ? '' : 's'} with records this school year ${without.length === 1 ? 'has' : 'have'} no login of ${without.length === 1 ? 'its' : 'their'} own yet:\n` +
          without.map((m) => `  ${m}\n`).join(''),
      );
    return EXIT.ok;
  });
}

/** The machines heard from this school year with no login of their own (they signed in as aup_kiosk). */
async function machinesWithoutLogin(client: pg.ClientBase): Promise<string[]> {
  const year = await currentSchoolYear(client);
  const { machines } = await listMachineLogins(client);
  const own = new Set(machines.filter((m) => !m.removedAt).map((m) => m.machine.toLowerCase()));
  return (await machinesHeardFrom(client, year)).filter((m) => !own.has(m.toLowerCase()));
}
