// Real folders for tests: a temp copy of the demo config whose ledger and state live in the temp folder.
import { cp, mkdtemp, rm } from 'node:fs/promises';
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

export { demoConfigIn } from '../../harness/demo-config.ts';

/** A copy of the bundled catalog in `dir/catalog` that a test may change. */
export async function catalogCopyIn(dir: string): Promise<string> {
  const folder = path.join(dir, 'catalog');
  await cp(BUNDLED_CATALOG, folder, { recursive: true });
  return folder;
}
