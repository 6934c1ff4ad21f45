// The loopback bridge itself, from outside: what any process or page on the machine could send it.
// It must answer junk with `invalid-request` (or close that socket), never crash, serve only the
// built renderer under a strict CSP, and refuse other origins and host names.
import { WebSocket } from 'ws';
import { BROKEN_URL, KIOSK_URL, PORT } from './support/run.ts';
import { expect, test } from './support/kiosk.ts';

const WS_URL = `ws://127.0.0.1:${PORT}/kiosk`;

interface Message {
  type: 'result' | 'view';
  id?: number | string | null;
  result?: { ok?: boolean; reason?: string; kind?: string };
  view?: { kind: string };
}

/** A raw socket to the bridge that collects what it is sent. */
async function connect(user: string, headers: Record<string, string> = {}) {
  const ws = new WebSocket(`${WS_URL}?user=${encodeURIComponent(user)}`, { headers });
  const messages: Message[] = [];
  ws.on('message', (data) => messages.push(JSON.parse(String(data)) as Message));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const answer = async (id: number | string | null) => {
    await expect.poll(() => messages.find((m) => m.type === 'result' && m.id === id)).toBeTruthy();
    return messages.find((m) => m.type === 'result' && m.id === id)!.result!;
  };
  return { ws, messages, answer };
}

test('the bridge carries the intents: a view on connecting, getView by request', async () => {
  const { ws, messages, answer } = await connect('ben.carter');
  await expect.poll(() => messages.some((m) => m.type === 'view')).toBe(true);
  ws.send(JSON.stringify({ id: 1, method: 'getView' }));
  expect((await answer(1)).kind).toBeTruthy();
  ws.close();
});

test('junk gets invalid-request and the socket goes on: bad JSON, unknown methods, wrong arguments', async () => {
  const { ws, answer } = await connect('ben.carter');
  ws.send('{ this is not json');
  expect(await answer(null)).toMatchObject({ ok: false, reason: 'invalid-request' });

  ws.send(JSON.stringify({ id: 2, method: 'unlockEverything' }));
  expect(await answer(2)).toMatchObject({ ok: false, reason: 'invalid-request' });

  ws.send(JSON.stringify({ id: 3, method: 'onView' }));
  expect(await answer(3)).toMatchObject({ ok: false, reason: 'invalid-request' });

  ws.send(JSON.stringify({ id: 4, method: 'teacherUnlock', params: { username: 'ms.garcia', secret: 2468 } }));
  expect(await answer(4)).toMatchObject({ ok: false, reason: 'invalid-request' });

  ws.send(JSON.stringify({ id: 5, method: 'adminOverride', params: { username: 'a', secret: 'b', reason: 'c', minutes: 5, extra: true } }));
  expect(await answer(5)).toMatchObject({ ok: false, reason: 'invalid-request' });

  ws.send(JSON.stringify({ id: 6, method: 'setLanguage', params: { language: 'es' } }));
  expect(await answer(6)).toMatchObject({ ok: false, reason: 'invalid-request' });

  ws.send(JSON.stringify([1, 2, 3]));
  ws.send(JSON.stringify({ id: 7, method: 'getView' }));
  expect((await answer(7)).kind, 'still answering').toBeTruthy();
  ws.close();
});

test('a frame over 64 KB closes that socket, and the bridge goes on serving', async () => {
  const { ws } = await connect('ben.carter');
  const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
  ws.send(JSON.stringify({ id: 1, method: 'setLanguage', params: 'x'.repeat(70 * 1024) }));
  // 1009 ("message too big") when the close frame arrives; 1006 when the server's close races the
  // client still writing its 70 KB (the TCP reset wins on a busy machine). Either way: closed.
  expect([1009, 1006]).toContain(await closed);

  const again = await connect('ben.carter');
  again.ws.send(JSON.stringify({ id: 1, method: 'getView' }));
  expect((await again.answer(1)).kind).toBeTruthy();
  again.ws.close();
});

test('another web page cannot open a session, and other host names are refused', async ({ request }) => {
  await expect(connect('ben.carter', { Origin: 'http://evil.example' })).rejects.toThrow(/403/);
  await expect(connect('ben.carter', { Host: `evil.example:${PORT}` })).rejects.toThrow(/403/);
  await expect(connect('')).rejects.toThrow(/400/);
  const rebinding = await request.get(`${KIOSK_URL}/`, { headers: { Host: `evil.example:${PORT}` } });
  expect(rebinding.status()).toBe(421);
});

test('static files: the built renderer with its content types and a strict CSP, the app for page paths, nothing outside', async ({ request }) => {
  const index = await request.get(`${KIOSK_URL}/?user=ben.carter`);
  expect(index.status()).toBe(200);
  expect(index.headers()['content-type']).toBe('text/html; charset=utf-8');
  expect(index.headers()['content-security-policy']).toBe(
    "default-src 'self'; connect-src 'self' ws://127.0.0.1:*; img-src 'self' data:; media-src 'self'; style-src 'self'; script-src 'self'",
  );
  const html = await index.text();
  // The first view is a JSON data block (never executed), the only script element without src.
  expect(html, 'no inline script').not.toMatch(/<script(?![^>]*\bsrc=)(?![^>]*type="application\/json")[^>]*>/);
  expect(html).toContain('<script type="application/json" id="first-view">');

  const script = /src="\.\/(assets\/[^"]+\.js)"/.exec(html)?.[1];
  const style = /href="\.\/(assets\/[^"]+\.css)"/.exec(html)?.[1];
  expect((await request.get(`${KIOSK_URL}/${script}`)).headers()['content-type']).toBe('text/javascript; charset=utf-8');
  expect((await request.get(`${KIOSK_URL}/${style}`)).headers()['content-type']).toBe('text/css; charset=utf-8');

  const fallback = await request.get(`${KIOSK_URL}/some/page?user=ben.carter`);
  expect(fallback.status()).toBe(200);
  expect(await fallback.text()).toBe(html);
  expect((await request.get(`${KIOSK_URL}/assets/missing.js`)).status()).toBe(404);
  for (const sneaky of ['/..%2f..%2fpackage.json', '/%2e%2e/%2e%2e/package.json', '/assets/..%2f..%2f..%2fpackage.json']) {
    const response = await request.get(`${KIOSK_URL}${sneaky}`);
    expect(await response.text(), sneaky).not.toContain('"name": "aup-kiosk"');
  }
  expect((await request.post(`${KIOSK_URL}/`)).status()).toBe(405);
});

test('the clock test hook exists only in a preview started with --test-hooks', async ({ request }) => {
  const hook = await request.post(`${BROKEN_URL}/__test/clock`, { data: { advanceMinutes: 60 } });
  expect(hook.ok()).toBe(false);
  const bad = await request.post(`${KIOSK_URL}/__test/clock`, { data: { advanceMinutes: 'soon' } });
  expect(bad.status()).toBe(400);
});
