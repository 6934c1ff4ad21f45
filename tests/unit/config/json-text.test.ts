// The config (and the roster it names) saved in the encodings Windows tools write: real files, read
// by the real loader and by the real `aup config validate`.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { loadSetup } from '../../../electron/core/setup.ts';
import { decodeJsonText } from '../../../electron/core/config/json-text.ts';
import { aup } from '../../support/cli.ts';
import { demoConfigIn, tempDir, type TempDir } from '../../support/fixtures.ts';

let tmp: TempDir;
beforeEach(async () => (tmp = await tempDir()));
afterEach(() => tmp.cleanup());

const NAME = 'Distrito Escolar de Lockhart, Año 2026';

const utf16be = (text: string) => Buffer.from(text, 'utf16le').swap16();
const ENCODINGS: Record<string, (text: string) => Buffer> = {
  'UTF-8': (t) => Buffer.from(t, 'utf8'),
  'UTF-8 with BOM': (t) => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(t, 'utf8')]),
  // What Windows PowerShell 5.1 writes with `>` and `Out-File`.
  'UTF-16 LE': (t) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(t, 'utf16le')]),
  'UTF-16 BE': (t) => Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be(t)]),
};

/** The demo config with an accented district name, written in `bytes`' encoding. */
async function configIn(encode: (text: string) => Buffer): Promise<string> {
  const file = await demoConfigIn(tmp.dir, (c) => (c.district.name = NAME));
  await writeFile(file, encode(await readFile(file, 'utf8')));
  return file;
}

describe('a config saved in UTF-8 or UTF-16 with a byte order mark is read', () => {
  it.each(Object.keys(ENCODINGS))('%s', async (encoding) => {
    const file = await configIn(ENCODINGS[encoding]!);
    const setup = await loadSetup(file);
    expect(setup.ok ? setup.config.district.name : setup.problems).toBe(NAME);
    expect(decodeJsonText(await readFile(file))).toMatchObject({ ok: true, encoding });
  });

  it('the roster the config names, saved by PowerShell (UTF-16 LE), is read too', async () => {
    const file = await configIn(ENCODINGS['UTF-8']!);
    const roster = path.join(tmp.dir, 'roster.json');
    await writeFile(roster, ENCODINGS['UTF-16 LE']!(await readFile(roster, 'utf8')));
    const setup = await loadSetup(file);
    expect(setup.ok ? setup.roster?.users.length : setup.problems).toBeGreaterThan(0);
  });

  it('aup config validate reads a UTF-16 LE config (PowerShell 5.1 `>`), exit 0', async () => {
    const file = await configIn(ENCODINGS['UTF-16 LE']!);
    const r = await aup(['config', 'validate', '--config', file]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });
});

describe('anything else is named, with the file', () => {
  const cases: [string, (text: string) => Buffer, RegExp][] = [
    [
      'UTF-16 LE without a byte order mark',
      (t) => Buffer.from(t, 'utf16le'),
      /is UTF-16 LE without a byte order mark, which is not read: save it as UTF-8/,
    ],
    ['UTF-16 BE without a byte order mark', (t) => utf16be(t), /is UTF-16 BE without a byte order mark, which is not read/],
    [
      'Windows-1252 ("ANSI")',
      (t) => Buffer.from(t, 'latin1'),
      /is not UTF-8 text: the byte 0xF1 at line 3, column \d+ is not UTF-8; it looks like Windows-1252 \("ANSI"\)/,
    ],
    ['UTF-32 LE', (t) => Buffer.concat([Buffer.from([0xff, 0xfe, 0, 0]), Buffer.from(t, 'utf16le')]), /is UTF-32 LE, which is not read/],
  ];
  it.each(cases)('%s', async (_, encode, message) => {
    const file = await configIn(encode);
    const setup = await loadSetup(file);
    expect(setup.ok).toBe(false);
    if (setup.ok) return;
    expect(setup.problems).toHaveLength(1);
    expect(setup.problems[0]!.message).toContain(`the config file ${file} `);
    expect(setup.problems[0]!.message).toMatch(message);
  });

  it('aup config validate names the encoding and exits 2', async () => {
    const file = await configIn((t) => Buffer.from(t, 'utf16le'));
    const r = await aup(['config', 'validate', '--config', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${file} is UTF-16 LE without a byte order mark`);
    expect(r.stderr).not.toMatch(/not valid JSON/);
  });

  it('a UTF-16 file cut in the middle of a character, and a broken UTF-8 sequence after a BOM', () => {
    expect(decodeJsonText(Buffer.from([0xff, 0xfe, 0x7b, 0x00, 0x7d]))).toMatchObject({
      ok: false,
      message: expect.stringMatching(/odd number of bytes/),
    });
    expect(decodeJsonText(Buffer.from([0xef, 0xbb, 0xbf, 0x7b, 0x0a, 0xc3, 0x28, 0x7d]))).toMatchObject({
      ok: false,
      message: expect.stringMatching(/byte 0xC3 at line 2, column 1/),
    });
    // Overlong and surrogate encodings are not UTF-8 either.
    expect(decodeJsonText(Buffer.from([0xc0, 0xaf])).ok).toBe(false);
    expect(decodeJsonText(Buffer.from([0xed, 0xa0, 0x80])).ok).toBe(false);
    expect(decodeJsonText(Buffer.from('{"a":"😀"}', 'utf8'))).toMatchObject({ ok: true, text: '{"a":"😀"}' });
  });
});
