import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ConfLockStore } from '../../../electron/core/lock/lock-store.ts';
import { tempDir, type TempDir } from '../../support/fixtures.ts';

let tmp: TempDir;
beforeEach(async () => (tmp = await tempDir()));
afterEach(() => tmp.cleanup());

const lockedOut = () => ({ failures: 5, lockedUntil: '2026-10-06T15:01:00.000Z' });
const grant = { user: 'ben.carter', kind: 'teacher' as const, by: 'ms.garcia', since: '2026-10-06T15:00:00.000Z', until: '2026-10-06T15:55:00.000Z' };

describe('the kiosk state on disk', () => {
  it('an unlock and the failed sign-in counter survive a restart (a new store on the same folder)', () => {
    const a = new ConfLockStore(tmp.dir, lockedOut);
    a.saveGrant(grant);
    a.saveAttempts('machine', { failures: 3 });
    const b = new ConfLockStore(tmp.dir, lockedOut);
    expect(b.grantFor('BEN.CARTER')).toEqual(grant);
    expect(b.grantFor('someone-else')).toBeUndefined();
    expect(b.attempts('machine')).toEqual({ failures: 3 });
  });

  it('a corrupted state file is set aside: no unlock survives it, and sign-ins start locked out', async () => {
    new ConfLockStore(tmp.dir, lockedOut).saveGrant(grant);
    await writeFile(path.join(tmp.dir, 'kiosk-state.json'), '{"grants": {"x": ');
    const s = new ConfLockStore(tmp.dir, lockedOut);
    expect(s.grantFor('ben.carter')).toBeUndefined();
    expect(s.attempts('machine')).toEqual(lockedOut());
    expect(s.problems[0]).toMatch(/unreadable/);
    expect((await readdir(tmp.dir)).some((f) => f.startsWith('kiosk-state.json.corrupt-'))).toBe(true);
  });

  it('a state file that was deleted means locked, never unlocked', () => {
    const a = new ConfLockStore(tmp.dir, lockedOut);
    a.saveGrant(grant);
    const fresh = new ConfLockStore(path.join(tmp.dir, 'elsewhere'), lockedOut);
    expect(fresh.grantFor('ben.carter')).toBeUndefined();
  });
});
