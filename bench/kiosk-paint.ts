// How fast the lock screen paints: from navigation to the first frame of the lock screen, against a
// blank page served the same way in the same run (so the machine's speed cancels out in the ratio).
// Real KioskService, real loopback bridge, Debian's Chromium. Run alone: `npx tsx bench/kiosk-paint.ts`.
//
// Two figures, each against the blank page's own: `paintRatio`, when the lock screen is first on
// screen (first contentful paint: the page's static lock shell; for a renderer without the shell, the
// lock screen's mark, as before the shell existed), and `readyRatio`, when the renderer has drawn
// the lock screen with its controls (the `aup-screen-locked` mark, set in the frame after the commit,
// against the blank page's mark set the same way).
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from '@playwright/test';
import { build } from 'vite';
import { openKioskService } from '../electron/core/setup.ts';
import { startLoopbackBridge } from '../electron/core/bridge/loopback-bridge.ts';
import { ManualClock } from '../electron/core/time.ts';
import { CHROMIUM_LAUNCH } from '../harness/chromium.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const RUNS = 9;
const STUDENT = 'ben.carter';

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};
const round = (x: number) => Math.round(x * 100) / 100;

/** A temp copy of the demo config with its own ledger and state, and the renderer plus a blank page. */
async function prepare(dir: string): Promise<{ configFile: string; staticDir: string }> {
  await build({ configFile: path.join(ROOT, 'renderer/vite.config.ts'), logLevel: 'silent' });
  const demo = JSON.parse(await readFile(path.join(ROOT, 'assets/demo/config.json'), 'utf8')) as Record<string, unknown> & {
    directory: { type: string; file: string };
    $schema?: string;
  };
  delete demo.$schema;
  const config = {
    ...demo,
    directory: { ...demo.directory, file: path.join(ROOT, 'assets/demo', demo.directory.file) },
    ledger: { dir: path.join(dir, 'ledger') },
    state: { dir: path.join(dir, 'state') },
  };
  const configFile = path.join(dir, 'config.json');
  await writeFile(configFile, JSON.stringify(config));
  const staticDir = path.join(dir, 'static');
  await cp(path.join(ROOT, 'out/renderer'), staticDir, { recursive: true });
  // The blank page marks its first frame the same way the renderer marks each screen's.
  await writeFile(
    path.join(staticDir, 'blank.html'),
    '<!doctype html><html lang="en"><title>blank</title><script src="./blank.js"></script><p>.</p></html>',
  );
  await writeFile(path.join(staticDir, 'blank.js'), "requestAnimationFrame(() => performance.mark('aup-screen-blank'));");
  return { configFile, staticDir };
}

/**
 * When the page set `mark` (`ready`) and when it was first painted (`paint`: its first contentful
 * paint). `paintIsMark`: the page's first paint is not yet the screen measured (a renderer without the
 * lock shell paints its loading screen first), so its `paint` is the mark.
 */
async function timeToMark(browser: Browser, url: string, mark: string, paintIsMark: boolean): Promise<{ paint: number; ready: number }> {
  const context = await browser.newContext({ viewport: { width: 1024, height: 768 } });
  const page = await context.newPage();
  await page.goto(url);
  const handle = await page.waitForFunction(
    ({ name, paintIsMark }) => {
      const ready = performance.getEntriesByName(name)[0]?.startTime;
      const paint = paintIsMark ? ready : performance.getEntriesByName('first-contentful-paint')[0]?.startTime;
      return ready !== undefined && paint !== undefined && { ready, paint };
    },
    { name: mark, paintIsMark },
    { timeout: 30_000 },
  );
  const { ready, paint } = (await handle.jsonValue()) as { ready: number; paint: number };
  await context.close();
  return { paint, ready };
}

export async function benchPaint(): Promise<Record<string, number>> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'aup-bench-paint-'));
  let browser: Browser | null = null;
  const { configFile, staticDir } = await prepare(dir);
  const kiosk = await openKioskService({ configFile, clock: new ManualClock('2026-09-08T08:30:00-05:00'), log: { write: () => {} } });
  try {
    // The student has accepted this year's policy and read the rules: their next login is the lock.
    const session = kiosk.session(STUDENT);
    const policy = await session.getView();
    if (policy.kind !== 'policy') throw new Error(`expected the policy first, got ${policy.kind}`);
    const { policyId, version, sha256, language } = policy.document;
    const accepted = await session.acceptPolicy({ policyId, version, sha256, language });
    const rules = await session.getView();
    if (!accepted.ok || rules.kind !== 'safety-rules') throw new Error('could not accept the policy');
    await session.acknowledgeSafetyRules({ rulesId: rules.document.policyId, version: rules.document.version });
    if ((await session.getView()).kind !== 'locked') throw new Error('the student is not at the lock screen');
    session.dispose();

    const bridge = await startLoopbackBridge({
      port: 0,
      host: '127.0.0.1',
      staticDir,
      sessionFor: (user) => kiosk.session(user),
      sessionClosed: (s) => (s as { dispose?: () => void }).dispose?.(),
    });
    try {
      // The built page opens on the lock shell (renderer/index.html): its first paint is the lock screen.
      const shell = (await readFile(path.join(staticDir, 'index.html'), 'utf8')).includes('data-lock-shell');
      browser = await chromium.launch(CHROMIUM_LAUNCH);
      const lock: number[] = [];
      const lockReady: number[] = [];
      const blank: number[] = [];
      const blankReady: number[] = [];
      // The first round warms the browser and the OS file cache; it is not counted.
      for (let i = 0; i <= RUNS; i++) {
        const l = await timeToMark(browser, `${bridge.url}?user=${STUDENT}`, 'aup-screen-locked', !shell);
        const b = await timeToMark(browser, `${bridge.url}blank.html`, 'aup-screen-blank', false);
        if (i > 0) {
          lock.push(l.paint);
          lockReady.push(l.ready);
          blank.push(b.paint);
          blankReady.push(b.ready);
        }
      }
      const lockPaintMs = median(lock);
      const lockReadyMs = median(lockReady);
      const blankPaintMs = median(blank);
      const blankReadyMs = median(blankReady);
      return {
        lockPaintMs: round(lockPaintMs),
        blankPaintMs: round(blankPaintMs),
        paintRatio: round(lockPaintMs / blankPaintMs),
        lockReadyMs: round(lockReadyMs),
        blankReadyMs: round(blankReadyMs),
        readyRatio: round(lockReadyMs / blankReadyMs),
      };
    } finally {
      await browser?.close();
      await bridge.close();
    }
  } finally {
    await kiosk.close();
    await rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  process.stdout.write(`${JSON.stringify(await benchPaint())}\n`);
}
