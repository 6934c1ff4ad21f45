// `npm start` (scripts/start.mjs): the runtime is fetched by Electron's own installer, and where the
// download fails the developer reads one sentence. The installer runs for real, against a download
// host on loopback that has no such file (as a machine that reaches only package registries fails).
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { REPO, tempDir } from '../../support/fixtures.ts';
import { electronBinary } from '../../../scripts/electron-runtime.mjs';

const ELECTRON_VERSION = (await import('../../../node_modules/electron/package.json', { with: { type: 'json' } })).default.version;

function start(env: NodeJS.ProcessEnv): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(REPO, 'scripts/start.mjs')], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

function expectOneSentence(r: { status: number | null; stdout: string; stderr: string }): string {
  expect(r.status).toBe(1);
  const lines = r.stdout.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(r.stdout + r.stderr).not.toMatch(/\n\s+at /);
  expect(lines[0]).toMatch(/`npm run preview` shows the same kiosk in a browser at http:\/\/127\.0\.0\.1:4173\/\?user=ben\.carter\.$/);
  return lines[0]!;
}

describe('npm start where the Electron runtime cannot be downloaded', () => {
  it("runs Electron's own installer, which asks the download host for the runtime, then says in one sentence why the window cannot open", async (ctx) => {
    if (electronBinary({})) ctx.skip('the Electron runtime is installed here: npm start would open the kiosk');
    const asked: string[] = [];
    const host = createServer((req, res) => {
      asked.push(req.url ?? '');
      res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => host.listen(0, '127.0.0.1', resolve));
    const cache = await tempDir();
    try {
      const mirror = `http://127.0.0.1:${(host.address() as AddressInfo).port}/`;
      const r = await start({ ELECTRON_MIRROR: mirror, electron_config_cache: cache.dir, ELECTRON_OVERRIDE_DIST_PATH: '' });
      expect(asked.some((url) => url.includes(`v${ELECTRON_VERSION}/electron-v${ELECTRON_VERSION}-${process.platform}-`))).toBe(true);
      const sentence = expectOneSentence(r);
      expect(sentence).toMatch(
        /^Electron's installer could not download the Electron runtime \(Response code 404 .*\), so the kiosk window cannot open/,
      );
    } finally {
      host.close();
      await cache.cleanup();
    }
  });

  it('with ELECTRON_OVERRIDE_DIST_PATH naming a folder without Electron, says so without downloading anything', async () => {
    const empty = await tempDir();
    try {
      const r = await start({ ELECTRON_OVERRIDE_DIST_PATH: empty.dir, ELECTRON_MIRROR: 'http://127.0.0.1:9/' });
      expect(expectOneSentence(r)).toMatch(
        new RegExp(`^ELECTRON_OVERRIDE_DIST_PATH names ${empty.dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}, which holds no `),
      );
    } finally {
      await empty.cleanup();
    }
  });
});
