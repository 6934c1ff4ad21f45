// `aup ledger verify` against the machine service's seal (issue 10): the ledger file deleted, or its
// last records cut, while the service is down → exit 3 naming what is missing. The real `aup`
// executable, on a ledger sealed the way the service seals it (in `state.dir`/ledger-seal).
import { readFile, truncate, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../../electron/core/ledger/chain.ts';
import { Ledger } from '../../../electron/core/ledger/ledger.ts';
import type { LedgerRecord } from '../../../electron/core/ledger/records.ts';
import { SEAL_FILE, sealDirIn } from '../../../electron/core/ledger/seal.ts';
import { ManualClock } from '../../../electron/core/time.ts';
import { aup } from '../../support/cli.ts';
import { demoConfigIn, tempDir, type TempDir } from '../../support/fixtures.ts';

let tmp: TempDir;
let config: string;
let ledgerDir: string;
let sealDir: string;

beforeEach(async () => {
  tmp = await tempDir('aup-cli-seal-');
  config = await demoConfigIn(tmp.dir); // ledger in <tmp>/ledger, state in <tmp>/state
  ledgerDir = path.join(tmp.dir, 'ledger');
  sealDir = sealDirIn(path.join(tmp.dir, 'state'));
});
afterEach(() => tmp.cleanup());

/** Records three acceptances as the service would (sealed, unless told otherwise), then stops. */
async function serviceRecords(sealed = true): Promise<LedgerRecord[]> {
  const ledger = await Ledger.open({
    dir: ledgerDir,
    clock: new ManualClock('2026-09-15T14:00:00Z'),
    schoolYear: { timeZone: 'America/Chicago', start: '08-01' },
    machine: { machine: 'LAB204-PC07', campus: 'Lockhart High School', room: 'Lab 204', appVersion: '0.1.0' },
    ...(sealed ? { seal: { dir: sealDir } } : {}),
  });
  const records: LedgerRecord[] = [];
  try {
    for (const user of ['ana.lopez', 'ben.carter', 'zoe.renee']) {
      records.push(
        await ledger.append({
          type: 'acceptance',
          user,
          policyId: 'student-aup',
          version: '2026-27',
          language: 'en',
          sha256: sha256Hex('Student AUP 2026-27'),
          method: 'kiosk',
        }),
      );
    }
  } finally {
    await ledger.close();
  }
  return records;
}

const ledgerFile = () => path.join(ledgerDir, 'ledger-2026-27.jsonl');
const verify = (...extra: string[]) => aup(['ledger', 'verify', '--config', config, ...extra]);

describe('aup ledger verify with the seal', () => {
  it('an intact, sealed ledger exits 0 and says the seal holds', async () => {
    await serviceRecords();
    const r = await verify();
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^intact: 3 records in 1 file/);
    expect(r.stdout).toContain(`sealed: every file holds what the seal of 2026-09-15T14:00:00.000Z vouches for (${sealDir})`);
  });

  it('a ledger file deleted while the service was down exits 3 and names the file, its sealed records and last hash', async () => {
    const [, , last] = await serviceRecords();
    await unlink(ledgerFile());
    const r = await verify();
    expect(r.code).toBe(3);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(`TAMPERED: ledger-2026-27.jsonl is missing: the seal says 3 records, last hash ${last!.hash.slice(0, 12)}…\n`);

    const json = JSON.parse((await verify('--json')).stdout);
    expect(json.status).toBe('tampered');
    expect(json.files).toMatchObject([{ schoolYear: '2026-27', missing: true, sealed: { records: 3, lastHash: last!.hash } }]);
    expect(json.problems).toMatchObject([{ kind: 'sealed-records-missing', sealedRecords: 3, foundRecords: 0 }]);
  });

  it('the last records cut while the service was down exits 3 and says how many are missing', async () => {
    await serviceRecords();
    const first = (await readFile(ledgerFile(), 'utf8')).split('\n')[0]!;
    await truncate(ledgerFile(), Buffer.byteLength(`${first}\n`));
    const r = await verify();
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('TAMPERED: ledger-2026-27.jsonl has 1 record, the seal says 3: records 2-3 are missing\n');
    const json = await verify('--json');
    expect(json.code).toBe(3);
    expect(JSON.parse(json.stdout).first).toMatchObject({ kind: 'sealed-records-missing', line: 2, toLine: 3, sealedRecords: 3, foundRecords: 1 });
  });

  it('a seal edited by hand (without its key) exits 3 as forged', async () => {
    await serviceRecords();
    const seal = path.join(sealDir, SEAL_FILE);
    await writeFile(seal, (await readFile(seal, 'utf8')).replace('"records":3', '"records":1'));
    const r = await verify();
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/^TAMPERED: the ledger's seal .*ledger-seal\.json does not match its key: .*\(forged\)\n$/);
  });

  it('a kiosk from before the seal verifies as before, and is told that no seal was found', async () => {
    await serviceRecords(false);
    const r = await verify();
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^intact: 3 records in 1 file/);
    expect(r.stdout).toContain(`no seal found in ${sealDir}: a deleted file or a cut-off tail cannot be told here`);
    expect(JSON.parse((await verify('--json')).stdout).seal).toEqual({ dir: sealDir, state: 'none' });
  });
});
