#!/usr/bin/env node
// `npm test`: the one command. Lint, type-check, unit + integration tests (vitest: real folders, a
// real slapd, real child processes) and the browser tests (Playwright in Debian's Chromium against
// the real KioskService). Missing system packages are installed with apt on Debian as root, and
// named exactly elsewhere (scripts/system-packages.sh). Ends with one summary line: "tests: N passed, N failed".
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';

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

function countVitest() {
  try {
    const j = JSON.parse(readFileSync(path.join(results, 'vitest.json'), 'utf8'));
    return {
      passed: j.numPassedTests,
      failed: j.numFailedTests + (j.numTotalTestSuites && !j.success && j.numFailedTests === 0 ? 1 : 0),
      skipped: j.numPendingTests + j.numTodoTests,
    };
  } catch {
    return { passed: 0, failed: 1, skipped: 0 };
  }
}

function countPlaywright() {
  try {
    const j = JSON.parse(readFileSync(path.join(results, 'playwright.json'), 'utf8'));
    const s = j.stats;
    return { passed: s.expected + s.flaky, failed: s.unexpected, skipped: s.skipped };
  } catch {
    return { passed: 0, failed: 1, skipped: 0 };
  }
}

const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
const steps = [];
if (!ensureSystemPackages()) process.exit(1);

steps.push(['lint', run('lint (eslint, with the import boundaries of DESIGN.md)', npx, ['eslint', '--max-warnings=0', '.'])]);
steps.push([
  'format',
  run('format (prettier --check; `npm run format` fixes)', npx, ['prettier', '--check', '--log-level', 'warn', '**/*.{ts,tsx,js,mjs,cjs,css,html}']),
]);
steps.push(['types', run('type-check (tsc, strict)', npx, ['tsc', '-p', 'tsconfig.json'])]);
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
const hasE2e = existsSync(path.join(root, 'playwright.config.ts'));
if (hasE2e) steps.push(['e2e', run('browser tests (Playwright in Chromium)', npx, ['playwright', 'test'])]);

const v = countVitest();
const p = hasE2e ? countPlaywright() : { passed: 0, failed: 0, skipped: 0 };
const failedSteps = steps.filter(([, ok]) => !ok).map(([name]) => name);
const failed = v.failed + p.failed + ['lint', 'format', 'types'].filter((s) => failedSteps.includes(s)).length;
console.log(
  `\nvitest: ${v.passed} passed, ${v.failed} failed${hasE2e ? `; playwright: ${p.passed} passed, ${p.failed} failed` : ''}${failedSteps.length ? `; failing steps: ${failedSteps.join(', ')}` : ''}`,
);
console.log(`tests: ${v.passed + p.passed} passed, ${failed} failed, ${v.skipped + p.skipped} skipped`);
process.exit(failedSteps.length ? 1 : 0);
