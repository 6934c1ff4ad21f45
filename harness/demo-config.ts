// A working copy of the demo config for the tests and the benchmarks: its roster beside it, its
// ledger and state inside the same temp folder, changed by `edit`.
import { cp, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

const REPO = path.resolve(import.meta.dirname, '..');
export const DEMO_CONFIG = path.join(REPO, 'assets/demo/config.json');

/** A working copy of the demo config (and its roster) in `dir`, changed by `edit`. Returns its path. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a config being edited on purpose, in any shape
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
