// Runs the Electron end-to-end tests (tests/e2e-electron, Playwright's _electron) as part of
// `npm test` where the Electron runtime is installed, and reports them as skipped, with the reason,
// where it is not: never silently absent.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { REPO, electronRuntime } from '../../e2e-electron/runtime.ts';
import { TEST_HANG_MS } from '../../support/until.ts';

const runtime = electronRuntime();
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';

describe('the kiosk in the real Electron runtime (tests/e2e-electron)', () => {
  it(
    'passes: window lockdown, renderer isolation and CSP, IPC checks, step-aside, crash recovery, log, CLI',
    (ctx) => {
      if (!runtime.binary) {
        // The default reporter does not print skip notes: say it where every reporter shows it too.
        console.warn(`Electron end-to-end tests (tests/e2e-electron) skipped: ${runtime.reason}`);
        ctx.skip(`skipped: ${runtime.reason}`);
        return;
      }
      for (const [command, args] of [
        [npx, ['electron-vite', 'build']],
        [npx, ['vite', 'build', '--config', 'renderer/vite.config.ts', '--logLevel', 'warn']],
      ] as const) {
        const built = spawnSync(command, args, { cwd: REPO, encoding: 'utf8' });
        expect(built.status, `${args.join(' ')}\n${built.stdout}\n${built.stderr}`).toBe(0);
      }
      const [wrapper, ...wrapperArgs] = runtime.wrapper;
      const playwright = [npx, 'playwright', 'test', '-c', 'tests/e2e-electron/playwright.config.ts'];
      const run = wrapper
        ? spawnSync(wrapper, [...wrapperArgs, ...playwright], { cwd: REPO, encoding: 'utf8' })
        : spawnSync(playwright[0]!, playwright.slice(1), { cwd: REPO, encoding: 'utf8' });
      expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);
    },
    3 * TEST_HANG_MS,
  ); // two builds and a whole Playwright run, each step bounded by its own limits
});
