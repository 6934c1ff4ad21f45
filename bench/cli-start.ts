// How long `aup school-year` takes to answer, as a technician's script calls it, against a Node.js
// that does nothing (`node -e 0`) in the same run, runs interleaved so the machine's load falls on
// all alike: `npx aup school-year` (npm's own start-up included: npx finds the `bin/` workspace's link in
// node_modules/.bin), `node bin/aup.mjs school-year` (the built CLI, with its check that the bundle is
// not stale) and `npx noop`, npx running a shell script that does nothing from a package's
// node_modules/.bin: npm's own share, the floor under any `npx` command on this machine. Also: building the bundle (what a first run pays when `npm ci`'s
// prepare step did not build it). Wall-clock milliseconds; medians and the best run. Run alone:
// `npm run bench -- cli-start`.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { percentile } from './stats.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const RUNS = 11;
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';

function wallMs(command: string, args: string[], expect?: RegExp, cwd = ROOT): number {
  const started = performance.now();
  const r = spawnSync(command, args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, AUP_KIOSK_CONFIG: '' },
    shell: process.platform === 'win32',
  });
  const ms = performance.now() - started;
  if (r.status !== 0 || (expect && !expect.test(r.stdout))) throw new Error(`${command} ${args.join(' ')} failed: ${r.stderr || r.stdout}`);
  return ms;
}

const round = (x: number) => Math.round(x);

export async function benchCliStart(): Promise<Record<string, number>> {
  const runs = {
    nodeNothing: [] as number[],
    nodeBinAup: [] as number[],
    npxAup: [] as number[],
    npxNoop: [] as number[],
  };
  // A package whose node_modules/.bin holds one script that does nothing.
  const noop = mkdtempSync(path.join(os.tmpdir(), 'aup-bench-npx-'));
  writeFileSync(path.join(noop, 'package.json'), '{"name":"npx-floor","version":"1.0.0","private":true}\n');
  mkdirSync(path.join(noop, 'node_modules/.bin'), { recursive: true });
  writeFileSync(path.join(noop, 'node_modules/.bin/noop'), '#!/bin/sh\necho 2026-27\n');
  chmodSync(path.join(noop, 'node_modules/.bin/noop'), 0o755);
  const YEAR = /^\d{4}-\d{2}$/m;
  // One of each first: the bundle is fresh (built now if a source changed) and the caches are warm.
  wallMs(process.execPath, [path.join(ROOT, 'bin/aup.mjs'), 'school-year'], YEAR);
  for (let i = 0; i < RUNS; i++) {
    runs.nodeNothing.push(wallMs(process.execPath, ['-e', '0']));
    runs.nodeBinAup.push(wallMs(process.execPath, [path.join(ROOT, 'bin/aup.mjs'), 'school-year'], YEAR));
    runs.npxAup.push(wallMs(npx, ['aup', 'school-year'], YEAR));
    if (process.platform !== 'win32') runs.npxNoop.push(wallMs(npx, ['noop'], YEAR, noop));
  }
  rmSync(noop, { recursive: true, force: true });
  const build = wallMs(process.execPath, [path.join(ROOT, 'scripts/build-cli.mjs')]);
  const out: Record<string, number> = {};
  for (const [name, xs] of Object.entries(runs)) {
    if (xs.length === 0) continue;
    const sorted = [...xs].sort((a, b) => a - b);
    out[`${name}MedianMs`] = round(percentile(sorted, 50));
    out[`${name}BestMs`] = round(sorted[0]!);
  }
  out.aupOverNodeMedianMs = out.nodeBinAupMedianMs! - out.nodeNothingMedianMs!;
  out.npxOverAupMedianMs = out.npxAupMedianMs! - out.nodeBinAupMedianMs!;
  if (out.npxNoopMedianMs !== undefined) out.npxAupOverNpxNoopMedianMs = out.npxAupMedianMs! - out.npxNoopMedianMs;
  out.buildBundleMs = round(build);
  out.runs = RUNS;
  return out;
}
