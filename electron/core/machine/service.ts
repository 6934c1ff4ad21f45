// The machine service (aup-service): KioskService for the whole machine, one process, as root or
// SYSTEM (docs/design.md "The machine service"). It alone reads the machine config and the secrets, and
// alone writes the ledger, the lock state, the lockouts and the sync cursor, in folders standard
// users can neither write nor read. The kiosk screens in each signed-in session are its clients over
// the local channel, each proven by the OS to be the account it says. It checks its folders before it
// trusts them: a wrong owner, a mode too open or a symbolic link is a config error, and a machine with
// a config error opens nothing. It watches the signed-in sessions and ends a locked student session
// whose screens are gone.
import { mkdir, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ConfigProblem, KioskViewKind } from '../api/contract.ts';
import type { KioskLog } from '../log.ts';
import { managedPreferencesFile } from '../config/managed-preferences.ts';
import type { Clock, MonotonicMs } from '../time.ts';
import { systemClock } from '../time.ts';
import { APP_VERSION } from '../version.ts';
import { loadSetup, openKioskService } from '../setup.ts';
import { ConfigErrorService, type KioskHost, type KioskService } from '../kiosk/kiosk-service.ts';
import { readSystemValues, serviceConfigLocation, serviceFolders, foldersForConfig, type ServiceFolders } from './folders.ts';
import { machineConfigProblems, mergeProblems, serviceProblems } from './permissions.ts';
import { startChannel, type Channel } from './channel.ts';
import type { AccountIdentity } from './capability.ts';
import { ScreenWatch, type SessionEndResult } from './screen-watch.ts';

export interface MachineServiceOptions {
  log: KioskLog;
  platform?: NodeJS.Platform;
  /** A prefix for every folder (tests and staging build the tree in a temp folder). */
  root?: string;
  bundledCatalog?: string;
  clock?: Clock;
  monotonic?: MonotonicMs;
  machine?: string;
  /** The kiosk username of an OS account, or why it has none (`accountUser` on the config by default). */
  accountToUser?: (account: string) => AccountUser;
  /** Ends an OS session (the OS plan by default). */
  endSession?: (account: string) => Promise<SessionEndResult>;
  /** The OS's signed-in accounts (human accounts only), polled every `pollMs`. */
  listSignedIn?: () => Promise<string[]>;
  pollMs?: number;
  /** Tests narrow how accounts resolve (never widen): passed to the channel. */
  resolveAccount?: (account: string) => Promise<AccountIdentity | null>;
  /**
   * Called once when the service started with config problems and a config file it may read appears or
   * changes (the MSI landed before the config): `aup service run` then exits, and systemd, launchd or the
   * SYSTEM task start it again on the new config. Checked every `pollMs`.
   */
  onConfigChanged?: () => void;
  /** Channel limits for tests (handshake timeout, rates). */
  channel?: Partial<Pick<Parameters<typeof startChannel>[0], 'handshakeTimeoutMs' | 'requestsPerSecond' | 'burst' | 'closeAfterRefusals'>>;
}

export interface ServiceStatus {
  pid: number;
  since: string;
  version: string;
  config: string;
  problems: ConfigProblem[];
  socket: string;
  /** Accounts with kiosk screens connected now, and how many. */
  screens: Record<string, number>;
  updatedAt: string;
}

export interface MachineService {
  readonly folders: ServiceFolders;
  readonly kiosk: KioskHost;
  readonly watch: ScreenWatch;
  readonly channel: Channel;
  status(): ServiceStatus;
  close(): Promise<void>;
}

/** Which OS accounts are the directory's users: the config's `service.accountDomains` and `service.localAccounts`. */
export interface AccountRules {
  accountDomains: readonly string[];
  localAccounts?: boolean | undefined;
}

export type AccountUser = { ok: true; user: string } | { ok: false; why: string };

/**
 * The kiosk username of an OS account: `DOMAIN\name` and `name@suffix` are the directory's `name`
 * (lower case) only when DOMAIN or the suffix is one the district listed, whole and in any case; a
 * name without a domain (`name`, `.\name`) only where local accounts are allowed (by default, where
 * no domain is listed). Anything else has no user: a student's `STUDENTS\jlee` or
 * `jlee@students.lockhart.org` must never be the teacher `jlee` of a trusted domain.
 */
export function accountUser(account: string, rules: AccountRules): AccountUser {
  const domains = new Set(rules.accountDomains.map((d) => d.toLowerCase()));
  const localAllowed = rules.localAccounts ?? domains.size === 0;
  const slashes = account.split('\\').length - 1;
  const ats = account.split('@').length - 1;
  if (slashes > 1 || ats > 1 || (slashes && ats)) return { ok: false, why: 'the account name has more than one domain part' };
  let name = account;
  let domain: string | null = null;
  if (slashes) {
    const at = account.indexOf('\\');
    domain = account.slice(0, at);
    name = account.slice(at + 1);
    if (domain === '.') domain = null; // .\name: this computer's own account
  } else if (ats) {
    const at = account.indexOf('@');
    name = account.slice(0, at);
    domain = account.slice(at + 1);
  }
  if (!name.trim()) return { ok: false, why: 'the account has no name' };
  if (domain === null) {
    if (!localAllowed) return { ok: false, why: 'a local account (no domain), and service.localAccounts does not allow local accounts' };
  } else if (!domain) {
    return { ok: false, why: 'the account has an empty domain' };
  } else if (!domains.has(domain.toLowerCase())) {
    return {
      ok: false,
      why: domains.size
        ? `the domain "${domain}" is not one of service.accountDomains (${[...rules.accountDomains].join(', ')})`
        : `the domain "${domain}" is not trusted: service.accountDomains lists none`,
    };
  }
  return { ok: true, user: name.toLowerCase() };
}

export const STATUS_FILE = 'service-status.json';

export async function startMachineService(options: MachineServiceOptions): Promise<MachineService> {
  const { log } = options;
  const platform = options.platform ?? process.platform;
  const since = new Date().toISOString();
  // Whatever umask the unit or a technician's shell started it with (UMask=0000 made the ledger 0666):
  // what the service creates is root's alone unless it says otherwise (the socket 0666, the run and
  // sessions folders 0755 and the token folders are set explicitly). Given back when it closes.
  const umask = process.platform === 'win32' ? null : process.umask(0o077);
  const system = await readSystemValues(platform, { log });
  let folders = serviceFolders(platform, system, options.root ? { root: options.root } : {});
  const location = serviceConfigLocation(folders, {}, options.root ? { root: options.root } : {});
  const file = location.file;
  for (const note of location.notes) log.write('info', 'config source', { note });
  const clock = options.clock ?? systemClock;

  // Check before trusting: the config (root's, unchangeable by others) before it is read at all,
  // then the folders and the secrets it names.
  const configProblems = await machineConfigProblems(file, { platform });
  const loaded = configProblems.length
    ? { ok: false as const, source: file, problems: [] as ConfigProblem[] }
    : await loadSetup(file, {
        dataFolder: folders.data.folder,
        // Managed preferences too read their relative paths from the machine folder.
        relativeTo: folders.config.folder,
        ...(options.bundledCatalog ? { bundledCatalog: options.bundledCatalog } : {}),
      });
  if (loaded.ok) folders = foldersForConfig(folders, loaded.config);
  const problems = mergeProblems(
    configProblems,
    loaded.ok ? [] : loaded.problems,
    await serviceProblems(folders, file, loaded.ok ? loaded.config : null, { allowCreate: true, platform }),
  );

  let kiosk: KioskHost;
  if (problems.length || !loaded.ok) {
    log.write('error', 'the machine service opens nothing until its config and folders are right', { config: file, problems });
    kiosk = new ConfigErrorService(file, problems, clock);
  } else {
    kiosk = await openKioskService({
      configFile: file,
      loaded,
      log,
      ...(options.clock ? { clock: options.clock } : {}),
      ...(options.monotonic ? { monotonic: options.monotonic } : {}),
      ...(options.machine ? { machine: options.machine } : {}),
    });
  }
  kiosk.startTimer();

  const rules: AccountRules = loaded.ok ? loaded.config.service : { accountDomains: [] };
  const accountToUser = options.accountToUser ?? ((account: string) => accountUser(account, rules));
  const exempt = new Set((loaded.ok ? loaded.config.service.exemptAccounts : []).map((a) => a.toLowerCase()));
  const graceMs = (loaded.ok ? loaded.config.service.screenGraceSeconds : 15) * 1000;
  // An account of a domain the district does not trust gets no session: its screens are refused, and
  // the watch treats it as locked (a session without kiosk screens, signed out after the grace).
  const userOf = (account: string): string => {
    const mapped = accountToUser(account);
    if (mapped.ok) return mapped.user;
    log.write('warn', 'an OS account gets no kiosk session', { account, why: mapped.why });
    throw new Error(`no kiosk session for the account "${account}": ${mapped.why}`);
  };
  const isExempt = (account: string): boolean => {
    if (exempt.has(account.toLowerCase())) return true;
    // By its directory name only when it is the directory's: STUDENTS\techadmin is not techadmin.
    const mapped = accountToUser(account);
    return mapped.ok && exempt.has(mapped.user);
  };

  const viewOf = async (account: string): Promise<KioskViewKind> => {
    const session = kiosk.session(userOf(account));
    try {
      return (await session.getView()).kind;
    } finally {
      session.dispose();
    }
  };
  const service = kiosk as KioskService;
  const watch = new ScreenWatch({
    viewOf,
    endSession: options.endSession ?? (() => Promise.reject(new Error('no way to end a session on this OS'))),
    record: async (account, entry) => {
      if (!('record' in service)) return;
      const mapped = accountToUser(account);
      const saved = await service.record({ type: 'session-ended', user: mapped.ok ? mapped.user : account, ...entry });
      if (!saved) throw new Error('the ledger did not take the record');
    },
    graceMs,
    exempt: isExempt,
    log,
  });

  const channel = await startChannel({
    host: { session: (account) => kiosk.session(userOf(account)) },
    socketPath: folders.run.socket,
    sessionsRoot: folders.run.sessions,
    onConnected: (account) => watch.connected(account),
    onDisconnected: (account) => watch.disconnected(account),
    log,
    ...(options.resolveAccount ? { resolveAccount: options.resolveAccount } : {}),
    ...options.channel,
  });

  const status = (): ServiceStatus => ({
    pid: process.pid,
    since,
    version: APP_VERSION,
    config: file,
    problems,
    socket: folders.run.socket,
    screens: watch.screens(),
    updatedAt: new Date().toISOString(),
  });
  const statusFile = path.join(folders.data.folder, STATUS_FILE);
  const writeStatus = async () => {
    try {
      await mkdir(folders.data.folder, { recursive: true, mode: 0o700 });
      await writeFile(`${statusFile}.tmp`, JSON.stringify(status(), null, 2), { mode: 0o600 });
      await rename(`${statusFile}.tmp`, statusFile);
    } catch (error) {
      log.write('warn', 'cannot write the service status', { file: statusFile, error: (error as Error).message });
    }
  };

  // A machine with a config error watches for the config to come (or be fixed): every file it may read.
  const candidates = [folders.config.file, ...(folders.platform === 'darwin' ? [managedPreferencesFile(options.root)] : [])];
  const signature = async () =>
    (
      await Promise.all(
        candidates.map((f) =>
          stat(f).then(
            (s) => `${s.size}:${s.mtimeMs}:${s.ino}`,
            () => '-',
          ),
        ),
      )
    ).join('|');
  const startedWith = problems.length && options.onConfigChanged ? await signature() : null;
  let configChangeSaid = false;
  const watchConfig = async () => {
    if (startedWith === null || configChangeSaid || (await signature()) === startedWith) return;
    configChangeSaid = true;
    log.write('info', 'the machine config changed; the service restarts to read it', { config: file });
    options.onConfigChanged?.();
  };

  let polling: NodeJS.Timeout | null = null;
  const poll = async () => {
    await watchConfig();
    if (options.listSignedIn) {
      try {
        watch.signedIn(await options.listSignedIn());
      } catch (error) {
        log.write('warn', 'cannot list the signed-in sessions', { error: (error as Error).message });
      }
    }
    await writeStatus();
  };
  await poll();
  // A session without screens is seen within about half a grace (at least every 5 s).
  polling = setInterval(() => void poll(), options.pollMs ?? Math.min(5000, graceMs / 2));
  polling.unref?.();
  log.write('info', 'machine service started', { config: file, socket: folders.run.socket, problems: problems.length, graceSeconds: graceMs / 1000 });

  return {
    folders,
    kiosk,
    watch,
    channel,
    status,
    async close() {
      if (polling) clearInterval(polling);
      await watch.close();
      await channel.close();
      await kiosk.close();
      if (umask !== null) process.umask(umask);
      log.write('info', 'machine service stopped');
    },
  };
}
