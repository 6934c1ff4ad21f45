// How the kiosk, the reports and the migrator reach the central PostgreSQL: a connection string
// without a password, the password from a file only the kiosk can read, TLS checked against the
// district's CA. Errors are turned into sentences a technician can act on, never with the secret.
import { readFile } from 'node:fs/promises';
import type pg from 'pg';

export interface PostgresSettings {
  connectionString: string;
  passwordFile?: string;
  caFile?: string;
}

export class CentralConfigError extends Error {
  override name = 'CentralConfigError';
}

/** A password written into a connection string (`user:secret@`, `?password=`) is refused everywhere. */
export function hasPasswordInUrl(url: string): boolean {
  if (/^postgres(ql)?:\/\/[^@/?#]*:[^@/?#]*@/i.test(url)) return true;
  return /[?&]password=/i.test(url);
}

/** The password file's first line (editors add a newline; a password never holds one). */
export async function readPasswordFile(file: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'there is no file there'
        : code === 'EACCES' || code === 'EPERM'
          ? 'permission denied (this account may not read it)'
          : (code ?? String(error));
    throw new CentralConfigError(`cannot read the database password file ${file}: ${why}`);
  }
  const password = text.replace(/^\uFEFF/, '').split(/\r?\n/)[0] ?? '';
  if (!password) throw new CentralConfigError(`the database password file ${file} is empty`);
  return password;
}

/** What a connection string says, in the shape `pg` takes (parsed here, so the TLS settings below win). */
export function parseConnectionString(url: string): pg.ClientConfig & { sslmode?: string } {
  if (hasPasswordInUrl(url)) throw new CentralConfigError('the connection string must not hold a password: put it in a password file');
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new CentralConfigError('expected a PostgreSQL connection string like "postgres://aup_kiosk@db.district.org/aup"');
  }
  if (u.protocol !== 'postgres:' && u.protocol !== 'postgresql:') {
    throw new CentralConfigError('expected a PostgreSQL connection string like "postgres://aup_kiosk@db.district.org/aup"');
  }
  const params = u.searchParams;
  const config: pg.ClientConfig & { sslmode?: string } = {};
  const host = params.get('host') ?? decodeURIComponent(u.hostname.replace(/^\[|\]$/g, ''));
  if (host) config.host = host;
  const port = params.get('port') ?? u.port;
  if (port) {
    const n = Number(port);
    if (!Number.isInteger(n) || n < 1 || n > 65535) throw new CentralConfigError(`the connection string's port "${port}" is not a port number`);
    config.port = n;
  }
  const user = params.get('user') ?? decodeURIComponent(u.username);
  if (user) config.user = user;
  const database = params.get('dbname') ?? decodeURIComponent(u.pathname.replace(/^\//, ''));
  if (database) config.database = database;
  const app = params.get('application_name');
  if (app) config.application_name = app;
  const sslmode = params.get('sslmode');
  if (sslmode) {
    if (!['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full'].includes(sslmode)) {
      throw new CentralConfigError(`sslmode "${sslmode}" is not one of disable, require, verify-ca, verify-full`);
    }
    config.sslmode = sslmode;
  }
  return config;
}

export interface ConnectOptions {
  /** Bound on connecting (the kiosk's has-accepted asks with 1.5 s in all). */
  connectTimeoutMs?: number;
  /** Client-side bound on each query. */
  queryTimeoutMs?: number;
  applicationName?: string;
  /** A password given directly (the CLI's admin), instead of settings.passwordFile. */
  password?: string;
}

/**
 * The `pg` settings for a connection: password from its file, TLS verified against `caFile`
 * (`rejectUnauthorized: true`, the host name checked too). Without caFile, `sslmode=require` or
 * `verify-full` in the connection string verifies against the system's CAs; no sslmode is plain TCP
 * (a database on the same machine or a private network the district trusts).
 */
export async function clientConfig(settings: PostgresSettings, options: ConnectOptions = {}): Promise<pg.ClientConfig> {
  const { sslmode, ...parsed } = parseConnectionString(settings.connectionString);
  const config: pg.ClientConfig = {
    ...parsed,
    application_name: parsed.application_name ?? options.applicationName ?? 'aup-kiosk',
    connectionTimeoutMillis: options.connectTimeoutMs ?? 5_000,
    keepAlive: true,
  };
  if (options.queryTimeoutMs !== undefined) config.query_timeout = options.queryTimeoutMs;
  const password = options.password ?? (settings.passwordFile ? await readPasswordFile(settings.passwordFile) : undefined);
  if (password !== undefined) config.password = password;
  if (settings.caFile) {
    if (sslmode === 'disable') throw new CentralConfigError('central.postgres.caFile is set but the connection string says sslmode=disable');
    let ca: string;
    try {
      ca = await readFile(settings.caFile, 'utf8');
    } catch (error) {
      throw new CentralConfigError(`cannot read the database CA file ${settings.caFile}: ${(error as NodeJS.ErrnoException).code ?? error}`);
    }
    config.ssl = { ca, rejectUnauthorized: true };
  } else if (sslmode === 'require' || sslmode === 'verify-ca' || sslmode === 'verify-full') {
    config.ssl = { rejectUnauthorized: true };
  }
  return config;
}

/**
 * A database error as a sentence for the log or the CLI. Knows the ones a technician meets:
 * a wrong password, an unknown role or database, no route, TLS trouble, a missing grant.
 */
export function describeDbError(error: unknown, who = 'the central database'): string {
  const e = error as { code?: string; message?: string };
  const message = e?.message ?? String(error);
  switch (e?.code) {
    case '28P01':
    case '28000':
      return `${who} refused the sign-in (${message}): check the role in the connection string and the password file`;
    case '3D000':
      return `${who}: ${message} (check the database name in the connection string)`;
    case '42501':
      // A PC's own login acting for another PC, or the shared login where each PC must have its own (migrations/005).
      if (/^machine(-login)?: /.test(message)) return `${who} refused this login: ${message.replace(/^machine(-login)?: /, '')}`;
      return `${who} refused: ${message} (the role lacks that grant; run "aup db migrate")`;
    case '42883':
    case '3F000':
      return `${who} has no AUP Kiosk schema yet (${message}): run "aup db migrate"`;
    case 'ECONNREFUSED':
      return `${who} cannot be reached (connection refused at ${(error as { address?: string }).address ?? 'its address'}:${(error as { port?: number }).port ?? ''})`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `${who} cannot be reached (host name not found: ${(error as { hostname?: string }).hostname ?? ''})`;
    case 'ETIMEDOUT':
    case 'ECONNRESET':
    case 'EPIPE':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `${who} cannot be reached (${message})`;
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
    case 'CERT_HAS_EXPIRED':
      return `${who}'s TLS certificate was not trusted (${message}): check central.postgres.caFile`;
    default:
      if (/timeout/i.test(message)) return `${who} did not answer in time (${message})`;
      if (/does not support SSL|server does not support SSL/i.test(message)) return `${who} does not offer TLS (${message})`;
      // pg's SCRAM client without a password ("SASL: SCRAM-SERVER-FIRST-MESSAGE: client password must be a string").
      if (/client password must be a string/.test(message))
        return `${who} asks for a password and none was given: name the file that holds it (--password-file, --admin-password-file, or central.postgres.passwordFile)`;
      return `${who}: ${message}`;
  }
}

/** The code of the error the sync stops on when the database refuses this PC's login itself (sync.ts). */
export const MACHINE_LOGIN_REFUSED = 'AUP_MACHINE_LOGIN';

/** True for errors that may go away by themselves (the network, a restart), as opposed to a wrong setting. */
export function isTransient(error: unknown): boolean {
  const code = (error as { code?: string })?.code ?? '';
  if (['28P01', '28000', '3D000', '42501', '42883', '3F000', '42P01', MACHINE_LOGIN_REFUSED].includes(code)) return false;
  return true;
}
