// `npm test`'s counting (scripts/test-summary.mjs): tests that did not run are counted as failed and
// named. The reports are the shapes Playwright 1.65 and vitest 4 write: a browser step whose web
// server's port was taken (a report with one error and no tests), a run stopped early, a vitest file
// that failed to import, one whose beforeAll threw.
import { describe, expect, it } from 'vitest';
import { countPlaywright, countVitest, summaryLines } from '../../../scripts/test-summary.mjs';

const ROOT = '/repo';
const spec = (file: string, titles: string[], status = 'expected', results: { status: string }[] = [{ status: 'passed' }]) => ({
  title: file,
  file,
  specs: titles.map((title) => ({ title, file, tests: [{ status, results }] })),
});
/** What `playwright test --list --reporter=json` prints: every test, none with a result. */
const LISTED = {
  suites: [
    spec('bridge.spec.ts', ['the bridge answers on loopback only', 'a page from elsewhere is refused'], 'skipped', []),
    {
      ...spec('room.spec.ts', [], 'skipped', []),
      suites: [{ title: 'the class period', file: 'room.spec.ts', specs: spec('room.spec.ts', ['End class relocks'], 'skipped', []).specs }],
    },
  ],
  errors: [],
};
const PASSED_VITEST = {
  testResults: [
    {
      name: '/repo/tests/unit/a.test.ts',
      status: 'passed',
      message: '',
      assertionResults: [
        { ancestorTitles: [], title: 'one', status: 'passed' },
        { ancestorTitles: [], title: 'two', status: 'skipped' },
      ],
    },
  ],
};

describe('the browser step', () => {
  it('that never started (a port already taken) counts every listed test as failed, names each, and says why', () => {
    const report = {
      suites: [],
      errors: [{ message: '\u001b[31mError: http://127.0.0.1:4317/ is already used, make sure that nothing is running on the port/url\u001b[39m' }],
      stats: { expected: 0, unexpected: 0, flaky: 0, skipped: 0 },
    };
    const c = countPlaywright(report, LISTED);
    expect(c).toMatchObject({ passed: 0, failed: 3, skipped: 0 });
    expect(c.notRun).toEqual([
      'bridge.spec.ts › the bridge answers on loopback only',
      'bridge.spec.ts › a page from elsewhere is refused',
      'room.spec.ts › the class period › End class relocks',
    ]);
    expect(c.problem).toBe('Error: http://127.0.0.1:4317/ is already used, make sure that nothing is running on the port/url');
    const { lines, ok } = summaryLines(
      [
        ['vitest', true],
        ['playwright', false],
      ],
      [countVitest(PASSED_VITEST, null, ROOT), c],
    );
    expect(ok).toBe(false);
    expect(lines).toContain('  did not run: room.spec.ts › the class period › End class relocks');
    expect(lines.at(-1)).toBe('tests: 1 passed, 3 failed (3 did not run), 1 skipped');
  });

  it('whose report is missing altogether is named as not run and counted as failed', () => {
    const c = countPlaywright(null, LISTED);
    expect(c).toMatchObject({ passed: 0, failed: 3, problem: 'it wrote no report' });
    const unlisted = countPlaywright(null, null);
    expect(unlisted).toMatchObject({ failed: 1, notRun: ['every browser test (they could not be listed)'] });
    expect(summaryLines([['playwright', false]], [unlisted]).lines).toEqual([
      'playwright: 0 passed, 1 failed; 1 did not run (it wrote no report), 0 skipped',
      '  did not run: every browser test (they could not be listed)',
      'failing steps: playwright',
      'tests: 0 passed, 1 failed (1 did not run), 0 skipped',
    ]);
  });

  it('names the first ones that did not run and points to the file naming them all', () => {
    const { lines } = summaryLines([['playwright', false]], [countPlaywright(null, LISTED)], {
      maxNames: 2,
      allNamesIn: 'out/test-summary/not-run.txt',
    });
    expect(lines.filter((l) => l.startsWith('  did not run: '))).toHaveLength(2);
    expect(lines).toContain('  … and 1 more that did not run (all of them in out/test-summary/not-run.txt)');
  });

  it('stopped early: tests with no result did not run; skipped ones are skips, failed ones failures', () => {
    const report = {
      suites: [
        spec('a.spec.ts', ['passes']),
        spec('a.spec.ts', ['skipped on purpose'], 'skipped', [{ status: 'skipped' }]),
        spec('a.spec.ts', ['fails'], 'unexpected', [{ status: 'failed' }]),
        spec('a.spec.ts', ['after the stop'], 'skipped', []),
      ],
      errors: [{ message: 'Testing stopped early after 1 maximum allowed failures.' }],
    };
    expect(countPlaywright(report, null)).toMatchObject({ passed: 1, skipped: 1, failed: 2, notRun: ['a.spec.ts › after the stop'] });
  });

  it('a whole run that passed counts as before, with nothing named', () => {
    const passedRun = (suite: any): any => ({
      ...suite,
      specs: (suite.specs ?? []).map((p: any) => ({ ...p, tests: [{ status: 'expected', results: [{ status: 'passed' }] }] })),
      suites: (suite.suites ?? []).map(passedRun),
    });
    const report = { suites: LISTED.suites.map(passedRun), errors: [] };
    const c = countPlaywright(report, LISTED);
    expect(c).toMatchObject({ passed: 3, failed: 0, notRun: [] });
    expect(
      summaryLines(
        [
          ['lint', true],
          ['playwright', true],
        ],
        [c],
      ),
    ).toEqual({ lines: ['playwright: 3 passed, 0 failed, 0 skipped', 'tests: 3 passed, 0 failed, 0 skipped'], ok: true });
  });
});

describe('the vitest step', () => {
  it('names a file that failed to import, and the tests of a file whose beforeAll threw, as not run', () => {
    const report = {
      testResults: [
        ...PASSED_VITEST.testResults,
        {
          name: '/repo/tests/unit/b.test.ts',
          status: 'failed',
          message: "Cannot find module './nope.ts' imported from /repo/tests/unit/b.test.ts",
          assertionResults: [],
        },
        {
          name: '/repo/tests/integration/c.test.ts',
          status: 'failed',
          message: '',
          assertionResults: [
            { ancestorTitles: ['slapd'], title: 'x', status: 'skipped' },
            { ancestorTitles: ['slapd'], title: 'y', status: 'skipped' },
          ],
        },
      ],
    };
    const c = countVitest(report, null, ROOT);
    expect(c).toMatchObject({ passed: 1, skipped: 1, failed: 3 });
    expect(c.notRun).toEqual([
      "tests/unit/b.test.ts (the whole file: Cannot find module './nope.ts' imported from /repo/tests/unit/b.test.ts)",
      'tests/integration/c.test.ts › slapd › x',
      'tests/integration/c.test.ts › slapd › y',
    ]);
  });

  it('with no report, every listed file is named as not run; a listed file missing from a report too', () => {
    const listed = [{ file: '/repo/tests/unit/a.test.ts' }, { file: '/repo/tests/unit/z.test.ts' }];
    expect(countVitest(null, listed, ROOT)).toMatchObject({ failed: 2, problem: 'it wrote no report' });
    expect(countVitest(PASSED_VITEST, listed, ROOT).notRun).toEqual(['tests/unit/z.test.ts (every test in it: not in the report)']);
  });

  it('a red step with no failed test still counts one failure', () => {
    const { lines, ok } = summaryLines([['vitest', false]], [countVitest(PASSED_VITEST, null, ROOT)]);
    expect(ok).toBe(false);
    expect(lines).toContain('vitest: failed outside any test (see its output above)');
    expect(lines.at(-1)).toBe('tests: 1 passed, 1 failed, 1 skipped');
  });
});
