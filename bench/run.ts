// Runs every benchmark in this folder (or the named ones: `bench/run.ts ledger`) and prints one JSON
// object on stdout: `{ "<file>": { ...numbers }, "machine": { cpus, node, platform } }`. A benchmark is a file here
// exporting `async function bench<Name>(): Promise<Record<string, number>>`. Progress goes to stderr.
// Run it through `npm run bench` (scripts/bench.mjs), which gives node --expose-gc for heap figures.
import { readdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

type Bench = () => Promise<Record<string, number>>;

const here = import.meta.dirname;
const results: Record<string, unknown> = {};
if (typeof (globalThis as { gc?: unknown }).gc !== 'function') process.stderr.write('bench: run with --expose-gc for heap figures\n');

const only = process.argv.slice(2);
const files = (await readdir(here)).filter(
  (f) => f.endsWith('.ts') && f !== 'run.ts' && (only.length === 0 || only.includes(path.basename(f, '.ts'))),
);
for (const file of files.sort()) {
  const mod = (await import(pathToFileURL(path.join(here, file)).href)) as Record<string, unknown>;
  for (const [name, fn] of Object.entries(mod)) {
    if (!name.startsWith('bench') || typeof fn !== 'function') continue;
    const started = performance.now();
    process.stderr.write(`bench: ${file} ${name} ...`);
    results[path.basename(file, '.ts')] = await (fn as Bench)();
    process.stderr.write(` ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  }
}
results.machine = { cpus: os.cpus().length, node: process.version, platform: `${process.platform}-${process.arch}` };
process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
