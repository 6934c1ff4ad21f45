// How long `aup school-year` takes to answer, as a technician's script calls it, against a Node.js
// that does nothing (`node -e 0`) in the same run, runs interleaved so the machine's load falls on
// all alike: `npx aup school-year` (npm's own start-up included: for a package's own bin, npx reads
// the whole installed tree first) and `node bin/aup.mjs school-year` (the built CLI, with its check
// that the bundle is not stale). Also: building the bundle (what a first run pays when `npm ci`'s
// prepare step did not build it). Wall-clock milliseconds; medians and the best run. Run alone:
// `npm run bench -- cli-start`.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { percentile } from './stats.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const RUNS = 11;
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';

function wallMs(command: string, args: string[], expect?: RegExp): number {
  const started = performance.now();
  const r = spawnSync(command, args, {
    cwd: ROOT,
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
  };
  const YEAR = /^\d{4}-\d{2}$/m;
  // One of each first: the bundle is fresh (built now if a source changed) and the caches are warm.
  wallMs(process.execPath, [path.join(ROOT, 'bin/aup.mjs'), 'school-year'], YEAR);
  for (let i = 0; i < RUNS; i++) {
    runs.nodeNothing.push(wallMs(process.execPath, ['-e', '0']));
    runs.nodeBinAup.push(wallMs(process.execPath, [path.join(ROOT, 'bin/aup.mjs'), 'school-year'], YEAR));
    runs.npxAup.push(wallMs(npx, ['aup', 'school-year'], YEAR));
  }
  const build = wallMs(process.execPath, [path.join(ROOT, 'scripts/build-cli.mjs')]);
  const out: Record<string, number> = {};
  for (const [name, xs] of Object.entries(runs)) {
    const sorted = [...xs].sort((a, b) => a - b);
    out[`${name}MedianMs`] = round(percentile(sorted, 50));
    out[`${name}BestMs`] = round(sorted[0]!);
  }
  out.aupOverNodeMedianMs = out.nodeBinAupMedianMs! - out.nodeNothingMedianMs!;
  out.npxOverAupMedianMs = out.npxAupMedianMs! - out.nodeBinAupMedianMs!;
  out.buildBundleMs = round(build);
  out.runs = RUNS;
  return out;
}
