// The first view sent with the page (issue 14, point 9): the loopback bridge puts the session's view
// into the kiosk page for a request the socket itself would serve (a valid ?user=, the loopback Host,
// the user's own navigation or the kiosk page), and never for another site's request; the lock shell
// is written in the view's language, or the browser's when there is no view. Real KioskService, real
// bridge, the built page's own markers (a small page like renderer/index.html).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { openKioskService } from '../../../electron/core/setup.ts';
import type { KioskHost } from '../../../electron/core/kiosk/kiosk-service.ts';
import { MemoryLog } from '../../../electron/core/log.ts';
import { ManualClock } from '../../../electron/core/time.ts';
import { FIRST_VIEW_ELEMENT_ID, parseFirstView } from '../../../electron/core/api/first-view.ts';
import { startLoopbackBridge, type LoopbackBridge } from '../../../electron/core/bridge/loopback-bridge.ts';
import { demoConfigIn, tempDir, type TempDir } from '../../support/fixtures.ts';

const PAGE = `<!doctype html>
<html lang="en" dir="ltr">
  <head><meta charset="utf-8" /><title>AUP Kiosk</title></head>
  <body>
    <div id="root"><div data-lock-shell><header><span data-shell-text="district">AUP Kiosk</span></header>
    <main><h1 data-shell-text="locked.heading">This computer is locked</h1><p data-shell-text="loading.body">Connecting to the kiosk…</p></main></div></div>
  </body>
</html>`;

let tmp: TempDir;
let kiosk: KioskHost;
let bridge: LoopbackBridge;

beforeEach(async () => {
  tmp = await tempDir();
  const config = await demoConfigIn(tmp.dir);
  kiosk = await openKioskService({ configFile: config, clock: new ManualClock('2026-09-08T13:30:00Z'), log: new MemoryLog() });
  const staticDir = path.join(tmp.dir, 'static');
  await mkdir(staticDir);
  await writeFile(path.join(staticDir, 'index.html'), PAGE);
  bridge = await startLoopbackBridge({
    port: 0,
    staticDir,
    sessionFor: (user) => kiosk.session(user),
    sessionClosed: (s) => (s as { dispose?: () => void }).dispose?.(),
  });
});

afterEach(async () => {
  await bridge.close();
  await kiosk.close();
  await tmp.cleanup();
});

async function page(query: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${bridge.url}${query}`, { headers });
  const html = await response.text();
  const block = new RegExp(`<script type="application/json" id="${FIRST_VIEW_ELEMENT_ID}">([\\s\\S]*?)</script>`).exec(html);
  return { response, html, view: parseFirstView(block?.[1]) };
}

describe('the first view in the served page', () => {
  it('is there for the user’s own navigation, the same view the socket would send, and the shell speaks its language', async () => {
    const { response, html, view } = await page('?user=ana.lopez', { 'sec-fetch-site': 'none', 'accept-language': 'en-US' });
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(view).toEqual(await kiosk.session('ana.lopez').getView());
    // Ana reads Spanish (the roster): the shell is hers, whatever the browser's language.
    expect(view).toMatchObject({ kind: 'policy', context: { language: 'es' } });
    expect(html).toContain('<html lang="es" dir="ltr">');
    expect(html).toContain('>Esta computadora está bloqueada</h1>');
    expect(html).toContain('>Lockhart ISD (demo)</span>');
    // The kiosk page itself (a reload) and a tool with no fetch metadata carry it too.
    expect((await page('?user=ana.lopez', { 'sec-fetch-site': 'same-origin' })).view).not.toBeNull();
    expect((await page('?user=ana.lopez')).view).not.toBeNull();
  });

  it('is absent for a request the socket would refuse or another site makes; the shell then follows Accept-Language', async () => {
    for (const [query, headers] of [
      ['?user=ana.lopez', { 'sec-fetch-site': 'cross-site' }],
      ['?user=ana.lopez', { 'sec-fetch-site': 'same-site' }], // another server on 127.0.0.1
      ['?user=ana.lopez', { origin: 'http://evil.example' }],
      ['?user=%3Cscript%3E', {}],
      ['index.html', {}],
    ] as const) {
      const { html, view } = await page(query, { ...headers, 'accept-language': 'es-US,es;q=0.9' });
      expect(view, `${query} ${JSON.stringify(headers)}`).toBeNull();
      expect(html).not.toContain(FIRST_VIEW_ELEMENT_ID);
      expect(html).toContain('<html lang="es-US" dir="ltr">');
      expect(html).toContain('>Conectando con el quiosco…</p>');
    }
    expect((await page('?user=ana.lopez', { 'sec-fetch-site': 'cross-site' })).html).toContain('<html lang="en" dir="ltr">');
  });
});
