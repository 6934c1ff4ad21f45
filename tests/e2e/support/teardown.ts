// Removes the run's temp folder (configs, ledgers, kiosk state) unless AUP_E2E_KEEP is set, for
// looking at the evidence a run wrote.
import { rmSync } from 'node:fs';
import { RUN_DIR } from './run.ts';

export default function teardown(): void {
  if (process.env.AUP_E2E_KEEP) {
    process.stdout.write(`e2e: kept ${RUN_DIR}\n`);
    return;
  }
  rmSync(RUN_DIR, { recursive: true, force: true });
}
