// The kiosk app's side, as a real process under a test account: KioskApi over the machine service's
// channel exactly as the installed app uses it (connectChannel + serviceBackedApi). Every pushed view
// is a line on stdout; calls come as JSON lines on stdin: {"call": "teacherUnlock", "params": {...}}.
// Usage: screen-client.ts <socket> <sessions root> <account>
import readline from 'node:readline';
import { connectChannel } from '../../../electron/core/machine/channel-client.ts';
import { serviceBackedApi } from '../../../electron/core/machine/app-client.ts';

const [socketPath, sessionsRoot, account] = process.argv.slice(2);
if (!socketPath || !sessionsRoot || !account) throw new Error('usage: screen-client.ts <socket> <sessions root> <account>');
const out = (value: unknown) => process.stdout.write(`${JSON.stringify(value)}\n`);

const client = await connectChannel({ socketPath, sessionsRoot, account, backoff: { initialMs: 50, maxMs: 200 } });
client.onStatus((status) => out({ status: status.state }));
const api = serviceBackedApi(client);
api.onView((view) => out({ view: view.kind, ...('reason' in view ? { reason: view.reason } : {}) }));
out({ ready: true, status: client.status.state });

readline.createInterface({ input: process.stdin }).on('line', async (line) => {
  const { call, params } = JSON.parse(line) as { call: string; params?: unknown };
  const fn = (api as unknown as Record<string, (p?: unknown) => Promise<unknown>>)[call]!;
  out({ call, result: await fn.call(api, params) });
});
