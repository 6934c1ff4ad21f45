// The counting of `npm test` (scripts/test.mjs): what ran, what passed, and what did not run at all.
// Read from the runners' JSON reports, checked against the lists of what should have run (taken
// before the run), so a step that never started (a port taken, a crash, a broken import) is counted
// and each test it held is named, never silently absent from "N passed, N failed".
// Plain functions of parsed JSON: tests/unit/tooling/test-summary.test.ts feeds them reports.
import path from 'node:path';

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g;
const firstLine = (text) =>
  String(text ?? '')
    .replace(ANSI, '')
    .trim()
    .split('\n')[0] ?? '';

/**
 * vitest's JSON report (--reporter=json) → counts. `listed` is `vitest list --filesOnly --json` from
 * before the run (or null). A file that failed outside its tests (an import error, a hook that threw)
 * ran none of them: its tests, or the file itself where it reports none, are counted as not run.
 * @param {any} report the parsed report, or null where none was written
 * @param {{ file: string }[] | null} listed
 * @param {string} root paths are named relative to it
 */
export function countVitest(report, listed, root) {
  const rel = (file) => path.relative(root, file) || file;
  const count = { step: 'vitest', passed: 0, failed: 0, skipped: 0, notRun: /** @type {string[]} */ ([]), problem: '' };
  if (!report) {
    count.problem = 'it wrote no report';
    count.notRun = listed?.length ? listed.map((f) => `${rel(f.file)} (every test in it)`) : ['every vitest test (the files could not be listed)'];
    count.failed = count.notRun.length;
    return count;
  }
  const reported = new Set();
  for (const file of report.testResults ?? []) {
    reported.add(path.resolve(file.name));
    const tests = file.assertionResults ?? [];
    const failedHere = tests.filter((t) => t.status === 'failed').length;
    count.passed += tests.filter((t) => t.status === 'passed').length;
    count.failed += failedHere;
    const unrun = tests.filter((t) => t.status !== 'passed' && t.status !== 'failed');
    if (file.status === 'failed' && failedHere === 0) {
      const why = firstLine(file.message);
      if (unrun.length === 0) count.notRun.push(`${rel(file.name)} (the whole file${why ? `: ${why}` : ''})`);
      for (const t of unrun) count.notRun.push(`${rel(file.name)} › ${[...(t.ancestorTitles ?? []), t.title].join(' › ')}`);
    } else {
      count.skipped += unrun.length;
    }
  }
  for (const f of listed ?? []) if (!reported.has(path.resolve(f.file))) count.notRun.push(`${rel(f.file)} (every test in it: not in the report)`);
  count.failed += count.notRun.length;
  return count;
}

/** Every test of a Playwright JSON report (a run's or `--list`'s), by name, with its results. */
function playwrightTests(report) {
  const out = [];
  const walk = (suite, titles) => {
    for (const spec of suite.specs ?? []) {
      for (const t of spec.tests ?? []) {
        out.push({ name: [spec.file ?? suite.file, ...titles, spec.title].join(' › '), status: t.status, results: t.results ?? [] });
      }
    }
    for (const child of suite.suites ?? []) walk(child, [...titles, child.title]);
  };
  for (const file of report?.suites ?? []) walk(file, []);
  return out;
}

/**
 * Playwright's JSON report → counts. `listed` is `playwright test --list --reporter=json` from before
 * the run (or null). A test with no result (the run stopped before it, or never started: a web
 * server that could not start, a port taken) did not run; so did a listed test missing from the report.
 * @param {any} report
 * @param {any} listed
 */
export function countPlaywright(report, listed) {
  const count = { step: 'playwright', passed: 0, failed: 0, skipped: 0, notRun: /** @type {string[]} */ ([]), problem: '' };
  const tests = playwrightTests(report);
  for (const t of tests) {
    if (t.results.length === 0) count.notRun.push(t.name);
    else if (t.status === 'expected' || t.status === 'flaky') count.passed++;
    else if (t.status === 'skipped') count.skipped++;
    else count.failed++;
  }
  const reported = new Set(tests.map((t) => t.name));
  for (const t of playwrightTests(listed)) if (!reported.has(t.name)) count.notRun.push(t.name);
  if (!report) count.problem = 'it wrote no report';
  else if (report.errors?.length) count.problem = firstLine(report.errors[0].message ?? report.errors[0].value);
  if (count.notRun.length === 0 && !report) count.notRun.push('every browser test (they could not be listed)');
  count.failed += count.notRun.length;
  return count;
}

/**
 * The closing lines of `npm test`. `steps`: [name, ok] of every step; `counts`: countVitest's and
 * countPlaywright's. Steps without tests (lint, format, types) count as one failure each when they fail.
 * @param {[string, boolean][]} steps
 * @param {ReturnType<typeof countVitest>[]} counts
 * @param {{ maxNames?: number, allNamesIn?: string }} [options] how many tests that did not run are
 *   named here, and the file that names them all
 */
export function summaryLines(steps, counts, { maxNames = 20, allNamesIn = '' } = {}) {
  const lines = [];
  const failedSteps = steps.filter(([, ok]) => !ok).map(([name]) => name);
  for (const c of counts) {
    const notRun = c.notRun.length ? `; ${c.notRun.length} did not run${c.problem ? ` (${c.problem})` : ''}` : '';
    lines.push(`${c.step}: ${c.passed} passed, ${c.failed} failed${notRun}, ${c.skipped} skipped`);
    for (const name of c.notRun.slice(0, maxNames)) lines.push(`  did not run: ${name}`);
    if (c.notRun.length > maxNames)
      lines.push(`  … and ${c.notRun.length - maxNames} more that did not run${allNamesIn ? ` (all of them in ${allNamesIn})` : ''}`);
  }
  if (failedSteps.length) lines.push(`failing steps: ${failedSteps.join(', ')}`);
  const sum = (key) => counts.reduce((n, c) => n + (Array.isArray(c[key]) ? c[key].length : c[key]), 0);
  // A step without tests of its own, or a test step that failed with no failed test (an unhandled
  // error, a teardown that threw): one failure each, so the last line never says 0 failed for a red run.
  const stepFailures = failedSteps.filter((s) => {
    const c = counts.find((x) => x.step === s);
    if (c && c.failed === 0) lines.splice(lines.length - 1, 0, `${s}: failed outside any test (see its output above)`);
    return !c || c.failed === 0;
  }).length;
  const notRun = sum('notRun');
  lines.push(
    `tests: ${sum('passed')} passed, ${sum('failed') + stepFailures} failed${notRun ? ` (${notRun} did not run)` : ''}, ${sum('skipped')} skipped`,
  );
  return { lines, ok: failedSteps.length === 0 && sum('failed') === 0 };
}
