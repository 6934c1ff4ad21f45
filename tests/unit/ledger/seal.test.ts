// The seal's pure parts: its bytes and their MAC, and what a file found short of its seal is called.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { encodeLine, sha256Hex, type UnhashedRecord } from '../../../electron/core/ledger/chain.ts';
import { checkAgainstSeal, decodeSeal, encodeSeal, lineHash, type Seal, type SealEntry } from '../../../electron/core/ledger/seal.ts';

const key = randomBytes(32);
const H = (s: string) => sha256Hex(s);
const entry = (records: number, lastHash = H(`line ${records}`)): SealEntry => ({ records, lastHash, updatedAt: '2026-09-15T13:15:02.000Z' });
const seal: Seal = { updatedAt: '2026-09-15T13:15:02.000Z', files: { 'ledger-2026-27.jsonl': entry(12) } };
const FILE = '/var/lib/aup-kiosk/ledger/ledger-2026-27.jsonl';

describe('the seal on disk', () => {
  it('reads back what was written, under the same key', () => {
    expect(decodeSeal(encodeSeal(seal, key), key)).toEqual({ ok: true, seal });
  });

  it('a seal edited by hand without the key is called forged', () => {
    const text = encodeSeal(seal, key).toString().replace('"records":12', '"records":9');
    expect(decodeSeal(Buffer.from(text), key)).toMatchObject({ ok: false, forged: true, reason: expect.stringMatching(/forged/) });
  });

  it('a seal written under another key is called forged', () => {
    expect(decodeSeal(encodeSeal(seal, randomBytes(32)), key)).toMatchObject({ ok: false, forged: true });
  });

  it('a file that is not a seal at all is called damaged, not forged', () => {
    expect(decodeSeal(Buffer.from('{"files":{}}\n'), key)).toMatchObject({ ok: false, forged: false, reason: expect.stringMatching(/not a seal/) });
    expect(decodeSeal(Buffer.alloc(0), key)).toMatchObject({ ok: false, forged: false });
  });
});

describe('a ledger file against its seal', () => {
  it('the same lines, or more after them, are fine; growth is counted', () => {
    expect(checkAgainstSeal(FILE, entry(12), { records: 12, hashAtSealed: entry(12).lastHash })).toEqual({ ok: true, grown: 0 });
    expect(checkAgainstSeal(FILE, entry(12), { records: 13, hashAtSealed: entry(12).lastHash })).toEqual({ ok: true, grown: 1 });
  });

  it('a deleted file is named, with how many records and the last hash the seal vouches for', () => {
    const v = checkAgainstSeal(FILE, entry(12, 'ab12cd34ef56'.padEnd(64, '0')), null);
    expect(v).toMatchObject({
      ok: false,
      problem: { kind: 'sealed-records-missing', file: FILE, line: 1, toLine: 12, crash: false, sealedRecords: 12, foundRecords: 0 },
    });
    expect(!v.ok && v.problem.message).toBe('ledger-2026-27.jsonl is missing: the seal says 12 records, last hash ab12cd34ef56…');
  });

  it('a cut-off tail says which records are missing', () => {
    const v = checkAgainstSeal(FILE, entry(12), { records: 9, hashAtSealed: undefined });
    expect(v).toMatchObject({ ok: false, problem: { kind: 'sealed-records-missing', line: 10, toLine: 12, sealedRecords: 12, foundRecords: 9 } });
    expect(!v.ok && v.problem.message).toBe('ledger-2026-27.jsonl has 9 records, the seal says 12: records 10-12 are missing');
    const one = checkAgainstSeal(FILE, entry(12), { records: 11, hashAtSealed: undefined });
    expect(!one.ok && one.problem.message).toBe('ledger-2026-27.jsonl has 11 records, the seal says 12: record 12 is missing');
  });

  it('a tail cut and written again (as many lines or more, but not the sealed one) is found at the sealed line', () => {
    const v = checkAgainstSeal(FILE, entry(12), { records: 14, hashAtSealed: H('another') });
    expect(v).toMatchObject({ ok: false, problem: { kind: 'sealed-record-changed', line: 12, foundRecords: 14 } });
    expect(!v.ok && v.problem.message).toMatch(/^ledger-2026-27\.jsonl line 12 is not the record that was sealed there/);
  });

  it('a seal of no records vouches for nothing', () => {
    expect(checkAgainstSeal(FILE, entry(0), null)).toEqual({ ok: true, grown: 0 });
  });
});

describe('the hash a seal keeps for a line', () => {
  it('is the hash the record begins with, which a technician can find in the file', () => {
    const { line, hash } = encodeLine({ prev: null, id: 'x', type: 'denied' } as unknown as UnhashedRecord);
    expect(lineHash(line.subarray(0, -1))).toBe(hash);
  });

  it('is the SHA-256 of the bytes for a line that is not a record', () => {
    expect(lineHash(Buffer.from('not a record'))).toBe(H('not a record'));
  });
});
