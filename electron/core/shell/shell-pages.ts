// The shell's own two small pages, served at aup://kiosk/_shell/…: the cover that blanks every
// display but the primary one while the kiosk is locked (no script at all), and the indicator that
// shows the time left while a session is open. The indicator is one more KioskApi client: it reads
// views from the preload like the kiosk page does, and may only open the Internet Safety rules.
import type { KioskApi, KioskView } from '../api/contract.ts';

export interface ShellAsset {
  contentType: string;
  body: string;
}

/** The few parts of the page the indicator script touches (the tests hand it plain objects). */
export interface IndicatorElement {
  textContent: string | null;
  hidden: boolean;
  className: string;
  addEventListener(type: 'click', listener: () => void): void;
}
export interface IndicatorWindow {
  aup: Pick<KioskApi, 'onView' | 'openSafetyRules'>;
  document: { getElementById(id: string): IndicatorElement | null; documentElement: { lang: string } };
  setInterval(callback: () => void, ms: number): unknown;
}

/**
 * The indicator page's script. It is served as its own source text, so it must not use anything
 * from this module: only its argument and the browser's globals (Date, Intl, Math).
 */
export function indicatorMain(win: IndicatorWindow): void {
  const words: Record<string, { left: (n: number) => string; lastMinute: string; until: (t: string) => string; rules: string }> = {
    en: { left: (n) => `${n} min left`, lastMinute: 'Less than a minute left', until: (t) => `Open until ${t}`, rules: 'Safety rules' },
    es: {
      left: (n) => `Quedan ${n} min`,
      lastMinute: 'Queda menos de un minuto',
      until: (t) => `Abierta hasta las ${t}`,
      rules: 'Reglas de seguridad',
    },
  };
  const byId = (id: string) => {
    const el = win.document.getElementById(id);
    if (!el) throw new Error(`indicator: no #${id}`);
    return el;
  };
  const box = byId('indicator');
  const left = byId('left');
  const until = byId('until');
  const rules = byId('rules');
  let view: KioskView | null = null;
  // The kiosk's clock, not the PC's: the offset between them when the view arrived.
  let offset = 0;

  const render = () => {
    if (!view || view.kind !== 'unlocked') {
      box.className = 'indicator';
      left.textContent = '';
      until.textContent = '';
      rules.hidden = true;
      return;
    }
    const language = view.context.language in words ? view.context.language : 'en';
    const w = words[language]!;
    const end = Date.parse(view.until);
    const minutes = Math.max(0, Math.floor((end - (Date.now() + offset)) / 60000));
    let time = view.until;
    try {
      time = new Intl.DateTimeFormat(language, { hour: 'numeric', minute: '2-digit', timeZone: view.context.timeZone }).format(new Date(end));
    } catch {
      // an unknown zone: the ISO time is still right
    }
    win.document.documentElement.lang = language;
    box.className = view.warning ? 'indicator warning' : 'indicator';
    left.textContent = minutes >= 1 ? w.left(minutes) : w.lastMinute;
    until.textContent = w.until(time);
    rules.textContent = w.rules;
    rules.hidden = false;
  };

  win.aup.onView((next) => {
    view = next;
    if (next.kind === 'unlocked') offset = Date.parse(next.context.now) - Date.now();
    render();
  });
  rules.addEventListener('click', () => void win.aup.openSafetyRules());
  win.setInterval(render, 15000);
}

const CSS = `
:root { color-scheme: light; font-family: system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', Arial, sans-serif; }
html, body { margin: 0; height: 100%; overflow: hidden; user-select: none; cursor: default; }
body.cover { background: #17375e; color: #ffffff; display: grid; place-items: center; text-align: center; }
body.cover svg { width: 6rem; height: 6rem; }
body.cover p { font-size: 1.5rem; margin: 0.5rem 0; }
body.indicator-page { background: #ffffff; color: #1b2430; }
.indicator { box-sizing: border-box; height: 100%; padding: 0.5rem 0.9rem; border: 3px solid #1f6f43; display: grid;
  grid-template-columns: 1fr auto; grid-template-rows: auto auto; align-items: center; column-gap: 0.75rem; }
.indicator.warning { border-color: #7a3e00; background: #fff1d6; color: #7a3e00; }
.left { grid-column: 1; margin: 0; font-size: 1.15rem; font-weight: 700; }
.until { grid-column: 1; margin: 0; font-size: 0.9rem; }
button { grid-column: 2; grid-row: 1 / span 2; font: inherit; font-size: 0.85rem; padding: 0.4rem 0.6rem;
  border: 2px solid #17375e; border-radius: 0.4rem; background: #ffffff; color: #17375e; cursor: pointer; }
button:focus-visible { outline: 3px solid #0b0c0c; box-shadow: 0 0 0 6px #ffdd00; }
button[hidden] { display: none; }
@media (forced-colors: active) { .indicator, button { border-color: CanvasText; } }
`;

const COVER_HTML = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>AUP Kiosk</title>
    <link rel="stylesheet" href="shell.css" />
  </head>
  <body class="cover">
    <main>
      <svg viewBox="0 0 24 24" aria-hidden="true" fill="none" stroke="currentColor" stroke-width="1.6" stroke-linecap="round" stroke-linejoin="round">
        <rect x="5" y="11" width="14" height="10" rx="2" /><path d="M8 11V7a4 4 0 0 1 8 0v4" />
      </svg>
      <p>Use the main screen.</p>
      <p lang="es">Use la pantalla principal.</p>
    </main>
  </body>
</html>
`;

const INDICATOR_HTML = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>AUP Kiosk</title>
    <link rel="stylesheet" href="shell.css" />
    <script src="indicator.js" defer></script>
  </head>
  <body class="indicator-page">
    <main id="indicator" class="indicator" role="status" aria-live="polite">
      <p id="left" class="left"></p>
      <p id="until" class="until"></p>
      <button id="rules" type="button" hidden></button>
    </main>
  </body>
</html>
`;

/** The indicator script as the page loads it: the function's own source, called with `window`. */
export const INDICATOR_SCRIPT = `"use strict";\n(${indicatorMain.toString()})(window);\n`;

export const SHELL_ASSETS: Record<string, ShellAsset> = {
  'cover.html': { contentType: 'text/html; charset=utf-8', body: COVER_HTML },
  'indicator.html': { contentType: 'text/html; charset=utf-8', body: INDICATOR_HTML },
  'indicator.js': { contentType: 'text/javascript; charset=utf-8', body: INDICATOR_SCRIPT },
  'shell.css': { contentType: 'text/css; charset=utf-8', body: CSS },
};
