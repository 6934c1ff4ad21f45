// The machine service's single executable (scripts/build-service.mjs), built here and run for real:
// copied to a folder of its own with only resources/ beside it, started from a temp folder with a PATH
// that has no `node`, so what it does it does with no Node.js on the PC.
import { spawn, spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canCreateAccounts, createTestAccounts } from '../../../harness/os-accounts.ts';
import { Child } from '../../support/child.ts';
import { HANG_MS } from '../../support/until.ts';
import { machineTree } from '../../support/machine.ts';

const root = path.resolve(import.meta.dirname, '../../..');
const target = `${process.platform === 'win32' ? 'win' : process.platform}-${process.arch}`;
const pins = JSON.parse(readFileSync(path.join(root, 'build/service/node-runtime.json'), 'utf8'));
const exeName = process.platform === 'win32' ? 'aup-service.exe' : 'aup-service';

let tmp: string;
let install: string; // where an installer would put it: the executable and resources/
let exe: string;
let noNode: string; // the PATH: an empty folder
let cwd: string;
let config: string;

function aupService(args: string[], env: Record<string, string> = {}) {
  return spawnSync(exe, args, { cwd, env: { PATH: noNode, HOME: cwd, ...env }, encoding: 'utf8', timeout: HANG_MS });
}

/** Asynchronous, so a server in this process can answer the child. */
function run(command: string, args: string[], options: SpawnSyncOptions) {
  return new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => (stderr += d));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'aup-sea-'));
  // Builds, or says the build is up to date (its inputs fingerprinted): the first run fetches Node.js
  // from the npm registry into the user's cache.
  const build = await run(process.execPath, ['scripts/build-service.mjs'], { cwd: root });
  expect(build.stderr).toBe('');
  expect(build.status).toBe(0);
  console.log(build.stdout.trim());

  install = path.join(tmp, 'opt', 'aup-kiosk');
  cpSync(path.join(root, 'out/service', target), install, { recursive: true });
  exe = path.join(install, exeName);
  noNode = path.join(tmp, 'empty-bin');
  cwd = path.join(tmp, 'cwd');
  mkdirSync(noNode);
  mkdirSync(cwd);

  const demo = JSON.parse(readFileSync(path.join(root, 'assets/demo/config.json'), 'utf8'));
  const folder = path.join(tmp, 'etc');
  mkdirSync(folder);
  cpSync(path.join(root, 'assets/demo/roster.json'), path.join(folder, 'roster.json'));
  config = path.join(folder, 'config.json');
  delete demo.$schema;
  writeFileSync(config, JSON.stringify({ ...demo, ledger: { dir: path.join(tmp, 'ledger') }, state: { dir: path.join(tmp, 'state') } }, null, 2));
});

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('aup-service, the single executable', () => {
  it('runs where no Node.js is on the PATH, from any folder', () => {
    expect(spawnSync('node', ['--version'], { env: { PATH: noNode } }).error).toMatchObject({ code: 'ENOENT' });
    const r = aupService(['--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^Usage: aup/);
  });

  it('11:30 pm on 31 July in the district belongs to the school year that is ending (time zone data inside the executable)', () => {
    const before = aupService(['school-year', '--at', '2026-08-01T04:30:00Z', '--config', config]);
    expect(before.stderr).toBe('');
    expect(before.stdout).toBe('2025-26\n');
    expect(aupService(['school-year', '--at', '2026-08-01T05:30:00Z', '--config', config]).stdout).toBe('2026-27\n');
  });

  it('validates a good machine config (exit 0) and names the problem in a broken one (exit 2)', () => {
    const good = aupService(['config', 'validate', '--config', config]);
    expect(good.stdout).toContain('valid');
    expect(good.status).toBe(0);

    const broken = path.join(path.dirname(config), 'broken.json');
    const json = JSON.parse(readFileSync(config, 'utf8'));
    writeFileSync(broken, JSON.stringify({ ...json, district: { ...json.district, timeZone: 'Mars/Olympus_Mons' } }));
    const bad = aupService(['config', 'validate', '--config', broken]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('district.timeZone');
  });

  it('finds the bundled policy catalog in resources/ beside the executable', () => {
    const r = aupService(['policy', 'list', '--json', '--config', config]);
    expect(r.status).toBe(0);
    const listed = JSON.parse(r.stdout);
    expect(listed.catalog).toBe(path.join(install, 'resources', 'policies'));
    const catalog = JSON.parse(readFileSync(path.join(root, 'assets/policies/catalog.json'), 'utf8'));
    // A K-5 summary is listed under the policy it summarises.
    const ids = listed.policies.flatMap((p: any) => [p.id, ...(p.summaries ?? []).map((s: any) => s.id)]);
    expect(ids.sort()).toEqual(catalog.policies.map((p: any) => p.id).sort());
  });

  it('carries no path into the checkout it was built from', () => {
    expect(readFileSync(exe).includes(root)).toBe(false);
  });
});

describe.skipIf(!canCreateAccounts || process.platform !== 'linux')('aup-service runs the machine service (root, real accounts)', () => {
  it("serves the channel: a student's screen, a real process under the student's account, sees the student's first screen", async () => {
    const { accounts, remove } = await createTestAccounts(1, 'auptsea');
    const tree = await machineTree(accounts);
    const service = spawn(exe, ['service', 'run', '--root', tree.root], {
      cwd,
      env: { PATH: noNode, HOME: cwd },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let log = '';
    service.stderr!.on('data', (d) => (log += d));
    const student = accounts[0]!;
    const screen = new Child(path.join(import.meta.dirname, 'screen-client.ts'), [tree.socket, tree.sessions, student.name], {}, student);
    try {
      await screen.waitFor((l) => JSON.parse(l).view === 'policy', `the policy on the screen (service log: ${log})`);
      expect(log).toContain('machine service started');
    } finally {
      await screen.kill();
      service.kill('SIGTERM');
      await new Promise((resolve) => service.once('close', resolve));
      await remove();
      rmSync(tree.root, { recursive: true, force: true });
    }
  });
});

describe('aup-service takes no code from its environment or its arguments', () => {
  it('ignores NODE_OPTIONS=--require, which plain Node.js obeys', () => {
    const marker = path.join(tmp, 'pwned');
    const evil = path.join(tmp, 'evil.cjs');
    writeFileSync(evil, `require('node:fs').writeFileSync(${JSON.stringify(marker)}, 'ran')\n`);
    const nodeOptions = `--require ${evil}`;

    // The attack is real: Node.js itself runs the file.
    spawnSync(process.execPath, ['-e', '0'], { env: { ...process.env, NODE_OPTIONS: nodeOptions } });
    expect(existsSync(marker)).toBe(true);
    rmSync(marker);

    const r = aupService(['school-year', '--at', '2026-08-01T05:30:00Z', '--config', config], { NODE_OPTIONS: nodeOptions });
    expect(r.stdout).toBe('2026-27\n');
    expect(existsSync(marker)).toBe(false);

    // Nor are Node's options read from the command line: they are the CLI's arguments.
    const argv = aupService(['--require', evil, 'school-year', '--config', config]);
    expect(argv.status).toBe(2);
    expect(argv.stderr).toContain('unknown command');
    expect(existsSync(marker)).toBe(false);
  });

  it('ignores OPENSSL_CONF, whose file would load a shared library before any JavaScript runs', () => {
    const conf = path.join(tmp, 'openssl.cnf');
    const library = path.join(tmp, 'evil.so');
    writeFileSync(conf, `nodejs_conf = nc\n[nc]\nengines = e\n[e]\nevil = evil_engine\n[evil_engine]\ndynamic_path = ${library}\ninit = 1\n`);

    // Plain Node.js reads it (and fails here only because the library does not exist).
    const node = spawnSync(process.execPath, ['-e', '0'], { env: { ...process.env, OPENSSL_CONF: conf }, encoding: 'utf8' });
    expect(node.status).not.toBe(0);
    expect(node.stderr).toContain(library);

    const r = aupService(['school-year', '--at', '2026-08-01T05:30:00Z', '--config', config], { OPENSSL_CONF: conf });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('2026-27\n');
  });

  it('refuses to start when the environment would turn certificate checks off or replace its time zone rules', () => {
    for (const [name, value] of [
      ['NODE_TLS_REJECT_UNAUTHORIZED', '0'],
      ['NODE_ICU_DATA', tmp],
    ] as const) {
      const r = aupService(['school-year', '--config', config], { [name]: value });
      expect(r.status).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain(`refusing to start: ${name}`);
    }
    // A certificate authority added for a district's TLS inspection proxy is the district's choice.
    expect(aupService(['school-year', '--at', '2026-08-01T05:30:00Z', '--config', config], { NODE_EXTRA_CA_CERTS: config }).stdout).toBe('2026-27\n');
  });
});

describe('build:service says what went wrong, in a line', () => {
  const pin = pins.targets[target];

  /** The build against a registry at `registry`, with an empty runtime cache: it must fetch. */
  async function buildAgainst(registry: string) {
    const cache = mkdtempSync(path.join(tmp, 'cache-'));
    return run(process.execPath, ['scripts/build-service.mjs'], {
      cwd: root,
      env: {
        ...process.env,
        AUP_CACHE_DIR: cache,
        npm_config_registry: registry,
        npm_config_cache: path.join(cache, 'npm'),
        npm_config_fetch_retries: '0',
      },
    });
  }

  it('when the npm registry cannot be reached', async () => {
    const server = http.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise((resolve) => server.close(resolve)); // nothing listens there now

    const r = await buildAgainst(`http://127.0.0.1:${port}/`);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`build-service: could not reach the npm registry for ${pin.package}@${pins.version}`);
    expect(r.stderr).not.toMatch(/^\s+at /m);
  });

  it('when the registry serves a Node.js package that is not the pinned one', async () => {
    // A package of the same name and version, made here: what a compromised or wrong registry would serve.
    const source = mkdtempSync(path.join(tmp, 'fake-'));
    mkdirSync(path.join(source, 'bin'));
    writeFileSync(path.join(source, pin.binary), '#!/bin/sh\necho not node\n');
    writeFileSync(path.join(source, 'package.json'), JSON.stringify({ name: pin.package, version: pins.version, bin: { node: pin.binary } }));
    const packed = await run('npm', ['pack', '--json', '--pack-destination', source], { cwd: source, shell: process.platform === 'win32' });
    const [{ filename, integrity }] = JSON.parse(packed.stdout);
    const tarball = readFileSync(path.join(source, filename));
    expect(integrity).not.toBe(pin.integrity);

    const server = http.createServer((request, response) => {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      if (request.url === `/${pin.package}`) {
        const version = { name: pin.package, version: pins.version, dist: { integrity, tarball: `${base}/${pin.package}/-/${filename}` } };
        response.setHeader('content-type', 'application/json');
        response.end(JSON.stringify({ name: pin.package, 'dist-tags': { latest: pins.version }, versions: { [pins.version]: version } }));
      } else if (request.url === `/${pin.package}/-/${filename}`) {
        response.end(tarball);
      } else {
        response.statusCode = 404;
        response.end('{}');
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const r = await buildAgainst(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
      expect(r.status).toBe(1);
      expect(r.stderr).toContain(`build-service: checksum mismatch: the registry's ${pin.package}@${pins.version} has integrity ${integrity}`);
      expect(r.stderr).toContain(`pins ${pin.integrity}`);
      expect(r.stderr).not.toMatch(/^\s+at /m);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
