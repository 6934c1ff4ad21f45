// The wiring: reads and checks the machine config with everything it points at (the roster, the
// policy catalog, the LDAP password and CA files) and builds the adapters it names. Every problem is
// collected (never the first only), so a technician fixes a config in one pass.
import { readFile, stat } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { ConfigProblem } from './api/contract.ts';
import { configJsonSchema, configSchema } from './config/schema.ts';
import { resolvePaths, type ResolvedConfig } from './config/resolve.ts';
import { fileErrorWords, jsonErrorPosition, problemsFromZod } from './config/problems.ts';
import { decodeJsonText } from './config/json-text.ts';
import { isPropertyList, plutilJson, type PlistReader } from './config/managed-preferences.ts';
import { machineFolderOf } from './config/locate.ts';
import type { Directory } from './people.ts';
import { loadRoster, rosterWarnings, RosterDirectory, type Roster } from './directory/roster.ts';
import { loadCatalog, type Catalog } from './policy/catalog.ts';
import { checkoutResources } from './config/resources.ts';
import { loadDistrictLanguages } from './config/ui-strings.ts';
import type { UiStringTree } from './api/ui-language.ts';
import os from 'node:os';
import { APP_VERSION } from './version.ts';
import { NonDecreasingClock, systemClock, type Clock, type MonotonicMs } from './time.ts';
import { stderrLog, type KioskLog } from './log.ts';
import { sealDirIn } from './ledger/seal.ts';
import type { EvidenceLedger } from './evidence/evidence-ledger.ts';
import { decisionRulesFrom } from './kiosk/rules.ts';
import type { ConfigErrorService, KioskService } from './kiosk/kiosk-service.ts';

export interface KioskSetup {
  source: string;
  config: ResolvedConfig;
  catalog: Catalog;
  roster: Roster | null;
  /** Not wrong, but worth a technician's eye (a password file every user can read). */
  warnings: ConfigProblem[];
  /** SHA-256 of the config file's bytes: stamped on every acceptance, so evidence names the config in force. */
  configSha256: string;
  /** The UI strings of the district's own languages (not bundled with the renderer), by code. */
  uiStrings: Record<string, UiStringTree>;
}

export type SetupLoad = ({ ok: true } & KioskSetup) | { ok: false; source: string; problems: ConfigProblem[] };

async function readJson(
  file: string,
  readPlist: PlistReader = plutilJson,
): Promise<{ ok: true; json: unknown; sha256: string } | { ok: false; problem: ConfigProblem }> {
  let textContent: string;
  let sha256: string;
  try {
    const bytes = await readFile(file);
    sha256 = createHash('sha256').update(bytes).digest('hex');
    // macOS managed preferences (config/managed-preferences.ts): a property list, read as JSON.
    if (isPropertyList(file)) {
      try {
        textContent = await readPlist(file);
      } catch (error) {
        return { ok: false, problem: { path: '(file)', message: `cannot read the managed preferences ${file}: ${(error as Error).message}` } };
      }
    } else {
      const decoded = decodeJsonText(bytes);
      if (!decoded.ok) return { ok: false, problem: { path: '(file)', message: `the config file ${file} ${decoded.message}` } };
      textContent = decoded.text;
    }
  } catch (error) {
    return { ok: false, problem: { path: '(file)', message: `cannot read the config file ${file}: ${fileErrorWords(error)}` } };
  }
  try {
    return { ok: true, json: JSON.parse(textContent), sha256 };
  } catch (error) {
    return { ok: false, problem: { path: '(file)', message: `${file} is ${jsonErrorPosition(textContent, error)}` } };
  }
}

async function checkSecretFile(file: string, where: string, problems: ConfigProblem[], warnings: ConfigProblem[]) {
  try {
    const s = await stat(file);
    if (!s.isFile()) problems.push({ path: where, message: `${file} is not a file` });
    else if (s.size === 0) problems.push({ path: where, message: `${file} is empty` });
    else if (process.platform !== 'win32' && (s.mode & 0o004) !== 0) {
      warnings.push({
        path: where,
        message: `${file} can be read by every user on this machine; restrict it (chmod 640, owned by the kiosk's group)`,
      });
    }
  } catch (error) {
    problems.push({ path: where, message: `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? error}` });
  }
}

async function checkFile(file: string, where: string, problems: ConfigProblem[]) {
  try {
    if (!(await stat(file)).isFile()) problems.push({ path: where, message: `${file} is not a file` });
  } catch (error) {
    problems.push({ path: where, message: `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? error}` });
  }
}

export interface SetupOptions {
  /** Where `"bundled"` points (the packaged app's resources); the checkout's by default. */
  bundledCatalog?: string;
  /** Where the ledger and state go when the config names no folder; the OS data folder by default. */
  dataFolder?: string;
  /**
   * The folder relative paths in the config are read from: the config's own folder, except for macOS
   * managed preferences, whose paths are read from the machine folder (where the secrets are).
   */
  relativeTo?: string;
  /** How a property list (macOS managed preferences) becomes JSON: plutil by default. */
  readPlist?: PlistReader;
}

/** Reads and checks the config at `file` and all it refers to. */
export async function loadSetup(file: string, options: SetupOptions = {}): Promise<SetupLoad> {
  const source = path.resolve(file);
  const read = await readJson(source, options.readPlist);
  const relativeTo = options.relativeTo ?? (isPropertyList(source) ? machineFolderOf('darwin', {}) : path.dirname(source));
  if (!read.ok) return { ok: false, source, problems: [read.problem] };
  const parsed = configSchema.safeParse(read.json);
  if (!parsed.success) {
    // Still check the files the config names, so one pass shows every problem.
    const problems = problemsFromZod(parsed.error, read.json, '', configJsonSchema());
    const raw = read.json as { directory?: { type?: unknown; file?: unknown }; policies?: { catalog?: unknown } } | null;
    const folder = relativeTo;
    const clean = (p: string) => !problems.some((x) => x.path.startsWith(p));
    if (raw?.directory?.type === 'roster' && typeof raw.directory.file === 'string' && clean('directory.file')) {
      const r = await loadRoster(path.resolve(folder, raw.directory.file), 'directory.file');
      if (!r.ok) problems.push(...r.problems);
    }
    const catalog = raw?.policies?.catalog;
    if (typeof catalog === 'string' && catalog !== 'bundled' && clean('policies.catalog')) {
      const c = await loadCatalog(path.resolve(folder, catalog), { prefix: 'policies.catalog' });
      if (!c.ok) problems.push(...c.problems);
    }
    return { ok: false, source, problems };
  }

  const config = resolvePaths(parsed.data, relativeTo, options.dataFolder);
  const problems: ConfigProblem[] = [];
  const warnings: ConfigProblem[] = [];

  let roster: Roster | null = null;
  if (config.directory.type === 'roster') {
    const r = await loadRoster(config.directory.file, 'directory.file');
    if (r.ok) {
      roster = r.roster;
      warnings.push(...rosterWarnings(r.roster, 'directory.file'));
    } else problems.push(...r.problems);
  } else {
    await checkSecretFile(config.directory.bindPasswordFile, 'directory.bindPasswordFile', problems, warnings);
    if (config.directory.tls.caFile) await checkFile(config.directory.tls.caFile, 'directory.tls.caFile', problems);
    if (config.directory.tls.mode === 'none') {
      warnings.push({ path: 'directory.tls.mode', message: "plain LDAP sends teachers' passwords over the network unencrypted" });
    }
  }
  if (config.district.logo) {
    await checkFile(config.district.logo, 'district.logo', problems);
    if (!/\.(png|svg|jpe?g|webp)$/i.test(config.district.logo))
      problems.push({ path: 'district.logo', message: 'expected a PNG, SVG, JPEG or WebP image' });
    else if (((await stat(config.district.logo).catch(() => null))?.size ?? 0) > 512 * 1024) {
      problems.push({ path: 'district.logo', message: 'the logo is larger than 512 KB; use a smaller image' });
    }
  }
  if (config.central?.postgres.passwordFile) {
    await checkSecretFile(config.central.postgres.passwordFile, 'central.postgres.passwordFile', problems, warnings);
  }

  const folder = config.policies.catalog === 'bundled' ? (options.bundledCatalog ?? checkoutResources().policies) : config.policies.catalog;
  const c = await loadCatalog(folder, { prefix: 'policies.catalog', gradeBands: Object.keys(config.district.gradeBands) });
  if (!c.ok) problems.push(...c.problems);
  // The district's own UI languages: languages.folder, else locales/ beside its catalog.
  const localeFolder = config.languages.folder ?? (config.policies.catalog === 'bundled' ? undefined : path.join(folder, 'locales'));
  const languages = await loadDistrictLanguages(config.languages.offered, localeFolder);
  problems.push(...languages.problems);
  warnings.push(...languages.warnings);

  if (problems.length || !c.ok) return { ok: false, source, problems };
  return { ok: true, source, config, catalog: c.catalog, roster, warnings, configSha256: read.sha256, uiStrings: languages.strings };
}

/** The directory a config names: the roster file, or the district's LDAP / Active Directory. */
export async function directoryFor(setup: Pick<KioskSetup, 'config' | 'roster'>): Promise<Directory> {
  const d = setup.config.directory;
  if (d.type === 'roster') {
    if (!setup.roster) throw new Error('roster directory without a loaded roster');
    return new RosterDirectory(setup.roster);
  }
  // Loaded only where LDAP is configured: roster kiosks and most CLI commands never pay for ldapts.
  const { LdapDirectory, readSecretFile } = await import('./directory/ldap-directory.ts');
  const mode = d.tls.mode ?? (d.url.toLowerCase().startsWith('ldaps://') ? 'ldaps' : 'starttls');
  return new LdapDirectory({
    url: d.url,
    bindDn: d.bindDn,
    bindPassword: await readSecretFile(d.bindPasswordFile),
    userBase: d.userBase,
    userFilter: d.userFilter,
    groups: d.groups,
    gradeAttribute: d.gradeAttribute,
    displayNameAttribute: d.displayNameAttribute,
    memberAttribute: d.memberAttribute,
    ...(d.languageAttribute ? { languageAttribute: d.languageAttribute } : {}),
    ...(d.privilegesAttribute ? { privilegesAttribute: d.privilegesAttribute } : {}),
    ...(d.guardianDeniedAttribute ? { guardianDeniedAttribute: d.guardianDeniedAttribute } : {}),
    tls: { mode, ...(d.tls.caFile ? { caFile: d.tls.caFile } : {}) },
    timeoutMs: d.timeoutSeconds * 1000,
  });
}

export interface OpenKioskOptions extends SetupOptions {
  configFile: string;
  /** The room grants' polling (5 s) and how old a list may be before it says nothing (30 s): tests shorten them. */
  rooms?: { pollMs?: number; maxAgeMs?: number; listen?: boolean };
  /** The config already loaded and checked (the machine service checks its folders first). */
  loaded?: Extract<SetupLoad, { ok: true }>;
  /** The wall clock (default: the system's). */
  clock?: Clock;
  /** The monotonic clock the kiosk's time is guarded with (default: the OS's, when `clock` is not given). */
  monotonic?: MonotonicMs;
  log?: KioskLog;
  machine?: string;
  appVersion?: string;
}

const IMAGE_TYPES: Record<string, string> = {
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
};

/** The district logo travels in the view as a data: URL, so every transport shows it alike. */
async function logoDataUrl(file: string): Promise<string> {
  const type = IMAGE_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
  return `data:${type};base64,${(await readFile(file)).toString('base64')}`;
}

/**
 * Builds KioskService from the machine config: the lock store, the evidence ledger (and the district
 * database, where configured), the directory. A config with problems — or a ledger or directory that
 * cannot be opened — gives a ConfigErrorService: every session then shows the problems, nothing opens.
 */
export async function openKioskService(options: OpenKioskOptions): Promise<KioskService | ConfigErrorService> {
  // Loaded here, not with this module: the CLI reads configs through loadSetup without paying for the
  // lock store, the database driver and the service.
  const [{ ConfigErrorService, KioskService }, { ConfLockStore }, { openEvidenceLedger }, { RoomGrantsClient }] = await Promise.all([
    import('./kiosk/kiosk-service.ts'),
    import('./lock/lock-store.ts'),
    import('./evidence/evidence-ledger.ts'),
    import('./central/kiosk-role/rooms.ts'),
  ]);
  const log = options.log ?? stderrLog;
  let clock = options.clock ?? systemClock;
  const loaded = options.loaded ?? (await loadSetup(options.configFile, options));
  const failed = (problems: ConfigProblem[]) => new ConfigErrorService(loaded.source, problems, clock);
  if (!loaded.ok) {
    log.write('error', 'config has problems', { source: loaded.source, problems: loaded.problems });
    return failed(loaded.problems);
  }
  log.write('info', 'config loaded', { source: loaded.source, directory: loaded.config.directory.type });
  for (const w of loaded.warnings) log.write('warn', 'config warning', { ...w });
  const { config } = loaded;
  const rules = decisionRulesFrom(config);
  const machine = options.machine ?? os.hostname();
  const lockStore = new ConfLockStore(config.state.dir, () => ({
    failures: config.lock.maxFailedAttempts,
    lockedUntil: new Date(clock.now().getTime() + config.lock.lockoutSeconds * 1000).toISOString(),
  }));
  // The kiosk's time never runs backwards, not even across a restart. Tests that pass a bare clock
  // drive time themselves; passing `monotonic` too gives them the real guard over their clock.
  if (!options.clock || options.monotonic) clock = new NonDecreasingClock(clock, options.monotonic, lockStore.clockFloor());
  let evidence: EvidenceLedger;
  try {
    evidence = await openEvidenceLedger({
      dir: config.ledger.dir,
      clock,
      timeZone: config.district.timeZone,
      schoolYearStart: config.district.schoolYearStart,
      machine: {
        machine,
        campus: config.site.campus,
        room: config.site.room,
        appVersion: options.appVersion ?? APP_VERSION,
      },
      log,
      // The high-water mark beside the lock state: a deleted ledger file or a cut-off tail shows.
      seal: { dir: sealDirIn(config.state.dir) },
      ...(config.central ? { central: config.central.postgres } : {}),
    });
  } catch (error) {
    const problem = { path: 'ledger.dir', message: (error as Error).message };
    log.write('error', 'ledger cannot be opened', { ...problem });
    return failed([problem]);
  }
  let directory: Directory;
  try {
    directory = await directoryFor(loaded);
  } catch (error) {
    // The password file was there when the config was checked, and is not now: still a config error.
    const problem = { path: 'directory', message: (error as Error).message };
    log.write('error', 'directory cannot be set up', { ...problem });
    await evidence.close();
    return failed([problem]);
  }
  // The class period (issue 11): the room's grants through the district database, where there is one.
  const rooms = config.central
    ? await RoomGrantsClient.open(
        config.central.postgres,
        { campus: config.site.campus, room: config.site.room, machine },
        { log, ...(options.rooms?.pollMs ? { pollMs: options.rooms.pollMs } : {}), ...(options.rooms?.listen === false ? { listen: false } : {}) },
      )
    : undefined;
  const logo = config.district.logo ? await logoDataUrl(config.district.logo).catch(() => undefined) : undefined;
  for (const p of lockStore.problems) log.write('warn', p);
  return new KioskService(
    {
      directory,
      evidence,
      lockStore,
      rules,
      catalog: loaded.catalog,
      site: {
        district: { name: config.district.name, ...(logo ? { logo } : {}) },
        campus: config.site.campus,
        room: config.site.room,
        timeZone: config.district.timeZone,
        languages: config.languages,
        uiStrings: loaded.uiStrings,
        configSha256: loaded.configSha256,
      },
      clock,
      log,
      ...(rooms ? { rooms } : {}),
      ...(options.rooms?.maxAgeMs ? { roomListMaxAgeMs: options.rooms.maxAgeMs } : {}),
    },
    loaded.source,
  );
}
