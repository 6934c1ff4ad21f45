// One kiosk machine as its own process: KioskService on a config whose `central.postgres` names the
// test database, its own ledger folder, the clock at a school-day morning. Commands on stdin, each
// for one user's session (the OS account signed in):
//   view <user>                 -> `view <kind>`
//   accept <user> [typed name]  -> `accept ok` | `accept <reason>`
//   ack <user>                  -> `ack ok` | `ack <reason>`
// Usage: kiosk-child.ts <config file> <machine name>
import readline from 'node:readline';
import { openKioskService } from '../../../electron/core/setup.ts';
import type { KioskHost } from '../../../electron/core/kiosk/kiosk-service.ts';
import { MemoryLog } from '../../../electron/core/log.ts';
import { ManualClock } from '../../../electron/core/time.ts';

const [configFile, machine] = process.argv.slice(2);
if (!configFile || !machine) throw new Error('usage: kiosk-child.ts <config> <machine>');

const log = new MemoryLog();
const kiosk = await openKioskService({ configFile, clock: new ManualClock('2026-10-06T15:00:00Z'), log, machine });
const sessions = new Map<string, ReturnType<KioskHost['session']>>();
const sessionOf = (user: string) => {
  let s = sessions.get(user);
  if (!s) sessions.set(user, (s = kiosk.session(user)));
  return s;
};
const say = (line: string) => process.stdout.write(`${line}\n`);

const commands = readline.createInterface({ input: process.stdin });
commands.on('line', (line) => {
  const [command, user = '', ...rest] = line.split(' ');
  const session = sessionOf(user);
  void (async () => {
    if (command === 'view') {
      say(`view ${(await session.getView()).kind}`);
    } else if (command === 'accept') {
      const v = await session.getView();
      if (v.kind !== 'policy') return say(`accept not-policy:${v.kind}`);
      const d = v.document;
      const typedName = rest.join(' ');
      const r = await session.acceptPolicy({
        policyId: d.policyId,
        version: d.version,
        sha256: d.sha256,
        language: d.language,
        ...(typedName ? { typedName } : {}),
      });
      say(`accept ${r.ok ? 'ok' : r.reason}`);
    } else if (command === 'ack') {
      const v = await session.getView();
      if (v.kind !== 'safety-rules') return say(`ack not-safety-rules:${v.kind}`);
      const r = await session.acknowledgeSafetyRules({ rulesId: v.document.policyId, version: v.document.version });
      say(`ack ${r.ok ? 'ok' : r.reason}`);
    } else if (command === 'log') {
      say(`log ${JSON.stringify(log.lines)}`);
    }
  })();
});
commands.on('close', () => {
  void kiosk.close().then(() => process.exit(0));
});
say('ready');
