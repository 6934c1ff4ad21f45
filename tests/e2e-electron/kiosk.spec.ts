// The kiosk in the real Electron runtime (where it is installed): the window and its lockdown, the
// renderer's isolation and CSP, the IPC checks, stepping aside on a teacher unlock, crash recovery,
// the log, and the CLI inside the executable. The same KioskService the browser tests drive.
import { test, expect, _electron as electron, type ElectronApplication, type Page } from '@playwright/test';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { demoConfigIn } from '../support/fixtures.ts';
import { HANG_MS } from '../support/until.ts';
import { MAIN, REPO, electronRuntime } from './runtime.ts';

const runtime = electronRuntime();
test.skip(!runtime.binary, runtime.reason);

// Chromium will not run as root without --no-sandbox (CI containers run as root).
const rootSwitches = process.getuid?.() === 0 ? ['--no-sandbox'] : [];

let dir: string;
let app: ElectronApplication;
let page: Page;

interface WindowState {
  url: string;
  visible: boolean;
  kiosk: boolean;
  onTop: boolean;
  crashed: boolean;
}
const windows = (): Promise<WindowState[]> =>
  app.evaluate(({ BrowserWindow }) =>
    BrowserWindow.getAllWindows().map((w) => ({
      url: w.webContents.getURL(),
      visible: w.isVisible(),
      kiosk: w.isKiosk(),
      onTop: w.isAlwaysOnTop(),
      crashed: w.webContents.isCrashed(),
    })),
  );
const byPage = async (suffix: string) => (await windows()).find((w) => w.url.endsWith(suffix));
async function pageAt(suffix: string): Promise<Page> {
  await expect.poll(() => app.windows().some((w) => w.url().endsWith(suffix)), { message: `a window at ${suffix}` }).toBe(true);
  return app.windows().find((w) => w.url().endsWith(suffix))!;
}

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'aup-electron-'));
  const config = await demoConfigIn(dir);
  app = await electron.launch({
    executablePath: runtime.binary!,
    // Playwright adds --no-sandbox on Linux itself.
    args: [MAIN, '--config', config, '--user', 'ben.carter'],
    env: { ...process.env, AUP_KIOSK_LOG_DIR: path.join(dir, 'logs') },
  });
  // The shell opens several windows (the kiosk page, the hidden indicator, covers): find the page.
  page = await pageAt('/index.html');
  await page.waitForLoadState('domcontentloaded');
});

test.afterAll(async () => {
  await app?.close();
  rmSync(dir, { recursive: true, force: true });
});

test('the kiosk page comes from aup://kiosk, full-screen, always on top, with the indicator hidden', async () => {
  expect(page.url()).toBe('aup://kiosk/index.html');
  await expect.poll(async () => (await byPage('/index.html'))?.visible).toBe(true);
  expect(await byPage('/index.html')).toMatchObject({ kiosk: true, onTop: true });
  expect(await byPage('/_shell/indicator.html')).toMatchObject({ visible: false });
});

test('the renderer has KioskApi and nothing else: no Node, no require, no ipcRenderer', async () => {
  const seen = await page.evaluate(() => ({
    require: typeof (globalThis as any).require,
    process: typeof (globalThis as any).process,
    ipc: typeof (globalThis as any).ipcRenderer,
    api: Object.keys((window as any).aup).sort(),
  }));
  expect(seen).toEqual({
    require: 'undefined',
    process: 'undefined',
    ipc: 'undefined',
    api: [
      'acceptPolicy',
      'acknowledgeSafetyRules',
      'adminOverride',
      'closePolicy',
      'closeSafetyRules',
      'endClass',
      'getView',
      'onView',
      'openPolicy',
      'openRoom',
      'openSafetyRules',
      'setLanguage',
      'teacherUnlock',
    ],
  });
});

test('the CSP refuses an inline script, and nothing reaches the network', async () => {
  const inline = await page.evaluate(() => {
    const s = document.createElement('script');
    s.textContent = 'window.__inline = 1';
    document.head.append(s);
    return (window as any).__inline ?? null;
  });
  expect(inline).toBeNull();
  expect(
    await page.evaluate(() =>
      fetch('https://example.com/').then(
        () => 'reached',
        () => 'refused',
      ),
    ),
  ).toBe('refused');
});

test('no new window, no navigation, and reload and close keys do nothing', async () => {
  await page.evaluate(() => ((window as any).__marker = 'still here'));
  expect(await page.evaluate(() => window.open('https://example.com/') === null)).toBe(true);
  await page.evaluate(() => {
    window.location.href = 'https://example.com/';
  });
  await page.keyboard.press('Control+R');
  await page.keyboard.press('F5');
  await page.keyboard.press('Alt+F4');
  await page.waitForTimeout(500);
  expect(page.url()).toBe('aup://kiosk/index.html');
  expect(await page.evaluate(() => (window as any).__marker)).toBe('still here');
  const displays = await app.evaluate(({ screen }) => screen.getAllDisplays().length);
  expect(await windows()).toHaveLength(displays + 1); // a kiosk or cover per display, and the indicator
});

test('arguments are checked in the main process: a wrong one is refused without reaching the kiosk', async () => {
  const outcome = await page.evaluate(() => (window as any).aup.teacherUnlock({ username: 'ms.garcia', secret: 2468 }));
  expect(outcome).toMatchObject({ ok: false, reason: 'invalid-request' });
});

test('after the policy, the safety rules and a teacher unlock, the windows step aside for the indicator', async () => {
  await page.evaluate(async () => {
    const aup = (window as any).aup;
    let view = await aup.getView();
    if (view.kind === 'policy') {
      const d = view.document;
      await aup.acceptPolicy({ policyId: d.policyId, version: d.version, sha256: d.sha256, language: d.language });
      view = await aup.getView();
    }
    if (view.kind === 'safety-rules') {
      await aup.acknowledgeSafetyRules({ rulesId: view.document.policyId, version: view.document.version });
      view = await aup.getView();
    }
    if (view.kind !== 'locked') throw new Error(`expected the lock screen, got ${view.kind}`);
    const unlocked = await aup.teacherUnlock({ username: 'ms.garcia', secret: '2468' });
    if (!unlocked.ok) throw new Error(JSON.stringify(unlocked));
  });
  await expect.poll(async () => (await byPage('/_shell/indicator.html'))?.visible).toBe(true);
  expect(await byPage('/index.html')).toMatchObject({ visible: false, kiosk: false });
  const indicator = await pageAt('/_shell/indicator.html');
  await expect(indicator.locator('#left')).toHaveText(/\d+ min left/);
});

test('a crashed kiosk page is loaded again', async () => {
  await app.evaluate(({ BrowserWindow }) => {
    BrowserWindow.getAllWindows()
      .find((w) => w.webContents.getURL().endsWith('/_shell/indicator.html'))!
      .webContents.forcefullyCrashRenderer();
  });
  const log = () =>
    readdirSync(path.join(dir, 'logs'))
      .map((f) => readFileSync(path.join(dir, 'logs', f), 'utf8'))
      .join('');
  await expect.poll(log, { message: 'the log to say the page crashed and is loaded again' }).toContain('kiosk page crashed; loading it again');
  await expect.poll(async () => (await byPage('/_shell/indicator.html'))?.crashed, { message: 'the indicator page running again' }).toBe(false);
  const indicator = await pageAt('/_shell/indicator.html');
  await expect(indicator.locator('#left')).toHaveText(/\d+ min left/);
});

test('the log says where the config came from and what was refused, and holds no PIN', async () => {
  const folder = path.join(dir, 'logs');
  const file = path.join(
    folder,
    readdirSync(folder).find((f) => f.startsWith('aup-kiosk-ben.carter'))!,
  );
  const text = readFileSync(file, 'utf8');
  expect(text).toContain('AUP Kiosk starting');
  expect(text).toContain('config source');
  expect(text).toContain('"reason":"invalid-request"');
  expect(text).toContain('teacher unlock');
  // The teacher's PIN was sent twice (once as a number, refused; once to unlock): never written.
  expect(text.split('\n').filter((line) => !line.includes('"pid":'))).not.toContainEqual(expect.stringContaining('2468'));
});

test('the executable with aup arguments runs the CLI: its output, its exit code, no window', () => {
  const cli = (...args: string[]) =>
    spawnSync(runtime.binary!, [MAIN, ...rootSwitches, '--disable-gpu', ...args], { encoding: 'utf8', cwd: REPO, timeout: HANG_MS });
  const year = cli('school-year', '--at', '2026-08-01', '--config', path.join(REPO, 'assets/demo/config.json'));
  expect(year.stdout.trim()).toBe('2026-27');
  expect(year.status).toBe(0);
  const bad = cli('config', 'validate', '--config', path.join(dir, 'missing.json'));
  expect(bad.status).toBe(2);
  expect(bad.stderr).toContain('missing.json');
});
