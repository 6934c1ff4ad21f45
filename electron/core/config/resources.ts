// What the product ships beside its code: the bundled policy catalog, the district database's SQL
// migrations and the demo config. A development checkout finds them in the source tree; the packaged
// app (shell/app-paths.ts) and the machine service's single executable pass their own folders in,
// because a bundle has no source tree.
import path from 'node:path';

export interface Resources {
  /** The bundled policy catalog: catalog.json and the documents it lists. */
  policies: string;
  /** The central database's migrations (NNN_name.sql). */
  migrations: string;
  /** The demo config, for read-only CLI commands on a machine with no config; null where none ships. */
  demoConfig: string | null;
}

const REPO = path.resolve(import.meta.dirname, '../../..');

/** The folders of a development checkout (the CLI through tsx, the tests, the preview). */
export function checkoutResources(): Resources {
  return {
    policies: path.join(REPO, 'assets/policies'),
    migrations: path.join(REPO, 'electron/core/central/admin-role/migrations'),
    demoConfig: path.join(REPO, 'assets/demo/config.json'),
  };
}
