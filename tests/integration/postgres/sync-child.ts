// A kiosk's background sync as its own process, so a test can kill it (SIGKILL) mid-sync.
// Usage: sync-child.ts <ledger dir> <settings JSON> <batch size> [reply delay ms]
// Prints `batch <records> <inserted> <duplicates>` after each confirmed batch, `drained <sent>` when
// nothing is pending, `error <message>` on a failure. A reply delay holds each answer back after the
// database has stored the batch (a slow network), so a kill can land between the commit and the
// confirmation.
import { CentralStore, type BatchSink } from '../../../electron/core/central/kiosk-role/store.ts';
import { CentralSync } from '../../../electron/core/central/kiosk-role/sync.ts';

const [dir, settingsJson, batchArg, delayArg] = process.argv.slice(2);
if (!dir || !settingsJson || !batchArg) throw new Error('usage: sync-child.ts <dir> <settings JSON> <batch size>');

const store = await CentralStore.open(JSON.parse(settingsJson));
const delayMs = Number(delayArg ?? 0);
const sink: BatchSink = {
  async recordBatch(lines) {
    const result = await store.recordBatch(lines);
    if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
    return result;
  },
};
const sync = new CentralSync({
  dir,
  sink,
  batchSize: Number(batchArg),
  idleMs: 60_000,
  backoff: { initialMs: 50, maxMs: 200 },
  onEvent: (e) => {
    if (e.kind === 'batch') process.stdout.write(`batch ${e.records} ${e.result.inserted} ${e.result.duplicates}\n`);
    else if (e.kind === 'drained') process.stdout.write(`drained ${e.sent}\n`);
    else if (e.kind === 'error') process.stdout.write(`error ${e.message}\n`);
  },
});
// Keeps the process alive: the sync's timers do not (a kiosk has its window for that).
const alive = setInterval(() => undefined, 60_000);
process.stdin.on('data', () => undefined);
process.stdin.on('end', () => {
  clearInterval(alive);
  void sync.stop().then(() => store.close());
});
process.stdout.write('ready\n');
sync.start();
