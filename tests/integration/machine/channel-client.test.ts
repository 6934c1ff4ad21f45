// The kiosk app's client of the local channel against a program posing as the service, on a real
// Unix socket: it reads no file outside the service's token folders, accepts no service that cannot
// prove it wrote the token, and answers "not now" — never an unlock — for a request the connection
// lost. (The real service and real accounts: channel.test.ts.)
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import net from 'node:net';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { connectChannel, type ChannelClient, type ChannelStatus } from '../../../electron/core/machine/channel-client.ts';
import { LineFramer, encodeFrame, proofOf, randomHex } from '../../../electron/core/machine/frames.ts';
import { tempDir, type TempDir } from '../../support/fixtures.ts';

const ACCOUNT = 'kiosk';
let tmp: TempDir;
let sessionsRoot: string;
let socketPath: string;
let fake: net.Server | null = null;
let client: ChannelClient | null = null;

/** A fake service: `script` decides what it does with each line the client sends. */
async function fakeService(script: (line: string, socket: net.Socket) => void | Promise<void>): Promise<void> {
  fake = net.createServer((socket) => {
    const framer = new LineFramer(64 * 1024);
    socket.on('error', () => socket.destroy());
    socket.on('data', (chunk: Buffer) => {
      for (const line of framer.push(chunk) ?? []) void script(line, socket);
    });
  });
  await new Promise<void>((resolve) => fake!.listen(socketPath, resolve));
}

/** A token file where the real service would write it, and the nonce it sent. */
async function tokenFile(): Promise<{ file: string; token: Buffer; nonce: string }> {
  const folder = path.join(sessionsRoot, ACCOUNT);
  await mkdir(folder, { recursive: true, mode: 0o700 });
  const token = Buffer.from(randomHex(), 'hex');
  const file = path.join(folder, `${randomHex().slice(0, 32)}.token`);
  await writeFile(file, token.toString('hex'), { mode: 0o600 });
  return { file, token, nonce: randomHex() };
}

const connect = (extra: Partial<Parameters<typeof connectChannel>[0]> = {}) =>
  connectChannel({ socketPath, account: ACCOUNT, sessionsRoot, handshakeTimeoutMs: 2000, backoff: { initialMs: 20, maxMs: 50 }, ...extra }).then(
    (c) => (client = c),
  );

beforeEach(async () => {
  tmp = await tempDir('aup-channel-client-');
  sessionsRoot = path.join(tmp.dir, 'sessions');
  socketPath = path.join(tmp.dir, 'channel.sock');
});

afterEach(async () => {
  await client?.close();
  client = null;
  await new Promise<void>((resolve) => (fake ? fake.close(() => resolve()) : resolve()));
  fake = null;
  await tmp.cleanup();
});

describe('the channel client', () => {
  it('reads no file the challenge names outside the service’s token folder for its account', async () => {
    const read: string[] = [];
    const elsewhere = path.join(tmp.dir, 'secret.token');
    await writeFile(elsewhere, randomHex());
    await fakeService((line, socket) => {
      if (line.includes('hello')) socket.write(encodeFrame({ challenge: { file: elsewhere, nonce: randomHex() } }));
    });
    const c = await connect({ readFile: (file) => (read.push(file), Promise.resolve(randomHex())) });
    expect(c.status).toMatchObject({ state: 'unavailable', reason: 'not-proven' });
    expect(read).toEqual([]);
  });

  it('accepts no service that cannot prove it wrote the token, and then does nothing it is asked', async () => {
    const { file, nonce } = await tokenFile();
    await fakeService((line, socket) => {
      if (line.includes('hello')) socket.write(encodeFrame({ challenge: { file, nonce } }));
      // It never read the token, so its proof is a guess; then it claims the session is unlocked.
      if (line.includes('answer')) {
        socket.write(encodeFrame({ welcome: { account: ACCOUNT, user: 'carla.diaz', proof: randomHex() } }));
        socket.write(encodeFrame({ type: 'view', view: { kind: 'unlocked' } }));
      }
    });
    const views: unknown[] = [];
    const c = await connect();
    c.onView((v) => views.push(v));
    expect(c.status).toMatchObject({ state: 'unavailable', reason: 'not-proven' });
    expect(await c.teacherUnlock({ username: 'maria.garcia', secret: '1234' })).toEqual({
      ok: false,
      reason: 'not-now',
      message: 'the kiosk service is not running',
    });
    await expect(c.getView()).rejects.toMatchObject({ code: 'service-unavailable' });
    expect(views).toEqual([]);
  });

  it('a request the connection lost is answered "not now", and the client reconnects to a service that proves itself', async () => {
    const { file, token, nonce } = await tokenFile();
    let connections = 0;
    await fakeService((line, socket) => {
      if (line.includes('hello')) {
        connections++;
        return void socket.write(encodeFrame({ challenge: { file, nonce } }));
      }
      const message = JSON.parse(line) as { answer?: { nonce: string }; method?: string; id?: number };
      if (message.answer)
        return void socket.write(
          encodeFrame({ welcome: { account: ACCOUNT, user: 'carla.diaz', proof: proofOf('service', token, nonce, message.answer.nonce) } }),
        );
      // The first connection drops in the middle of an unlock; the second answers.
      if (message.method === 'teacherUnlock' && connections === 1) return void socket.destroy();
      if (message.method === 'teacherUnlock') return void socket.write(encodeFrame({ type: 'result', id: message.id, result: { ok: true } }));
    });
    const statuses: ChannelStatus['state'][] = [];
    const c = await connect();
    c.onStatus((s) => statuses.push(s.state));
    expect(c.status).toEqual({ state: 'connected', account: ACCOUNT, user: 'carla.diaz' });
    expect(await c.teacherUnlock({ username: 'maria.garcia', secret: '1234' })).toEqual({
      ok: false,
      reason: 'not-now',
      message: 'the kiosk service is not running',
    });
    await expect.poll(() => c.status.state).toBe('connected');
    expect(statuses).toEqual(['unavailable', 'connected']);
    expect(await c.teacherUnlock({ username: 'maria.garcia', secret: '1234' })).toEqual({ ok: true });
  });
});
