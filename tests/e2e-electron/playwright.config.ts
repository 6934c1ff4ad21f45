// The kiosk in the real Electron runtime, through Playwright's Electron support (_electron.launch).
// Run by tests/unit/shell/electron-e2e.test.ts (so `npm test` shows it, or says why it was skipped),
// or by hand where Electron is installed:
//   npx electron-vite build && npm run build:renderer && npx playwright test -c tests/e2e-electron/playwright.config.ts
import { defineConfig } from '@playwright/test';

export default defineConfig({
  testDir: '.',
  testMatch: '*.spec.ts',
  outputDir: '../../test-results/e2e-electron',
  // One kiosk per account at a time (single-instance lock): one test at a time.
  workers: 1,
  fullyParallel: false,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [['list']],
});
