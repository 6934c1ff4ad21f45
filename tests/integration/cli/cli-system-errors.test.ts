// What the system refuses, said in words: a ledger folder the config names under a file, on a disk
// the commands only read. The folder is named, and why, with exit 1 (a runtime failure), never Node's
// "ENOTDIR: not a directory, access '…'".
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { aup } from '../../support/cli.ts';
import { demoConfigIn, tempDir, type TempDir } from '../../support/fixtures.ts';

let tmp: TempDir;
let config: string;

beforeEach(async () => {
  tmp = await tempDir('aup-cli-system-');
  await writeFile(path.join(tmp.dir, 'notes.txt'), 'a file where the technician meant a folder');
  config = await demoConfigIn(tmp.dir, (c) => (c.ledger = { dir: 'notes.txt/ledger' }));
});
afterEach(() => tmp.cleanup());

describe('a ledger folder under a file', () => {
  it.each([
    ['status', '--user', 'ben.carter'],
    ['ledger', 'verify'],
    ['report', '--year', '2026-27'],
  ])('aup %s names the path and says a part of it is a file', async (...args) => {
    const r = await aup([...args, '--config', config]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(
      new RegExp(
        `failed: ${path.join(tmp.dir, 'notes.txt', 'ledger').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\S*: a part of that path is a file, not a folder\\n$`,
      ),
    );
    expect(r.stderr).not.toMatch(/ENOTDIR|at .*\.ts:\d+/);
  });
});
