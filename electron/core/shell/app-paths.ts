// Where the running app finds its parts. Packaged, the code and the built pages are inside app.asar
// and the policy documents beside it in resources/ (electron-builder's extraResources): a bundle has
// no source tree, so core's `import.meta.dirname`-relative guesses do not hold there.
import path from 'node:path';

export interface AppPaths {
  renderer: string;
  preload: string;
  /** The bundled policy catalog (catalog.json and the documents). */
  policies: string;
  /** The central database's SQL migrations (for `aup db migrate` from the installed app). */
  migrations: string;
}

/**
 * `mainDir`: the folder of the built main script (out/main). `resourcesPath`: Electron's
 * process.resourcesPath (packaged only).
 */
export function appPaths(options: { packaged: boolean; mainDir: string; resourcesPath?: string }): AppPaths {
  const out = path.resolve(options.mainDir, '..');
  const assets = options.packaged && options.resourcesPath ? options.resourcesPath : path.resolve(out, '..', 'assets');
  return {
    renderer: path.join(out, 'renderer'),
    preload: path.join(out, 'preload', 'index.cjs'),
    policies: path.join(assets, 'policies'),
    migrations:
      options.packaged && options.resourcesPath
        ? path.join(assets, 'migrations')
        : path.resolve(out, '..', 'electron/core/central/admin-role/migrations'),
  };
}
