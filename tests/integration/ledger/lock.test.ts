// The ledger lock on a real folder, with hard links (NTFS, APFS, ext4) and without (FAT, some shares).
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LedgerLockTimeoutError } from '../../../electron/core/ledger/errors.ts';
import { LedgerLock } from '../../../electron/core/ledger/file-lock.ts';
import { tempDir, type TempDir } from '../../support/fixtures.ts';

let tmp: TempDir;
let file: string;
const locks: LedgerLock[] = [];
beforeEach(async () => {
  tmp = await tempDir('aup-ledger-lock-');
  file = path.join(tmp.dir, 'ledger.lock');
});
afterEach(async () => {
  for (const l of locks.splice(0)) l.close();
  await tmp.cleanup();
});

function lock(options: ConstructorParameters<typeof LedgerLock>[2]): LedgerLock {
  const l = new LedgerLock(file, tmp.dir, options);
  locks.push(l);
  return l;
}

describe.each([
  { mode: 'with hard links', hardLinks: true },
  { mode: 'by exclusive create', hardLinks: false },
])('the ledger lock, $mode', ({ hardLinks }) => {
  it('is held by one taker at a time, and the next one gets it once it is given back', async () => {
    const release = await lock({ hardLinks }).acquire();
    expect(JSON.parse(await readFile(file, 'utf8'))).toMatchObject({ pid: process.pid });
    await expect(lock({ hardLinks, timeoutMs: 150, staleMs: 60_000 }).acquire()).rejects.toBeInstanceOf(LedgerLockTimeoutError);
    const waiting = lock({ hardLinks, timeoutMs: 5_000, staleMs: 60_000 }).acquire();
    await sleep(50);
    release();
    const releaseNext = await waiting;
    releaseNext();
    expect((await readdir(tmp.dir)).filter((n) => n === 'ledger.lock')).toEqual([]);
  });

  it('a holder that kept it past staleMs loses it, and its late release leaves the new holder’s lock alone', async () => {
    const slowRelease = await lock({ hardLinks }).acquire();
    await sleep(120);
    const releaseNew = await lock({ hardLinks, staleMs: 100, timeoutMs: 2_000 }).acquire();
    const held = await readFile(file, 'utf8');
    slowRelease();
    expect(await readFile(file, 'utf8')).toBe(held);
    releaseNew();
    expect((await readdir(tmp.dir)).includes('ledger.lock')).toBe(false);
  });
});
