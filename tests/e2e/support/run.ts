// One e2e run: a fresh temp folder holding a copy of the demo config whose ledger and state point
// inside it (so runs never share evidence or locks), a broken config for the technician's screen, and
// a config with a district catalog of its own whose student policy carries links and raw HTML.
// Imported by playwright.config.ts (in the runner and in every worker): the first import creates the
// folder and publishes it in the environment, so the workers find the same one.
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '../../..');

/** The preview's clock at start: a Tuesday morning early in the 2026-27 school year, in Lockhart. */
export const FIXED_NOW = '2026-09-08T08:30:00-05:00';

/**
 * Five loopback ports free when the run starts, one per preview (never fixed ones: a port another
 * program holds would stop the whole browser step). Chosen once, in the runner, and published in the
 * environment like the folder, so the workers use the same ones. AUP_E2E_PORT=N asks for N..N+4.
 */
function freePorts(count: number): number[] {
  const published = process.env.AUP_E2E_PORTS?.split(',').map(Number);
  if (published?.length === count && published.every((p) => Number.isInteger(p) && p > 0)) return published;
  if (process.env.AUP_E2E_PORT) return Array.from({ length: count }, (_, i) => Number(process.env.AUP_E2E_PORT) + i);
  // The OS hands out a free port to a listener on port 0; all are held open together so they differ.
  // A child process, because this module is loaded synchronously (playwright.config.ts).
  const script = `const net = require('node:net');
const servers = Array.from({ length: ${count} }, () => net.createServer());
Promise.all(servers.map((s) => new Promise((ok, fail) => s.once('error', fail).listen(0, '127.0.0.1', ok)))).then(() => {
  process.stdout.write(servers.map((s) => s.address().port).join(','));
  servers.forEach((s) => s.close());
});`;
  const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
  const ports = r.stdout.split(',').map(Number);
  if (r.status !== 0 || ports.length !== count || !ports.every((p) => p > 0))
    throw new Error(`e2e: could not find ${count} free loopback ports: ${r.stderr}`);
  process.env.AUP_E2E_PORTS = ports.join(',');
  return ports;
}

const PORTS = freePorts(5);
export const PORT = PORTS[0]!;
export const BROKEN_PORT = PORTS[1]!;
export const DISTRICT_PORT = PORTS[2]!;
export const KIOSK_URL = `http://127.0.0.1:${PORT}`;
export const BROKEN_URL = `http://127.0.0.1:${BROKEN_PORT}`;
export const DISTRICT_URL = `http://127.0.0.1:${DISTRICT_PORT}`;
/** A preview whose sessions go through a machine service that is not running (as the installed app's would). */
export const SERVICE_DOWN_PORT = PORTS[3]!;
/** The room preview's (tests/e2e/support/room.ts). */
export const ROOM_PORT = PORTS[4]!;
export const SERVICE_DOWN_URL = `http://127.0.0.1:${SERVICE_DOWN_PORT}`;

/** Appended to the district's own student AUP: what a policy document must never do inside a kiosk. */
export const HOSTILE_MARKDOWN = [
  '',
  '## Links and markup',
  '',
  'Read the [district technology page](https://www.lockhartisd.org/technology) or write to <help@lockhartisd.org>.',
  '',
  '<script>document.title = "owned"</script>',
  '',
  '<img src="https://example.org/x.png" onerror="document.title = \'owned\'">',
  '',
  '![District seal](https://example.org/seal.png)',
  '',
  '| Device | Who may use it |',
  '| :----- | -------------: |',
  '| Laptop | Students |',
  '',
].join('\n');

/** A copy of the bundled catalog, as a district would deploy its own, with HOSTILE_MARKDOWN in one document. */
function districtCatalog(dir: string): string {
  const folder = path.join(dir, 'district-catalog');
  cpSync(path.join(ROOT, 'assets/policies'), folder, { recursive: true });
  const file = 'student-aup/2026-27.en.md';
  const text = readFileSync(path.join(folder, file), 'utf8') + HOSTILE_MARKDOWN;
  writeFileSync(path.join(folder, file), text);
  const catalogFile = path.join(folder, 'catalog.json');
  const catalog = JSON.parse(readFileSync(catalogFile, 'utf8')) as {
    policies: { id: string; versions: { version: string; documents: Record<string, { file: string; sha256: string }> }[] }[];
  };
  const document = catalog.policies.find((p) => p.id === 'student-aup')!.versions.find((v) => v.version === '2026-27')!.documents.en!;
  document.sha256 = createHash('sha256').update(text).digest('hex');
  writeFileSync(catalogFile, JSON.stringify(catalog, null, 2));
  return folder;
}

function prepare(): string {
  const existing = process.env.AUP_E2E_DIR;
  if (existing) return existing;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'aup-e2e-'));
  const demo = JSON.parse(readFileSync(path.join(ROOT, 'assets/demo/config.json'), 'utf8')) as {
    [key: string]: unknown;
    district: object;
    lock: object;
    directory: { type: string; file: string };
  };
  // A district logo, as a technician would deploy one beside the config.
  writeFileSync(
    path.join(dir, 'logo.svg'),
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 40 40"><path d="M20 2 36 8v12c0 9-7 16-16 18C11 36 4 29 4 20V8z" fill="#f2c14e"/><path d="M14 11h4v15h9v4H14z" fill="#17375e"/></svg>',
  );
  const config = {
    ...demo,
    district: { ...demo.district, logo: 'logo.svg' },
    directory: { ...demo.directory, file: path.join(ROOT, 'assets/demo', demo.directory.file) },
    ledger: { dir: path.join(dir, 'ledger') },
    state: { dir: path.join(dir, 'state') },
  };
  delete (config as { $schema?: string }).$schema;
  writeFileSync(path.join(dir, 'config.json'), JSON.stringify(config, null, 2));
  // Two mistakes a technician makes: a zone that does not exist, an unlock time out of range.
  const broken = {
    ...config,
    district: { ...config.district, timeZone: 'America/Lockhart' },
    lock: { ...config.lock, unlockMinutes: 0 },
    ledger: { dir: path.join(dir, 'broken-ledger') },
    state: { dir: path.join(dir, 'broken-state') },
  };
  writeFileSync(path.join(dir, 'broken-config.json'), JSON.stringify(broken, null, 2));
  const district = {
    ...config,
    policies: { catalog: districtCatalog(dir) },
    ledger: { dir: path.join(dir, 'district-ledger') },
    state: { dir: path.join(dir, 'district-state') },
  };
  writeFileSync(path.join(dir, 'district-config.json'), JSON.stringify(district, null, 2));
  rmSync(path.join(ROOT, 'test-results/screens'), { recursive: true, force: true });
  mkdirSync(path.join(ROOT, 'test-results/screens'), { recursive: true });
  process.env.AUP_E2E_DIR = dir;
  return dir;
}

export const RUN_DIR = prepare();
export const CONFIG_FILE = path.join(RUN_DIR, 'config.json');
export const BROKEN_CONFIG_FILE = path.join(RUN_DIR, 'broken-config.json');
export const DISTRICT_CONFIG_FILE = path.join(RUN_DIR, 'district-config.json');
export const SCREENS_DIR = path.join(ROOT, 'test-results/screens');
