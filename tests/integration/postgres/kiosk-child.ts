// One kiosk machine as its own process: KioskService on a config whose `central.postgres` names the
// test database, its own ledger folder, the clock at a school-day morning. Commands on stdin, each
// for one user's session (the OS account signed in):
//   view <user>                 -> `view <kind>`
//   accept <user> [typed name]  -> `accept ok` | `accept <reason>`
//   ack <user>                  -> `ack ok` | `ack <reason>`
//   open <user> <by> <secret> [minutes]  -> `open ok` | `open <reason>`   (Open this room, from user's screen)
//   end <user> <by> <secret>    -> `end ok` | `end <reason>`             (End class)
//   advance <minutes>           -> `advance ok`                           (the kiosk's clock moves on)
// Usage: kiosk-child.ts <config file> <machine name>  (AUP_ROOM_POLL_MS: how often the room list is asked)
import readline from 'node:readline';
import { openKioskService } from '../../../electron/core/setup.ts';
import type { KioskHost } from '../../../electron/core/kiosk/kiosk-service.ts';
import { MemoryLog } from '../../../electron/core/log.ts';
import { ManualClock } from '../../../electron/core/time.ts';

const [configFile, machine] = process.argv.slice(2);
if (!configFile || !machine) throw new Error('usage: kiosk-child.ts <config> <machine>');

const log = new MemoryLog();
// AUP_CLOCK_START: the kiosk's clock at start (a school-day morning by default).
const clock = new ManualClock(process.env.AUP_CLOCK_START ?? '2026-10-06T15:00:00Z');
const pollMs = Number(process.env.AUP_ROOM_POLL_MS ?? 0);
const kiosk = await openKioskService({
  configFile,
  clock,
  log,
  machine,
  ...(pollMs ? { rooms: { pollMs, maxAgeMs: pollMs * 3 } } : {}),
});
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
  // A session only for the commands that name a user (`advance` names minutes).
  const session = () => sessionOf(user);
  void (async () => {
    if (command === 'view') {
      say(`view ${(await session().getView()).kind}`);
    } else if (command === 'accept') {
      const v = await session().getView();
      if (v.kind !== 'policy') return say(`accept not-policy:${v.kind}`);
      const d = v.document;
      const typedName = rest.join(' ');
      const r = await session().acceptPolicy({
        policyId: d.policyId,
        version: d.version,
        sha256: d.sha256,
        language: d.language,
        ...(typedName ? { typedName } : {}),
      });
      say(`accept ${r.ok ? 'ok' : r.reason}`);
    } else if (command === 'ack') {
      const v = await session().getView();
      if (v.kind !== 'safety-rules') return say(`ack not-safety-rules:${v.kind}`);
      const r = await session().acknowledgeSafetyRules({ rulesId: v.document.policyId, version: v.document.version });
      say(`ack ${r.ok ? 'ok' : r.reason}`);
    } else if (command === 'open') {
      const [by = '', secret = '', minutes] = rest;
      const r = await session().openRoom({ username: by, secret, ...(minutes ? { minutes: Number(minutes) } : {}) });
      say(`open ${r.ok ? 'ok' : r.reason}`);
    } else if (command === 'end') {
      const [by = '', secret = ''] = rest;
      const r = await session().endClass({ username: by, secret });
      say(`end ${r.ok ? 'ok' : r.reason}`);
    } else if (command === 'advance') {
      clock.advance(Number(user) * 60_000);
      await kiosk.tick();
      say('advance ok');
    } else if (command === 'log') {
      say(`log ${JSON.stringify(log.lines)}`);
    }
  })();
});
commands.on('close', () => {
  void kiosk.close().then(() => process.exit(0));
});
say('ready');
