// Real folders for tests: a temp copy of the demo config whose ledger and state live in the temp folder.
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

export const REPO = path.resolve(import.meta.dirname, '../..');
export const DEMO_CONFIG = path.join(REPO, 'assets/demo/config.json');
export const BUNDLED_CATALOG = path.join(REPO, 'assets/policies');

export interface TempDir {
  dir: string;
  cleanup(): Promise<void>;
}

export async function tempDir(prefix = 'aup-test-'): Promise<TempDir> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** A working copy of the demo config (and its roster) in `dir`, changed by `edit`. Returns its path. */
export async function demoConfigIn(dir: string, edit: (config: Record<string, any>) => void = () => {}): Promise<string> {
  const config = JSON.parse(await readFile(DEMO_CONFIG, 'utf8'));
  await cp(path.join(REPO, 'assets/demo/roster.json'), path.join(dir, 'roster.json'));
  delete config.$schema;
  config.ledger = { dir: 'ledger' };
  config.state = { dir: 'state' };
  edit(config);
  const file = path.join(dir, 'config.json');
  await writeFile(file, JSON.stringify(config, null, 2));
  return file;
}

/** A copy of the bundled catalog in `dir/catalog` that a test may change. */
export async function catalogCopyIn(dir: string): Promise<string> {
  const folder = path.join(dir, 'catalog');
  await cp(BUNDLED_CATALOG, folder, { recursive: true });
  return folder;
}
