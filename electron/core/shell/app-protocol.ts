// The kiosk's pages come from its own scheme, `aup://kiosk/…`, never from file:// (Electron's
// security checklist): the main process answers each request from the built renderer folder, with a
// strict Content-Security-Policy on every response. This file decides what a URL maps to, which
// pages may call which KioskApi intents, and which requests a page may make at all.
import path from 'node:path';
import type { KioskIntent } from '../api/contract.ts';
import { RECORDINGS_PATH, parseRecordingPath, type Recording } from '../policy/recordings.ts';
import { SHELL_ASSETS, type ShellAsset } from './shell-pages.ts';

export const APP_SCHEME = 'aup';
export const APP_HOST = 'kiosk';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;

/** The kiosk page (the built renderer) and the shell's own two pages. */
export const PAGE_URLS = {
  kiosk: `${APP_ORIGIN}/index.html`,
  cover: `${APP_ORIGIN}/_shell/cover.html`,
  indicator: `${APP_ORIGIN}/_shell/indicator.html`,
} as const;
export type ShellPage = keyof typeof PAGE_URLS;

/**
 * No inline script or style, no eval, nothing from the network: the renderer talks to the kiosk
 * only through the preload's KioskApi. `data:` images are the renderer's icons. Media only from
 * aup://kiosk itself: the catalog's recordings by hash (`/audio/<sha256>.opus`), never `data:`.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "media-src 'self'", // the catalog's read-aloud recordings, aup://kiosk/audio/<sha256>.opus (issue 14)
  "connect-src 'none'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export const SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Cache-Control': 'no-store',
};

export const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.gif': 'image/gif',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.txt': 'text/plain; charset=utf-8',
};

export type AppResponse =
  /** `kioskPage`: the renderer's index.html, which carries the session's first view (bridge/kiosk-page.ts). */
  | { kind: 'file'; file: string; contentType: string; kioskPage?: true }
  | { kind: 'asset'; asset: ShellAsset }
  /** A catalog recording by its hash: the transport reads it through its RecordingIndex (policy/recordings.ts). */
  | { kind: 'recording'; sha256: string; ext: string }
  | { kind: 'error'; status: 400 | 403 | 404 | 405; message: string };

export interface AppFolders {
  /** out/renderer, inside app.asar when packaged. */
  renderer: string;
}

const error = (status: 400 | 403 | 404 | 405, message: string): AppResponse => ({ kind: 'error', status, message });
const typeOf = (file: string) => CONTENT_TYPES[path.extname(file).toLowerCase()];

/**
 * What `aup://kiosk/…` answers. Only files inside the renderer folder, the shell's pages and the
 * catalog's recordings by hash (the logo comes in the view as a data: URL).
 */
export function resolveAppRequest(url: string, method: string, folders: AppFolders): AppResponse {
  if (method !== 'GET' && method !== 'HEAD') return error(405, 'method not allowed');
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return error(400, 'bad url');
  }
  if (parsed.protocol !== `${APP_SCHEME}:` || parsed.host !== APP_HOST) return error(404, 'not found');
  let pathname: string;
  try {
    pathname = decodeURIComponent(parsed.pathname);
  } catch {
    return error(400, 'bad path');
  }
  // A recording is named by its hash and nothing else: any other path under /audio/ is not found.
  if (pathname.startsWith(RECORDINGS_PATH)) {
    const named = parseRecordingPath(pathname);
    return named ? { kind: 'recording', ...named } : error(404, 'not found');
  }
  if (pathname.includes('\0') || pathname.includes('\\')) return error(400, 'bad path');
  if (pathname === '/' || pathname === '') pathname = '/index.html';
  if (pathname.startsWith('/_shell/')) {
    const asset = SHELL_ASSETS[pathname.slice('/_shell/'.length)];
    return asset ? { kind: 'asset', asset } : error(404, 'not found');
  }
  const root = path.resolve(folders.renderer);
  const file = path.resolve(root, `.${path.posix.normalize(pathname)}`);
  if (!file.startsWith(root + path.sep)) return error(403, 'forbidden');
  const type = typeOf(file);
  if (!type) return error(404, 'not found');
  // Only the kiosk window loads it (the cover and the indicator are the shell's own pages, above), and
  // its preload's KioskApi hands that window the same view: the first view tells it nothing more.
  if (file === path.join(root, 'index.html')) return { kind: 'file', file, contentType: type, kioskPage: true };
  return { kind: 'file', file, contentType: type };
}

export interface RecordingResponse {
  status: 200 | 206 | 404 | 416;
  headers: Record<string, string>;
  /** null for HEAD and for refusals (their text is the transport's). */
  body: Uint8Array<ArrayBuffer> | null;
}

/** A year: the bytes behind a hash never change, so a cache may keep them without asking again. */
export const IMMUTABLE = 'public, max-age=31536000, immutable';

/**
 * The answer to a request for a recording, on either transport: its bytes (a `Range: bytes=…` request,
 * as Chromium's media element sends to seek, gets 206 and that part), `Cache-Control: immutable`,
 * the catalog's media type. `recording` null (not listed, or changed on disk): 404.
 */
export function recordingResponse(recording: Recording | null, method: string, range: string | undefined): RecordingResponse {
  if (!recording) return { status: 404, headers: { 'Cache-Control': 'no-store' }, body: null };
  const size = recording.bytes.length;
  const headers: Record<string, string> = {
    'Content-Type': recording.type,
    'Cache-Control': IMMUTABLE,
    ETag: `"${recording.sha256}"`,
    'Accept-Ranges': 'bytes',
    'Cross-Origin-Resource-Policy': 'same-origin',
  };
  const part = byteRange(range, size);
  if (part === 'unsatisfiable') return { status: 416, headers: { ...headers, 'Content-Range': `bytes */${size}` }, body: null };
  const [start, end] = part ?? [0, size - 1];
  const body = method === 'HEAD' ? null : new Uint8Array(recording.bytes.subarray(start, end + 1));
  headers['Content-Length'] = String(end - start + 1);
  if (!part) return { status: 200, headers, body };
  return { status: 206, headers: { ...headers, 'Content-Range': `bytes ${start}-${end}/${size}` }, body };
}

/**
 * One `bytes=` range of a `size`-byte body, inclusive (RFC 9110 §14.1.2): null to send the whole
 * body (no header, a header this does not parse, or several ranges), or 'unsatisfiable'.
 */
export function byteRange(header: string | undefined, size: number): [number, number] | null | 'unsatisfiable' {
  const m = header ? /^bytes=(\d*)-(\d*)$/.exec(header.trim()) : null;
  if (!m || (m[1] === '' && m[2] === '')) return null;
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0 || size === 0) return 'unsatisfiable';
    return [Math.max(0, size - suffix), size - 1];
  }
  const start = Number(m[1]);
  if (start >= size) return 'unsatisfiable';
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  return end < start ? null : [start, end];
}

/** Requests a kiosk page may make: its own scheme, inline images, and DevTools in a development build. */
export function requestAllowed(url: string, packaged: boolean): boolean {
  if (url.startsWith(`${APP_ORIGIN}/`) || url.startsWith('data:')) return true;
  return !packaged && url.startsWith('devtools://');
}

/** The intents each page may send. Covers have no preload; the indicator only reads and opens the safety rules. */
const INTENTS_BY_PAGE: Record<ShellPage, readonly KioskIntent[] | 'all'> = {
  kiosk: 'all',
  indicator: ['getView', 'openSafetyRules'],
  cover: [],
};

export type SenderVerdict = { ok: true } | { ok: false; why: string };

/**
 * Checks the sender of an IPC call (Electron's checklist: validate the sender of every message):
 * a window of the shell, its main frame, at the page that window was opened for.
 */
export function senderVerdict(
  sender: { page: ShellPage | null; frameUrl: string | null | undefined; mainFrame: boolean },
  intent: unknown,
): SenderVerdict {
  if (!sender.page) return { ok: false, why: 'not a kiosk window' };
  if (!sender.mainFrame) return { ok: false, why: 'not the main frame' };
  let url: URL;
  try {
    url = new URL(sender.frameUrl ?? '');
  } catch {
    return { ok: false, why: 'no page' };
  }
  const expected = new URL(PAGE_URLS[sender.page]);
  const samePage =
    url.protocol === expected.protocol &&
    url.host === expected.host &&
    (url.pathname === expected.pathname || (sender.page === 'kiosk' && url.pathname === '/'));
  if (!samePage) return { ok: false, why: 'page is not the one this window was opened for' };
  const allowed = INTENTS_BY_PAGE[sender.page];
  // `intent` undefined: the page subscribes to views, which any page with KioskApi may do.
  if (allowed !== 'all' && (allowed.length === 0 || (intent !== undefined && !allowed.includes(intent as KioskIntent)))) {
    return { ok: false, why: `the ${sender.page} page may not send ${String(intent ?? 'subscribe').slice(0, 40)}` };
  }
  return { ok: true };
}
