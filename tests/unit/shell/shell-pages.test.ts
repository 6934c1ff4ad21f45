// The indicator that shows the time left while a session is open: run as the page runs it (its own
// source text, in a fresh JavaScript context, with only `window`), against plain objects for the
// few page elements it touches.
import { describe, expect, it } from 'vitest';
import vm from 'node:vm';
import path from 'node:path';
import {
  INDICATOR_SCRIPT,
  SHELL_ASSETS,
  indicatorMain,
  type IndicatorElement,
  type IndicatorWindow,
} from '../../../electron/core/shell/shell-pages.ts';
import type { KioskView, ViewContext } from '../../../electron/core/api/contract.ts';

class Element implements IndicatorElement {
  textContent: string | null = '';
  hidden = false;
  className = '';
  readonly clicks: (() => void)[] = [];
  addEventListener(_type: 'click', listener: () => void) {
    this.clicks.push(listener);
  }
}

function page() {
  const elements: Record<string, Element> = { indicator: new Element(), left: new Element(), until: new Element(), rules: new Element() };
  const listeners: ((view: KioskView) => void)[] = [];
  const timers: (() => void)[] = [];
  let safetyRulesOpened = 0;
  const win: IndicatorWindow = {
    aup: {
      onView: (listener) => {
        listeners.push(listener);
        return () => {};
      },
      openSafetyRules: async () => {
        safetyRulesOpened++;
        return { ok: true };
      },
    },
    document: { getElementById: (id) => elements[id] ?? null, documentElement: { lang: 'en' } },
    setInterval: (callback) => timers.push(callback),
  };
  return {
    win,
    elements,
    push: (view: KioskView) => listeners.forEach((l) => l(view)),
    tick: () => timers.forEach((t) => t()),
    opened: () => safetyRulesOpened,
  };
}

const context = (now: Date, language = 'en'): ViewContext => ({
  district: { name: 'Lockhart ISD' },
  site: { campus: 'Lockhart High School', room: 'Lab 204' },
  language,
  languages: [],
  now: now.toISOString(),
  timeZone: 'America/Chicago',
});
const user = { username: 'ben.carter', displayName: 'Ben Carter', role: 'student' as const };
const unlocked = (now: Date, until: string, extra: Partial<Extract<KioskView, { kind: 'unlocked' }>> = {}): KioskView => ({
  kind: 'unlocked',
  context: context(now),
  user,
  until,
  by: 'ms.garcia',
  byName: 'Ms. García',
  unlockKind: 'teacher',
  warning: false,
  guardianDeniedInternet: false,
  ...extra,
});

/** The PC's clock standing still, so that minutes left do not tick down while a test runs. */
const frozenDate = (at = Date.now()) =>
  class extends Date {
    static override now() {
      return at;
    }
  };

describe('the time-left indicator', () => {
  it('shows the minutes left and the end time in the district’s zone', () => {
    const p = page();
    indicatorMain(p.win);
    p.push(unlocked(new Date(), new Date(Date.now() + 42 * 60_000 + 30_000).toISOString()));
    expect(p.elements.left!.textContent).toBe('42 min left');
    expect(p.elements.until!.textContent).toMatch(/^Open until \d{1,2}:\d{2}/);
    expect(p.elements.rules!.hidden).toBe(false);
  });

  it("counts from the kiosk's clock, not the PC's", () => {
    const p = page();
    indicatorMain(p.win);
    // The kiosk says it is 10:00; the session ends at 10:30; the PC's clock is a day off.
    p.push(unlocked(new Date('2026-09-08T15:00:00Z'), '2026-09-08T15:30:00Z'));
    expect(p.elements.left!.textContent).toBe('30 min left');
    expect(p.elements.until!.textContent).toBe('Open until 10:30 AM');
  });

  it('warns near the end, in the student’s language', () => {
    const p = page();
    indicatorMain(p.win);
    const now = new Date();
    p.push({ ...unlocked(now, new Date(now.getTime() + 30_000).toISOString(), { warning: true }), context: context(now, 'es') } as KioskView);
    expect(p.elements.left!.textContent).toBe('Queda menos de un minuto');
    expect(p.elements.indicator!.className).toBe('indicator warning');
    expect(p.win.document.documentElement.lang).toBe('es');
  });

  it('is empty when the session is not open, and opens the safety rules when asked', () => {
    const p = page();
    indicatorMain(p.win);
    p.push({ kind: 'locked', context: context(new Date()), user, reason: 'expired', overrideOnly: false, guardianDeniedInternet: false });
    expect(p.elements.left!.textContent).toBe('');
    expect(p.elements.rules!.hidden).toBe(true);
    p.elements.rules!.clicks.forEach((c) => c());
    expect(p.opened()).toBe(1);
  });

  it('the served script is self-contained: it runs in a fresh context with only window', () => {
    const p = page();
    const sandbox = vm.createContext({ window: p.win, Date: frozenDate(), Intl, Math });
    new vm.Script(INDICATOR_SCRIPT, { filename: 'indicator.js' }).runInContext(sandbox);
    p.push(unlocked(new Date('2026-09-08T15:00:00Z'), '2026-09-08T15:05:00Z'));
    expect(p.elements.left!.textContent).toBe('5 min left');
    p.tick(); // the periodic refresh keeps working
    expect(p.elements.left!.textContent).toBe('5 min left');
  });

  it('survives the bundler: built as the main process is built, the served script still runs alone', async () => {
    const { build } = await import('vite');
    const result = await build({
      configFile: false,
      logLevel: 'silent',
      build: {
        write: false,
        ssr: true,
        minify: false,
        lib: { entry: path.join(import.meta.dirname, '../../../electron/core/shell/shell-pages.ts'), formats: ['es'] },
      },
    });
    const output = (Array.isArray(result) ? result[0] : result) as { output: { code?: string }[] };
    const code = output.output[0]!.code!;
    const built = (await import(`data:text/javascript;base64,${Buffer.from(code).toString('base64')}`)) as { INDICATOR_SCRIPT: string };
    const p = page();
    new vm.Script(built.INDICATOR_SCRIPT).runInContext(vm.createContext({ window: p.win, Date: frozenDate(), Intl, Math }));
    p.push(unlocked(new Date('2026-09-08T15:00:00Z'), '2026-09-08T15:10:00Z'));
    expect(p.elements.left!.textContent).toBe('10 min left');
  });

  it('the pages load their script and style from the shell, nothing inline', () => {
    expect(SHELL_ASSETS['indicator.html']!.body).toContain('<script src="indicator.js" defer></script>');
    expect(SHELL_ASSETS['cover.html']!.body).not.toContain('<script');
    expect(SHELL_ASSETS['cover.html']!.body).toContain('Use the main screen.');
    for (const id of ['indicator', 'left', 'until', 'rules']) expect(SHELL_ASSETS['indicator.html']!.body).toContain(`id="${id}"`);
  });
});
