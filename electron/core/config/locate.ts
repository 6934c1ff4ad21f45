// Where the machine config is: `--config FILE`, then `AUP_KIOSK_CONFIG`, then the OS location
// (DESIGN.md "Machine config"), and the OS folder the kiosk keeps its data in when the config names none.
import path from 'node:path';

export type ConfigSourceKind = 'flag' | 'env' | 'os';

export interface ConfigLocation {
  file: string;
  /** How it was found: `--config`, `AUP_KIOSK_CONFIG`, or the OS location. */
  how: ConfigSourceKind;
}

/** The machine-wide folder for a platform (DESIGN.md): where the installer puts config.json. */
export function machineFolder(platform: NodeJS.Platform = process.platform, env: NodeJS.ProcessEnv = process.env): string {
  if (platform === 'win32') return path.win32.join(env.ProgramData ?? 'C:\\ProgramData', 'AUP Kiosk');
  if (platform === 'darwin') return '/Library/Application Support/AUP Kiosk';
  return '/etc/aup-kiosk';
}

/** The folder the kiosk writes its ledger and state to when the config names none. */
export function machineDataFolder(platform: NodeJS.Platform = process.platform, env: NodeJS.ProcessEnv = process.env): string {
  if (platform === 'win32') return path.win32.join(env.ProgramData ?? 'C:\\ProgramData', 'AUP Kiosk', 'data');
  if (platform === 'darwin') return '/Library/Application Support/AUP Kiosk/data';
  return '/var/lib/aup-kiosk';
}

/** `--config FILE`, then `AUP_KIOSK_CONFIG`, then the OS location. */
export function locateConfig(
  flag: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): ConfigLocation {
  if (flag) return { file: path.resolve(flag), how: 'flag' };
  if (env.AUP_KIOSK_CONFIG) return { file: path.resolve(env.AUP_KIOSK_CONFIG), how: 'env' };
  const folder = machineFolder(platform, env);
  return { file: platform === 'win32' ? path.win32.join(folder, 'config.json') : path.join(folder, 'config.json'), how: 'os' };
}
