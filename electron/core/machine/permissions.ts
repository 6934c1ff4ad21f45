// What the service's folders and files must be, checked at start-up and by `aup config validate
// --service`: owned by root (an owner can change a file's mode and content), no bits beyond the
// required ones, and no symbolic link anywhere on the way (whoever makes a link chooses where the
// state or a secret goes: the D-Bus cookie symlink attack, CVE-2019-12749). Every check uses lstat
// and follows nothing. A wrong one is a ConfigProblem naming the path, what is wrong and the fix.
import type { Stats } from 'node:fs';
import { chmod, lstat, mkdir, readdir, readFile, readlink } from 'node:fs/promises';
import path from 'node:path';
import type { ConfigProblem } from '../api/contract.ts';
import type { ResolvedConfig } from '../config/resolve.ts';
import {
  foldersForConfig,
  runTool,
  servicePlatform,
  type RequiredPath,
  type Runner,
  type ServiceFolders,
  type ServicePlatform,
  type ToolCommand,
} from './folders.ts';

export interface CheckOptions {
  /** Create the missing data and run folders (the service at start-up). `aup config validate` changes nothing. */
  allowCreate?: boolean;
  /** Runs icacls (Windows), ls -led (macOS ACLs), getfacl (Linux ACLs); the real tools by default. */
  run?: Runner;
  platform?: NodeJS.Platform;
}

/** The service's folders as they are: [] when every one is as it must be. Creates missing data and run folders when allowed. */
export async function checkFolders(folders: Pick<ServiceFolders, 'platform' | 'required'>, options: CheckOptions = {}): Promise<ConfigProblem[]> {
  const checker = new Checker(servicePlatform(options.platform ?? folders.platform), options.run ?? runTool);
  for (const required of folders.required) await checker.check(required, required.path, options.allowCreate ?? false);
  return checker.problems;
}

/**
 * The machine config the installed service may read: a regular file owned by root that nobody else
 * can change, in a folder likewise, with no symbolic link on the way. (A student's own read-only file
 * passed as --config was accepted before: its owner can make it writable again at any time.)
 */
export async function machineConfigProblems(file: string, options: Omit<CheckOptions, 'allowCreate'> = {}): Promise<ConfigProblem[]> {
  const platform = servicePlatform(options.platform ?? process.platform);
  const checker = new Checker(platform, options.run ?? runTool);
  const join = platform === 'win32' ? path.win32 : path.posix;
  const folder: RequiredPath = { ...READABLE_FOLDER, path: join.dirname(file), what: 'the config folder' };
  await checker.check(folder, folder.path, false);
  await checker.check({ ...READABLE_FILE, path: file, what: 'the machine config' }, file, false);
  return checker.problems;
}

/** The files the service reads a password or a PIN hash from, with the config setting that names each. */
export function secretFilesOf(config: ResolvedConfig): { where: string; file: string; what: string }[] {
  const files: { where: string; file: string; what: string }[] = [];
  if (config.directory.type === 'roster')
    files.push({ where: 'directory.file', file: config.directory.file, what: 'the roster (it holds PIN hashes)' });
  else files.push({ where: 'directory.bindPasswordFile', file: config.directory.bindPasswordFile, what: 'the LDAP password file' });
  if (config.central?.postgres.passwordFile)
    files.push({ where: 'central.postgres.passwordFile', file: config.central.postgres.passwordFile, what: 'the database password file' });
  return files;
}

/**
 * The files a machine config names, as the service needs them: every secret readable by root alone
 * (0600: on Linux the group bits also show an ACL's mask, so 0640 can hide a named user's read access),
 * and what decides what the kiosk shows or trusts (the catalog, the CA file, the logo) changeable by
 * root alone. Each problem's path is the config setting; its message names the file and the fix.
 */
export async function configFilesProblems(config: ResolvedConfig, options: Omit<CheckOptions, 'allowCreate'> = {}): Promise<ConfigProblem[]> {
  const checker = new Checker(servicePlatform(options.platform ?? process.platform), options.run ?? runTool);
  for (const s of secretFilesOf(config)) await checker.check({ ...SECRET_FILE, path: s.file, what: s.what }, s.where, false);
  const trusted: { where: string; file: string; what: string }[] = [];
  if (config.directory.type === 'ldap' && config.directory.tls.caFile)
    trusted.push({ where: 'directory.tls.caFile', file: config.directory.tls.caFile, what: "the directory's CA certificate" });
  if (config.central?.postgres.caFile)
    trusted.push({ where: 'central.postgres.caFile', file: config.central.postgres.caFile, what: "the database's CA certificate" });
  if (config.district.logo) trusted.push({ where: 'district.logo', file: config.district.logo, what: 'the district logo' });
  for (const t of trusted) await checker.check({ ...READABLE_FILE, path: t.file, what: t.what }, t.where, false);
  if (config.policies.catalog !== 'bundled') await checker.checkTree(config.policies.catalog, 'policies.catalog');
  // The district's own UI languages: their words are on every screen (a locales/ inside the catalog is checked with it).
  if (config.languages.folder) await checker.checkTree(config.languages.folder, 'languages.folder', 'the UI language folder');
  return checker.problems;
}

/**
 * Everything the machine service checks before it trusts its config and opens its folders, and what
 * `aup config validate --service` reports: the config file and its folder, the files it names, and the
 * service's folders with the ledger and state folders the config names (`config` null: it could not be
 * read, so the default folders). `foldersToCheck: 'named'` checks only the ledger and state folders the
 * config names (validating a file that is not at the machine location).
 */
export async function serviceProblems(
  folders: ServiceFolders,
  configFile: string,
  config: ResolvedConfig | null,
  options: CheckOptions & { foldersToCheck?: 'all' | 'named' } = {},
): Promise<ConfigProblem[]> {
  const own = config ? foldersForConfig(folders, config) : folders;
  const required =
    options.foldersToCheck === 'named'
      ? own.required.filter((r) => config && (r.path === config.ledger.dir || r.path === config.state.dir))
      : own.required;
  return mergeProblems(
    await machineConfigProblems(configFile, options),
    config ? await configFilesProblems(config, options) : [],
    await checkFolders({ platform: own.platform, required }, options),
  );
}

/** Problems from several checks, each once (a folder can be both a required path and a parent of another). */
export function mergeProblems(...lists: ConfigProblem[][]): ConfigProblem[] {
  const seen = new Set<string>();
  return lists.flat().filter((p) => {
    const key = `${p.path}\n${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

const READABLE_FOLDER: Omit<RequiredPath, 'path' | 'what'> = {
  kind: 'folder',
  mode: 0o755,
  allowed: 0o755,
  create: false,
  optional: false,
  usersRead: true,
};
const READABLE_FILE: Omit<RequiredPath, 'path' | 'what'> = { ...READABLE_FOLDER, kind: 'file', mode: 0o644 };
const SECRET_FILE: Omit<RequiredPath, 'path' | 'what'> = { ...READABLE_FILE, mode: 0o600, allowed: 0o600, usersRead: false };

// ---- the checks ---------------------------------------------------------------------------------

class Checker {
  readonly problems: ConfigProblem[] = [];
  /**
   * Folders already checked as parents: sound, loose (a real folder with a wrong owner or mode: what is
   * inside is still checked, never created), or blocked (a link or not a folder: nothing inside is looked at).
   */
  readonly #parents = new Map<string, ParentState>();
  readonly #join: typeof path.posix;

  constructor(
    readonly platform: ServicePlatform,
    readonly run: Runner,
  ) {
    this.#join = platform === 'win32' ? path.win32 : path.posix;
  }

  #problem(where: string, message: string) {
    if (!this.problems.some((p) => p.path === where && p.message === message)) this.problems.push({ path: where, message });
  }

  /** Checks one path; what cannot be looked at (another account running the check) is a problem too, not a crash. */
  async check(required: RequiredPath, where: string, allowCreate: boolean): Promise<void> {
    try {
      await this.#check(required, where, allowCreate);
    } catch (error) {
      const code = errorText(error);
      const hint = code === 'EACCES' || code === 'EPERM' ? ' (run the check as root, or as an Administrator on Windows)' : '';
      this.#problem(where, `cannot check ${required.what} ${required.path}: ${code}${hint}`);
    }
  }

  async #check(required: RequiredPath, where: string, allowCreate: boolean): Promise<void> {
    const p = required.path;
    const parents = await this.#checkParents(p, required.what);
    if (parents === 'blocked') return;
    let s = await lstatOrNull(p);
    if (!s && required.create && allowCreate && parents === 'ok') {
      try {
        await this.#create(required);
      } catch (error) {
        this.#problem(where, `${required.what} ${p} is missing and cannot be created: ${errorText(error)}`);
        return;
      }
      s = await lstatOrNull(p);
    }
    if (!s) {
      if (!required.create && !required.optional)
        this.#problem(where, `${required.what} ${p} is missing. Fix: ${this.#installFix(required)}, or reinstall AUP Kiosk`);
      return;
    }
    if (s.isSymbolicLink()) {
      const target = await readlink(p).catch(() => '?');
      const fix = required.create ? `rm ${q(p)} (the service creates the folder)` : `replace the link with the ${required.kind} itself`;
      this.#problem(
        where,
        `${required.what} ${p} is a symbolic link (to ${target}): the service follows none, since whoever made it chooses where it points. Fix: ${fix}`,
      );
      this.#parents.set(p, 'blocked');
      return;
    }
    if (required.kind === 'folder' ? !s.isDirectory() : !s.isFile()) {
      this.#problem(
        where,
        `${required.what} ${p} is not a ${required.kind === 'folder' ? 'folder' : 'regular file'}. Fix: move it away; ${this.#installFix(required)}`,
      );
      this.#parents.set(p, 'blocked');
      return;
    }
    if (this.platform === 'win32') return this.#checkWindowsAcl(required, where);
    const before = this.problems.length;
    await this.#checkPosixMode(required, where, s);
    await this.#checkPosixAcl(required, where);
    // A folder checked here is not checked again, less precisely, as the parent of what is inside it.
    if (required.kind === 'folder') this.#parents.set(p, this.problems.length === before ? 'ok' : 'loose');
  }

  async #checkPosixMode(required: RequiredPath, where: string, s: Stats) {
    const p = required.path;
    const issues: string[] = [];
    const fixes: string[] = [];
    if (s.uid !== 0) {
      issues.push(`is owned by ${await this.#userName(s.uid)}, not root (an owner can change its mode and content)`);
      fixes.push(`chown ${this.#rootOwner()} ${q(p)}`);
    }
    const extra = s.mode & 0o777 & ~required.allowed;
    if (extra) {
      issues.push(`has mode ${octal(s.mode & 0o777)}, so ${whoMay(extra, await this.#groupName(s.gid), required.kind)}`);
      fixes.push(`chmod ${(required.mode & 0o777).toString(8)} ${q(p)}`);
    }
    if (issues.length) {
      const must = required.allowed & 0o077 ? 'only root may change it' : 'only root may read or change it';
      this.#problem(where, `${required.what} ${p} ${issues.join(' and ')}; ${must}. Fix: ${fixes.join(' && ')}`);
    }
  }

  /** Every folder above `p`: a real folder, owned by root, writable by root alone (or sticky, like /tmp). */
  async #checkParents(p: string, what: string): Promise<ParentState> {
    if (this.platform === 'win32') return 'ok';
    let worst: ParentState = 'ok';
    const note = (state: ParentState) => {
      if (state === 'blocked' || (state === 'loose' && worst === 'ok')) worst = state;
    };
    for (const parent of parentsOf(p)) {
      const known = this.#parents.get(parent);
      if (known) {
        note(known);
        if (known === 'blocked') break;
        continue;
      }
      const s = await lstatOrNull(parent);
      if (!s) break; // the rest is missing: created below, or reported as missing
      if (s.isSymbolicLink() || !s.isDirectory()) {
        const target = s.isSymbolicLink() ? await readlink(parent).catch(() => '?') : '';
        this.#problem(
          parent,
          s.isSymbolicLink()
            ? `${parent} is a symbolic link (to ${target}) on the way to ${what} ${p}: the service follows none. Fix: replace it with the folder itself`
            : `${parent} is not a folder, and ${what} ${p} is inside it`,
        );
        this.#parents.set(parent, 'blocked');
        note('blocked');
        break;
      }
      const issues: string[] = [];
      const fixes: string[] = [];
      if (s.uid !== 0) {
        issues.push(`is owned by ${await this.#userName(s.uid)}, not root`);
        fixes.push(`chown ${this.#rootOwner()} ${q(parent)}`);
      }
      // In a sticky folder (/tmp) nobody can rename or remove root's entries; elsewhere a writer can swap them.
      if (s.mode & 0o022 && !(s.mode & 0o1000)) {
        issues.push(`has mode ${octal(s.mode & 0o777)}, so ${whoMay(s.mode & 0o022, await this.#groupName(s.gid), 'folder')}`);
        fixes.push(`chmod go-w ${q(parent)}`);
      }
      if (issues.length) {
        this.#problem(
          parent,
          `${parent} ${issues.join(' and ')}: whoever can change it can replace ${what} ${p} inside it. Fix: ${fixes.join(' && ')}`,
        );
      }
      this.#parents.set(parent, issues.length ? 'loose' : 'ok');
      note(issues.length ? 'loose' : 'ok');
    }
    return worst;
  }

  /** mkdir, then chmod: the mode is exact whatever the umask. Missing parents get 0755. */
  async #create(required: RequiredPath) {
    const p = required.path;
    if (this.platform === 'win32') await mkdir(path.win32.dirname(p), { recursive: true });
    else {
      for (const parent of parentsOf(p)) {
        if (await lstatOrNull(parent)) continue;
        await mkdirOnce(parent);
        await chmod(parent, 0o755);
      }
    }
    await mkdirOnce(p);
    if (this.platform === 'win32') {
      for (const command of windowsAclPlan(required)) {
        const r = await this.run(command);
        if (r.code !== 0) throw new Error(`${command.command} ${command.args.join(' ')}: ${(r.stderr || r.stdout || r.error || '').trim()}`);
      }
    } else await chmod(p, required.mode);
  }

  /** Everything under a folder the config names (the catalog, the UI languages): root's, changeable by root alone, no links. */
  async checkTree(folder: string, where: string, what = 'the policy catalog', limit = 5000): Promise<void> {
    const queue: RequiredPath[] = [{ ...READABLE_FOLDER, path: folder, what }];
    let seen = 0;
    while (queue.length && seen++ < limit) {
      const next = queue.shift()!;
      const before = this.problems.length;
      await this.check(next, where, false);
      if (next.kind !== 'folder' || this.problems.length > before) continue;
      const entries = await readdir(next.path, { withFileTypes: true }).catch(() => []);
      for (const e of entries) {
        const child = this.#join.join(next.path, e.name);
        if (e.isSymbolicLink()) {
          this.#problem(where, `${child} in ${what} is a symbolic link: the service follows none. Fix: replace it with the file itself`);
        } else if (e.isDirectory()) queue.push({ ...READABLE_FOLDER, path: child, what: `a folder in ${what}` });
        else queue.push({ ...READABLE_FILE, path: child, what: `a file in ${what}` });
      }
    }
  }

  async #checkPosixAcl(required: RequiredPath, where: string) {
    const p = required.path;
    if (this.platform === 'darwin') {
      const r = await this.run(macAclCommand(p));
      const aces = r.code === 0 ? parseMacAcl(r.stdout).filter((a) => / allow /.test(a)) : [];
      if (aces.length)
        this.#problem(
          where,
          `${required.what} ${p} has an access control list (${aces.join('; ')}) that gives access its mode does not show. Fix: chmod -N ${q(p)}`,
        );
      return;
    }
    const r = await this.run(linuxAclCommand(p));
    if (r.error || r.code !== 0) return; // getfacl not installed: neither is setfacl, which makes these lists
    const entries = parseGetfacl(r.stdout);
    if (entries.length)
      this.#problem(
        where,
        `${required.what} ${p} has an access control list (${entries.join(', ')}): it can give other accounts access its mode does not show, and a default list is passed on to what the service creates inside. Fix: setfacl -b ${q(p)}`,
      );
  }

  async #checkWindowsAcl(required: RequiredPath, where: string) {
    const r = await this.run(icaclsCommand(required.path));
    if (r.code !== 0) {
      this.#problem(where, `cannot read the permissions of ${required.what} ${required.path}: ${(r.stderr || r.stdout || r.error || '').trim()}`);
      return;
    }
    const problem = windowsAclProblem(required, parseIcacls(r.stdout, required.path));
    if (problem) this.#problem(where, problem);
  }

  #names: AccountNames | undefined;

  async #userName(uid: number): Promise<string> {
    const name = (await (this.#names ??= readAccountNames())).users.get(uid);
    return name ? `${name} (uid ${uid})` : `uid ${uid}`;
  }

  async #groupName(gid: number): Promise<string> {
    return (await (this.#names ??= readAccountNames())).groups.get(gid) ?? `gid ${gid}`;
  }

  #rootOwner() {
    return this.platform === 'darwin' ? 'root:wheel' : 'root:root';
  }

  #installFix(required: RequiredPath) {
    if (this.platform === 'win32') return `create it, then ${windowsFix(required)}`;
    const m = (required.mode & 0o777).toString(8);
    return required.kind === 'folder'
      ? `install -d -m ${m} -o root -g ${this.platform === 'darwin' ? 'wheel' : 'root'} ${q(required.path)}`
      : `put it back, owned by root, mode ${m}`;
  }
}

type ParentState = 'ok' | 'loose' | 'blocked';

async function lstatOrNull(p: string): Promise<Stats | null> {
  try {
    return await lstat(p);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return null;
    throw error;
  }
}

async function mkdirOnce(p: string) {
  try {
    await mkdir(p, { mode: 0o700 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
}

/** '/a/b/c' → ['/', '/a', '/a/b']. */
function parentsOf(p: string): string[] {
  const parents: string[] = [];
  for (let d = path.posix.dirname(p); ; d = path.posix.dirname(d)) {
    parents.unshift(d);
    if (d === path.posix.dirname(d)) return parents;
  }
}

const octal = (mode: number) => '0' + mode.toString(8).padStart(3, '0');
const errorText = (error: unknown) => (error as NodeJS.ErrnoException).code ?? (error as Error).message ?? String(error);

/** A path as a shell word (macOS paths have spaces). */
function q(p: string): string {
  return /^[\w@%+=:,./-]+$/.test(p) ? p : `'${p.replace(/'/g, `'\\''`)}'`;
}

/** "its group (staff) can read it", "its group (root) and every account can list, write and enter it". */
function whoMay(bits: number, group: string, kind: 'folder' | 'file'): string {
  const verbs = (b: number) => {
    const v = [b & 4 ? (kind === 'folder' ? 'list' : 'read') : '', b & 2 ? 'write' : '', b & 1 ? (kind === 'folder' ? 'enter' : 'run') : ''].filter(
      Boolean,
    );
    return v.length > 1 ? `${v.slice(0, -1).join(', ')} and ${v.at(-1)}` : v[0]!;
  };
  const byGroup = (bits >> 3) & 7;
  const other = bits & 7;
  const theGroup = `its group (${group})`;
  if (byGroup && byGroup === other) return `${theGroup} and every account can ${verbs(byGroup)} it`;
  const parts: string[] = [];
  if (byGroup) parts.push(`${theGroup} can ${verbs(byGroup)} it`);
  if (other) parts.push(`every account can ${verbs(other)} it`);
  return parts.join(' and ');
}

type AccountNames = Promise<{ users: Map<number, string>; groups: Map<number, string> }>;

/** Names from /etc/passwd and /etc/group, for messages only (an account they do not list is shown by number). */
function readAccountNames(): AccountNames {
  const table = async (file: string) => {
    const names = new Map<number, string>();
    const text = await readFile(file, 'utf8').catch(() => '');
    for (const line of text.split('\n')) {
      const [name, , id] = line.split(':');
      if (name && id && /^\d+$/.test(id) && !names.has(Number(id))) names.set(Number(id), name);
    }
    return names;
  };
  return Promise.all([table('/etc/passwd'), table('/etc/group')]).then(([users, groups]) => ({ users, groups }));
}

// ---- access control lists: plans and parsers ------------------------------------------------

/** Linux: the extended entries of a POSIX ACL (`--skip-base` prints nothing for a plain mode). */
export function linuxAclCommand(p: string): ToolCommand {
  // By absolute path, as every tool the service runs: one earlier on a PATH could hide an ACL.
  return { command: '/usr/bin/getfacl', args: ['--skip-base', '--absolute-names', '--omit-header', p] };
}

/** The entries of getfacl output beyond the mode's own three (named users and groups, the mask, defaults). */
export function parseGetfacl(stdout: string): string[] {
  return stdout
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#') && !/^(user|group|other)::/.test(l));
}

/** macOS: `ls -led` lists a file's ACL entries under it (`chmod +a` adds them; the mode does not show them). */
export function macAclCommand(p: string): ToolCommand {
  return { command: '/bin/ls', args: ['-led', p] };
}

/** The entries of `ls -led` output: " 0: group:everyone allow list,add_file,…". */
export function parseMacAcl(stdout: string): string[] {
  return stdout
    .split(/\r?\n/)
    .map((l) => /^\s*\d+:\s+(.+)$/.exec(l)?.[1]?.trim())
    .filter((l): l is string => !!l);
}

/** Well-known Windows accounts by SID; icacls takes `*SID`, which is the same in every language. */
export const WINDOWS_SIDS = { system: 'S-1-5-18', administrators: 'S-1-5-32-544', users: 'S-1-5-32-545' } as const;

const WINDOWS_NAMES: Record<keyof typeof WINDOWS_SIDS, string[]> = {
  system: ['nt authority\\system', 's-1-5-18', '*s-1-5-18'],
  administrators: ['builtin\\administrators', 's-1-5-32-544', '*s-1-5-32-544'],
  users: ['builtin\\users', 's-1-5-32-545', '*s-1-5-32-545'],
};

export function icaclsCommand(p: string): ToolCommand {
  return { command: 'icacls', args: [p] };
}

/**
 * What the installer and the service set on each path: inherited entries removed, SYSTEM and
 * Administrators full control, Users read where `usersRead` (the config and policies), nobody else.
 * A fresh folder carries only inherited entries, so this is its whole list; `windowsFix` also clears
 * explicit entries left on an existing one.
 */
export function windowsAclPlan(required: Pick<RequiredPath, 'path' | 'kind' | 'usersRead'>): ToolCommand[] {
  const inherit = required.kind === 'folder' ? '(OI)(CI)' : '';
  const grants = [`*${WINDOWS_SIDS.system}:${inherit}F`, `*${WINDOWS_SIDS.administrators}:${inherit}F`];
  if (required.usersRead) grants.push(`*${WINDOWS_SIDS.users}:${inherit}RX`);
  return [{ command: 'icacls', args: [required.path, '/inheritance:r', '/grant:r', ...grants] }];
}

/** The command line a technician runs to put a path's ACL right (cmd.exe). */
export function windowsFix(required: Pick<RequiredPath, 'path' | 'kind' | 'usersRead'>): string {
  const set = windowsAclPlan(required)[0]!;
  const quote = (a: string) => (/[\s()&^]/.test(a) ? `"${a}"` : a);
  return `icacls ${quote(required.path)} /reset && icacls ${set.args.map(quote).join(' ')}`;
}

export interface WindowsAce {
  principal: string;
  deny: boolean;
  /** Inheritance flags: I (inherited), OI, CI, IO (inherit only), NP. */
  flags: string[];
  /** F, M, RX, R, W, D, N, or specific rights (RD, WD, AD, …). */
  rights: string[];
}

/**
 * icacls output for one path: the first line starts with the path, the others are indented; each
 * entry is `PRINCIPAL:(flags)(rights)`. The summary line at the end is not an entry.
 */
export function parseIcacls(stdout: string, p: string): WindowsAce[] {
  const aces: WindowsAce[] = [];
  for (const raw of stdout.split(/\r?\n/)) {
    let line = raw.trim();
    if (!line) continue;
    if (line.toLowerCase().startsWith(p.toLowerCase())) line = line.slice(p.length).trim();
    const m = /^(.+?):((?:\([^()]*\))+)$/.exec(line);
    if (!m) continue;
    const groups = [...m[2]!.matchAll(/\(([^()]*)\)/g)].map((g) => g[1]!);
    const flags = groups.filter((g) => ['I', 'OI', 'CI', 'IO', 'NP'].includes(g));
    const rest = groups.filter((g) => !flags.includes(g) && g !== 'DENY');
    aces.push({ principal: m[1]!, deny: groups.includes('DENY'), flags, rights: rest.flatMap((r) => r.split(',')) });
  }
  return aces;
}

const READ_RIGHTS = new Set(['R', 'RX', 'GR', 'GE', 'RD', 'REA', 'X', 'RA', 'RC', 'S', 'N']);

/** What is wrong with a path's Windows ACL, or null: SYSTEM and Administrators full, Users read where allowed, nobody else. */
export function windowsAclProblem(required: Pick<RequiredPath, 'path' | 'what' | 'kind' | 'usersRead'>, aces: WindowsAce[]): string | null {
  const is = (ace: WindowsAce, who: keyof typeof WINDOWS_NAMES) => WINDOWS_NAMES[who].includes(ace.principal.toLowerCase());
  const allows = aces.filter((a) => !a.deny);
  const issues: string[] = [];
  for (const who of ['system', 'administrators'] as const) {
    if (!allows.some((a) => is(a, who) && a.rights.includes('F') && !a.flags.includes('IO')))
      issues.push(`${who === 'system' ? 'SYSTEM' : 'Administrators'} lack full control`);
  }
  for (const a of allows) {
    if (is(a, 'system') || is(a, 'administrators')) continue;
    const readOnly = a.rights.every((r) => READ_RIGHTS.has(r.toUpperCase()));
    if (is(a, 'users') && required.usersRead && readOnly) continue;
    issues.push(`${a.principal} has (${a.rights.join(',')})`);
  }
  if (!issues.length) return null;
  const must = required.usersRead
    ? 'SYSTEM and Administrators full control, Users read, nobody else'
    : 'SYSTEM and Administrators full control, nobody else';
  return `${required.what} ${required.path}: ${issues.join(', ')}; it must allow ${must}. Fix: ${windowsFix(required)}`;
}
