// aup://kiosk/… : what each URL maps to (never outside the renderer folder), the CSP every response
// carries, which requests a page may make, and which page may send which intent over IPC.
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import {
  CONTENT_SECURITY_POLICY,
  PAGE_URLS,
  SECURITY_HEADERS,
  requestAllowed,
  resolveAppRequest,
  senderVerdict,
} from '../../../electron/core/shell/app-protocol.ts';
import { appPaths } from '../../../electron/core/shell/app-paths.ts';
import { checkoutResources } from '../../../electron/core/config/resources.ts';
import { loadSetup } from '../../../electron/core/setup.ts';
import { KIOSK_INTENTS } from '../../../electron/core/api/contract.ts';

const REPO = path.resolve(import.meta.dirname, '../../..');
const DEMO_CONFIG = path.join(REPO, 'assets/demo/config.json');
const renderer = path.join(REPO, 'out/renderer');
const folders = { renderer };
const get = (url: string) => resolveAppRequest(url, 'GET', folders);

describe('aup://kiosk/ answers from the built renderer folder', () => {
  it('the page and its assets', () => {
    // The kiosk page carries the session's first view (electron/main/protocol.ts, bridge/kiosk-page.ts); nothing else does.
    expect(get('aup://kiosk/index.html')).toEqual({
      kind: 'file',
      file: path.join(renderer, 'index.html'),
      contentType: 'text/html; charset=utf-8',
      kioskPage: true,
    });
    expect(get('aup://kiosk/')).toMatchObject({ kind: 'file', file: path.join(renderer, 'index.html'), kioskPage: true });
    expect(get('aup://kiosk/assets/index.html')).not.toHaveProperty('kioskPage');
    expect(get(PAGE_URLS.indicator)).not.toHaveProperty('kioskPage');
    expect(get('aup://kiosk/assets/index-abc.js?v=1#x')).toEqual({
      kind: 'file',
      file: path.join(renderer, 'assets/index-abc.js'),
      contentType: 'text/javascript; charset=utf-8',
    });
    expect(get('aup://kiosk/assets/index-abc.css')).toMatchObject({ contentType: 'text/css; charset=utf-8' });
  });

  it('never a file outside it, however the path is spelled', () => {
    for (const url of [
      'aup://kiosk/../../etc/passwd',
      'aup://kiosk/%2e%2e/%2e%2e/etc/passwd',
      'aup://kiosk/assets/%2e%2e%2f%2e%2e%2f%2e%2e%2fpackage.json',
      'aup://kiosk/..%5c..%5cwindows%5cwin.ini',
      'aup://kiosk/a%00.js',
      'aup://kiosk/%E0%A4%A',
    ]) {
      const answer = get(url);
      if (answer.kind === 'file') expect(answer.file.startsWith(renderer + path.sep)).toBe(true);
      else expect(answer).toMatchObject({ kind: 'error', status: expect.toBeOneOf([400, 403, 404]) });
    }
    expect(get('aup://kiosk/%2e%2e/%2e%2e/etc/passwd')).toMatchObject({ kind: 'error' });
  });

  it('another host, another scheme, a write or a file of an unknown type: refused', () => {
    expect(get('aup://evil/index.html')).toMatchObject({ kind: 'error', status: 404 });
    expect(get('file:///etc/passwd')).toMatchObject({ kind: 'error', status: 404 });
    expect(resolveAppRequest('aup://kiosk/index.html', 'POST', folders)).toMatchObject({ kind: 'error', status: 405 });
    expect(get('aup://kiosk/secrets.pem')).toMatchObject({ kind: 'error', status: 404 });
  });

  it('serves no file outside the renderer, not even a logo (the view carries it as a data: URL)', () => {
    expect(get('aup://kiosk/district-logo')).toMatchObject({ kind: 'error', status: 404 });
  });

  it("the shell's own pages", () => {
    for (const url of Object.values(PAGE_URLS).filter((u) => u.includes('/_shell/'))) expect(get(url)).toMatchObject({ kind: 'asset' });
    expect(get('aup://kiosk/_shell/indicator.js')).toMatchObject({ kind: 'asset', asset: { contentType: 'text/javascript; charset=utf-8' } });
    expect(get('aup://kiosk/_shell/nope.js')).toMatchObject({ kind: 'error', status: 404 });
  });
});

describe('the Content-Security-Policy on every response', () => {
  const directives = Object.fromEntries(
    CONTENT_SECURITY_POLICY.split(';')
      .map((d) => d.trim().split(/\s+/))
      .map(([k, ...v]) => [k, v]),
  );

  it('no inline script, no eval, scripts and styles only from the kiosk itself', () => {
    expect(directives['default-src']).toEqual(["'none'"]);
    expect(directives['script-src']).toEqual(["'self'"]);
    expect(directives['style-src']).toEqual(["'self'"]);
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-inline|unsafe-eval|https?:|\*/);
  });

  it('nothing from the network; no plugins, no framing, no forms', () => {
    expect(directives['connect-src']).toEqual(["'none'"]);
    expect(directives['object-src']).toEqual(["'none'"]);
    expect(directives['frame-ancestors']).toEqual(["'none'"]);
    expect(directives['form-action']).toEqual(["'none'"]);
    expect(directives['base-uri']).toEqual(["'none'"]);
    // Media only from aup://kiosk itself (the catalog's recordings by hash), never data: (issue 14).
    expect(directives['media-src']).toEqual(["'self'"]);
    expect(SECURITY_HEADERS['Content-Security-Policy']).toBe(CONTENT_SECURITY_POLICY);
    expect(SECURITY_HEADERS['X-Content-Type-Options']).toBe('nosniff');
  });

  it('the shell pages need nothing the policy refuses: no inline script or style', () => {
    for (const url of [PAGE_URLS.cover, PAGE_URLS.indicator]) {
      const answer = get(url);
      if (answer.kind !== 'asset') throw new Error(url);
      expect(answer.asset.body).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>|<style|\sstyle=|\son[a-z]+=/i);
    }
  });

  it.skipIf(!readFileSafe(path.join(renderer, 'index.html')))('the built renderer needs nothing the policy refuses either', () => {
    const html = readFileSafe(path.join(renderer, 'index.html'))!;
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>|<style|\son[a-z]+=/i);
  });
});

function readFileSafe(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

describe('requests a kiosk page may make', () => {
  it('its own scheme and inline images only; DevTools in a development build only', () => {
    expect(requestAllowed('aup://kiosk/assets/a.js', true)).toBe(true);
    expect(requestAllowed('data:image/svg+xml,<svg/>', true)).toBe(true);
    for (const url of [
      'https://example.com/',
      'http://127.0.0.1:4173/',
      'ws://127.0.0.1:1/kiosk',
      'file:///C:/Windows/win.ini',
      'aup://kioskevil/x',
    ]) {
      expect(requestAllowed(url, true)).toBe(false);
    }
    expect(requestAllowed('devtools://devtools/bundled/inspector.html', true)).toBe(false);
    expect(requestAllowed('devtools://devtools/bundled/inspector.html', false)).toBe(true);
  });
});

describe('who may send an intent over IPC', () => {
  const kiosk = { page: 'kiosk' as const, frameUrl: PAGE_URLS.kiosk, mainFrame: true };

  it('the kiosk page may send every KioskApi intent', () => {
    for (const intent of KIOSK_INTENTS) expect(senderVerdict(kiosk, intent)).toEqual({ ok: true });
    expect(senderVerdict({ ...kiosk, frameUrl: 'aup://kiosk/' }, 'getView')).toEqual({ ok: true });
  });

  it('the indicator may only read views and open the safety rules; a cover nothing at all', () => {
    const indicator = { page: 'indicator' as const, frameUrl: PAGE_URLS.indicator, mainFrame: true };
    expect(senderVerdict(indicator, 'getView')).toEqual({ ok: true });
    expect(senderVerdict(indicator, 'openSafetyRules')).toEqual({ ok: true });
    expect(senderVerdict(indicator, undefined)).toEqual({ ok: true }); // subscribe
    expect(senderVerdict(indicator, 'teacherUnlock')).toMatchObject({ ok: false });
    expect(senderVerdict(indicator, 'acceptPolicy')).toMatchObject({ ok: false });
    const cover = { page: 'cover' as const, frameUrl: PAGE_URLS.cover, mainFrame: true };
    expect(senderVerdict(cover, 'getView')).toMatchObject({ ok: false });
    expect(senderVerdict(cover, undefined)).toMatchObject({ ok: false });
  });

  it('refuses any other window, a subframe, or a page that is not the one the window was opened for', () => {
    expect(senderVerdict({ ...kiosk, page: null }, 'getView')).toEqual({ ok: false, why: 'not a kiosk window' });
    expect(senderVerdict({ ...kiosk, mainFrame: false }, 'getView')).toEqual({ ok: false, why: 'not the main frame' });
    for (const frameUrl of [
      'https://evil.example/index.html',
      'file:///out/renderer/index.html',
      'aup://other/index.html',
      PAGE_URLS.indicator,
      null,
      'not a url',
    ]) {
      expect(senderVerdict({ ...kiosk, frameUrl }, 'getView')).toMatchObject({ ok: false });
    }
  });

  it('the preload exposes exactly KioskApi: every intent, onView, nothing else', () => {
    const preload = readFileSync(path.join(REPO, 'electron/preload/index.ts'), 'utf8');
    const api = preload.slice(preload.indexOf('const api: KioskApi = {'), preload.indexOf('contextBridge.exposeInMainWorld'));
    const members = [...api.matchAll(/^ {2}([a-zA-Z]+)[(:]/gm)].map((m) => m[1]).sort();
    expect(members).toEqual([...KIOSK_INTENTS, 'onView'].sort());
    expect([...preload.matchAll(/exposeInMainWorld\(/g)]).toHaveLength(1);
    expect(preload).not.toMatch(/exposeInMainWorld\([^)]*ipcRenderer/);
  });
});

describe('where the packaged app finds its parts', () => {
  it('packaged: code and pages in app.asar, policies beside it in resources/ (never the demo roster)', () => {
    const asar = path.join('/opt/AUP Kiosk/resources/app.asar');
    expect(appPaths({ packaged: true, mainDir: path.join(asar, 'out/main'), resourcesPath: '/opt/AUP Kiosk/resources' })).toEqual({
      renderer: path.join(asar, 'out/renderer'),
      preload: path.join(asar, 'out/preload/index.cjs'),
      policies: '/opt/AUP Kiosk/resources/policies',
      migrations: '/opt/AUP Kiosk/resources/migrations',
    });
  });

  it('development: the repository, from the built main process in out/main', () => {
    const paths = appPaths({ packaged: false, mainDir: path.join(REPO, 'out/main') });
    expect(paths.policies).toBe(path.join(REPO, 'assets/policies'));
    expect(paths.renderer).toBe(path.join(REPO, 'out/renderer'));
    expect(paths.migrations).toBe(checkoutResources().migrations);
    expect(existsSync(path.join(paths.migrations, '001_records.sql'))).toBe(true);
  });

  it('the bundled catalog is found where the main process says it is (a bundle has no source tree)', async () => {
    expect(checkoutResources().policies).toBe(path.join(REPO, 'assets/policies')); // the CLI and the tests, unchanged
    expect((await loadSetup(DEMO_CONFIG, { bundledCatalog: '/nowhere/policies' })).ok).toBe(false);
    const policies = appPaths({ packaged: false, mainDir: path.join(REPO, 'out/main') }).policies;
    expect((await loadSetup(DEMO_CONFIG, { bundledCatalog: policies })).ok).toBe(true);
  });
});
