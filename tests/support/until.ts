// Tests wait for states, never for a fixed time: polls `test` until it holds, or fails naming what it waited for.

/**
 * How long any test waits for one state before calling it a hang. Only a hang gets here: a state that
 * comes arrives in a second or two on an idle machine, and still well inside this with both cores
 * busy with other work. Waits end as soon as the state holds, so a generous limit costs nothing on a
 * passing run. Test and hook timeouts (vitest.config.ts, playwright.config.ts) are longer still, so a
 * hang fails here, with the state's name, not as an anonymous test timeout.
 */
export const HANG_MS = 120_000;

/** The outer limit of a whole test or hook (vitest and Playwright): several waits, builds, starts of slapd or PostgreSQL. */
export const TEST_HANG_MS = 10 * 60_000;

export async function until(test: () => Promise<boolean> | boolean, what: string, timeoutMs = HANG_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await test())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * What a loaded machine may add to a time bound the product itself promises ("gives up within 400 ms"):
 * tests check that the bound holds, not how fast this machine is. A call without its bound waits for
 * ever (or for the OS's own TCP timeout, minutes), far beyond this.
 */
export const SLACK_MS = 5_000;
