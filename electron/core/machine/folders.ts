// The machine service's folders (docs/design.md "The machine service"), found from the system's own values
// and never from a user's environment: `%ProgramData%` can be redefined per account, so on Windows it
// comes from the registry. Each path carries what it must be (owner root, mode bits; on Windows whether
// standard users may read it); machine/permissions.ts checks them.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { existsSync } from 'node:fs';
import { DEFAULT_PROGRAM_DATA, machineConfigFile, machineDataFolderOf, machineFolderOf, type SystemValues } from '../config/locate.ts';
import { managedPreferencesFile } from '../config/managed-preferences.ts';
import type { KioskLog } from '../log.ts';

export type { SystemValues } from '../config/locate.ts';

export type ServicePlatform = 'win32' | 'darwin' | 'linux';

/** A path the service relies on, and what it must be. */
export interface RequiredPath {
  path: string;
  /** A technician's name for it ("the state folder"). */
  what: string;
  kind: 'folder' | 'file';
  /** The mode the service creates it with, and the one a fix names. */
  mode: number;
  /** Permission bits that may be set (owner root); any other is a problem. */
  allowed: number;
  /** The service creates it when missing (data and run folders); the installer makes the others. */
  create: boolean;
  /** Missing is fine (no policies folder while the catalog is bundled). */
  optional: boolean;
  /** Windows: standard users may read it (config, policies); otherwise SYSTEM and Administrators only. */
  usersRead: boolean;
}

export interface ServiceFolders {
  platform: ServicePlatform;
  /** Installed by the installer or the technician; the service only reads them. */
  config: { folder: string; file: string; policies: string; secrets: string };
  /** The service's own, root's alone (0700): the ledger, the lock state and lockouts, the ledger's seal. */
  data: { folder: string; ledger: string; state: string; seal: string };
  /** The local channel: the socket (a named pipe on Windows) and the per-account token folders' root. */
  run: { folder: string | null; socket: string; sessions: string };
  /** Every path above with what it must be, parents before children. */
  required: RequiredPath[];
}

export function servicePlatform(platform: NodeJS.Platform): ServicePlatform {
  return platform === 'win32' || platform === 'darwin' ? platform : 'linux';
}

const folder = (p: string, what: string, mode: number, allowed: number, more: Partial<RequiredPath> = {}): RequiredPath => ({
  path: p,
  what,
  kind: 'folder',
  mode,
  allowed,
  create: false,
  optional: false,
  usersRead: false,
  ...more,
});

/**
 * The service's folders. `system`: the system's own values (`readSystemValues`); `root`: a prefix for
 * every path (tests build the tree in a temp folder and never touch /etc; ignored on Windows).
 *
 * Linux: /etc/aup-kiosk (config, policies, secrets), /var/lib/aup-kiosk (ledger, state, seal),
 * /run/aup-kiosk (socket, sessions). macOS: /Library/Application Support/AUP Kiosk (config, policies,
 * secrets) and its data/ folder, and /private/var/run/aup-kiosk (cleared at boot like /run; /var is a
 * symbolic link on macOS, and the service follows none). Windows: %ProgramData%\AUP Kiosk, as the
 * registry says, with data\ and sessions\ in it and the channel a named pipe.
 */
export function serviceFolders(platform: NodeJS.Platform, system: SystemValues = {}, options: { root?: string } = {}): ServiceFolders {
  const p = servicePlatform(platform);
  if (p === 'win32') {
    const machine = machineFolderOf('win32', { programData: system.programData || DEFAULT_PROGRAM_DATA });
    const data = machineDataFolderOf('win32', { programData: system.programData || DEFAULT_PROGRAM_DATA });
    const at = (...parts: string[]) => path.win32.join(...parts);
    const config = { folder: machine, file: machineConfigFile('win32', machine), policies: at(machine, 'policies'), secrets: at(machine, 'secrets') };
    const d = { folder: data, ledger: at(data, 'ledger'), state: at(data, 'state'), seal: at(data, 'seal') };
    const run = { folder: null, socket: '\\\\.\\pipe\\aup-kiosk', sessions: at(machine, 'sessions') };
    return { platform: p, config, data: d, run, required: requiredPaths(config, d, run) };
  }
  const at = (abs: string, ...parts: string[]) => path.join(options.root ?? '/', abs, ...parts);
  const machine = at(machineFolderOf(p, {}));
  const dataFolder = at(machineDataFolderOf(p, {}));
  const runFolder = at(p === 'darwin' ? '/private/var/run/aup-kiosk' : '/run/aup-kiosk');
  const config = {
    folder: machine,
    file: machineConfigFile(p, machine),
    policies: path.join(machine, 'policies'),
    secrets: path.join(machine, 'secrets'),
  };
  const data = {
    folder: dataFolder,
    ledger: path.join(dataFolder, 'ledger'),
    state: path.join(dataFolder, 'state'),
    seal: path.join(dataFolder, 'seal'),
  };
  const run = { folder: runFolder, socket: path.join(runFolder, 'service.sock'), sessions: path.join(runFolder, 'sessions') };
  return { platform: p, config, data, run, required: requiredPaths(config, data, run) };
}

function requiredPaths(config: ServiceFolders['config'], data: ServiceFolders['data'], run: ServiceFolders['run']): RequiredPath[] {
  // Config holds no secret: users may read it, nobody but root may change it.
  const paths = [
    folder(config.folder, 'the config folder', 0o755, 0o755, { usersRead: true }),
    folder(config.policies, 'the policies folder', 0o755, 0o755, { optional: true, usersRead: true }),
    folder(config.secrets, 'the secrets folder', 0o700, 0o700, { optional: true }),
    // The data folder holds only the 0700 folders below; root may have left it 0755.
    folder(data.folder, 'the data folder', 0o700, 0o755, { create: true }),
    folder(data.ledger, 'the ledger folder', 0o700, 0o700, { create: true }),
    folder(data.state, 'the state folder', 0o700, 0o700, { create: true }),
    folder(data.seal, "the ledger's seal folder", 0o700, 0o700, { create: true }),
  ];
  // Users connect to the socket and read their own token under sessions/<account>/; they create nothing.
  if (run.folder) paths.push(folder(run.folder, 'the run folder', 0o755, 0o755, { create: true }));
  paths.push(folder(run.sessions, 'the sessions folder', 0o755, 0o755, { create: true }));
  return paths;
}

/** The same folders, with the ledger and state folders the machine config names (`ledger.dir`, `state.dir`). */
export function foldersForConfig(folders: ServiceFolders, dirs: { ledger: { dir: string }; state: { dir: string } }): ServiceFolders {
  const data = { ...folders.data, ledger: dirs.ledger.dir, state: dirs.state.dir };
  const required = folders.required.map((r) =>
    r.path === folders.data.ledger ? { ...r, path: data.ledger } : r.path === folders.data.state ? { ...r, path: data.state } : r,
  );
  return { ...folders, data, required };
}

/**
 * The config the installed service reads: the machine location only. `--config` and
 * `AUP_KIOSK_CONFIG` are refused with a note (whoever starts the process chooses them). On macOS the
 * managed preferences of a configuration profile, where present, are the machine config
 * (config/managed-preferences.ts), and config.json beside them is not read (said in a note).
 */
export function serviceConfigLocation(
  folders: ServiceFolders,
  given: { flag?: string; env?: NodeJS.ProcessEnv } = {},
  options: { root?: string; exists?: (file: string) => boolean } = {},
): { file: string; notes: string[]; managed: boolean } {
  const notes: string[] = [];
  const exists = options.exists ?? existsSync;
  const managed = folders.platform === 'darwin' ? managedPreferencesFile(options.root) : null;
  const isManaged = managed !== null && exists(managed);
  if (isManaged) {
    notes.push(
      `the machine config is the managed preferences ${managed} (a configuration profile)${exists(folders.config.file) ? `; ${folders.config.file} is not read` : ''}`,
    );
  }
  const file = isManaged ? managed : folders.config.file;
  if (given.flag) notes.push(`--config ${given.flag} is ignored: the machine service reads only the machine config ${file}`);
  if (given.env?.AUP_KIOSK_CONFIG)
    notes.push(`AUP_KIOSK_CONFIG (${given.env.AUP_KIOSK_CONFIG}) is ignored: the machine service reads only the machine config ${file}`);
  return { file, notes, managed: isManaged };
}

// ---- Windows: %ProgramData% from the registry -------------------------------------------------

/** A command a plan runs: a program and its arguments, never a shell line. */
export interface ToolCommand {
  command: string;
  args: string[];
}

export interface ToolRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** The program could not be started (ENOENT: not installed). */
  error?: string;
}

/** Runs a system tool (reg, icacls, ls, getfacl). */
export type Runner = (command: ToolCommand) => Promise<ToolRun>;

/** The real runner: no shell, no window, a time limit. */
export const runTool: Runner = ({ command, args }) =>
  new Promise((resolve) => {
    execFile(command, args, { windowsHide: true, timeout: 10_000, encoding: 'utf8' }, (error, stdout, stderr) => {
      const code = error ? (typeof (error as NodeJS.ErrnoException).code === 'number' ? Number(error.code) : null) : 0;
      const spawnFailed = error && typeof (error as NodeJS.ErrnoException).code === 'string';
      resolve({ code, stdout, stderr, ...(spawnFailed ? { error: String((error as NodeJS.ErrnoException).code) } : {}) });
    });
  });

const CURRENT_VERSION = 'HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion';

/**
 * What the service asks the registry (reg.exe, 64-bit view): where ProgramData is
 * (`%SystemDrive%\ProgramData`, REG_EXPAND_SZ) and the Windows folder, whose drive is %SystemDrive%.
 */
export const PROGRAM_DATA_PLAN = {
  programData: { command: 'reg', args: ['query', `${CURRENT_VERSION}\\ProfileList`, '/v', 'ProgramData', '/reg:64'] },
  systemRoot: { command: 'reg', args: ['query', CURRENT_VERSION, '/v', 'SystemRoot', '/reg:64'] },
} as const satisfies Record<string, ToolCommand>;

/** One value from `reg query KEY /v NAME` output, or null. */
export function parseRegValue(stdout: string, name: string): { type: string; data: string } | null {
  for (const line of stdout.split(/\r?\n/)) {
    const m = /^ {4}(.+?) {4}(REG_[A-Z_]+)(?: {4}(.*))?$/.exec(line.trimEnd());
    if (m && m[1]!.toLowerCase() === name.toLowerCase()) return { type: m[2]!, data: (m[3] ?? '').trim() };
  }
  return null;
}

/**
 * %ProgramData% from the two reg outputs: the ProfileList value with %SystemDrive% and %SystemRoot%
 * expanded from the registry's SystemRoot. Anything else (a failed query, another variable, not an
 * absolute path) falls back to C:\ProgramData, with a note for the log.
 */
export function programDataFrom(outputs: { programData: ToolRun; systemRoot: ToolRun }): { programData: string; note?: string } {
  const fallback = (why: string) => ({
    programData: DEFAULT_PROGRAM_DATA,
    note: `${why}; using ${DEFAULT_PROGRAM_DATA} (the environment's %ProgramData% is never used: a user can redefine it)`,
  });
  if (outputs.programData.code !== 0) return fallback('the registry value ProfileList\\ProgramData could not be read');
  const value = parseRegValue(outputs.programData.stdout, 'ProgramData');
  if (!value || !value.data) return fallback('the registry has no ProfileList\\ProgramData value');
  const systemRoot = outputs.systemRoot.code === 0 ? parseRegValue(outputs.systemRoot.stdout, 'SystemRoot')?.data : undefined;
  const root = systemRoot && /^[A-Za-z]:\\/.test(systemRoot) ? systemRoot : undefined;
  let unknown: string | undefined;
  const expanded = value.data.replace(/%([^%]+)%/g, (whole, name: string) => {
    const n = name.toLowerCase();
    if (n === 'systemdrive' && root) return root.slice(0, 2);
    if (n === 'systemroot' && root) return root;
    unknown ??= whole;
    return whole;
  });
  if (unknown) return fallback(`ProfileList\\ProgramData is ${value.data}, and ${unknown} cannot be read from the registry`);
  if (!/^[A-Za-z]:\\[^%<>|"?*]*$/.test(expanded)) return fallback(`ProfileList\\ProgramData is ${value.data}, not a folder on a drive`);
  return { programData: expanded.replace(/\\+$/, '') };
}

/**
 * The system's own values for `serviceFolders`. On Windows: ProgramData from the registry (falling back
 * to C:\ProgramData, said in the log). Elsewhere the folders are fixed and there is nothing to read.
 */
export async function readSystemValues(platform: NodeJS.Platform, options: { run?: Runner; log?: KioskLog } = {}): Promise<SystemValues> {
  if (platform !== 'win32') return {};
  const run = options.run ?? runTool;
  const [programData, systemRoot] = await Promise.all([run(PROGRAM_DATA_PLAN.programData), run(PROGRAM_DATA_PLAN.systemRoot)]);
  const found = programDataFrom({ programData, systemRoot });
  if (found.note) options.log?.write('warn', found.note);
  const root = systemRoot.code === 0 ? parseRegValue(systemRoot.stdout, 'SystemRoot')?.data : undefined;
  return { programData: found.programData, ...(root ? { systemRoot: root } : {}) };
}
