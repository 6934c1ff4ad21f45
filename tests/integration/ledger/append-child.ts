// A kiosk process that appends records and prints `ack <id>` after each append resolves.
// Usage: append-child.ts <dir> <count | forever> <user prefix> [--wait-for-go]
import readline from 'node:readline';
import { Ledger } from '../../../electron/core/ledger/ledger.ts';
import type { NewLedgerRecord } from '../../../electron/core/ledger/records.ts';
import { ManualClock } from '../../../electron/core/time.ts';

const [dir, countArg, prefix, flag] = process.argv.slice(2);
if (!dir || !countArg || !prefix) throw new Error('usage: append-child.ts <dir> <count|forever> <prefix> [--wait-for-go]');
const count = countArg === 'forever' ? Infinity : Number(countArg);

const clock = new ManualClock('2026-09-15T13:00:00Z');
const ledger = await Ledger.open({
  dir,
  clock,
  schoolYear: { timeZone: 'America/Chicago', start: '08-01' },
  machine: { machine: `child-${process.pid}`, campus: 'LHS', room: '204', appVersion: '0.1.0' },
});
for (const p of ledger.problems) process.stdout.write(`problem ${p.kind} ${p.message}\n`);
process.stdout.write('ready\n');

if (flag === '--wait-for-go') {
  await new Promise<void>((resolve) => readline.createInterface({ input: process.stdin }).on('line', (l) => l === 'go' && resolve()));
}

function recordFor(i: number): NewLedgerRecord {
  const user = `${prefix}-${i}`;
  // Three shapes of different lengths, so a kill lands in lines of every size.
  switch (i % 3) {
    case 0:
      return { type: 'acceptance', user, policyId: 'student-aup', version: '2026-27', language: 'en', sha256: 'e3'.repeat(32), method: 'kiosk' };
    case 1:
      return { type: 'safety-ack', user, rulesId: 'internet-safety', version: '2026-27' };
    default:
      return {
        type: 'override',
        user,
        by: 'aadmin',
        until: '2026-09-15T16:00:00.000-05:00',
        minutes: 480,
        reason: 'make-up exam '.repeat(20).trim(),
      };
  }
}

for (let i = 0; i < count; i++) {
  clock.advance(1000);
  const record = await ledger.append(recordFor(i));
  process.stdout.write(`ack ${record.id}\n`);
}
await ledger.close();
process.stdout.write('done\n');
