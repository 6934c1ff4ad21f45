// A process that takes the ledger lock and keeps it: until told `release`, or until it is killed.
// Usage: hold-lock-child.ts <dir>
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { LOCK_FILE_NAME } from '../../../electron/core/ledger/ledger.ts';
import { LedgerLock } from '../../../electron/core/ledger/file-lock.ts';

const dir = process.argv[2];
if (!dir) throw new Error('usage: hold-lock-child.ts <dir>');
mkdirSync(dir, { recursive: true });
const release = await new LedgerLock(path.join(dir, LOCK_FILE_NAME), dir).acquire();
process.stdout.write('locked\n');
readline.createInterface({ input: process.stdin }).on('line', (line) => {
  if (line !== 'release') return;
  release();
  process.stdout.write('released\n');
  process.exit(0);
});
