// `npx aup` in a checkout, as npm 11 really resolves it. The command is the `bin/` workspace (named
// `aup`), linked into node_modules/.bin by `npm ci`, so npx runs it from there without loading the
// installed tree or installing the checkout into its own cache (what a `bin` in the root package.json
// costs: about a second). And because a workspace of that name is part of the project, npx never asks
// the registry for the unrelated package published as `aup`, not even in a checkout where `npm ci`
// has not run yet. The registry here is a loopback server that answers nothing and counts what it is
// asked; npm's cache is a temp folder.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { cp, readdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { REPO, tempDir, type TempDir } from '../../support/fixtures.ts';

const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';

let tmp: TempDir;
let registry: http.Server;
const asked: string[] = [];

beforeAll(async () => {
  tmp = await tempDir('aup-npx-');
  registry = http.createServer((req, res) => {
    asked.push(`${req.method} ${req.url}`);
    res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"Not found"}');
  });
  await new Promise<void>((resolve) => registry.listen(0, '127.0.0.1', resolve));
});
afterAll(async () => {
  await new Promise((resolve) => registry.close(resolve));
  await tmp.cleanup();
});

function npxIn(cwd: string, cache: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const { port } = registry.address() as AddressInfo;
  return new Promise((resolve, reject) => {
    const child = spawn(npx, args, {
      cwd,
      env: {
        ...process.env,
        // As a technician's shell has it: not the node_modules/.bin folders npm put on this test run's PATH.
        PATH: (process.env.PATH ?? '')
          .split(path.delimiter)
          .filter((dir) => !dir.split(path.sep).includes('node_modules'))
          .join(path.delimiter),
        AUP_KIOSK_CONFIG: '',
        npm_config_registry: `http://127.0.0.1:${port}/`,
        npm_config_cache: cache,
        npm_config_update_notifier: 'false',
        npm_config_audit: 'false',
        npm_config_fund: 'false',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      shell: process.platform === 'win32',
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('npx aup in a checkout', () => {
  it("runs the checkout's own command from node_modules/.bin: nothing installed into npx's cache, nothing asked of the registry", async () => {
    asked.length = 0;
    const cache = path.join(tmp.dir, 'cache-installed');
    const r = await npxIn(REPO, cache, ['aup', 'school-year', '--at', '2026-09-01']);
    expect(r.stdout, r.stderr).toBe('2026-27\n');
    expect(r.code).toBe(0);
    expect(existsSync(path.join(cache, '_npx')), 'npx installed the checkout into its cache').toBe(false);
    expect(asked).toEqual([]);
  });

  it('from a folder inside the checkout too', async () => {
    const r = await npxIn(path.join(REPO, 'electron/core'), path.join(tmp.dir, 'cache-sub'), ['aup', 'school-year', '--at', '2027-08-01']);
    expect(r.stdout, r.stderr).toBe('2027-28\n');
    expect(r.code).toBe(0);
  });

  it('where `npm ci` has not run, fails on the spot and never fetches the registry package named `aup` (even with --yes)', async () => {
    asked.length = 0;
    const bare = path.join(tmp.dir, 'bare-checkout');
    for (const part of ['package.json', 'package-lock.json', 'bin']) await cp(path.join(REPO, part), path.join(bare, part), { recursive: true });
    const cache = path.join(tmp.dir, 'cache-bare');
    const r = await npxIn(bare, cache, ['--yes', 'aup', 'school-year']);
    expect(r.code).not.toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/aup: (command )?not found/);
    expect(asked).toEqual([]);
    const installed = existsSync(path.join(cache, '_npx')) ? await readdir(path.join(cache, '_npx')) : [];
    expect(installed).toEqual([]);
  });
});
