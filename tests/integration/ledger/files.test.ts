// Reading a ledger file in chunks, on a real file bigger than one chunk.
import { open, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ledgerFileName, listLedgerFolder, readLines, schoolYearOfFileName } from '../../../electron/core/ledger/files.ts';
import { tempDir, type TempDir } from '../../support/fixtures.ts';

let tmp: TempDir;
beforeEach(async () => {
  tmp = await tempDir('aup-ledger-files-');
});
afterEach(() => tmp.cleanup());

describe('the ledger folder on disk', () => {
  it('lines that straddle the 1 MB read chunks come back whole, and the bytes after the last newline are the tail', async () => {
    // Lengths that never line up with a chunk: 1 to 5,000 bytes, about 3.5 MB in all.
    const lines = Array.from({ length: 1400 }, (_, i) => `${i}:${'x'.repeat((i * 7919) % 5000)}`);
    const file = path.join(tmp.dir, 'big.jsonl');
    const whole = lines.map((l) => `${l}\n`).join('');
    await writeFile(file, `${whole}{"torn`);
    const handle = await open(file, 'r');
    const seen: string[] = [];
    const position = await readLines(handle, 0, (line) => seen.push(line.toString()));
    await handle.close();
    expect(seen).toEqual(lines);
    expect(position.end).toBe(Buffer.byteLength(whole));
    expect(position.tail.toString()).toBe('{"torn');
  });

  it('reading from an offset gives only the lines after it', async () => {
    const file = path.join(tmp.dir, 'f.jsonl');
    await writeFile(file, 'one\ntwo\nthree\n');
    const handle = await open(file, 'r');
    const seen: string[] = [];
    const position = await readLines(handle, 4, (line) => seen.push(line.toString()));
    await handle.close();
    expect(seen).toEqual(['two', 'three']);
    expect(position).toMatchObject({ end: 14 });
    expect(position.tail.length).toBe(0);
  });

  it('only ledger-YYYY-YY.jsonl files are year files, and torn tails set aside are listed apart', async () => {
    expect(ledgerFileName('2026-27')).toBe('ledger-2026-27.jsonl');
    expect(schoolYearOfFileName('ledger-2026-27.jsonl')).toBe('2026-27');
    expect(schoolYearOfFileName('ledger-2026-28.jsonl')).toBeNull();
    expect(schoolYearOfFileName('ledger-2026-27.jsonl.torn-20260915T131502000Z')).toBeNull();
    for (const name of [
      'ledger-2026-27.jsonl',
      'ledger-2025-26.jsonl',
      'ledger-2026-27.jsonl.torn-20260915T131502000Z',
      'ledger.lock',
      'notes.txt',
    ]) {
      await writeFile(path.join(tmp.dir, name), '');
    }
    expect(await listLedgerFolder(tmp.dir)).toEqual({
      years: ['2025-26', '2026-27'],
      sideFiles: [path.join(tmp.dir, 'ledger-2026-27.jsonl.torn-20260915T131502000Z')],
    });
    expect(await listLedgerFolder(path.join(tmp.dir, 'missing'))).toEqual({ years: [], sideFiles: [] });
  });
});
