#!/usr/bin/env node
// The `aup` CLI in a checkout: runs the bundle scripts/build-cli.mjs makes (out/cli/aup.cjs, built by
// `npm ci`'s prepare step), first building it again when it is missing or any file it was made from
// has changed, so what runs is always the sources as they are. The packaged app runs the same code
// from its own executable (electron/main/cli.ts; no Node.js needed on lab PCs).
import { rmSync } from 'node:fs';
import module from 'node:module';
import { BUNDLE, buildCli, buildCliElsewhere, staleReason } from '../scripts/build-cli.mjs';

const require = module.createRequire(import.meta.url);

/** The bundle to run: out/cli's, rebuilt when stale; where this user cannot write there, a fresh one in the temp folder. */
async function loadCli() {
  if (staleReason() === null) return require(BUNDLE);
  try {
    await buildCli();
    return require(BUNDLE);
  } catch (error) {
    if (!['EACCES', 'EPERM', 'EROFS'].includes(error?.code)) throw error;
  }
  const file = await buildCliElsewhere();
  try {
    return require(file); // one file: every module of it is loaded now, so it can go
  } finally {
    rmSync(file, { force: true });
  }
}

try {
  module.enableCompileCache?.(); // Node 22.1+: V8's compiled code kept between runs
  const { runCli, processIo } = await loadCli();
  process.exitCode = await runCli(process.argv.slice(2), processIo());
} catch (error) {
  const detail = error?.errors?.length
    ? error.errors.map((m) => `${m.location?.file ?? ''}:${m.location?.line ?? ''}: ${m.text}`).join('; ')
    : error?.message;
  process.stderr.write(`aup: could not start: ${detail ?? error}\n`);
  process.exitCode = 1;
}
