// A student's own process, under the student's real uid and gid, attacking the machine service the
// way a student who reads this repository would: several channel clients at once (the real client
// code, as a fake kiosk would use it), fired together. Commands are JSON lines on stdin; every
// answer is a JSON line on stdout.
// Usage: red-team-agent.ts <socket> <sessions root> <account>
import net from 'node:net';
import readline from 'node:readline';
import { connectChannel, type ChannelClient } from '../../../electron/core/machine/channel-client.ts';
import { encodeFrame } from '../../../electron/core/machine/frames.ts';

type Command =
  | { cmd: 'clients'; count: number }
  /** Every client calls `method` at once (one call each, sent in the same turn of the event loop). */
  | { cmd: 'burst'; method: string; params: unknown[] }
  | { cmd: 'call'; client: number; method: string; params?: unknown }
  /** `count` raw connections that say hello as this account and never answer the challenge. */
  | { cmd: 'hold'; count: number }
  | { cmd: 'close' };

const [socketPath = '', sessionsRoot = '', account = ''] = process.argv.slice(2);
if (!socketPath || !sessionsRoot || !account) throw new Error('usage: red-team-agent.ts <socket> <sessions root> <account>');
const out = (value: unknown) => process.stdout.write(`${JSON.stringify(value)}\n`);
const clients: ChannelClient[] = [];
const held: net.Socket[] = [];
const callOf = (c: ChannelClient, method: string) => (c as unknown as Record<string, (p?: unknown) => Promise<unknown>>)[method]!.bind(c);
const summary = (result: unknown) => {
  const r = result as Record<string, unknown>;
  return 'kind' in r ? { kind: r.kind } : r;
};

async function run(command: Command) {
  switch (command.cmd) {
    case 'clients': {
      const made = await Promise.all(
        Array.from({ length: command.count }, () => connectChannel({ socketPath, sessionsRoot, account, backoff: { initialMs: 50, maxMs: 200 } })),
      );
      clients.push(...made);
      return out({ clients: made.map((c) => c.status.state) });
    }
    case 'burst': {
      const results = await Promise.all(
        clients.map((c, i) =>
          callOf(c, command.method)(command.params[i % command.params.length]).then(summary, (e: Error) => ({ error: e.message })),
        ),
      );
      return out({ burst: command.method, results });
    }
    case 'call': {
      const c = clients[command.client]!;
      return out({
        call: command.method,
        result: summary(await callOf(c, command.method)(command.params).catch((e: Error) => ({ error: e.message }))),
      });
    }
    case 'hold': {
      const answers = await Promise.all(
        Array.from(
          { length: command.count },
          () =>
            new Promise<string>((resolve) => {
              const socket = net.connect(socketPath);
              held.push(socket);
              socket.on('connect', () => socket.write(encodeFrame({ hello: { account } })));
              socket.on('error', () => resolve('error'));
              socket.on('close', () => resolve('closed'));
              socket.on('data', (chunk: Buffer) => {
                const frame = JSON.parse(chunk.toString('utf8').split('\n')[0]!) as Record<string, { reason?: string }>;
                const key = Object.keys(frame)[0]!;
                resolve(key === 'refused' ? `refused: ${frame.refused!.reason}` : key);
              });
            }),
        ),
      );
      return out({ held: answers });
    }
    case 'close':
      await Promise.all(clients.splice(0).map((c) => c.close()));
      return out({ closed: true });
  }
}

readline.createInterface({ input: process.stdin }).on('line', (line) => {
  run(JSON.parse(line) as Command).catch((error: unknown) => out({ error: (error as Error).message }));
});
out({ ready: true, uid: process.getuid?.() });
