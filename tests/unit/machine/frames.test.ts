// The local channel's wire format: lines of JSON, a size limit that holds before anything is
// buffered, the handshake's exact shapes, and the proofs both sides compute.
import { describe, expect, it } from 'vitest';
import {
  LineFramer,
  encodeFrame,
  parseAnswer,
  parseHello,
  parseServiceHandshake,
  proofOf,
  randomHex,
  sameHex,
} from '../../../electron/core/machine/frames.ts';

const bytes = (s: string) => Buffer.from(s, 'utf8');

describe('LineFramer', () => {
  it('gives each complete line, whatever the chunks, and keeps the unfinished rest', () => {
    const f = new LineFramer(1024);
    expect(f.push(bytes('{"a":1}\n{"b"'))).toEqual(['{"a":1}']);
    expect(f.pendingBytes).toBe(4);
    expect(f.push(bytes(':2}\r\n\n{"c":3}\n'))).toEqual(['{"b":2}', '{"c":3}']);
    expect(f.pendingBytes).toBe(0);
  });

  it('keeps a UTF-8 character split across chunks whole', () => {
    const f = new LineFramer(1024);
    const line = bytes('"Carla Díaz"\n');
    const cut = line.indexOf(0xc3) + 1; // inside the two bytes of í
    expect(f.push(line.subarray(0, cut))).toEqual([]);
    expect(f.push(line.subarray(cut))).toEqual(['"Carla Díaz"']);
  });

  it('refuses a line longer than the limit without holding more than the limit', () => {
    const f = new LineFramer(64 * 1024);
    const chunk = Buffer.alloc(16 * 1024, 0x61);
    let result: string[] | null = [];
    let pushed = 0;
    while (result && pushed < 10 * 1024 * 1024) {
      result = f.push(chunk);
      pushed += chunk.length;
    }
    expect(result).toBeNull();
    expect(pushed).toBeLessThanOrEqual(64 * 1024 + chunk.length);
    expect(f.highWaterBytes).toBeLessThanOrEqual(64 * 1024);
    expect(f.push(bytes('{}\n'))).toBeNull(); // stays failed
  });

  it('accepts a line of exactly the limit and refuses one byte more', () => {
    expect(new LineFramer(8).push(bytes('12345678\n'))).toEqual(['12345678']);
    expect(new LineFramer(8).push(bytes('123456789\n'))).toBeNull();
  });

  it('an encoded frame is one line, even when its text holds newlines', () => {
    const frame = encodeFrame({ text: 'two\nlines' });
    expect(frame.indexOf('\n')).toBe(frame.length - 1);
    expect(new LineFramer(1024).push(bytes(frame))).toEqual([frame.trimEnd()]);
  });
});

describe('handshake frames', () => {
  const hex = randomHex();

  it('a hello names an account and nothing else', () => {
    expect(parseHello('{"hello":{"account":"aupt1"}}')).toEqual({ account: 'aupt1' });
    expect(parseHello('{"hello":{"account":"aupt1","uid":0}}')).toBeNull();
    expect(parseHello('{"hello":{"account":1000}}')).toBeNull();
    expect(parseHello('{"hello":{"account":"a"},"extra":1}')).toBeNull();
    expect(parseHello('{"id":1,"method":"getView"}')).toBeNull();
    expect(parseHello('hello')).toBeNull();
  });

  it('an answer is two 64-digit hex strings', () => {
    expect(parseAnswer(JSON.stringify({ answer: { nonce: hex, hmac: hex } }))).toEqual({ nonce: hex, hmac: hex });
    expect(parseAnswer(JSON.stringify({ answer: { nonce: hex, hmac: hex.toUpperCase() } }))).toBeNull();
    expect(parseAnswer(JSON.stringify({ answer: { nonce: 'x', hmac: hex } }))).toBeNull();
    expect(parseAnswer(JSON.stringify({ answer: { nonce: hex, hmac: hex, token: hex } }))).toBeNull();
  });

  it('the client reads a challenge, a welcome or a refusal, and nothing else', () => {
    expect(parseServiceHandshake(JSON.stringify({ challenge: { file: '/run/x/a/b.token', nonce: hex } }))).toEqual({
      challenge: { file: '/run/x/a/b.token', nonce: hex },
    });
    expect(parseServiceHandshake(JSON.stringify({ challenge: { file: '/f', nonce: 'short' } }))).toBeNull();
    expect(parseServiceHandshake(JSON.stringify({ welcome: { account: 'a', user: 'u', proof: hex } }))).toEqual({
      welcome: { account: 'a', user: 'u', proof: hex },
    });
    expect(parseServiceHandshake(JSON.stringify({ refused: { reason: 'timeout', message: 'm' } }))).toEqual({
      refused: { reason: 'timeout', message: 'm' },
    });
    expect(parseServiceHandshake(JSON.stringify({ type: 'view', view: {} }))).toBeNull();
  });
});

describe('proofs', () => {
  const token = Buffer.from(randomHex(), 'hex');
  const server = randomHex();
  const client = randomHex();

  it('depend on the token, both nonces and the side', () => {
    const p = proofOf('client', token, server, client);
    expect(p).toMatch(/^[0-9a-f]{64}$/);
    expect(proofOf('client', token, server, client)).toBe(p);
    expect(proofOf('service', token, server, client)).not.toBe(p);
    expect(proofOf('client', Buffer.from(randomHex(), 'hex'), server, client)).not.toBe(p);
    expect(proofOf('client', token, randomHex(), client)).not.toBe(p);
    expect(proofOf('client', token, server, randomHex())).not.toBe(p);
  });

  it('are compared whole', () => {
    const p = proofOf('client', token, server, client);
    expect(sameHex(p, p)).toBe(true);
    expect(sameHex(p, `${p.slice(0, 63)}${p[63] === '0' ? '1' : '0'}`)).toBe(false);
    expect(sameHex(p, p.slice(0, 32))).toBe(false);
  });
});
