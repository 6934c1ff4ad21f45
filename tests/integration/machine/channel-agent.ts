// A process running under a real test account (started with that account's uid and gid): the kiosk
// app's side of the local channel, or an attacker speaking raw frames to it. Commands arrive as JSON
// lines on stdin; everything it sees goes to stdout as JSON lines ({"event": ...}).
import net from 'node:net';
import { randomBytes } from 'node:crypto';
import { chmod, readFile, rename, symlink } from 'node:fs/promises';
import readline from 'node:readline';
import { connectChannel, type ChannelClient } from '../../../electron/core/machine/channel-client.ts';
import { encodeFrame, proofOf, randomHex } from '../../../electron/core/machine/frames.ts';

type Command =
  | { cmd: 'connect'; socketPath: string }
  | { cmd: 'send'; text: string }
  | { cmd: 'sendBytes'; bytes: number }
  | { cmd: 'answer'; guess?: boolean }
  | { cmd: 'flood'; count: number }
  | { cmd: 'client'; socketPath: string; account: string; sessionsRoot: string; guessToken?: boolean }
  | { cmd: 'call'; method: string; params?: unknown }
  | { cmd: 'closeClient' }
  | { cmd: 'symlink'; target: string; link: string }
  | { cmd: 'rename'; from: string; to: string }
  | { cmd: 'chmod'; path: string; mode: number }
  | { cmd: 'read'; path: string };

const out = (event: string, fields: Record<string, unknown> = {}) => process.stdout.write(`${JSON.stringify({ event, ...fields })}\n`);
const codeOf = (error: unknown) => (error as NodeJS.ErrnoException).code ?? (error as Error).message;

let socket: net.Socket | null = null;
let challenge: { file: string; nonce: string } | null = null;
let flood: { sent: number; answered: number; rateLimited: number; ok: number; other: number } | null = null;
let client: ChannelClient | null = null;

function connect(socketPath: string) {
  const s = net.connect(socketPath);
  socket = s;
  let rest = '';
  s.on('connect', () => out('connected'));
  s.on('error', (error) => out('socket-error', { code: codeOf(error) }));
  s.on('close', () => {
    if (flood) out('flood', { ...flood, closed: true });
    flood = null;
    out('closed');
  });
  s.on('data', (chunk: Buffer) => {
    const lines = (rest + chunk.toString('utf8')).split('\n');
    rest = lines.pop() ?? '';
    for (const line of lines) {
      let frame: Record<string, unknown>;
      try {
        frame = JSON.parse(line) as Record<string, unknown>;
      } catch {
        out('frame', { text: line });
        continue;
      }
      if ('challenge' in frame) challenge = frame.challenge as { file: string; nonce: string };
      if (flood && frame.type === 'result') {
        const result = frame.result as { ok?: boolean; reason?: string; kind?: string };
        flood.answered++;
        if (result.reason === 'rate-limited') flood.rateLimited++;
        else if (result.kind || result.ok) flood.ok++;
        else flood.other++;
        if (flood.answered === flood.sent) {
          out('flood', { ...flood, closed: false });
          flood = null;
        }
        continue;
      }
      if (flood && frame.type === 'view') continue;
      out('frame', { frame });
    }
  });
}

async function answer(guess: boolean) {
  if (!socket || !challenge) return out('answer', { error: 'no challenge' });
  let token: Buffer;
  if (guess) token = randomBytes(32);
  else {
    try {
      token = Buffer.from((await readFile(challenge.file, 'utf8')).trim(), 'hex');
      out('read', { ok: true, file: challenge.file });
    } catch (error) {
      out('read', { ok: false, code: codeOf(error), file: challenge.file });
      token = randomBytes(32); // cannot read it: the best left is a guess
    }
  }
  const nonce = randomHex();
  socket.write(encodeFrame({ answer: { nonce, hmac: proofOf('client', token, challenge.nonce, nonce) } }));
}

/** `count` requests in a few large writes, as fast as the socket takes them. */
async function startFlood(count: number) {
  if (!socket) return;
  flood = { sent: count, answered: 0, rateLimited: 0, ok: 0, other: 0 };
  const batch = 500;
  for (let i = 0; i < count && socket && !socket.destroyed; i += batch) {
    let text = '';
    for (let j = i; j < Math.min(count, i + batch); j++) text += encodeFrame({ id: j + 1, method: 'getView' });
    socket.write(text);
    if (i === 0) out('flood-started');
    await new Promise((resolve) => setImmediate(resolve));
  }
}

async function sendBytes(bytes: number) {
  const s = socket;
  if (!s) return;
  const chunk = Buffer.alloc(64 * 1024, 0x61);
  let written = 0;
  try {
    while (written < bytes && !s.destroyed) {
      const ok = s.write(chunk);
      written += chunk.length;
      if (!ok) await new Promise<void>((resolve, reject) => (s.once('drain', resolve), s.once('close', () => reject(new Error('closed')))));
    }
    out('sent', { bytes: written });
  } catch (error) {
    out('sent', { bytes: written, error: codeOf(error) });
  }
}

async function run(command: Command) {
  switch (command.cmd) {
    case 'connect':
      return connect(command.socketPath);
    case 'send':
      return socket?.write(`${command.text}\n`);
    case 'sendBytes':
      return sendBytes(command.bytes);
    case 'answer':
      return answer(command.guess ?? false);
    case 'flood':
      return startFlood(command.count);
    case 'client': {
      client = await connectChannel({
        socketPath: command.socketPath,
        account: command.account,
        sessionsRoot: command.sessionsRoot,
        backoff: { initialMs: 50, maxMs: 200 },
        ...(command.guessToken ? { readFile: () => Promise.resolve(randomBytes(32).toString('hex')) } : {}),
      });
      client.onStatus((status) => out('status', { status }));
      client.onView((view) => out('view', { kind: view.kind, user: 'user' in view ? view.user.username : null }));
      return out('client', { status: client.status });
    }
    case 'call': {
      if (!client) return out('result', { error: 'no client' });
      const started = performance.now();
      const method = (client as unknown as Record<string, (p?: unknown) => Promise<unknown>>)[command.method]!;
      try {
        const result = (await method.call(client, command.params)) as Record<string, unknown>;
        const summary = 'kind' in result ? { kind: result.kind, user: (result.user as { username?: string } | undefined)?.username } : result;
        return out('result', { method: command.method, result: summary, ms: performance.now() - started });
      } catch (error) {
        return out('result', { method: command.method, error: (error as Error).message, code: (error as { code?: string }).code });
      }
    }
    case 'closeClient':
      await client?.close();
      return out('client-closed');
    case 'symlink':
      return symlink(command.target, command.link).then(
        () => out('fs', { op: 'symlink', ok: true }),
        (error: unknown) => out('fs', { op: 'symlink', ok: false, code: codeOf(error) }),
      );
    case 'rename':
      return rename(command.from, command.to).then(
        () => out('fs', { op: 'rename', ok: true }),
        (error: unknown) => out('fs', { op: 'rename', ok: false, code: codeOf(error) }),
      );
    case 'chmod':
      return chmod(command.path, command.mode).then(
        () => out('fs', { op: 'chmod', ok: true }),
        (error: unknown) => out('fs', { op: 'chmod', ok: false, code: codeOf(error) }),
      );
    case 'read':
      return readFile(command.path, 'utf8').then(
        () => out('fs', { op: 'read', ok: true }),
        (error: unknown) => out('fs', { op: 'read', ok: false, code: codeOf(error) }),
      );
  }
}

readline.createInterface({ input: process.stdin }).on('line', (line) => {
  run(JSON.parse(line) as Command).catch((error: unknown) => out('agent-error', { message: (error as Error).message }));
});
process.stdin.on('end', () => {
  void client?.close();
  socket?.destroy();
  process.exit(0);
});
out('ready', { uid: process.getuid?.(), gid: process.getgid?.() });
