// The loopback transport of KioskApi (docs/design.md "Architecture"): the built renderer over HTTP and the
// intents over a WebSocket, on 127.0.0.1 only, for `npm run preview` and the browser tests. Electron
// binds the same service to ipcMain instead. Plain Node: this file never imports `electron`.
//
// Any process or web page on the machine can reach a loopback port, so: the Host header must name
// the loopback address (no DNS rebinding), a browser's Origin must be this server, every frame is
// validated, and the clock test hooks exist only when the caller passes them.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { KioskApi, KioskView } from '../api/contract.ts';
import { dispatchIntent } from '../kiosk/dispatch.ts';
import { BRIDGE_PATH, type BridgeMessage } from '../api/channels.ts';
import { RECORDINGS_PATH, parseRecordingPath, type RecordingIndex } from '../policy/recordings.ts';
import { recordingResponse } from '../shell/app-protocol.ts';
import { kioskPage } from './kiosk-page.ts';
import { MAX_FRAME_BYTES, argumentsOf, invalidRequest, parseFrame } from './protocol.ts';

/** Media from this server only: the catalog's recordings, by hash at `/audio/<sha256>.opus` (never `data:`). */
export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; connect-src 'self' ws://127.0.0.1:*; img-src 'self' data:; media-src 'self'; style-src 'self'; script-src 'self'";

export interface BridgeTestHooks {
  setNow(iso: string): Promise<void> | void;
  advance(ms: number): Promise<void> | void;
}

export interface LoopbackBridgeOptions {
  /** 0 picks a free port. */
  port: number;
  host?: '127.0.0.1';
  /** The built renderer (out/renderer). */
  staticDir: string;
  /** The session of the user named in the page's `?user=`. */
  sessionFor(username: string): KioskApi;
  /** Called when the page of a session disconnects (to release it). */
  sessionClosed?(session: KioskApi): void;
  /**
   * The page for `/` without `?user=` (the preview's "who is signing in?", bridge/user-chooser.ts).
   * Absent: the renderer, which has no session to show without a user.
   */
  userChooser?(query: URLSearchParams, acceptLanguage: string | undefined): Promise<string>;
  /**
   * The loaded catalog's recordings, which `GET /audio/<sha256>.opus` serves (the views name them so).
   * Absent: every such request is 404.
   */
  recordings?: RecordingIndex;
  /** Moves the kiosk's clock (`POST /__test/clock`). Absent in every real use. */
  testHooks?: BridgeTestHooks;
  /** Where to report unexpected errors; defaults to stderr. */
  log?: (line: string) => void;
}

export interface LoopbackBridge {
  port: number;
  /** `http://127.0.0.1:PORT/` */
  url: string;
  close(): Promise<void>;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
};

// The roster's username characters (an apostrophe: o'brien), and + for e-mail-like LDAP names.
const USERNAME = /^[\p{L}\p{N}._@'+-]{1,128}$/u;
const LOOPBACK_HOSTS = ['127.0.0.1', 'localhost', '[::1]'];

const securityHeaders = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'X-Frame-Options': 'DENY',
};

export async function startLoopbackBridge(options: LoopbackBridgeOptions): Promise<LoopbackBridge> {
  const host = options.host ?? '127.0.0.1';
  if (host !== '127.0.0.1') throw new Error('the loopback bridge listens on 127.0.0.1 only');
  const staticDir = path.resolve(options.staticDir);
  const log = options.log ?? ((line: string) => process.stderr.write(`bridge: ${line}\n`));
  let port = options.port;

  const hostAllowed = (header: string | undefined) => LOOPBACK_HOSTS.some((h) => header === `${h}:${port}`);
  // Browsers send Origin on WebSocket upgrades and POSTs; tools and tests may send none.
  const originAllowed = (origin: string | undefined) => origin === undefined || LOOPBACK_HOSTS.some((h) => origin === `http://${h}:${port}`);

  /**
   * The user whose first view this page request may carry: the one the socket would serve it (a
   * valid ?user=, the Host and any Origin the socket checks), asked for by the user's own navigation
   * or the kiosk page itself (Sec-Fetch-Site none or same-origin; tools send none). Another site's
   * page, or another server on 127.0.0.1 (same-site), gets the shell without the view.
   */
  function firstViewUser(req: IncomingMessage, query: URLSearchParams): string | null {
    const user = query.get('user') ?? '';
    if (!USERNAME.test(user) || !originAllowed(req.headers.origin)) return null;
    const site = req.headers['sec-fetch-site'];
    return site === undefined || site === 'none' || site === 'same-origin' ? user : null;
  }

  /** The session's view now (a session opened and closed for it, as the socket would open one). */
  async function firstViewOf(user: string): Promise<KioskView | null> {
    let session: KioskApi;
    try {
      session = options.sessionFor(user);
    } catch (error) {
      log(`session for ${user}: ${error instanceof Error ? error.message : String(error)}`);
      return null;
    }
    try {
      return await session.getView();
    } catch (error) {
      log(`first view for ${user}: ${error instanceof Error ? error.message : String(error)}`);
      return null;
    } finally {
      try {
        options.sessionClosed?.(session);
      } catch (error) {
        log(`session closed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }

  /** The renderer's page: its shell in the screen's language, with the first view when the request may have it. */
  async function servePage(req: IncomingMessage, res: ServerResponse, file: string, query: URLSearchParams) {
    let html: string;
    try {
      html = await readFile(file, 'utf8');
    } catch {
      return send(res, 404, 'not found (is the renderer built? npm run build:renderer)');
    }
    const user = firstViewUser(req, query);
    const view = user === null ? null : await firstViewOf(user);
    const body = Buffer.from(kioskPage(html, { view, acceptLanguage: req.headers['accept-language'] }));
    res.writeHead(200, {
      ...securityHeaders,
      'Content-Type': CONTENT_TYPES['.html']!,
      'Content-Length': body.length,
      // A person's view: never kept by a cache, never embedded by another origin.
      'Cache-Control': 'no-store',
      'Cross-Origin-Resource-Policy': 'same-origin',
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  }

  async function serveStatic(req: IncomingMessage, res: ServerResponse, pathname: string, query: URLSearchParams) {
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'method not allowed', { Allow: 'GET, HEAD' });
    let relative: string;
    try {
      relative = decodeURIComponent(pathname);
    } catch {
      return send(res, 400, 'bad path');
    }
    if (relative.includes('\0')) return send(res, 400, 'bad path');
    let file = path.resolve(staticDir, `.${path.posix.normalize(relative)}`);
    if (file !== staticDir && !file.startsWith(staticDir + path.sep)) return send(res, 403, 'forbidden');
    if (await isFile(path.join(file, 'index.html'))) file = path.join(file, 'index.html');
    else if (!(await isFile(file))) {
      // A page path (no extension) gets the app; a missing asset is a 404, not HTML under a .js name.
      if (path.extname(relative) !== '') return send(res, 404, 'not found');
      file = path.join(staticDir, 'index.html');
    }
    if (file === path.join(staticDir, 'index.html')) return servePage(req, res, file, query);
    return serveFile(req, res, file);
  }

  async function serveFile(req: IncomingMessage, res: ServerResponse, file: string) {
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'method not allowed', { Allow: 'GET, HEAD' });
    let body: Buffer;
    try {
      body = await readFile(file);
    } catch {
      return send(res, 404, 'not found (is the renderer built? npm run build:renderer)');
    }
    const type = CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
    const hashed = file.startsWith(path.join(staticDir, 'assets') + path.sep);
    res.writeHead(200, {
      ...securityHeaders,
      'Content-Type': type,
      'Content-Length': body.length,
      'Cache-Control': hashed ? 'public, max-age=31536000, immutable' : 'no-cache',
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  }

  async function serveUserChooser(
    req: IncomingMessage,
    res: ServerResponse,
    query: URLSearchParams,
    chooser: NonNullable<LoopbackBridgeOptions['userChooser']>,
  ) {
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'method not allowed', { Allow: 'GET, HEAD' });
    const body = Buffer.from(await chooser(query, req.headers['accept-language']));
    res.writeHead(200, { ...securityHeaders, 'Content-Type': CONTENT_TYPES['.html']!, 'Content-Length': body.length, 'Cache-Control': 'no-store' });
    res.end(req.method === 'HEAD' ? undefined : body);
  }

  /** A recording the catalog lists, by hash, as long as its file still hashes to it; anything else 404. */
  async function serveRecording(req: IncomingMessage, res: ServerResponse, pathname: string) {
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'method not allowed', { Allow: 'GET, HEAD' });
    const named = parseRecordingPath(pathname);
    const recording = named && options.recordings ? await options.recordings.read(named.sha256, named.ext) : null;
    const answer = recordingResponse(recording, req.method, req.headers.range);
    if (answer.status === 404) return send(res, 404, 'not found', answer.headers);
    res.writeHead(answer.status, { ...securityHeaders, ...answer.headers });
    res.end(answer.body ?? undefined);
  }

  async function testClock(req: IncomingMessage, res: ServerResponse, hooks: BridgeTestHooks) {
    if (req.method !== 'POST') return send(res, 405, 'method not allowed', { Allow: 'POST' });
    if (!originAllowed(req.headers.origin)) return send(res, 403, 'forbidden');
    const text = await readBody(req, 4096);
    let body: unknown;
    try {
      body = text === null ? null : JSON.parse(text);
    } catch {
      body = null;
    }
    const b = (typeof body === 'object' && body !== null ? body : {}) as { now?: unknown; advanceMinutes?: unknown };
    if (typeof b.now === 'string' && Number.isFinite(Date.parse(b.now))) await hooks.setNow(new Date(b.now).toISOString());
    else if (typeof b.advanceMinutes === 'number' && Number.isFinite(b.advanceMinutes)) await hooks.advance(b.advanceMinutes * 60_000);
    else return send(res, 400, 'expected {"now": ISO} or {"advanceMinutes": n}');
    send(res, 200, JSON.stringify({ ok: true }), { 'Content-Type': 'application/json' });
  }

  const server = createServer((req, res) => {
    if (!hostAllowed(req.headers.host)) return send(res, 421, 'this server answers for 127.0.0.1 only');
    const { pathname, searchParams } = new URL(req.url ?? '/', 'http://127.0.0.1');
    const chooseUser = options.userChooser && (pathname === '/' || pathname === '/index.html') && !searchParams.get('user');
    const handled =
      pathname === '/__test/clock' && options.testHooks
        ? testClock(req, res, options.testHooks)
        : pathname.startsWith(RECORDINGS_PATH)
          ? serveRecording(req, res, pathname)
          : chooseUser
            ? serveUserChooser(req, res, searchParams, options.userChooser!)
            : serveStatic(req, res, pathname, searchParams);
    handled.catch((error: unknown) => {
      log(`${req.method} ${pathname}: ${error instanceof Error ? error.message : String(error)}`);
      if (!res.headersSent) send(res, 500, 'internal error');
      else res.destroy();
    });
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const refuse = (status: number, text: string) => {
      socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    if (url.pathname !== BRIDGE_PATH) return refuse(404, 'Not Found');
    if (!hostAllowed(req.headers.host) || !originAllowed(req.headers.origin)) return refuse(403, 'Forbidden');
    const user = url.searchParams.get('user') ?? '';
    if (!USERNAME.test(user)) return refuse(400, 'Bad Request');
    let session: KioskApi;
    try {
      session = options.sessionFor(user);
    } catch (error) {
      log(`session for ${user}: ${error instanceof Error ? error.message : String(error)}`);
      return refuse(500, 'Internal Server Error');
    }
    wss.handleUpgrade(req, socket, head, (ws) => serveSession(ws, session));
  });

  function serveSession(ws: WebSocket, session: KioskApi) {
    const post = (message: BridgeMessage) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
    };
    let unsubscribe: (() => void) | null = null;
    try {
      unsubscribe = session.onView((view) => post({ type: 'view', view }));
    } catch (error) {
      log(`onView: ${error instanceof Error ? error.message : String(error)}`);
      ws.close(1011, 'internal error');
      return;
    }
    // An oversize frame makes `ws` close the socket with 1009 and emit 'error': expected, not a crash.
    ws.on('error', () => ws.terminate());
    ws.on('close', () => {
      unsubscribe?.();
      try {
        options.sessionClosed?.(session);
      } catch (error) {
        log(`session closed: ${error instanceof Error ? error.message : String(error)}`);
      }
    });
    ws.on('message', (data: RawData, isBinary: boolean) => {
      if (isBinary) return post({ type: 'result', id: null, result: invalidRequest('expected a text frame') });
      const parsed = parseFrame(rawText(data));
      if (!parsed.ok) return post({ type: 'result', id: parsed.id, result: invalidRequest(parsed.message) });
      dispatchIntent(session, parsed.method, argumentsOf(parsed.params)).then(
        (result) => post({ type: 'result', id: parsed.id, result }),
        (error: unknown) => {
          log(`${parsed.method}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
          post({ type: 'result', id: parsed.id, result: { ok: false, reason: 'not-now', message: 'the kiosk could not do that' } });
        },
      );
    });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;

  return {
    port,
    url: `http://127.0.0.1:${port}/`,
    close: async () => {
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}

function send(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}) {
  res.writeHead(status, { ...securityHeaders, 'Content-Type': 'text/plain; charset=utf-8', ...headers });
  res.end(body);
}

async function isFile(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}

/** The request body as text, or null when it is larger than `limit` bytes. */
async function readBody(req: IncomingMessage, limit: number): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) return null;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
