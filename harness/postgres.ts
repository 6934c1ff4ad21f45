// A throwaway PostgreSQL cluster for the integration tests and the benchmark: initdb in a temp
// folder, one `postgres` process in the foreground as our child, listening on a free loopback port
// (and a Unix socket in the folder), fsync off (test data, nothing to keep). PostgreSQL refuses to
// run as root, so as root it runs as the `postgres` user (setpriv). On Linux, --pdeathsig makes the
// kernel kill it if the test process dies before its afterAll. Nothing here is mocked: the tests
// talk to the same server a district runs.
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { chownSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { createServer, type Server, type Socket, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { alive, freePort, isExecutable, makeCertificates, sweepLeftovers } from './processes.ts';

export { freePort };
import { setUpDatabase } from '../electron/core/central/admin-role/admin.ts';
import type { PostgresSettings } from '../electron/core/central/kiosk-role/connection.ts';
import { encodeLine, type UnhashedRecord } from '../electron/core/ledger/chain.ts';
import { ledgerFileName } from '../electron/core/ledger/files.ts';
import { isoWithOffset } from '../electron/core/time.ts';

const run = promisify(execFile);

export const INSTALL_HINT =
  'On Debian/Ubuntu, as root: DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql ' +
  '(the package postinst may fail to start its own cluster in a container; the tests do not need it, they start their own).';

export interface PostgresHandle {
  host: '127.0.0.1';
  port: number;
  /** The superuser (`postgres`) and its password; also in `superPasswordFile` (mode 0600). */
  superuser: string;
  superPassword: string;
  superPasswordFile: string;
  /** `postgres://postgres@127.0.0.1:<port>/<database>`: never with the password in it. */
  url(database?: string, user?: string): string;
  /** A connected client as the superuser; the caller ends it. */
  superClient(database?: string): Promise<pg.Client>;
  /** A new, empty database. */
  createDatabase(name: string): Promise<void>;
  /** Writes `text` to a new file in the cluster's folder (mode 0600) and returns its path. */
  secretFile(name: string, text: string): string;
  /** Stops the server, keeping its data: the database going away (`immediate`: a crash, no goodbye to clients). */
  halt(mode?: 'fast' | 'immediate'): Promise<void>;
  /** Starts it again on the same port with the same data (after `halt`). */
  restart(): Promise<void>;
  /** The server log so far (for failure messages). */
  log(): string;
  dir: string;
  pid(): number;
  /** With `tls`: the PEM of the test CA that signed the server's certificate. */
  caFile?: string;
  /** Stops the server and removes the folder. Safe to call twice. */
  stop(): Promise<void>;
}

interface Tools {
  bin: string;
  setpriv: string | null;
  /** Set when running as root: the account the server runs as. */
  runAs: { uid: number; gid: number; name: string } | null;
}

function findBin(): string | null {
  if (process.env.PG_BIN && isExecutable(join(process.env.PG_BIN, 'initdb'))) return process.env.PG_BIN;
  // Debian keeps the server binaries out of PATH, one folder per major version: take the newest.
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian)) {
    const versions = readdirSync(debian)
      .filter((v) => /^\d+(\.\d+)?$/.test(v) && isExecutable(join(debian, v, 'bin', 'initdb')))
      .sort((a, b) => Number(b) - Number(a));
    if (versions[0]) return join(debian, versions[0], 'bin');
  }
  for (const dir of [...(process.env.PATH ?? '').split(delimiter), '/usr/local/bin', '/opt/homebrew/bin', '/usr/pgsql/bin']) {
    if (dir && isExecutable(join(dir, 'initdb')) && isExecutable(join(dir, 'postgres'))) return dir;
  }
  return null;
}

function accountOf(name: string): { uid: number; gid: number; name: string } | null {
  try {
    for (const line of readFileSync('/etc/passwd', 'utf8').split('\n')) {
      const [user, , uid, gid] = line.split(':');
      if (user === name && uid && gid) return { uid: Number(uid), gid: Number(gid), name };
    }
  } catch {
    // no /etc/passwd: not Linux
  }
  return null;
}

function findTools(): Tools {
  const bin = findBin();
  if (!bin)
    throw new Error(
      `PostgreSQL is not installed (initdb and postgres were not found): the central-database tests start a throwaway cluster. ${INSTALL_HINT}`,
    );
  const setpriv = process.platform === 'linux' && isExecutable('/usr/bin/setpriv') ? '/usr/bin/setpriv' : null;
  let runAs: Tools['runAs'] = null;
  if (process.getuid?.() === 0) {
    runAs = accountOf(process.env.PG_RUN_AS ?? 'postgres');
    if (!runAs) throw new Error(`PostgreSQL refuses to run as root, and there is no "postgres" account to run it as. ${INSTALL_HINT}`);
    if (!setpriv) throw new Error('running the tests as root needs setpriv (util-linux) to start PostgreSQL as the postgres user');
  }
  return { bin, setpriv, runAs };
}

function tail(text: string, max = 4000): string {
  return text.length > max ? `…${text.slice(-max)}` : text;
}

/** The command that runs a PostgreSQL tool as the server's account (and dies with us, for the server). */
function asServer(tools: Tools, file: string, args: string[], dieWithParent: boolean): [string, string[]] {
  const exe = join(tools.bin, file);
  if (!tools.setpriv) return [exe, args];
  const who = tools.runAs ? [`--reuid=${tools.runAs.uid}`, `--regid=${tools.runAs.gid}`, '--clear-groups'] : [];
  const death = dieWithParent ? ['--pdeathsig', 'SIGKILL'] : [];
  if (who.length === 0 && death.length === 0) return [exe, args];
  return [tools.setpriv, [...who, ...death, '--', exe, ...args]];
}

function give(tools: Tools, path: string): void {
  if (tools.runAs) chownSync(path, tools.runAs.uid, tools.runAs.gid);
}

async function waitUntilAnswering(port: number, password: string, child: ChildProcess, log: () => string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: string;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`postgres exited (${child.exitCode ?? child.signalCode}) before answering. Its log:\n${tail(log()) || '(empty)'}`);
    }
    const client = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', password, database: 'postgres', connectionTimeoutMillis: 1000 });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.query('SELECT 1');
      return;
    } catch (error) {
      lastError = (error as Error).message;
    } finally {
      await client.end().catch(() => undefined);
    }
    if (Date.now() > deadline)
      throw new Error(
        `postgres did not answer on port ${port} within ${timeoutMs} ms (last error: ${lastError}). Its log:\n${tail(log()) || '(empty)'}`,
      );
    await new Promise((resolve) => setTimeout(resolve, 30));
  }
}

async function stopChild(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill(signal);
  const timer = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 10_000).unref());
  if ((await Promise.race([exited, timer])) === 'timeout' && alive(child.pid)) {
    child.kill('SIGKILL');
    await exited;
  }
}

export interface PostgresOptions {
  /** Where the temp folder goes (default: the OS temp folder). */
  parentDir?: string;
  /** How long to wait for the server to answer before calling it a hang (default 120 s; a loaded machine may take many). */
  readyTimeoutMs?: number;
  /** Extra `-c name=value` server settings. */
  settings?: Record<string, string>;
  /** Serve TLS with a test CA's certificate for 127.0.0.1 (`caFile` on the handle). */
  tls?: boolean;
}

/**
 * Starts a throwaway cluster and resolves once it answers. Call `stop()` in `afterAll`: it stops the
 * server and removes the folder. Throws, naming the Debian package, when PostgreSQL is missing.
 */
export async function startPostgres(options: PostgresOptions = {}): Promise<PostgresHandle> {
  const tools = findTools();
  const parent = options.parentDir ?? tmpdir();
  sweepLeftovers(parent, 'aup-pg-', (dir) => join(dir, 'data', 'postmaster.pid'));
  const dir = await mkdtemp(join(parent, 'aup-pg-'));
  give(tools, dir);
  const superPassword = `pg-${randomBytes(12).toString('hex')}`;
  const superPasswordFile = join(dir, 'superuser.password');
  writeFileSync(superPasswordFile, `${superPassword}\n`, { mode: 0o600 });
  give(tools, superPasswordFile);
  const data = join(dir, 'data');
  const sockets = join(dir, 'run');
  await mkdir(sockets);
  give(tools, sockets);
  try {
    const [cmd, args] = asServer(
      tools,
      'initdb',
      [
        '-D',
        data,
        '-U',
        'postgres',
        `--pwfile=${superPasswordFile}`,
        '--auth-local=trust',
        '--auth-host=scram-sha-256',
        '-E',
        'UTF8',
        '--no-locale',
        '--no-sync',
      ],
      false,
    );
    await run(cmd, args);
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`initdb failed: ${tail((error as { stderr?: string }).stderr ?? String(error))}`, { cause: error });
  }

  let caFile: string | undefined;
  const tlsSettings: Record<string, string> = {};
  if (options.tls) {
    const made = await makeCertificates(dir, '127.0.0.1');
    for (const f of [made.certFile, made.keyFile]) give(tools, f);
    caFile = made.caFile;
    Object.assign(tlsSettings, { ssl: 'on', ssl_cert_file: made.certFile, ssl_key_file: made.keyFile });
  }

  let log = '';
  let child: ChildProcess | null = null;
  let port = 0;
  const killOnExit = () => {
    if (child?.pid !== undefined && child.exitCode === null) {
      try {
        process.kill(child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  };
  process.once('exit', killOnExit);

  const settings: Record<string, string> = {
    listen_addresses: '127.0.0.1',
    unix_socket_directories: sockets,
    // Test data: nothing to keep, so nothing to wait for.
    fsync: 'off',
    synchronous_commit: 'off',
    full_page_writes: 'off',
    max_connections: '60',
    shared_buffers: '64MB',
    log_min_messages: 'warning',
    log_min_error_statement: 'panic',
    ...tlsSettings,
    ...options.settings,
  };

  async function launch(): Promise<void> {
    const args = ['-D', data, '-p', String(port), ...Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`])];
    const [cmd, full] = asServer(tools, 'postgres', args, true);
    const proc = spawn(cmd, full, { stdio: ['ignore', 'ignore', 'pipe'] });
    child = proc;
    proc.stderr?.setEncoding('utf8');
    proc.stderr?.on('data', (chunk: string) => {
      log = tail(log + chunk, 32_000);
    });
    proc.once('error', (error) => {
      log += `\nspawn failed: ${error.message}`;
    });
    try {
      await waitUntilAnswering(port, superPassword, proc, () => log, options.readyTimeoutMs ?? 120_000);
    } catch (error) {
      await stopChild(proc, 'SIGQUIT');
      throw error;
    }
  }

  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    port = await freePort();
    try {
      await launch();
      lastError = undefined;
      break;
    } catch (error) {
      lastError = error;
      if (!/could not bind|Address already in use|could not create any TCP\/IP sockets/i.test((error as Error).message)) break;
    }
  }
  if (lastError) {
    process.removeListener('exit', killOnExit);
    rmSync(dir, { recursive: true, force: true });
    throw lastError;
  }

  let stopped = false;
  const url = (database = 'postgres', user = 'postgres') =>
    `postgres://${encodeURIComponent(user)}@127.0.0.1:${port}/${encodeURIComponent(database)}`;
  const handle: PostgresHandle = {
    host: '127.0.0.1',
    get port() {
      return port;
    },
    superuser: 'postgres',
    superPassword,
    superPasswordFile,
    dir,
    ...(caFile ? { caFile } : {}),
    url,
    async superClient(database = 'postgres') {
      const client = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', password: superPassword, database });
      client.on('error', () => undefined);
      await client.connect();
      return client;
    },
    async createDatabase(name) {
      const client = await handle.superClient();
      try {
        await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
      } finally {
        await client.end();
      }
    },
    secretFile(name, text) {
      const file = join(dir, name);
      writeFileSync(file, text, { mode: 0o600 });
      return file;
    },
    async halt(mode = 'immediate') {
      if (child) await stopChild(child, mode === 'immediate' ? 'SIGQUIT' : 'SIGINT');
    },
    async restart() {
      if (child && child.exitCode === null && child.signalCode === null) return;
      await launch();
    },
    log: () => log,
    pid: () => child?.pid ?? -1,
    async stop() {
      if (stopped) return;
      stopped = true;
      if (child) await stopChild(child, 'SIGINT');
      process.removeListener('exit', killOnExit);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return handle;
}

/**
 * A TCP relay between a client and the server that a test can cut: `dropNextReply()` lets the
 * next request through to the server but swallows its answer and closes the connection, so the
 * server commits a batch the client never hears about (the network going away mid-batch).
 */
export interface FaultyRelay {
  port: number;
  dropNextReply(): void;
  /** Replies swallowed so far. */
  dropped: number;
  close(): Promise<void>;
}

export async function startFaultyRelay(target: { host: string; port: () => number }): Promise<FaultyRelay> {
  let armed = false;
  let dropped = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(target.port(), target.host);
    sockets.add(client);
    sockets.add(upstream);
    let pending = false;
    const cut = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('data', (chunk) => {
      // A request sent while armed: this connection's next reply is the one to lose.
      if (armed) {
        armed = false;
        pending = true;
      }
      upstream.write(chunk);
    });
    upstream.on('data', (chunk) => {
      if (pending) {
        dropped++;
        cut();
        return;
      }
      client.write(chunk);
    });
    for (const s of [client, upstream]) {
      s.on('error', cut);
      s.on('close', () => {
        sockets.delete(s);
        cut();
      });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (typeof address !== 'object' || !address) throw new Error('relay has no port');
  return {
    port: address.port,
    dropNextReply: () => {
      armed = true;
    },
    get dropped() {
      return dropped;
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

// ---- an AUP Kiosk database in a test cluster ------------------------------------------------------

/** The roles' passwords are the cluster's (roles are cluster-wide): one pair per cluster. */
const rolePasswords = new WeakMap<PostgresHandle, { kiosk: string; reporting: string }>();

export interface AupDatabase {
  name: string;
  /** What a kiosk's config holds: `central.postgres` (aup_kiosk, password in a file). */
  kiosk: PostgresSettings;
  /** What `aup report --central` is given (aup_reporting, password in a file). */
  reporting: PostgresSettings;
  kioskPassword: string;
  /** A superuser client on this database; the caller ends it. */
  admin(): Promise<pg.Client>;
  /** Records stored, by id (superuser's view). */
  count(where?: string): Promise<number>;
}

/** A new database with the bundled migrations applied and aup_kiosk / aup_reporting able to sign in. */
export async function aupDatabase(handle: PostgresHandle, name: string): Promise<AupDatabase> {
  let passwords = rolePasswords.get(handle);
  if (!passwords) {
    passwords = { kiosk: `kiosk-${randomBytes(12).toString('hex')}`, reporting: `report-${randomBytes(12).toString('hex')}` };
    rolePasswords.set(handle, passwords);
  }
  await handle.createDatabase(name);
  const admin = await handle.superClient(name);
  try {
    await setUpDatabase(admin, passwords);
  } finally {
    await admin.end();
  }
  const kioskFile = handle.secretFile('aup_kiosk.password', `${passwords.kiosk}\n`);
  const reportingFile = handle.secretFile('aup_reporting.password', `${passwords.reporting}\n`);
  return {
    name,
    kiosk: { connectionString: handle.url(name, 'aup_kiosk'), passwordFile: kioskFile },
    reporting: { connectionString: handle.url(name, 'aup_reporting'), passwordFile: reportingFile },
    kioskPassword: passwords.kiosk,
    admin: () => handle.superClient(name),
    async count(where = 'true') {
      const c = await handle.superClient(name);
      try {
        const { rows } = await c.query<{ n: string }>(`SELECT count(*) AS n FROM aup.records WHERE ${where}`);
        return Number(rows[0]?.n ?? 0);
      } finally {
        await c.end();
      }
    },
  };
}

// ---- ledger files to sync --------------------------------------------------------------------------

export const TEST_MACHINE = { machine: 'LAB204-01', campus: 'Lockhart High School', room: 'Lab 204', appVersion: '0.1.0' };

/**
 * Writes `count` chained records straight to a year file (as the ledger would have, without an
 * fsync each), or appends them after `after` (the hash of the file's last record). Every third is an
 * acceptance, then a safety acknowledgement, then a teacher unlock. Returns the ids and the last hash.
 */
export async function writeLedgerFile(
  dir: string,
  options: { count: number; year?: string; userPrefix?: string; start?: string; after?: string | null; machine?: typeof TEST_MACHINE },
): Promise<{ ids: string[]; last: string | null }> {
  const year = options.year ?? '2026-27';
  const start = Date.parse(options.start ?? '2026-09-15T13:00:00Z');
  const machine = options.machine ?? TEST_MACHINE;
  const chunks: Buffer[] = [];
  const ids: string[] = [];
  let prev = options.after ?? null;
  for (let i = 0; i < options.count; i++) {
    const user = `${options.userPrefix ?? 'stu'}${String(i).padStart(6, '0')}`;
    const at = isoWithOffset(new Date(start + i * 1000), 'America/Chicago');
    const id = randomUUID();
    const fields =
      i % 3 === 0
        ? {
            type: 'acceptance',
            policyId: 'student-aup',
            version: year,
            language: 'en',
            sha256: 'e3'.repeat(32),
            method: 'kiosk',
            typedName: `Student ${i}`,
          }
        : i % 3 === 1
          ? { type: 'safety-ack', rulesId: 'safety-rules-secondary', version: year }
          : { type: 'unlock', by: 'ms.garcia', until: at, minutes: 55 };
    const { type, ...rest } = fields;
    const { line, hash } = encodeLine({ prev, id, type, at, schoolYear: year, user, ...rest, ...machine } as UnhashedRecord);
    chunks.push(line);
    ids.push(id);
    prev = hash;
  }
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, ledgerFileName(year)), Buffer.concat(chunks), { flag: options.after === undefined ? 'w' : 'a' });
  return { ids, last: prev };
}
