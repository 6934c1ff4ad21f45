// The kiosk app's side of the local channel: a KioskApi that lives in the service (channel.ts),
// reached over its socket. It proves its OS account by reading the token the service wrote for it,
// checks that the service could read it too (a program posing as the service cannot), and keeps
// reconnecting, with backoff, for as long as the app runs. While the service cannot be reached its
// status says so, so the app keeps every screen covered; nothing here ever decides to unlock.
import net from 'node:net';
import { readFile as readFileFromDisk } from 'node:fs/promises';
import path from 'node:path';
import type { KioskApi, KioskIntent, KioskView, Outcome } from '../api/contract.ts';
import type { BridgeMessage, BridgeRequest } from '../api/channels.ts';
import { ACCOUNT_NAME, TOKEN_FILE, WINDOWS_ACCOUNT_NAME, defaultChannelPaths, windowsFolderName } from './capability.ts';
import {
  KEEPALIVE_FRAME,
  LineFramer,
  TOKEN_HEX,
  encodeFrame,
  parseServiceHandshake,
  proofOf,
  randomHex,
  sameHex,
  type ChannelRefusal,
} from './frames.ts';

/** Why the service cannot be used right now. */
export type UnavailableReason =
  | ChannelRefusal
  /** Nothing listens on the socket (the service is stopped), or the connection dropped. */
  | 'not-running'
  /** The token file named in the challenge could not be read (EACCES: it is not this account's). */
  | 'cannot-read-token'
  /** The other end did not prove it is the service, or broke the protocol. */
  | 'not-proven';

export type ChannelStatus =
  | { state: 'connecting' }
  | { state: 'connected'; account: string; user: string }
  | { state: 'unavailable'; reason: UnavailableReason; message: string; retryInMs: number }
  | { state: 'closed' };

export interface ChannelClientOptions {
  socketPath: string;
  /** The OS account this process runs as. */
  account: string;
  /** Where the service keeps token folders; a challenge naming a file elsewhere is refused. */
  sessionsRoot?: string;
  /** Reads the token file (tests pass a reader that guesses). */
  readFile?: (file: string) => Promise<string | Buffer>;
  handshakeTimeoutMs?: number;
  /** Reconnect delays: doubled from `initialMs` up to `maxMs`. */
  backoff?: { initialMs?: number; maxMs?: number };
  /** Largest frame accepted from the service (views carry whole policy documents). */
  maxFrameBytes?: number;
  /** How often a connected client tells the service it is still there (5 s; the service closes a screen silent for 15 s). */
  keepaliveMs?: number;
}

export interface ChannelClient extends KioskApi {
  readonly status: ChannelStatus;
  /** Called on every change of state (and of the reason while unavailable). */
  onStatus(listener: (status: ChannelStatus) => void): () => void;
  close(): Promise<void>;
}

/** getView while the service is unreachable: the app shows its "service not running" screen instead. */
export class ChannelUnavailableError extends Error {
  readonly code = 'service-unavailable';
  constructor(message = 'the kiosk service is not running') {
    super(message);
  }
}

/** What an intent answers while the service is unreachable: nothing happened, nothing unlocked. */
export const SERVICE_UNAVAILABLE: Outcome = { ok: false, reason: 'not-now', message: 'the kiosk service is not running' };

const DEFAULT_MAX_FRAME_BYTES = 4 * 1024 * 1024;

type Waiter = { method: KioskIntent; resolve(value: KioskView | Outcome): void; reject(error: Error): void };

/** Connects (once, before resolving) and keeps reconnecting; resolves connected or unavailable, never rejects for an absent service. */
export async function connectChannel(options: ChannelClientOptions): Promise<ChannelClient> {
  const valid = process.platform === 'win32' ? WINDOWS_ACCOUNT_NAME : ACCOUNT_NAME;
  if (!valid.test(options.account)) throw new Error(`not an account name: ${options.account}`);
  const client = new ChannelConnection(options);
  await client.attempt();
  return client;
}

class ChannelConnection implements ChannelClient {
  readonly #options: ChannelClientOptions;
  readonly #sessionsRoot: string;
  readonly #viewListeners = new Set<(view: KioskView) => void>();
  readonly #statusListeners = new Set<(status: ChannelStatus) => void>();
  readonly #waiters = new Map<number, Waiter>();
  #status: ChannelStatus = { state: 'connecting' };
  #socket: net.Socket | null = null;
  #bound = false;
  #lastView: KioskView | null = null;
  #nextId = 1;
  #delay: number;
  #retry: NodeJS.Timeout | null = null;

  constructor(options: ChannelClientOptions) {
    this.#options = options;
    this.#sessionsRoot = options.sessionsRoot ?? defaultChannelPaths(process.platform).sessionsRoot;
    this.#delay = options.backoff?.initialMs ?? 250;
  }

  get status(): ChannelStatus {
    return this.#status;
  }

  onStatus(listener: (status: ChannelStatus) => void): () => void {
    this.#statusListeners.add(listener);
    return () => this.#statusListeners.delete(listener);
  }

  #setStatus(status: ChannelStatus) {
    const key = (s: ChannelStatus) => JSON.stringify({ ...s, retryInMs: undefined });
    const changed = key(status) !== key(this.#status);
    this.#status = status;
    if (changed) for (const l of this.#statusListeners) l(status);
  }

  /** One connection attempt; resolves when it is bound or has failed (a retry is then scheduled). */
  attempt(): Promise<void> {
    return new Promise<void>((settle) => {
      const o = this.#options;
      const socket = net.connect(o.socketPath);
      this.#socket = socket;
      const framer = new LineFramer(o.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES);
      const clientNonce = randomHex();
      let phase: 'challenge' | 'welcome' | 'bound' | 'over' = 'challenge';
      let token: Buffer | null = null;
      let serverNonce = '';
      let keepalive: NodeJS.Timeout | null = null;

      const fail = (reason: UnavailableReason, message: string) => {
        if (phase === 'over') return;
        const wasBound = phase === 'bound';
        phase = 'over';
        clearTimeout(timer);
        if (keepalive) clearInterval(keepalive);
        socket.destroy();
        if (this.#socket === socket) this.#socket = null;
        this.#bound = false;
        if (wasBound) this.#drainWaiters();
        this.#scheduleRetry(reason, message);
        settle();
      };
      const timer = setTimeout(() => fail('timeout', 'the service did not answer in time'), o.handshakeTimeoutMs ?? 5000);

      socket.on('connect', () => socket.write(encodeFrame({ hello: { account: o.account } })));
      socket.on('error', (error: NodeJS.ErrnoException) => fail('not-running', error.code ?? error.message));
      socket.on('close', () =>
        fail('not-running', phase === 'bound' ? 'the connection to the service was lost' : 'the service closed the connection'),
      );
      socket.on('data', (chunk: Buffer) => {
        const lines = framer.push(chunk);
        if (!lines) return fail('not-proven', 'the service sent a frame that is too large');
        for (const line of lines) if (phase !== 'over') void onLine(line);
      });

      const onLine = async (line: string) => {
        if (phase === 'bound') return this.#onMessage(line);
        const frame = parseServiceHandshake(line);
        if (!frame) return fail('not-proven', 'the service broke the handshake');
        if ('refused' in frame) return fail(frame.refused.reason, frame.refused.message);
        if ('challenge' in frame && phase === 'challenge') {
          const { file, nonce } = frame.challenge;
          if (!this.#isTokenPath(file)) return fail('not-proven', `the challenge names a file outside ${this.#sessionsRoot}`);
          let text: string;
          try {
            text = String(await (o.readFile ?? readFileFromDisk)(file)).trim();
          } catch (error) {
            return fail('cannot-read-token', (error as NodeJS.ErrnoException).code ?? (error as Error).message);
          }
          if (phase !== 'challenge') return;
          if (!TOKEN_HEX.test(text)) return fail('cannot-read-token', 'the token file does not hold a token');
          token = Buffer.from(text, 'hex');
          serverNonce = nonce;
          phase = 'welcome';
          socket.write(encodeFrame({ answer: { nonce: clientNonce, hmac: proofOf('client', token, serverNonce, clientNonce) } }));
          return;
        }
        if ('welcome' in frame && phase === 'welcome' && token) {
          if (!sameHex(frame.welcome.proof, proofOf('service', token, serverNonce, clientNonce)))
            return fail('not-proven', 'the service could not prove it wrote the token');
          clearTimeout(timer);
          phase = 'bound';
          this.#bound = true;
          keepalive = setInterval(() => {
            if (!socket.destroyed) socket.write(`${KEEPALIVE_FRAME}\n`);
          }, o.keepaliveMs ?? 5000);
          keepalive.unref();
          this.#delay = o.backoff?.initialMs ?? 250;
          this.#setStatus({ state: 'connected', account: frame.welcome.account, user: frame.welcome.user });
          settle();
          return;
        }
        fail('not-proven', 'the service broke the handshake');
      };
    });
  }

  #isTokenPath(file: string): boolean {
    const p = process.platform === 'win32' ? path.win32 : path.posix;
    const folder = process.platform === 'win32' ? windowsFolderName(this.#options.account) : this.#options.account;
    return p.dirname(file) === p.join(this.#sessionsRoot, folder) && TOKEN_FILE.test(p.basename(file));
  }

  #scheduleRetry(reason: UnavailableReason, message: string) {
    if (this.#status.state === 'closed') return;
    const retryInMs = this.#delay;
    this.#delay = Math.min(this.#delay * 2, this.#options.backoff?.maxMs ?? 5000);
    this.#setStatus({ state: 'unavailable', reason, message, retryInMs });
    this.#retry = setTimeout(() => {
      this.#retry = null;
      if (this.#status.state !== 'closed') void this.attempt();
    }, retryInMs);
  }

  #onMessage(line: string) {
    let message: BridgeMessage;
    try {
      message = JSON.parse(line) as BridgeMessage;
    } catch {
      return;
    }
    if (message?.type === 'view' && typeof message.view === 'object' && message.view !== null) {
      this.#lastView = message.view;
      for (const l of this.#viewListeners) l(message.view);
    } else if (message?.type === 'result' && typeof message.id === 'number') {
      const waiter = this.#waiters.get(message.id);
      this.#waiters.delete(message.id);
      waiter?.resolve(message.result);
    }
  }

  /** Requests in flight when the connection dropped: not done as far as this side knows. */
  #drainWaiters() {
    for (const w of this.#waiters.values()) this.#unavailable(w);
    this.#waiters.clear();
  }

  #unavailable(w: Waiter) {
    if (w.method === 'getView') w.reject(new ChannelUnavailableError());
    else w.resolve(SERVICE_UNAVAILABLE);
  }

  #call(method: KioskIntent, params?: unknown): Promise<KioskView | Outcome> {
    return new Promise((resolve, reject) => {
      const waiter: Waiter = { method, resolve, reject };
      if (!this.#bound || !this.#socket) return this.#unavailable(waiter);
      const id = this.#nextId++;
      this.#waiters.set(id, waiter);
      const request: BridgeRequest = params === undefined ? { id, method } : { id, method, params };
      this.#socket.write(encodeFrame(request));
    });
  }

  getView = () => this.#call('getView') as Promise<KioskView>;

  onView(listener: (view: KioskView) => void): () => void {
    this.#viewListeners.add(listener);
    const last = this.#lastView;
    if (last && this.#bound) queueMicrotask(() => this.#viewListeners.has(listener) && listener(last));
    return () => this.#viewListeners.delete(listener);
  }

  acceptPolicy = (request: Parameters<KioskApi['acceptPolicy']>[0]) => this.#call('acceptPolicy', request) as Promise<Outcome>;
  acknowledgeSafetyRules = (request: Parameters<KioskApi['acknowledgeSafetyRules']>[0]) =>
    this.#call('acknowledgeSafetyRules', request) as Promise<Outcome>;
  teacherUnlock = (request: Parameters<KioskApi['teacherUnlock']>[0]) => this.#call('teacherUnlock', request) as Promise<Outcome>;
  adminOverride = (request: Parameters<KioskApi['adminOverride']>[0]) => this.#call('adminOverride', request) as Promise<Outcome>;
  setLanguage = (language: string) => this.#call('setLanguage', language) as Promise<Outcome>;
  openSafetyRules = () => this.#call('openSafetyRules') as Promise<Outcome>;
  closeSafetyRules = () => this.#call('closeSafetyRules') as Promise<Outcome>;
  openPolicy = () => this.#call('openPolicy') as Promise<Outcome>;
  closePolicy = () => this.#call('closePolicy') as Promise<Outcome>;
  openRoom = (request: Parameters<KioskApi['openRoom']>[0]) => this.#call('openRoom', request) as Promise<Outcome>;
  endClass = (request: Parameters<KioskApi['endClass']>[0]) => this.#call('endClass', request) as Promise<Outcome>;

  async close(): Promise<void> {
    this.#setStatus({ state: 'closed' });
    if (this.#retry) clearTimeout(this.#retry);
    this.#retry = null;
    this.#bound = false;
    this.#drainWaiters();
    const socket = this.#socket;
    this.#socket = null;
    if (socket && !socket.destroyed) {
      const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
      socket.destroy();
      await closed;
    }
  }
}
