// The machine service's local channel (docs/design.md "The machine service"): KioskApi between the
// service, running as root/SYSTEM, and the kiosk app in each signed-in session, over a Unix socket
// (Linux, macOS) or a named pipe (Windows). Every connection is attributed to the OS account that
// opened it, proven by the OS: the client names its account, the service writes a fresh token where
// only that account can read it (capability.ts), and the client answers with an HMAC of it. Only then
// is the connection bound to that account's session; after that it carries the loopback bridge's
// frames, checked by the same parseFrame and dispatchIntent as the bridge and Electron's IPC.
//
// Everything that arrives is untrusted — every local user can connect — so frames are size-limited
// before they are buffered, requests are rate-limited per connection, a handshake has a deadline,
// and each account has a ceiling of connections.
import net from 'node:net';
import { randomInt } from 'node:crypto';
import { chmod, lstat, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { KioskApi, KioskView } from '../api/contract.ts';
import type { BridgeMessage } from '../api/channels.ts';
import { dispatchIntent } from '../kiosk/dispatch.ts';
import { MAX_FRAME_BYTES, argumentsOf, invalidRequest, parseFrame } from '../bridge/protocol.ts';
import { stderrLog, type KioskLog } from '../log.ts';
import {
  ACCOUNT_NAME,
  WINDOWS_ACCOUNT_NAME,
  issueToken,
  resolveSystemAccount,
  sweepTokens,
  unsafeServiceFolder,
  type AccountIdentity,
  type IssuedToken,
} from './capability.ts';
import {
  KEEPALIVE_FRAME,
  LineFramer,
  MAX_HANDSHAKE_FRAME_BYTES,
  encodeFrame,
  parseAnswer,
  parseHello,
  proofOf,
  randomHex,
  sameHex,
  type AnswerFrame,
  type ChannelRefusal,
} from './frames.ts';

/** What the channel needs of the service: a session per user (KioskService's shape). */
export interface SessionHost {
  session(account: string): KioskApi & { dispose(): void };
}

export interface ConnectionInfo {
  /** The kiosk username the account maps to. */
  user: string;
  /** The account's authenticated connections after this one came or went. */
  connections: number;
}

export interface ChannelOptions {
  host: SessionHost;
  /** A Unix socket path in a root-owned folder, or `\\.\pipe\aup-kiosk` on Windows. */
  socketPath: string;
  /** Root-owned, 0755: the per-account token folders live here (`/run/aup-kiosk/sessions`). */
  sessionsRoot: string;
  /** The kiosk username of an OS account; the account name itself by default. */
  accountToUser?: (account: string) => string;
  /** The account's uid/gid from the system (NSS) by default; tests may narrow it, never widen it. */
  resolveAccount?: (account: string) => Promise<AccountIdentity | null>;
  /** A connection was authenticated and bound to the account's session. */
  onConnected?: (account: string, info: ConnectionInfo) => void;
  /** An authenticated connection closed (the screen went away, or the app closed it). */
  onDisconnected?: (account: string, info: ConnectionInfo) => void;
  /** From connect to welcome, hello and answer included (5 s). */
  handshakeTimeoutMs?: number;
  /** An authenticated connection that sends nothing for this long is closed (15 s; clients send a keepalive every 5 s). */
  idleTimeoutMs?: number;
  /** Largest request frame after authentication (64 KB, as the bridge). */
  maxFrameBytes?: number;
  maxConnectionsPerAccount?: number;
  /** Handshakes under way at once, over all clients. */
  maxPendingHandshakes?: number;
  /** Sustained requests per second per connection, and the burst above it. */
  requestsPerSecond?: number;
  burst?: number;
  /** Rate-limited requests in a row after which the connection is closed as flooding. */
  closeAfterRefusals?: number;
  /** A monotonic clock in ms, for the rate limit. */
  now?: () => number;
  log?: KioskLog;
}

export interface ChannelStats {
  pendingHandshakes: number;
  /** Authenticated connections by account. */
  connections: Record<string, number>;
  /** The most bytes of one unfinished frame ever held for one connection. */
  highWaterFrameBytes: number;
  refusals: Partial<Record<ChannelRefusal, number>>;
  /** Requests answered `rate-limited`. */
  rateLimited: number;
}

export interface Channel {
  readonly socketPath: string;
  stats(): ChannelStats;
  close(): Promise<void>;
}

export const CHANNEL_DEFAULTS = {
  handshakeTimeoutMs: 5000,
  idleTimeoutMs: 15_000,
  maxFrameBytes: MAX_FRAME_BYTES,
  maxConnectionsPerAccount: 4,
  maxPendingHandshakes: 32,
  requestsPerSecond: 20,
  burst: 40,
  closeAfterRefusals: 100,
} as const;

/** A refused connection gets this long to read its refusal before the socket is destroyed. */
const REFUSAL_GRACE_MS = 250;
/** Replies queued for a client that does not read, before the service stops reading from it. */
const MAX_QUEUED_REPLY_BYTES = 1024 * 1024;

/** Requests allowed per connection: `burst` at once, `ratePerSecond` sustained. */
export class TokenBucket {
  #tokens: number;
  #last: number;

  constructor(
    readonly ratePerSecond: number,
    readonly burst: number,
    readonly now: () => number,
  ) {
    this.#tokens = burst;
    this.#last = now();
  }

  /** 0 when a request may go now; otherwise the ms until one may. */
  take(): number {
    const t = this.now();
    this.#tokens = Math.min(this.burst, this.#tokens + ((t - this.#last) * this.ratePerSecond) / 1000);
    this.#last = t;
    if (this.#tokens >= 1) {
      this.#tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - this.#tokens) * 1000) / this.ratePerSecond);
  }
}

const isWindows = process.platform === 'win32';

export async function startChannel(options: ChannelOptions): Promise<Channel> {
  const o = { ...CHANNEL_DEFAULTS, ...definedOnly(options) };
  const log = options.log ?? stderrLog;
  const now = options.now ?? (() => performance.now());
  const resolveAccount = options.resolveAccount ?? ((name: string) => resolveSystemAccount(name));
  const accountToUser = options.accountToUser ?? ((account: string) => account);
  const { socketPath, sessionsRoot } = options;

  if (!isWindows) {
    for (const dir of [path.dirname(socketPath), sessionsRoot]) {
      const problem = await unsafeServiceFolder(dir);
      if (problem) throw new Error(`local channel: ${problem}`);
    }
    await removeStaleSocket(socketPath);
  }
  const swept = await sweepTokens(sessionsRoot).catch(() => 0);
  if (swept > 0) log.write('info', 'local channel: removed token files of an earlier run', { count: swept });

  const counts = new Map<string, number>();
  const sockets = new Set<net.Socket>();
  /** The connections still authenticating, each with the way to turn it away. */
  const authenticating = new Set<() => void>();
  const stats = { pendingHandshakes: 0, highWaterFrameBytes: 0, refusals: {} as Partial<Record<ChannelRefusal, number>>, rateLimited: 0 };

  const callHook = (hook: ChannelOptions['onConnected'], account: string, info: ConnectionInfo) => {
    try {
      hook?.(account, info);
    } catch (error) {
      log.write('error', 'local channel: connection hook failed', { account, error: (error as Error).message });
    }
  };

  function serve(socket: net.Socket) {
    sockets.add(socket);
    const framer = new LineFramer(MAX_HANDSHAKE_FRAME_BYTES);
    let state: 'hello' | 'issuing' | 'answer' | 'binding' | 'bound' | 'closed' = 'hello';
    let pending = true;
    let account: AccountIdentity | null = null;
    let user = '';
    let token: IssuedToken | null = null;
    let serverNonce = '';
    let session: (KioskApi & { dispose(): void }) | null = null;
    let unsubscribe: (() => void) | null = null;
    let refusedInARow = 0;
    let readingPaused = false;
    const bucket = new TokenBucket(o.requestsPerSecond, o.burst, now);
    // A function, so TypeScript does not narrow `state` across calls that change it.
    const isClosed = () => state === 'closed';

    const send = (frame: unknown) => {
      if (state === 'closed' || socket.destroyed) return;
      socket.write(encodeFrame(frame));
      // A client that does not read its replies is not read from either, until it catches up.
      if (!readingPaused && socket.writableLength > MAX_QUEUED_REPLY_BYTES) {
        readingPaused = true;
        socket.pause();
        socket.once('drain', () => {
          readingPaused = false;
          if (state !== 'closed') socket.resume();
        });
      }
    };
    const post = (message: BridgeMessage) => send(message);

    const refuse = (reason: ChannelRefusal, message: string) => {
      if (state === 'closed') return;
      stats.refusals[reason] = (stats.refusals[reason] ?? 0) + 1;
      send({ refused: { reason, message } });
      log.write('warn', 'local channel: connection refused', { reason, ...(account ? { account: account.name } : {}) });
      finish();
      socket.pause();
      socket.end();
      setTimeout(() => socket.destroy(), REFUSAL_GRACE_MS).unref();
    };

    const evict = () => refuse('busy', 'too many connections are authenticating; this one made room; try again');
    const timer = setTimeout(() => refuse('timeout', `no authentication within ${o.handshakeTimeoutMs} ms`), o.handshakeTimeoutMs);
    timer.unref();
    /** Once bound: closes a screen that has fallen silent (a stopped app keeps its socket open). */
    let idle: NodeJS.Timeout | null = null;

    /** Releases everything the connection holds; runs once. */
    function finish() {
      if (state === 'closed') return;
      const wasBound = state === 'bound';
      state = 'closed';
      clearTimeout(timer);
      if (idle) clearTimeout(idle);
      if (pending) stats.pendingHandshakes--;
      pending = false;
      authenticating.delete(evict);
      void token?.revoke();
      token = null;
      if (wasBound && account) {
        unsubscribe?.();
        session?.dispose();
        const left = (counts.get(account.name) ?? 1) - 1;
        if (left > 0) counts.set(account.name, left);
        else counts.delete(account.name);
        callHook(options.onDisconnected, account.name, { user, connections: left });
      }
    }

    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      sockets.delete(socket);
      finish();
    });
    // Full: one authenticating connection, chosen at random, makes room. Refusing the newcomer instead
    // let one student hold every slot with connections that never answer, so that another student's
    // screen could never connect (and that locked session was signed out); now a handshake that
    // finishes in a few milliseconds is almost never the one chosen, and a screen turned away retries.
    if (stats.pendingHandshakes >= o.maxPendingHandshakes && authenticating.size > 0) [...authenticating][randomInt(authenticating.size)]!();
    if (stats.pendingHandshakes >= o.maxPendingHandshakes) {
      pending = false;
      return refuse('busy', 'too many connections are authenticating; try again');
    }
    stats.pendingHandshakes++;
    authenticating.add(evict);
    socket.on('data', (chunk: Buffer) => {
      if (state === 'closed') return;
      idle?.refresh();
      const lines = framer.push(chunk);
      stats.highWaterFrameBytes = Math.max(stats.highWaterFrameBytes, framer.highWaterBytes);
      if (!lines) return refuse('frame-too-large', `a frame is larger than ${framer.maxBytes} bytes`);
      for (const line of lines) {
        if (isClosed()) return;
        onLine(line);
      }
    });

    function onLine(line: string) {
      switch (state) {
        case 'hello': {
          const hello = parseHello(line);
          if (!hello) return refuse('expected-hello', 'the first frame must be {"hello":{"account":"<your account>"}}');
          state = 'issuing';
          void challenge(hello.account).catch((error: unknown) => {
            log.write('error', 'local channel: cannot issue a token', { error: (error as Error).message });
            refuse('service-error', 'the service cannot authenticate this account now');
          });
          return;
        }
        case 'answer': {
          const answer = parseAnswer(line);
          if (!answer) return refuse('expected-hello', 'expected {"answer":{"nonce","hmac"}} (64 hex digits each)');
          state = 'binding';
          void bind(answer).catch((error: unknown) => {
            log.write('error', 'local channel: cannot open the session', { error: (error as Error).message });
            refuse('service-error', 'the service cannot open this session now');
          });
          return;
        }
        case 'bound':
          return request(line);
        default:
          return refuse('expected-hello', 'wait for the service to answer before sending more');
      }
    }

    async function challenge(name: string) {
      const valid = isWindows ? WINDOWS_ACCOUNT_NAME.test(name) : ACCOUNT_NAME.test(name);
      const identity = valid ? await resolveAccount(name) : null;
      if (state === 'closed') return;
      if (!identity || identity.name !== name) return refuse('unknown-account', `no account "${name.slice(0, 64)}" on this computer`);
      account = identity;
      if ((counts.get(name) ?? 0) >= o.maxConnectionsPerAccount)
        return refuse('too-many-connections', `${name} already has ${o.maxConnectionsPerAccount} connections`);
      const issued = await issueToken(sessionsRoot, identity);
      if (state !== 'issuing') return void issued.revoke();
      token = issued;
      serverNonce = randomHex();
      state = 'answer';
      send({ challenge: { file: issued.file, nonce: serverNonce } });
    }

    async function bind(answer: AnswerFrame['answer']) {
      const issued = token!;
      token = null;
      const expected = proofOf('client', issued.token, serverNonce, answer.nonce);
      // The token is used once, right or wrong: deleted before anything is decided on it.
      await issued.revoke();
      if (state !== 'binding' || !account) return;
      if (!sameHex(expected, answer.hmac)) return refuse('bad-answer', `the answer does not prove that this is ${account.name}`);
      const name = account.name;
      const connections = (counts.get(name) ?? 0) + 1;
      if (connections > o.maxConnectionsPerAccount)
        return refuse('too-many-connections', `${name} already has ${o.maxConnectionsPerAccount} connections`);
      user = accountToUser(name);
      session = options.host.session(user);
      counts.set(name, connections);
      clearTimeout(timer);
      stats.pendingHandshakes--;
      pending = false;
      authenticating.delete(evict);
      state = 'bound';
      framer.maxBytes = o.maxFrameBytes;
      idle = setTimeout(() => refuse('idle', `nothing from this screen for ${o.idleTimeoutMs} ms`), o.idleTimeoutMs);
      idle.unref();
      send({ welcome: { account: name, user, proof: proofOf('service', issued.token, serverNonce, answer.nonce) } });
      unsubscribe = session.onView((view: KioskView) => post({ type: 'view', view }));
      callHook(options.onConnected, name, { user, connections });
    }

    function request(line: string) {
      // Heard (the idle timer was reset on arrival); nothing to answer. It still spends the rate.
      if (line === KEEPALIVE_FRAME) return void bucket.take();
      const parsed = parseFrame(line);
      const wait = bucket.take();
      if (wait > 0) {
        if (++refusedInARow > o.closeAfterRefusals) return refuse('flooding', 'too many requests; the connection is closed');
        stats.rateLimited++;
        return post({
          type: 'result',
          id: parsed.id,
          result: { ok: false, reason: 'rate-limited', retryAfterSeconds: Math.ceil(wait / 1000), message: 'too many requests' },
        });
      }
      refusedInARow = 0;
      if (!parsed.ok) return post({ type: 'result', id: parsed.id, result: invalidRequest(parsed.message) });
      const api = session!;
      dispatchIntent(api, parsed.method, argumentsOf(parsed.params)).then(
        (result) => post({ type: 'result', id: parsed.id, result }),
        (error: unknown) => {
          log.write('error', `local channel: ${parsed.method} failed`, { error: error instanceof Error ? error.message : String(error) });
          post({ type: 'result', id: parsed.id, result: { ok: false, reason: 'not-now', message: 'the kiosk could not do that' } });
        },
      );
    }
  }

  const server = net.createServer(serve);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    // Every local user may connect (readable and writable by all); the folder is what no one can replace.
    server.listen({ path: socketPath, readableAll: true, writableAll: true }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  if (!isWindows) await chmod(socketPath, 0o666);
  server.on('error', (error) => log.write('error', 'local channel: server error', { error: error.message }));
  log.write('info', 'local channel: listening', { socketPath });

  return {
    socketPath,
    stats: () => ({ ...stats, refusals: { ...stats.refusals }, connections: Object.fromEntries(counts) }),
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
      if (!isWindows) await unlink(socketPath).catch(() => undefined);
    },
  };
}

/** A socket file left by a service that died is removed; a live one, or anything else there, is an error. */
async function removeStaleSocket(socketPath: string): Promise<void> {
  const st = await lstat(socketPath).catch(() => null);
  if (!st) return;
  if (!st.isSocket()) throw new Error(`local channel: ${socketPath} exists and is not a socket`);
  const live = await new Promise<boolean>((resolve) => {
    const probe = net.connect(socketPath);
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => resolve(false));
  });
  if (live) throw new Error(`local channel: another service is listening on ${socketPath}`);
  await unlink(socketPath);
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
