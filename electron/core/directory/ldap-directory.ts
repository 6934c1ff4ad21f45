// The district's LDAP directory (OpenLDAP, Active Directory) as a Directory: a service account finds
// the person, their own bind checks the password, and group membership gives the role. The person
// at the keyboard may be a student typing filter syntax, so every value that goes into a filter is
// escaped, an empty password is never sent, and nothing a directory says can hang the lock screen.
import type { AuthResult, Directory, DirectoryUser } from '../people.ts';
import { parseGrade } from '../people.ts';
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import type { ConnectionOptions } from 'node:tls';
import { Client, FilterParser, ResultCodeError } from 'ldapts';
import type { ConfigProblem, Privileges, Role } from '../api/contract.ts';
import { PRIVILEGES } from '../api/contract.ts';

/** The group (DN) that grants each role. A person in none of them is unknown to the kiosk. */
export interface LdapRoleGroups {
  student: string;
  staff: string;
  approvedTeacher: string;
  substitute: string;
  administrator: string;
}

/**
 * How the connection is protected. `ldaps` (ldaps:// URL) and `starttls` (ldap:// URL) verify the
 * server's certificate against `caFile` (or the system's CAs). `none` sends passwords in clear text
 * and is used only when the config says so: it is never a default.
 */
export interface LdapTlsOptions {
  mode?: 'ldaps' | 'starttls' | 'none';
  /** PEM file of the CA that signed the directory's certificate. */
  caFile?: string;
}

export interface LdapDirectoryOptions {
  /** `ldaps://host[:port]` or `ldap://host[:port]`. */
  url: string;
  /** The service account that looks people up (read access to people and groups). */
  bindDn: string;
  /** Its password, already read from the machine's password file (see `readSecretFile`). */
  bindPassword: string;
  /** Where people are searched (subtree). */
  userBase: string;
  /** A filter template; `{username}` is replaced by the escaped username. */
  userFilter: string;
  /** Attribute holding the username as the directory spells it; default: the one `userFilter` matches `{username}` against. */
  usernameAttribute?: string;
  groups: LdapRoleGroups;
  /** Grade of a student: `K` (or `KG`, `0`) to `12`. Default `departmentNumber`. */
  gradeAttribute?: string;
  /** Default `displayName`; `cn` when the entry has none. */
  displayNameAttribute?: string;
  /** e.g. `preferredLanguage`. Absent: the kiosk's default language. */
  languageAttribute?: string;
  /** active | supervised | suspended | revoked. Absent attribute (or option): `active`. */
  privilegesAttribute?: string;
  /** A boolean (TRUE/FALSE). Absent attribute (or option): `false`. */
  guardianDeniedAttribute?: string;
  /** Default `memberOf` (OpenLDAP's memberof overlay, Active Directory). */
  memberAttribute?: string;
  /** Default: `ldaps` for an ldaps:// URL, `starttls` for ldap://. Never `none` unless configured. */
  tls?: LdapTlsOptions;
  /** Bound on a whole sign-in or lookup (connect, TLS, binds, search). Default 5000. */
  timeoutMs?: number;
}

/** A lookup (`findUser`) could not be answered: the directory is down, slow, untrusted or misconfigured. */
export class DirectoryUnavailableError extends Error {
  override readonly name = 'DirectoryUnavailableError';
}

export const MAX_USERNAME_LENGTH = 256;
export const MAX_SECRET_LENGTH = 1024;
const DEFAULT_TIMEOUT_MS = 5000;

/**
 * Reads a password file deployed by the technician (the bind password never lives in config.json).
 * Surrounding whitespace and the final newline are dropped.
 */
export function readSecretFile(path: string): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? 'does not exist' : code === 'EACCES' ? 'cannot be read by this account' : `cannot be read (${code ?? String(error)})`;
    throw new Error(`The password file ${path} ${why}.`, { cause: error });
  }
  const secret = text.trim();
  if (!secret) throw new Error(`The password file ${path} is empty.`);
  return secret;
}

/**
 * RFC 4515 escaping of a value for an LDAP search filter: `*`, `(`, `)`, `\` and NUL (and the other
 * control characters) become `\xx`, so `*)(uid=*` is a literal name that matches no one. Other
 * characters, non-ASCII included, stay as they are: RFC 4515 allows UTF-8 in a value, and ldapts
 * encodes it as UTF-8 (it would mis-decode a multi-byte character written as `\c3\a9`).
 */
export function escapeFilterValue(value: string): string {
  let out = '';
  for (const char of value) {
    const code = char.codePointAt(0) ?? 0;
    if (char === '*' || char === '(' || char === ')' || char === '\\' || code < 0x20 || code === 0x7f) {
      out += `\\${code.toString(16).padStart(2, '0')}`;
    } else {
      out += char;
    }
  }
  return out;
}

/** The filter for one username: `{username}` in the template replaced by the escaped value. */
export function userFilterFor(template: string, username: string): string {
  const escaped = escapeFilterValue(username);
  return template.split('{username}').join(escaped);
}

/** Comparable form of a DN: case and the spaces around `,` `=` `+` do not matter. */
export function normalizeDn(dn: string): string {
  const parts: string[] = [];
  let current = '';
  let pendingSpace = '';
  for (let i = 0; i < dn.length; i++) {
    const char = dn[i] as string;
    if (char === '\\' && i + 1 < dn.length) {
      current += pendingSpace + char + (dn[i + 1] as string);
      pendingSpace = '';
      i++;
    } else if (char === ',' || char === '=' || char === '+') {
      parts.push(current, char);
      current = '';
      pendingSpace = '';
    } else if (char === ' ') {
      if (current) pendingSpace += char;
    } else {
      current += pendingSpace + char;
      pendingSpace = '';
    }
  }
  parts.push(current);
  return parts.join('').toLowerCase();
}

/** Grade from the directory: `PK` is -1, `K`/`KG`/`0` is kindergarten (0), `1`..`12`. Anything else: none. */
export { parseGrade };

/** An unknown value means the directory says something the kiosk does not understand: assume the stricter. */
function parsePrivileges(value: string | undefined): Privileges {
  if (value === undefined || value.trim() === '') return 'active';
  const text = value.trim().toLowerCase();
  return (PRIVILEGES as readonly string[]).includes(text) ? (text as Privileges) : 'suspended';
}

/** LDAP Boolean is `TRUE`/`FALSE`; other spellings are accepted, and anything unclear shows the flag. */
function parseFlag(value: string | undefined): boolean {
  if (value === undefined) return false;
  const text = value.trim().toLowerCase();
  if (['false', 'no', 'n', '0', ''].includes(text)) return false;
  return true;
}

/** `es`, `en-US` from an RFC 2798 preferredLanguage such as `es-MX, en;q=0.8`: the first tag. */
function parseLanguage(value: string | undefined): string | undefined {
  const tag = value?.split(',')[0]?.split(';')[0]?.trim();
  return tag && /^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$/.test(tag) ? tag : undefined;
}

/** Problems with the options, with their paths (`tls.mode`), for the config validator and the constructor. */
export function ldapOptionProblems(options: LdapDirectoryOptions): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const problem = (path: string, message: string) => problems.push({ path, message });
  let scheme: string | null = null;
  try {
    const url = new URL(options.url);
    scheme = url.protocol;
    if (scheme !== 'ldap:' && scheme !== 'ldaps:') problem('url', 'expected an ldap:// or ldaps:// URL');
    else if (!url.hostname) problem('url', 'expected a host name');
    else if ((url.pathname && url.pathname !== '/') || url.search || url.username)
      problem('url', 'expected only scheme, host and port (the base is userBase)');
  } catch {
    problem('url', 'expected an ldap:// or ldaps:// URL');
  }
  const mode = options.tls?.mode;
  if (mode !== undefined && !['ldaps', 'starttls', 'none'].includes(mode)) problem('tls.mode', 'expected ldaps, starttls or none');
  if (scheme === 'ldaps:' && mode && mode !== 'ldaps') problem('tls.mode', 'an ldaps:// URL is always TLS: use mode ldaps');
  if (scheme === 'ldap:' && mode === 'ldaps') problem('tls.mode', 'mode ldaps needs an ldaps:// URL');
  if (!options.bindDn?.trim()) problem('bindDn', 'expected the service account DN');
  if (!options.bindPassword) problem('bindPassword', 'expected the service account password');
  if (!options.userBase?.trim()) problem('userBase', 'expected the DN people are searched under');
  if (!options.userFilter?.includes('{username}')) {
    problem('userFilter', 'expected a filter with {username}, e.g. (&(objectClass=inetOrgPerson)(uid={username}))');
  } else {
    try {
      FilterParser.parseString(userFilterFor(options.userFilter, 'x'));
    } catch (error) {
      problem('userFilter', `not a valid LDAP filter: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  for (const key of ['student', 'staff', 'approvedTeacher', 'substitute', 'administrator'] as const) {
    if (!options.groups?.[key]?.trim()) problem(`groups.${key}`, 'expected the DN of the group');
  }
  const timeout = options.timeoutMs;
  if (timeout !== undefined && !(Number.isInteger(timeout) && timeout >= 100 && timeout <= 60_000)) {
    problem('timeoutMs', 'expected a whole number of milliseconds from 100 to 60000');
  }
  return problems;
}

type Entry = Record<string, unknown> & { dn: string };

function values(entry: Entry, attribute: string | undefined): string[] {
  if (!attribute) return [];
  const wanted = attribute.toLowerCase();
  const key = Object.keys(entry).find((k) => k.toLowerCase() === wanted && k !== 'dn');
  if (key === undefined) return [];
  const raw = entry[key];
  const list = Array.isArray(raw) ? raw : [raw];
  return list.map((v) => (Buffer.isBuffer(v) ? v.toString('utf8') : String(v)));
}

const first = (entry: Entry, attribute: string | undefined) => values(entry, attribute)[0];

/** Why a connection or a service-account operation failed, in words a technician can act on. */
function describeFailure(error: unknown, url: string, timeoutMs: number): string {
  if (error instanceof DeadlineError) return `no answer from ${url} within ${timeoutMs} ms`;
  const err = error as NodeJS.ErrnoException & { code?: string | number };
  const code = typeof err?.code === 'string' ? err.code : undefined;
  const tlsCodes = [
    'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    'DEPTH_ZERO_SELF_SIGNED_CERT',
    'SELF_SIGNED_CERT_IN_CHAIN',
    'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
    'CERT_HAS_EXPIRED',
    'CERT_NOT_YET_VALID',
    'ERR_TLS_CERT_ALTNAME_INVALID',
  ];
  if (code && tlsCodes.includes(code)) {
    return `the directory's TLS certificate is not trusted (${code}): set tls.caFile to the CA that signed it`;
  }
  if (code === 'ECONNREFUSED') return `cannot connect to ${url}: connection refused`;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `cannot find the host of ${url} (${code})`;
  if (code === 'ECONNRESET' || code === 'EPIPE') return `${url} closed the connection (${code})`;
  const message = error instanceof Error ? error.message : String(error);
  if (/timed? ?out/i.test(message)) return `no answer from ${url} within ${timeoutMs} ms`;
  return `${url}: ${error instanceof Error ? error.name : 'error'}: ${message.split('\n')[0]}`;
}

class DeadlineError extends Error {}

/** A failure of the directory (not of the person signing in), already described. */
class Unavailable extends Error {}

/** Never let a secret reach a message, whatever a library or server put in its error text. */
function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) if (secret) out = out.split(secret).join('[redacted]');
  return out;
}

export class LdapDirectory implements Directory {
  readonly kind = 'ldap' as const;
  private readonly options: LdapDirectoryOptions;
  private readonly url: URL;
  private readonly mode: 'ldaps' | 'starttls' | 'none';
  private readonly timeoutMs: number;
  private readonly usernameAttribute: string | undefined;
  private readonly groupRoles: [Role, string][];
  private readonly open = new Set<Client>();
  private closed = false;

  constructor(options: LdapDirectoryOptions) {
    const problems = ldapOptionProblems(options);
    if (problems.length > 0) {
      throw new Error(`Invalid LDAP directory options: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`);
    }
    this.options = options;
    this.url = new URL(options.url);
    this.mode = options.tls?.mode ?? (this.url.protocol === 'ldaps:' ? 'ldaps' : 'starttls');
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.usernameAttribute = options.usernameAttribute ?? /\(([A-Za-z][\w-]*)=\{username\}\)/.exec(options.userFilter)?.[1];
    const g = options.groups;
    // Precedence, strongest first. A substitute who is also listed as an approved teacher stays a
    // substitute: "No student computer access authorized with a substitute teacher."
    this.groupRoles = [
      ['administrator', normalizeDn(g.administrator)],
      ['substitute', normalizeDn(g.substitute)],
      ['teacher', normalizeDn(g.approvedTeacher)],
      ['staff', normalizeDn(g.staff)],
      ['student', normalizeDn(g.student)],
    ];
  }

  async findUser(username: string): Promise<DirectoryUser | null> {
    const name = validUsername(username);
    if (name === null) return null;
    try {
      return await this.session(async (client) => {
        const entry = await this.lookUp(client, name);
        return entry ? this.toUser(entry, name) : null;
      });
    } catch (error) {
      throw new DirectoryUnavailableError(this.explain(error, []), { cause: error });
    }
  }

  async authenticate(username: string, secret: string): Promise<AuthResult> {
    const name = validUsername(username);
    // An empty simple bind is an anonymous bind, which many directories (Active Directory among
    // them) answer with success: an empty or absent password never leaves this machine.
    if (name === null || typeof secret !== 'string' || secret.length === 0 || secret.length > MAX_SECRET_LENGTH) {
      return { ok: false, reason: 'bad-credentials' };
    }
    try {
      return await this.session(async (client): Promise<AuthResult> => {
        const entry = await this.lookUp(client, name);
        if (entry === 'ambiguous') return { ok: false, reason: 'bad-credentials', detail: 'the user filter matched more than one entry' };
        if (entry === null) return { ok: false, reason: 'bad-credentials', detail: 'unknown user' };
        const user = this.toUser(entry, name);
        if (user === null) return { ok: false, reason: 'bad-credentials', detail: 'not in any of the kiosk groups' };
        try {
          await client.bind(entry.dn, secret);
        } catch (error) {
          // 49 invalidCredentials covers a wrong password and a locked account (ppolicy, AD);
          // 50 and 53 are what some servers answer for a disabled or restricted account.
          if (error instanceof ResultCodeError && [49, 50, 53].includes(error.code)) {
            return error.code === 49
              ? { ok: false, reason: 'bad-credentials' }
              : { ok: false, reason: 'bad-credentials', detail: `the directory refused the sign-in (${error.name})` };
          }
          throw error;
        }
        return { ok: true, user };
      });
    } catch (error) {
      return { ok: false, reason: 'directory-unavailable', detail: this.explain(error, [secret]) };
    }
  }

  async listUsers(): Promise<DirectoryUser[] | null> {
    return null;
  }

  async close(): Promise<void> {
    this.closed = true;
    const clients = [...this.open];
    this.open.clear();
    await Promise.all(clients.map((client) => client.unbind().catch(() => undefined)));
  }

  private explain(error: unknown, secrets: string[]): string {
    const text = error instanceof Unavailable ? error.message : describeFailure(error, this.options.url, this.timeoutMs);
    return redact(text, [...secrets, this.options.bindPassword]);
  }

  /** A connection bound as the service account, for `work`, all within `timeoutMs`. */
  private async session<T>(work: (client: Client) => Promise<T>): Promise<T> {
    if (this.closed) throw new Unavailable('the directory connection is closed');
    const tlsOptions = this.tlsOptions();
    const client = new Client({
      url: `${this.url.protocol}//${this.url.host}`,
      timeout: this.timeoutMs,
      connectTimeout: this.timeoutMs,
      ...(this.mode === 'ldaps' ? { tlsOptions } : {}),
    });
    this.open.add(client);
    const run = async () => {
      if (this.mode === 'starttls') await client.startTLS(tlsOptions);
      try {
        await client.bind(this.options.bindDn, this.options.bindPassword);
      } catch (error) {
        if (error instanceof ResultCodeError && error.code === 49) {
          throw new Unavailable(`the service account ${this.options.bindDn} was refused: check bindDn and its password file`, { cause: error });
        }
        throw error;
      }
      return work(client);
    };
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new DeadlineError()), this.timeoutMs);
    });
    const attempt = run();
    attempt.catch(() => undefined); // it may settle after the deadline has answered
    try {
      return await Promise.race([attempt, deadline]);
    } finally {
      clearTimeout(timer);
      this.open.delete(client);
      // Not awaited: a directory that stopped answering must not hold the caller.
      void client.unbind().catch(() => undefined);
    }
  }

  private tlsOptions(): ConnectionOptions {
    if (this.mode === 'none') return {};
    const host = this.url.hostname.replace(/^\[|\]$/g, '');
    const options: ConnectionOptions = { host, rejectUnauthorized: true, minVersion: 'TLSv1.2' };
    // SNI takes a host name, never an address; the certificate is still checked against `host`.
    if (!isIP(host)) options.servername = host;
    const caFile = this.options.tls?.caFile;
    if (caFile) {
      try {
        options.ca = readFileSync(caFile);
      } catch (error) {
        throw new Unavailable(`cannot read tls.caFile ${caFile} (${(error as NodeJS.ErrnoException).code ?? String(error)})`, { cause: error });
      }
    }
    return options;
  }

  /** The one entry the username names; `null` for none, `'ambiguous'` for several. */
  private async lookUp(client: Client, username: string): Promise<Entry | null | 'ambiguous'> {
    const o = this.options;
    const attributes = [
      o.displayNameAttribute ?? 'displayName',
      'cn',
      'givenName',
      'sn',
      o.gradeAttribute ?? 'departmentNumber',
      o.memberAttribute ?? 'memberOf',
      o.languageAttribute,
      o.privilegesAttribute,
      o.guardianDeniedAttribute,
      this.usernameAttribute,
    ].filter((a): a is string => Boolean(a));
    const { searchEntries } = await client.search(o.userBase, {
      scope: 'sub',
      filter: userFilterFor(o.userFilter, username),
      attributes,
      sizeLimit: 2,
      timeLimit: Math.max(1, Math.ceil(this.timeoutMs / 1000)),
    });
    if (searchEntries.length > 1) return 'ambiguous';
    return (searchEntries[0] as Entry | undefined) ?? null;
  }

  private roleOf(entry: Entry): Role | null {
    const groups = new Set(values(entry, this.options.memberAttribute ?? 'memberOf').map(normalizeDn));
    return this.groupRoles.find(([, dn]) => groups.has(dn))?.[0] ?? null;
  }

  /** The username as the directory spells it (`JDoe` typed, `jdoe` stored), else as typed. */
  private canonicalUsername(entry: Entry, typed: string): string {
    const stored = values(entry, this.usernameAttribute);
    return stored.find((v) => v.toLowerCase() === typed.toLowerCase()) ?? (stored.length === 1 ? (stored[0] as string) : typed);
  }

  private toUser(entry: Entry | 'ambiguous', typed: string): DirectoryUser | null {
    if (entry === 'ambiguous') return null;
    const role = this.roleOf(entry);
    if (role === null) return null;
    const o = this.options;
    const user: DirectoryUser = {
      username: this.canonicalUsername(entry, typed),
      displayName: first(entry, o.displayNameAttribute ?? 'displayName') ?? first(entry, 'cn') ?? typed,
      role,
      privileges: o.privilegesAttribute ? parsePrivileges(first(entry, o.privilegesAttribute)) : 'active',
      guardianDeniedInternet: o.guardianDeniedAttribute ? parseFlag(first(entry, o.guardianDeniedAttribute)) : false,
    };
    // A display name kept as "Last, First" is not how people say it: greet with givenName and sn.
    const given = first(entry, 'givenName');
    const sn = first(entry, 'sn');
    if (user.displayName.includes(',') && given && sn) user.greetingName = `${given} ${sn}`;
    // Only a student's grade is a grade: on staff entries departmentNumber is a department.
    if (role === 'student') {
      const grade = parseGrade(first(entry, o.gradeAttribute ?? 'departmentNumber'));
      if (grade !== undefined) user.grade = grade;
    }
    const language = parseLanguage(first(entry, o.languageAttribute));
    if (language) user.language = language;
    return user;
  }
}

/** The username to look up, or `null` when it cannot name anyone (decided without the network). */
function validUsername(username: unknown): string | null {
  if (typeof username !== 'string') return null;
  const name = username.trim();
  return name.length > 0 && name.length <= MAX_USERNAME_LENGTH ? name : null;
}
