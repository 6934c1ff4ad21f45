// The machine service's local channel on the wire: newline-delimited JSON (JSON.stringify never
// writes a raw newline, so a line is a frame, and a size limit is a count of bytes without one —
// nothing announces a length the reader must trust). First the handshake below, then the loopback
// bridge's BridgeRequest/BridgeMessage frames (api/channels.ts), checked by the bridge's parseFrame.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** A handshake frame is a few hundred bytes; anything larger before authentication is refused. */
export const MAX_HANDSHAKE_FRAME_BYTES = 4096;

/** Why the service refuses or ends a connection. Sent once in `{ refused }`, then the socket closes. */
export type ChannelRefusal =
  /** The first frame was not `{ "hello": { "account" } }`, or the second not `{ "answer" }`. */
  | 'expected-hello'
  | 'unknown-account'
  /** The answer did not prove the token: the client could not read the account's token file. */
  | 'bad-answer'
  /** The handshake did not finish in time (or the client said nothing at all). */
  | 'timeout'
  | 'too-many-connections'
  /** Too many handshakes under way on the whole machine. */
  | 'busy'
  | 'frame-too-large'
  /** Kept sending while refused as rate-limited. */
  | 'flooding'
  /** An authenticated screen sent nothing, not even its keepalive, for the idle limit (stopped, hung). */
  | 'idle'
  | 'service-error'
  | 'shutting-down';

/**
 * What an authenticated client sends when it has nothing else to say (every few seconds): a screen
 * that falls silent for the idle limit (a stopped or hung app still holds its socket) is closed, and
 * its session then has no screen.
 */
export const KEEPALIVE_FRAME = '{"keepalive":true}';

export interface HelloFrame {
  hello: { account: string };
}
export interface ChallengeFrame {
  /** `file` holds the token (hex); only the named account (and the service) can read it. */
  challenge: { file: string; nonce: string };
}
export interface AnswerFrame {
  /** `hmac` = HMAC-SHA256(token, "client:" + serverNonce + ":" + nonce), hex; the token never crosses. */
  answer: { nonce: string; hmac: string };
}
export interface WelcomeFrame {
  /** `proof` = HMAC-SHA256(token, "service:" + serverNonce + ":" + clientNonce): the service read it too. */
  welcome: { account: string; user: string; proof: string };
}
export interface RefusedFrame {
  refused: { reason: ChannelRefusal; message: string };
}

/** 32 random bytes, hex: tokens and nonces. */
export const TOKEN_HEX = /^[0-9a-f]{64}$/;
export const randomHex = (): string => randomBytes(32).toString('hex');

/** The HMAC each side shows: keyed by the token, bound to both nonces and to the side that speaks. */
export function proofOf(side: 'client' | 'service', token: Buffer, serverNonce: string, clientNonce: string): string {
  return createHmac('sha256', token).update(`${side}:${serverNonce}:${clientNonce}`).digest('hex');
}

/** Constant time for equal lengths; a length mismatch is refused at once (lengths are public: 64). */
export function sameHex(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

export const encodeFrame = (value: unknown): string => `${JSON.stringify(value)}\n`;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `{ key: { ...fields } }` with exactly those string fields, or null. */
function exactly<K extends string, F extends string>(text: string, key: K, fields: readonly F[]): Record<F, string> | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (!isRecord(value) || Object.keys(value).length !== 1 || !isRecord(value[key])) return null;
  const inner = value[key];
  if (Object.keys(inner).length !== fields.length) return null;
  for (const f of fields) if (typeof inner[f] !== 'string') return null;
  return inner as Record<F, string>;
}

export const parseHello = (text: string): HelloFrame['hello'] | null => exactly(text, 'hello', ['account'] as const);

export function parseAnswer(text: string): AnswerFrame['answer'] | null {
  const a = exactly(text, 'answer', ['nonce', 'hmac'] as const);
  return a && TOKEN_HEX.test(a.nonce) && TOKEN_HEX.test(a.hmac) ? a : null;
}

/** What the service sends during the handshake, as the client reads it. */
export type ServiceHandshakeFrame = ChallengeFrame | WelcomeFrame | RefusedFrame;

export function parseServiceHandshake(text: string): ServiceHandshakeFrame | null {
  const challenge = exactly(text, 'challenge', ['file', 'nonce'] as const);
  if (challenge) return TOKEN_HEX.test(challenge.nonce) ? { challenge } : null;
  const welcome = exactly(text, 'welcome', ['account', 'user', 'proof'] as const);
  if (welcome) return { welcome };
  const refused = exactly(text, 'refused', ['reason', 'message'] as const);
  if (refused) return { refused: { reason: refused.reason as ChannelRefusal, message: refused.message } };
  return null;
}

/**
 * Splits a byte stream into lines, holding at most `maxBytes` of an unfinished line: a sender that
 * never ends a line is stopped at the limit, never buffered further.
 */
export class LineFramer {
  #parts: Buffer[] = [];
  #pending = 0;
  #highWater = 0;
  #failed = false;

  constructor(public maxBytes: number) {}

  /** Bytes held for the line not yet finished. */
  get pendingBytes(): number {
    return this.#pending;
  }

  /** The most bytes ever held at once. */
  get highWaterBytes(): number {
    return this.#highWater;
  }

  /** The complete lines in `chunk` (UTF-8, without the newline and a trailing CR; empty lines skipped), or `null` once a line is too long. */
  push(chunk: Buffer): string[] | null {
    if (this.#failed) return null;
    const lines: string[] = [];
    let start = 0;
    for (let nl = chunk.indexOf(0x0a, start); nl !== -1; nl = chunk.indexOf(0x0a, start)) {
      if (this.#pending + (nl - start) > this.maxBytes) return this.#fail();
      const piece = chunk.subarray(start, nl);
      const line = this.#pending === 0 ? piece : Buffer.concat([...this.#parts, piece]);
      this.#parts = [];
      this.#pending = 0;
      start = nl + 1;
      const text = line.toString('utf8').replace(/\r$/, '');
      if (text.trim() !== '') lines.push(text);
    }
    const rest = chunk.length - start;
    if (rest > 0) {
      if (this.#pending + rest > this.maxBytes) return this.#fail();
      // A copy: the rest must not keep the whole chunk alive.
      this.#parts.push(Buffer.from(chunk.subarray(start)));
      this.#pending += rest;
      this.#highWater = Math.max(this.#highWater, this.#pending);
    }
    return lines;
  }

  #fail(): null {
    this.#failed = true;
    this.#parts = [];
    this.#pending = 0;
    return null;
  }
}
