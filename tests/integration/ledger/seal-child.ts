// A kiosk process that appends records to a sealed ledger and prints `ack <id>` after each append
// resolves. With `--die-sealing N` it kills itself (SIGKILL, nothing flushed) at the instant its Nth
// append would rename the new seal into place: after the line's fsync, before the seal's - the crash
// the seal must survive without a false alarm.
// Usage: seal-child.ts <ledger dir> <seal dir> <count | forever> [--die-sealing N]
import fs from 'node:fs';
import { Ledger } from '../../../electron/core/ledger/ledger.ts';
import { SEAL_FILE } from '../../../electron/core/ledger/seal.ts';
import { ManualClock } from '../../../electron/core/time.ts';

const [dir, sealDir, countArg, flag, flagValue] = process.argv.slice(2);
if (!dir || !sealDir || !countArg) throw new Error('usage: seal-child.ts <ledger dir> <seal dir> <count|forever> [--die-sealing N]');
const count = countArg === 'forever' ? Infinity : Number(countArg);

const clock = new ManualClock('2026-09-15T13:00:00Z');
const ledger = await Ledger.open({
  dir,
  clock,
  schoolYear: { timeZone: 'America/Chicago', start: '08-01' },
  machine: { machine: `child-${process.pid}`, campus: 'LHS', room: '204', appVersion: '0.1.0' },
  seal: { dir: sealDir },
});
for (const p of ledger.problems) process.stdout.write(`problem ${p.kind} ${p.message}\n`);

if (flag === '--die-sealing') {
  const dieAt = Number(flagValue);
  let seals = 0;
  const rename = fs.renameSync;
  // The seal module renames through the same `fs` object; every rename onto the seal is one append's seal.
  fs.renameSync = (from, to) => {
    if (String(to).endsWith(SEAL_FILE) && ++seals === dieAt) process.kill(process.pid, 'SIGKILL');
    rename(from, to);
  };
}
process.stdout.write('ready\n');

for (let i = 0; i < count; i++) {
  clock.advance(1000);
  const record = await ledger.append({
    type: 'acceptance',
    user: `stu-${process.pid}-${i}`,
    policyId: 'student-aup',
    version: '2026-27',
    language: 'en',
    sha256: 'e3'.repeat(32),
    method: 'kiosk',
    // Lines of different lengths, so a kill lands in lines of every size.
    ...(i % 2 ? { typedName: 'Ana María López '.repeat(1 + (i % 5)).trim() } : {}),
  });
  process.stdout.write(`ack ${record.id}\n`);
}
await ledger.close();
process.stdout.write('done\n');
