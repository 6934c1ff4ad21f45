// aup://kiosk/audio/<sha256>.opus, the installed app's side of the K-5 recordings by hash (issue 14):
// what such a URL maps to (a hash, never a file name), what a RecordingIndex built from a loaded
// catalog reads (the catalog's bytes, only while the file still hashes to them), and the response
// electron/main/protocol.ts sends (Electron cannot run here, so its glue is only type-checked: every
// decision is in these functions). The bridge's side is tests/integration/bridge/recordings.test.ts.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CONTENT_SECURITY_POLICY, byteRange, recordingResponse, resolveAppRequest } from '../../../electron/core/shell/app-protocol.ts';
import { loadCatalog, sha256Hex, type Catalog } from '../../../electron/core/policy/catalog.ts';
import { NO_RECORDINGS, parseRecordingPath, recordingPath, recordingsOf } from '../../../electron/core/policy/recordings.ts';
import { catalogCopyIn, tempDir, type TempDir } from '../../support/fixtures.ts';

let tmp: TempDir;
let catalog: Catalog;
beforeEach(async () => {
  tmp = await tempDir();
  const loaded = await loadCatalog(await catalogCopyIn(tmp.dir));
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.problems));
  catalog = loaded.catalog;
});
afterEach(() => tmp.cleanup());

/** Every recording the catalog lists. */
function recordings() {
  return catalog.policies.flatMap((p) => p.versions.flatMap((v) => [...v.documents.values()].flatMap((d) => (d.audio ? [d.audio] : []))));
}

const get = (url: string) => resolveAppRequest(url, 'GET', { renderer: path.join(tmp.dir, 'renderer') });

describe('aup://kiosk/audio/…', () => {
  it('names a recording by its hash and extension', () => {
    const [audio] = recordings();
    expect(recordingPath(audio!)).toBe(`/audio/${audio!.sha256}.opus`);
    expect(get(`aup://kiosk/audio/${audio!.sha256}.opus`)).toEqual({ kind: 'recording', sha256: audio!.sha256, ext: '.opus' });
    expect(resolveAppRequest(`aup://kiosk/audio/${audio!.sha256}.opus`, 'POST', { renderer: tmp.dir })).toMatchObject({ status: 405 });
  });

  it('anything else under /audio/ is 404: a file name, a path that climbs out, another spelling of the hash', () => {
    const [audio] = recordings();
    for (const url of [
      `aup://kiosk/audio/${audio!.file}`,
      'aup://kiosk/audio/..%2Fcatalog.json',
      'aup://kiosk/audio/%2e%2e%2f%2e%2e%2fetc%2fpasswd',
      'aup://kiosk/audio/..%5C..%5Cwin.ini',
      `aup://kiosk/audio/${audio!.sha256}.opus%00`,
      `aup://kiosk/audio/${audio!.sha256.toUpperCase()}.opus`,
      `aup://kiosk/audio/${audio!.sha256}`,
      `aup://kiosk/audio/${audio!.sha256}.opus/x`,
      'aup://kiosk/audio/',
    ])
      expect(get(url), url).toEqual({ kind: 'error', status: 404, message: 'not found' });
    expect(parseRecordingPath('/audio/../catalog.json')).toBeNull();
  });

  it('media only from aup://kiosk itself, no data: any more', () => {
    expect(CONTENT_SECURITY_POLICY).toContain("media-src 'self';");
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/media-src[^;]*data:/);
  });
});

describe('a RecordingIndex of the loaded catalog', () => {
  it('reads every recording the catalog lists, byte for byte, with its media type', async () => {
    const index = recordingsOf(catalog);
    const all = recordings();
    expect(all.length).toBeGreaterThanOrEqual(4); // the K-5 summary and safety rules, English and Spanish
    expect(index.size).toBe(new Set(all.map((a) => a.sha256)).size);
    for (const audio of all) {
      const read = await index.read(audio.sha256, '.opus');
      expect(read?.type).toBe('audio/ogg; codecs=opus');
      expect(read?.bytes.equals(await readFile(path.join(catalog.folder, audio.file)))).toBe(true);
    }
  });

  it('a hash it does not list, a document’s text hash, or another extension: nothing', async () => {
    const index = recordingsOf(catalog);
    const [audio] = recordings();
    const text = catalog.policies[0]!.versions[0]!.documents.get('en')!;
    expect(await index.read('0'.repeat(64), '.opus')).toBeNull();
    expect(await index.read(text.sha256, '.opus')).toBeNull();
    expect(await index.read(text.sha256, '.md')).toBeNull();
    expect(await index.read(audio!.sha256, '.wav')).toBeNull();
    expect(await NO_RECORDINGS.read(audio!.sha256, '.opus')).toBeNull();
  });

  it('a file changed on disk after loading is not served, and is again once its bytes are back', async () => {
    const index = recordingsOf(catalog);
    const [audio] = recordings();
    const file = path.join(catalog.folder, audio!.file);
    const original = await readFile(file);
    await writeFile(file, Buffer.concat([original.subarray(0, 100), Buffer.from('changed')]));
    expect(await index.read(audio!.sha256, '.opus')).toBeNull();
    await writeFile(file, original);
    expect(sha256Hex((await index.read(audio!.sha256, '.opus'))!.bytes)).toBe(audio!.sha256);
  });
});

describe('the response to a recording request', () => {
  const bytes = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 256));
  const recording = { sha256: sha256Hex(bytes), type: 'audio/ogg; codecs=opus', bytes };

  it('the whole recording, immutable, with its type and length', () => {
    const answer = recordingResponse(recording, 'GET', undefined);
    expect(answer.status).toBe(200);
    expect(Buffer.from(answer.body!).equals(bytes)).toBe(true);
    expect(answer.headers).toEqual({
      'Content-Type': 'audio/ogg; codecs=opus',
      'Content-Length': '1000',
      'Cache-Control': 'public, max-age=31536000, immutable',
      ETag: `"${recording.sha256}"`,
      'Accept-Ranges': 'bytes',
      'Cross-Origin-Resource-Policy': 'same-origin',
    });
    expect(recordingResponse(recording, 'HEAD', undefined)).toMatchObject({ status: 200, body: null, headers: { 'Content-Length': '1000' } });
  });

  it('a byte range: 206 and that part; past the end: 416', () => {
    const part = recordingResponse(recording, 'GET', 'bytes=100-199');
    expect(part.status).toBe(206);
    expect(part.headers['Content-Range']).toBe('bytes 100-199/1000');
    expect(Buffer.from(part.body!).equals(bytes.subarray(100, 200))).toBe(true);
    expect(recordingResponse(recording, 'GET', 'bytes=0-').headers['Content-Range']).toBe('bytes 0-999/1000');
    expect(recordingResponse(recording, 'GET', 'bytes=1000-')).toMatchObject({
      status: 416,
      body: null,
      headers: { 'Content-Range': 'bytes */1000' },
    });
  });

  it('no recording: 404, kept by no cache', () => {
    expect(recordingResponse(null, 'GET', 'bytes=0-')).toEqual({ status: 404, headers: { 'Cache-Control': 'no-store' }, body: null });
  });

  it('byteRange: one range, a suffix, an open end; several ranges or nonsense are the whole body', () => {
    expect(byteRange('bytes=0-499', 1000)).toEqual([0, 499]);
    expect(byteRange('bytes=500-', 1000)).toEqual([500, 999]);
    expect(byteRange('bytes=900-5000', 1000)).toEqual([900, 999]);
    expect(byteRange('bytes=-200', 1000)).toEqual([800, 999]);
    expect(byteRange('bytes=-5000', 1000)).toEqual([0, 999]);
    expect(byteRange('bytes=1000-', 1000)).toBe('unsatisfiable');
    expect(byteRange('bytes=-0', 1000)).toBe('unsatisfiable');
    for (const header of [undefined, '', 'bytes=0-1,5-9', 'items=0-1', 'bytes=5-3', 'bytes=-', 'bytes=a-b'])
      expect(byteRange(header, 1000), header).toBeNull();
  });
});
