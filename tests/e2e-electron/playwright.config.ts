// The kiosk in the real Electron runtime, through Playwright's Electron support (_electron.launch).
// Run by tests/unit/shell/electron-e2e.test.ts (so `npm test` shows it, or says why it was skipped),
// or by hand where Electron is installed:
//   npx electron-vite build && npm run build:renderer && npx playwright test -c tests/e2e-electron/playwright.config.ts
import { defineConfig } from '@playwright/test';
import { HANG_MS, TEST_HANG_MS } from '../support/until.ts';

export default defineConfig({
  testDir: '.',
  testMatch: '*.spec.ts',
  outputDir: '../../test-results/e2e-electron',
  // One kiosk per account at a time (single-instance lock): one test at a time.
  workers: 1,
  fullyParallel: false,
  retries: 0,
  // Limits that only catch hangs: every step waits for a state (tests/support/until.ts).
  timeout: TEST_HANG_MS,
  expect: { timeout: HANG_MS },
  reporter: [['list']],
});
