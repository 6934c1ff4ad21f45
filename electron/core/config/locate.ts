// Where the machine config is: `--config FILE`, then `AUP_KIOSK_CONFIG`, then (macOS) the managed
// preferences a configuration profile installs, then the OS location (docs/design.md "Machine
// config"), and the OS folder the kiosk keeps its data in when the config names none.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { managedPreferencesFile } from './managed-preferences.ts';

export type ConfigSourceKind = 'flag' | 'env' | 'managed' | 'os';

export interface ConfigLocation {
  file: string;
  /** How it was found: `--config`, `AUP_KIOSK_CONFIG`, macOS managed preferences, or the OS location. */
  how: ConfigSourceKind;
}

/**
 * What the machine itself says, never a user's environment: a user can redefine `%ProgramData%` for
 * their own account, so the machine service reads it from the registry (machine/folders.ts).
 */
export interface SystemValues {
  /** Windows: ProfileList\ProgramData from HKLM, expanded. */
  programData?: string;
  /** Windows: CurrentVersion\SystemRoot from HKLM (where System32's logoff.exe and query.exe are). */
  systemRoot?: string;
}

/** Where Windows puts ProgramData when nothing says otherwise. */
export const DEFAULT_PROGRAM_DATA = 'C:\\ProgramData';

/** The machine-wide folder for a platform from the system's own values. */
export function machineFolderOf(platform: NodeJS.Platform, system: SystemValues): string {
  if (platform === 'win32') return path.win32.join(system.programData ?? DEFAULT_PROGRAM_DATA, 'AUP Kiosk');
  if (platform === 'darwin') return '/Library/Application Support/AUP Kiosk';
  return '/etc/aup-kiosk';
}

/** The machine-wide data folder (ledger, state) for a platform from the system's own values. */
export function machineDataFolderOf(platform: NodeJS.Platform, system: SystemValues): string {
  if (platform === 'win32') return path.win32.join(machineFolderOf(platform, system), 'data');
  if (platform === 'darwin') return '/Library/Application Support/AUP Kiosk/data';
  return '/var/lib/aup-kiosk';
}

/**
 * The machine-wide folder for a platform (docs/design.md): where the installer puts config.json. Takes
 * `%ProgramData%` from `env`: right for the CLI and the per-session kiosk, not for the machine service.
 */
export function machineFolder(platform: NodeJS.Platform = process.platform, env: NodeJS.ProcessEnv = process.env): string {
  return machineFolderOf(platform, { programData: env.ProgramData });
}

/** The folder the kiosk writes its ledger and state to when the config names none (`%ProgramData%` from `env`). */
export function machineDataFolder(platform: NodeJS.Platform = process.platform, env: NodeJS.ProcessEnv = process.env): string {
  return machineDataFolderOf(platform, { programData: env.ProgramData });
}

/** The config file in a machine folder. */
export function machineConfigFile(platform: NodeJS.Platform, folder: string): string {
  return platform === 'win32' ? path.win32.join(folder, 'config.json') : path.join(folder, 'config.json');
}

/** `--config FILE`, then `AUP_KIOSK_CONFIG`, then (macOS) the managed preferences where present, then the OS location. */
export function locateConfig(
  flag: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  exists: (file: string) => boolean = existsSync,
): ConfigLocation {
  if (flag) return { file: path.resolve(flag), how: 'flag' };
  if (env.AUP_KIOSK_CONFIG) return { file: path.resolve(env.AUP_KIOSK_CONFIG), how: 'env' };
  if (platform === 'darwin' && exists(managedPreferencesFile())) return { file: managedPreferencesFile(), how: 'managed' };
  return { file: machineConfigFile(platform, machineFolder(platform, env)), how: 'os' };
}
