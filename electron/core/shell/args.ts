// The command line of the packaged executable. `"AUP Kiosk.exe" config validate` is the `aup` CLI
// (no window); anything else starts the kiosk, which reads `--config F` and, in a development build
// only, `--user U`. The same executable is what a student can start by hand, so what a packaged
// kiosk accepts from its command line or environment is decided here, with a note for the log.
import { openSync, closeSync } from 'node:fs';
import { locateConfig, type ConfigLocation } from '../config/locate.ts';

export type ShellArgs = { mode: 'cli'; argv: string[] } | { mode: 'kiosk'; config?: string; user?: string; notes: string[] };

/**
 * Switches that would open the kiosk to inspection or weaken its sandbox. A packaged kiosk removes
 * them before Chromium acts on them (the fuses already refuse --inspect and NODE_OPTIONS).
 */
export const FORBIDDEN_SWITCHES = [
  'remote-debugging-port',
  'remote-debugging-pipe',
  'remote-debugging-address',
  'remote-allow-origins',
  'inspect',
  'inspect-brk',
  'inspect-port',
  'js-flags',
  'no-sandbox',
  'disable-web-security',
  'user-data-dir',
  'proxy-server',
  'host-rules',
  'load-extension',
] as const;

const OWN_SWITCHES = new Set(['config', 'user', 'help', 'h']);
const switchName = (arg: string) => /^--?([a-z0-9][a-z0-9-]*)(?:=|$)/i.exec(arg)?.[1]?.toLowerCase();

/**
 * `argv`: the arguments after the executable (packaged) or after the app path (development).
 * A first argument that is a word (`config`, `ledger`, `help`, …) or `--help` means the CLI
 * (after any Chromium switches, which are left to Chromium).
 */
export function parseShellArgs(argv: readonly string[], options: { packaged: boolean }): ShellArgs {
  // Old macOS versions add a process serial number when the app is opened from the Finder.
  const args = argv.filter((a) => !a.startsWith('-psn_'));
  // Chromium's own switches may come first (the Linux `aup` wrapper passes --headless): skip them.
  let start = 0;
  while (start < args.length && args[start]!.startsWith('-') && !OWN_SWITCHES.has(switchName(args[start]!) ?? '')) start++;
  const first = args[start];
  if (first !== undefined && (!first.startsWith('-') || first === '--help' || first === '-h')) return { mode: 'cli', argv: args.slice(start) };

  const notes: string[] = [];
  let config: string | undefined;
  let user: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const name = switchName(arg);
    if (name !== 'config' && name !== 'user') continue; // Chromium's and Electron's own switches
    const inline = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : undefined;
    const value = inline ?? (args[i + 1] !== undefined && !args[i + 1]!.startsWith('--') ? args[++i] : undefined);
    if (!value) {
      notes.push(`--${name} needs a value; ignored`);
      continue;
    }
    if (name === 'config') config = value;
    else if (options.packaged) notes.push('--user is for development and tests; an installed kiosk shows the signed-in account and ignores it');
    else user = value;
  }
  return { mode: 'kiosk', ...(config !== undefined ? { config } : {}), ...(user !== undefined ? { user } : {}), notes };
}

/**
 * The arguments meant for the app in `process.argv`. Packaged: everything after the executable.
 * Development (`electron [switches] out/main/index.js …`): everything after the app's path.
 */
export function userArgs(argv: readonly string[], packaged: boolean): string[] {
  if (packaged) return argv.slice(1);
  const appPath = argv.findIndex((a, i) => i > 0 && !a.startsWith('-'));
  return appPath < 0 ? [] : argv.slice(appPath + 1);
}

/** The forbidden switches present on a packaged kiosk's command line. */
export function forbiddenSwitches(argv: readonly string[]): string[] {
  const found = new Set<string>();
  for (const arg of argv) {
    const name = switchName(arg);
    if (name && (FORBIDDEN_SWITCHES as readonly string[]).includes(name)) found.add(name);
  }
  return [...found];
}

/** True when the signed-in account may change `file` (it then cannot hold machine policy). */
export function writableByUser(file: string): boolean {
  try {
    // Opening for writing checks the real permissions (ACLs on Windows, which access() ignores)
    // and changes nothing: no byte is written, the file is not truncated.
    closeSync(openSync(file, 'r+'));
    return true;
  } catch {
    return false;
  }
}

export interface KioskConfigChoice {
  location: ConfigLocation;
  notes: string[];
}

/**
 * Where the kiosk reads its config. In development: `--config`, `AUP_KIOSK_CONFIG`, the machine
 * location (docs/design.md). A packaged kiosk holds machine policy, and a student controls their own
 * environment and can start the executable by hand: it ignores `AUP_KIOSK_CONFIG` (a per-user
 * variable would otherwise replace the district's config at the next sign-in) and takes `--config`
 * only for a file the signed-in account cannot change. The CLI keeps the full lookup.
 */
export function kioskConfigLocation(
  flag: string | undefined,
  options: { packaged: boolean; env?: NodeJS.ProcessEnv; platform?: NodeJS.Platform; writable?: (file: string) => boolean },
): KioskConfigChoice {
  const env = options.env ?? process.env;
  const platform = options.platform ?? process.platform;
  if (!options.packaged) return { location: locateConfig(flag, env, platform), notes: [] };
  const notes: string[] = [];
  const machineEnv = { ...env };
  if (machineEnv.AUP_KIOSK_CONFIG) {
    notes.push(`AUP_KIOSK_CONFIG is ignored by an installed kiosk (it reads only the machine config); it was ${machineEnv.AUP_KIOSK_CONFIG}`);
    delete machineEnv.AUP_KIOSK_CONFIG;
  }
  if (flag) {
    const chosen = locateConfig(flag, machineEnv, platform);
    if (!(options.writable ?? writableByUser)(chosen.file)) return { location: chosen, notes };
    notes.push(`--config ${chosen.file} is ignored: the signed-in account can change that file, so it cannot hold the district's policy`);
  }
  const location = locateConfig(undefined, machineEnv, platform);
  if ((options.writable ?? writableByUser)(location.file)) {
    notes.push(
      `the machine config ${location.file} can be changed by the signed-in account: make it read-only for users (docs/deployment.md, "Folders and permissions")`,
    );
  }
  return { location, notes };
}
