// The config as the kiosk uses it: every relative path made absolute against the config file's folder.
import path from 'node:path';
import type { KioskConfig } from './schema.ts';
import { machineDataFolder } from './locate.ts';

/** The config with every relative path made absolute against the config file's folder. */
export interface ResolvedConfig extends KioskConfig {
  ledger: { dir: string };
  state: { dir: string };
}

/** `data`: where the ledger and state go when the config names no folder (the machine service passes its own). */
export function resolvePaths(config: KioskConfig, folder: string, data: string = machineDataFolder()): ResolvedConfig {
  const at = (p: string) => path.resolve(folder, p);
  const directory =
    config.directory.type === 'roster'
      ? { ...config.directory, file: at(config.directory.file) }
      : {
          ...config.directory,
          bindPasswordFile: at(config.directory.bindPasswordFile),
          tls: { ...config.directory.tls, ...(config.directory.tls.caFile ? { caFile: at(config.directory.tls.caFile) } : {}) },
        };
  return {
    ...config,
    district: { ...config.district, ...(config.district.logo ? { logo: at(config.district.logo) } : {}) },
    policies: { catalog: config.policies.catalog === 'bundled' ? 'bundled' : at(config.policies.catalog) },
    languages: { ...config.languages, ...(config.languages.folder ? { folder: at(config.languages.folder) } : {}) },
    directory,
    ledger: { dir: config.ledger.dir ? at(config.ledger.dir) : path.join(data, 'ledger') },
    state: { dir: config.state.dir ? at(config.state.dir) : path.join(data, 'state') },
    ...(config.central
      ? {
          central: {
            postgres: {
              ...config.central.postgres,
              ...(config.central.postgres.passwordFile ? { passwordFile: at(config.central.postgres.passwordFile) } : {}),
              ...(config.central.postgres.caFile ? { caFile: at(config.central.postgres.caFile) } : {}),
            },
          },
        }
      : {}),
  };
}
