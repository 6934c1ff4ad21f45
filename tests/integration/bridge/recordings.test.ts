// The K-5 recordings by hash (issue 14): the view pushed to a K-5 student's page names each recording
// (`/audio/<sha256>.opus`) instead of carrying its bytes, and the loopback bridge serves that path with
// the catalog's exact bytes, its media type, `Cache-Control: immutable` and byte ranges, only for a
// recording the loaded catalog lists and only while its file still hashes to it: an unknown hash, a
// path that climbs out, a document that is not a recording, or a file changed on disk is 404. Real
// KioskService on a copy of the bundled catalog, the real bridge and its real WebSocket.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import path from 'node:path';
import WebSocket from 'ws';
import { loadSetup, openKioskService } from '../../../electron/core/setup.ts';
import type { KioskHost } from '../../../electron/core/kiosk/kiosk-service.ts';
import type { KioskView } from '../../../electron/core/api/contract.ts';
import { BRIDGE_PATH, type BridgeMessage } from '../../../electron/core/api/channels.ts';
import { MemoryLog } from '../../../electron/core/log.ts';
import { ManualClock } from '../../../electron/core/time.ts';
import { sha256Hex } from '../../../electron/core/policy/catalog.ts';
import { recordingsOf } from '../../../electron/core/policy/recordings.ts';
import { startLoopbackBridge, type LoopbackBridge } from '../../../electron/core/bridge/loopback-bridge.ts';
import { catalogCopyIn, demoConfigIn, tempDir, type TempDir } from '../../support/fixtures.ts';

let tmp: TempDir;
let kiosk: KioskHost;
let bridge: LoopbackBridge;
let catalogFolder: string;

/** The catalog's entry for a document's recording: its file (relative) and hash. */
async function listed(policyId: string, language: string): Promise<{ file: string; sha256: string }> {
  const json = JSON.parse(await readFile(path.join(catalogFolder, 'catalog.json'), 'utf8'));
  const policy = json.policies.find((p: { id: string }) => p.id === policyId);
  return policy.versions.find((v: { version: string }) => v.version === '2026-27').documents[language].audio;
}

beforeEach(async () => {
  tmp = await tempDir();
  catalogFolder = await catalogCopyIn(tmp.dir);
  const config = await demoConfigIn(tmp.dir, (c) => (c.policies = { catalog: catalogFolder }));
  const loaded = await loadSetup(config);
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.problems));
  kiosk = await openKioskService({ configFile: config, loaded, clock: new ManualClock('2026-09-08T13:30:00Z'), log: new MemoryLog() });
  const staticDir = path.join(tmp.dir, 'static');
  await mkdir(staticDir);
  await writeFile(path.join(staticDir, 'index.html'), '<!doctype html><html lang="en"><head><title>AUP Kiosk</title></head><body></body></html>');
  bridge = await startLoopbackBridge({
    port: 0,
    staticDir,
    recordings: recordingsOf(loaded.catalog),
    sessionFor: (user) => kiosk.session(user),
    sessionClosed: (s) => (s as { dispose?: () => void }).dispose?.(),
    log: () => {},
  });
});

afterEach(async () => {
  await bridge.close();
  await kiosk.close();
  await tmp.cleanup();
});

/** The first view the bridge pushes to a page of `user`, and the frame's size in bytes. */
async function pushedView(user: string): Promise<{ view: KioskView; bytes: number }> {
  const ws = new WebSocket(`ws://127.0.0.1:${bridge.port}${BRIDGE_PATH}?user=${user}`);
  try {
    return await new Promise((resolve, reject) => {
      ws.on('error', reject);
      ws.on('message', (data: Buffer) => {
        const message = JSON.parse(data.toString('utf8')) as BridgeMessage;
        if (message.type === 'view') resolve({ view: message.view, bytes: data.length });
      });
    });
  } finally {
    ws.close();
  }
}

/** A raw GET (no URL clean-up on this side, so the bridge sees the path exactly as written). */
function get(pathname: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, string>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port: bridge.port, path: pathname, headers: { host: `127.0.0.1:${bridge.port}`, ...headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers as Record<string, string>, body: Buffer.concat(chunks) }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('the view pushed to a K-5 student', () => {
  it('names the recordings by hash and carries none of their bytes: a K-5 policy view is a few tens of KB, not hundreds', async () => {
    for (const [user, language] of [
      ['ana.lopez', 'es'],
      ['gia.nguyen', 'en'],
    ] as const) {
      const { view, bytes } = await pushedView(user);
      if (view.kind !== 'policy' || !view.summary) throw new Error(`expected ${user}'s policy with its summary, got ${view.kind}`);
      const expected = await listed('student-aup-summary-elementary', language);
      expect(view.summary.audio).toEqual({ sha256: expected.sha256, type: 'audio/ogg; codecs=opus', src: `/audio/${expected.sha256}.opus` });
      const text = JSON.stringify(view);
      expect(text).not.toContain('data:audio');
      expect(text).not.toContain('base64');
      const recording = await readFile(path.join(catalogFolder, expected.file));
      expect(text).not.toContain(recording.subarray(0, 48).toString('base64'));
      // The whole frame: the policy's text, its summary and the context (about 21-24 KB); the recording
      // alone was 160-262 KB of base64 in it.
      expect(bytes).toBeLessThan(recording.length);
      expect(bytes).toBeLessThan(32 * 1024);
    }
  });
});

describe('GET /audio/<sha256>.opus', () => {
  it('serves the exact bytes the catalog lists, with its media type, immutable caching and the strict CSP', async () => {
    const expected = await listed('student-aup-summary-elementary', 'en');
    const bytes = await readFile(path.join(catalogFolder, expected.file));
    const answer = await get(`/audio/${expected.sha256}.opus`);
    expect(answer.status).toBe(200);
    expect(sha256Hex(answer.body)).toBe(expected.sha256);
    expect(answer.body.equals(bytes)).toBe(true);
    expect(answer.headers).toMatchObject({
      'content-type': 'audio/ogg; codecs=opus',
      'content-length': String(bytes.length),
      'cache-control': 'public, max-age=31536000, immutable',
      etag: `"${expected.sha256}"`,
      'accept-ranges': 'bytes',
      'x-content-type-options': 'nosniff',
      'cross-origin-resource-policy': 'same-origin',
    });
    expect(answer.headers['content-security-policy']).toContain("media-src 'self';");

    const head = await new Promise<number>((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port: bridge.port, method: 'HEAD', path: `/audio/${expected.sha256}.opus` }, (res) => {
        res.resume();
        resolve(Number(res.headers['content-length']));
      });
      req.on('error', reject);
      req.end();
    });
    expect(head).toBe(bytes.length);
  });

  it('answers byte ranges as Chromium’s media element asks for them (to start, and to seek)', async () => {
    const expected = await listed('safety-rules-elementary', 'es');
    const bytes = await readFile(path.join(catalogFolder, expected.file));
    const url = `/audio/${expected.sha256}.opus`;
    const from0 = await get(url, { range: 'bytes=0-' });
    expect(from0.status).toBe(206);
    expect(from0.headers['content-range']).toBe(`bytes 0-${bytes.length - 1}/${bytes.length}`);
    expect(from0.body.equals(bytes)).toBe(true);
    const middle = await get(url, { range: 'bytes=1000-1999' });
    expect(middle.status).toBe(206);
    expect(middle.headers['content-length']).toBe('1000');
    expect(middle.body.equals(bytes.subarray(1000, 2000))).toBe(true);
    const tail = await get(url, { range: 'bytes=-100' });
    expect(tail.body.equals(bytes.subarray(bytes.length - 100))).toBe(true);
    const beyond = await get(url, { range: `bytes=${bytes.length}-` });
    expect(beyond.status).toBe(416);
    expect(beyond.headers['content-range']).toBe(`bytes */${bytes.length}`);
  });

  it('an unknown hash, another extension, a path that climbs out, or a document that is not a recording: 404', async () => {
    const expected = await listed('student-aup-summary-elementary', 'en');
    const json = JSON.parse(await readFile(path.join(catalogFolder, 'catalog.json'), 'utf8'));
    const textHash: string = json.policies[0].versions[0].documents.en.sha256;
    for (const pathname of [
      `/audio/${'0'.repeat(64)}.opus`,
      `/audio/${expected.sha256.toUpperCase()}.opus`,
      `/audio/${expected.sha256}.mp3`,
      `/audio/${expected.sha256}`,
      `/audio/${textHash}.opus`, // the text of a document: listed, but not a recording
      `/audio/${textHash}.md`,
      `/audio/${expected.file}`, // the file's own name in the catalog folder
      '/audio/..%2Fcatalog.json',
      '/audio/%2e%2e%2f%2e%2e%2fcatalog.json',
      `/audio/..%2F..%2F..%2F..%2F..%2F..%2Fetc%2Fpasswd`,
      `/audio/${expected.sha256}.opus%00`,
      `/audio/${expected.sha256}.opus%2F..%2F..%2Fcatalog.json`,
      '/audio/',
    ]) {
      const answer = await get(pathname);
      expect(answer.status, pathname).toBe(404);
      expect(answer.body.toString('utf8'), pathname).toBe('not found');
    }
  });

  it('a recording whose file changed on disk after the catalog was loaded is 404 until the right bytes are back', async () => {
    const expected = await listed('safety-rules-elementary', 'en');
    const file = path.join(catalogFolder, expected.file);
    const url = `/audio/${expected.sha256}.opus`;
    expect((await get(url)).status).toBe(200);
    await rename(file, `${file}.kept`);
    await writeFile(file, 'OggS, but another recording');
    expect((await get(url)).status).toBe(404);
    expect((await get(url, { range: 'bytes=0-' })).status).toBe(404);
    await rename(`${file}.kept`, file);
    expect((await get(url)).status).toBe(200);
    await rename(file, `${file}.gone`);
    expect((await get(url)).status).toBe(404); // missing
  });

  it('a bridge given no recordings serves none', async () => {
    const expected = await listed('student-aup-summary-elementary', 'en');
    const bare = await startLoopbackBridge({ port: 0, staticDir: tmp.dir, sessionFor: (user) => kiosk.session(user), log: () => {} });
    try {
      const answer = await fetch(`${bare.url}audio/${expected.sha256}.opus`);
      expect(answer.status).toBe(404);
    } finally {
      await bare.close();
    }
  });

  it('the kiosk page allows media from this server only, never data:', async () => {
    const page = await get('/?user=gia.nguyen');
    const csp = page.headers['content-security-policy']!;
    const media = csp
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .find(([k]) => k === 'media-src');
    expect(media).toEqual(['media-src', "'self'"]);
    expect(csp).not.toMatch(/media-src[^;]*data:/);
  });
});
