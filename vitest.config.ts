import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';
import { HANG_MS, TEST_HANG_MS } from './tests/support/until.ts';

// No wall-clock budgets: tests wait for states (tests/support/until.ts), and these limits only catch
// hangs. They are far above what any test takes on a loaded machine, so a test never fails for being
// slow, and a wait that never ends fails with the state's name (HANG_MS) before the test's own limit.
export default defineConfig({
  test: {
    include: ['tests/unit/**/*.test.ts', 'tests/integration/**/*.test.ts'],
    testTimeout: TEST_HANG_MS,
    hookTimeout: TEST_HANG_MS,
    teardownTimeout: HANG_MS,
    // expect.poll's own default is 1 s.
    expect: { poll: { timeout: HANG_MS, interval: 20 } },
    pool: 'forks',
    // Vitest's default is one worker per core but one, which is one worker on a 2-core machine. These
    // files spend most of their time waiting on children (slapd, PostgreSQL, the service, fsync), so two
    // at a time there: measured on this 2-core machine, 245 s with one worker, 128 s with two.
    maxWorkers: Math.max(2, availableParallelism() - 1),
  },
});
