// Browser tests (tests/e2e): Debian's Chromium (no browser download works here) against the real
// KioskService behind the loopback bridge, started by `npm run preview` with the clock test hooks
// and a fresh temp ledger/state per run; a second preview serves a broken config, a third a district
// catalog of its own, a fourth shows sessions through a machine service that is not running, a fifth
// serves one room's students on a throwaway district database (the room unlock, issue 11).
import os from 'node:os';
import path from 'node:path';
import { defineConfig } from '@playwright/test';
import { CHROMIUM_LAUNCH } from './harness/chromium.ts';
import {
  BROKEN_CONFIG_FILE,
  BROKEN_PORT,
  BROKEN_URL,
  CONFIG_FILE,
  DISTRICT_CONFIG_FILE,
  DISTRICT_PORT,
  DISTRICT_URL,
  FIXED_NOW,
  KIOSK_URL,
  PORT,
  SERVICE_DOWN_PORT,
  SERVICE_DOWN_URL,
} from './tests/e2e/support/run.ts';
import { ROOM_CONFIG_FILE, ROOM_PORT, ROOM_URL } from './tests/e2e/support/room.ts';
import { HANG_MS, TEST_HANG_MS } from './tests/support/until.ts';

// No wall-clock budgets: every step waits for a state (a control on screen, a heading focused), and
// these limits only catch hangs, far above what a test takes with both cores busy. An assertion that
// never holds fails after HANG_MS naming the locator and the state it waited for; a preview that never
// answers fails its start after the same limit.
const SERVER_START_MS = HANG_MS * 2;

export default defineConfig({
  testDir: 'tests/e2e',
  outputDir: 'test-results/e2e',
  globalTeardown: './tests/e2e/support/teardown.ts',
  // One kiosk, one clock: tests move the clock, so they run one at a time.
  workers: 1,
  fullyParallel: false,
  forbidOnly: Boolean(process.env.CI),
  retries: 0,
  timeout: TEST_HANG_MS,
  expect: { timeout: HANG_MS },
  // The JSON summary is what `npm test` counts (out/, since Playwright empties test-results/ when it starts).
  reporter: [['list'], ['json', { outputFile: 'out/test-summary/playwright.json' }]],
  use: {
    baseURL: KIOSK_URL,
    viewport: { width: 1024, height: 768 },
    locale: 'en-US',
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    browserName: 'chromium',
    launchOptions: CHROMIUM_LAUNCH,
  },
  webServer: [
    {
      command: `node scripts/preview.mjs --port ${PORT} --config "${CONFIG_FILE}" --now ${FIXED_NOW} --test-hooks`,
      url: `${KIOSK_URL}/`,
      reuseExistingServer: false,
      timeout: SERVER_START_MS,
      stdout: 'ignore',
      stderr: 'pipe',
    },
    {
      command: `node scripts/preview.mjs --port ${BROKEN_PORT} --config "${BROKEN_CONFIG_FILE}" --now ${FIXED_NOW} --no-build`,
      url: `${BROKEN_URL}/`,
      reuseExistingServer: false,
      timeout: SERVER_START_MS,
      stdout: 'ignore',
      stderr: 'pipe',
    },
    {
      command: `node scripts/preview.mjs --port ${DISTRICT_PORT} --config "${DISTRICT_CONFIG_FILE}" --now ${FIXED_NOW} --no-build`,
      url: `${DISTRICT_URL}/`,
      reuseExistingServer: false,
      timeout: SERVER_START_MS,
      stdout: 'ignore',
      stderr: 'pipe',
    },
    {
      // Sessions through the machine service's channel, with no service listening on the socket.
      command: `node scripts/preview.mjs --port ${SERVICE_DOWN_PORT} --config "${CONFIG_FILE}" --no-build --service-socket "${path.join(os.tmpdir(), `aup-e2e-no-service-${SERVICE_DOWN_PORT}.sock`)}"`,
      url: `${SERVICE_DOWN_URL}/`,
      reuseExistingServer: false,
      timeout: SERVER_START_MS,
      stdout: 'ignore',
      stderr: 'pipe',
    },
    {
      // PostgreSQL started and migrated (`aup db migrate`) for the run; SIGTERM stops it and removes its folder.
      // The real clock: room grants follow the database's.
      command: `node scripts/preview-district.mjs --port ${ROOM_PORT} --config "${ROOM_CONFIG_FILE}" --no-build`,
      url: `${ROOM_URL}/`,
      reuseExistingServer: false,
      timeout: SERVER_START_MS,
      stdout: 'ignore',
      stderr: 'pipe',
      gracefulShutdown: { signal: 'SIGTERM', timeout: 15_000 },
    },
  ],
});
