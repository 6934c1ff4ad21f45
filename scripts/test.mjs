#!/usr/bin/env node
// `npm test`: the one command. Lint, type-check, unit + integration tests (vitest: real folders, a
// real slapd, real child processes) and the browser tests (Playwright in Debian's Chromium against
// the real KioskService). Missing system packages are installed with apt on Debian as root, and
// named exactly elsewhere (scripts/system-packages.sh). Ends with one summary line: "tests: N passed, N
// failed, N skipped", where a test that did not run (its step never started, its file failed to load)
// is counted as failed and named above it (scripts/test-summary.mjs).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { countPlaywright, countVitest, summaryLines } from './test-summary.mjs';

const root = path.resolve(import.meta.dirname, '..');
// Not test-results/: Playwright empties that folder when it starts.
const results = path.join(root, 'out', 'test-summary');
rmSync(path.join(results, 'vitest.json'), { force: true });
rmSync(path.join(results, 'playwright.json'), { force: true });
mkdirSync(results, { recursive: true });

/** What the tests start (slapd, PostgreSQL, Chromium): installed with apt where it can be, else named. */
function ensureSystemPackages() {
  if (process.platform === 'win32') return true; // the integration tests skip what they cannot start, and say so
  return spawnSync('bash', [path.join(root, 'scripts/system-packages.sh')], { stdio: 'inherit' }).status === 0;
}

function run(title, command, args) {
  console.log(`\n=== ${title}`);
  const r = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, FORCE_COLOR: process.env.CI ? '0' : '1' } });
  return r.status === 0;
}

/** A runner's JSON report, or null where it wrote none (or half of one). */
function readReport(file) {
  try {
    return JSON.parse(readFileSync(path.join(results, file), 'utf8'));
  } catch {
    return null;
  }
}

/**
 * What a runner would run, listed before the run (its JSON on stdout), so what did not run can be
 * named afterwards. Listing the browser tests loads playwright.config.ts, which makes a run folder
 * under the temp folder: that goes in a temp folder of its own, removed here.
 */
function listTests(command, args) {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'aup-test-list-'));
  try {
    // Playwright's transform cache stays where the run will use it (its default place).
    const cache = path.join(
      os.tmpdir(),
      process.platform === 'win32' ? 'playwright-transform-cache' : `playwright-transform-cache-${process.geteuid?.()}`,
    );
    const env = {
      ...process.env,
      TMPDIR: tmp,
      TEMP: tmp,
      TMP: tmp,
      PLAYWRIGHT_TRANSFORM_CACHE_DIR: process.env.PLAYWRIGHT_TRANSFORM_CACHE_DIR ?? cache,
      FORCE_COLOR: '0',
    };
    const r = spawnSync(command, args, { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, env });
    return r.status === 0 ? JSON.parse(r.stdout) : null;
  } catch {
    return null;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
const steps = [];
if (!ensureSystemPackages()) process.exit(1);

steps.push(['lint', run('lint (eslint, with the import boundaries of docs/design.md)', npx, ['eslint', '--max-warnings=0', '.'])]);
steps.push([
  'format',
  run('format (prettier --check; `npm run format` fixes)', npx, ['prettier', '--check', '--log-level', 'warn', '**/*.{ts,tsx,js,mjs,cjs,css,html}']),
]);
steps.push(['types', run('type-check (tsc, strict)', npx, ['tsc', '-p', 'tsconfig.json'])]);
const hasE2e = existsSync(path.join(root, 'playwright.config.ts'));
const vitestListed = listTests(npx, ['vitest', 'list', '--filesOnly', '--json']);
const playwrightListed = hasE2e ? listTests(npx, ['playwright', 'test', '--list', '--reporter=json']) : null;
steps.push([
  'vitest',
  run('unit and integration tests (vitest)', npx, [
    'vitest',
    'run',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${path.join(results, 'vitest.json')}`,
  ]),
]);
if (hasE2e) steps.push(['playwright', run('browser tests (Playwright in Chromium)', npx, ['playwright', 'test'])]);

const counts = [countVitest(readReport('vitest.json'), vitestListed, root)];
if (hasE2e) counts.push(countPlaywright(readReport('playwright.json'), playwrightListed));
const notRunFile = path.join(results, 'not-run.txt');
writeFileSync(notRunFile, counts.flatMap((c) => c.notRun.map((name) => `${c.step}: ${name}\n`)).join(''));
const summary = summaryLines(steps, counts, { allNamesIn: path.relative(root, notRunFile) });
console.log(`\n${summary.lines.join('\n')}`);
process.exit(summary.ok ? 0 : 1);
