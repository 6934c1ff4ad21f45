// The encoding and delimiter of a CSV export, found from its bytes (aup roster import, aup ledger import).
import { describe, expect, it } from 'vitest';
import { decodeCsvBytes, detectDelimiter, parseCsvText } from '../../../electron/core/cli/csv-input.ts';
import { UsageError } from '../../../electron/core/cli/io.ts';

describe('decodeCsvBytes', () => {
  it('Windows-1252 0x80-0x9F are the characters of the Encoding Standard, not C1 controls (nodejs/node#60888)', () => {
    // bytes 0x80-0x9F that Windows-1252 defines, and what they are
    const table: [number, string][] = [
      [0x80, '€'],
      [0x82, '‚'],
      [0x83, 'ƒ'],
      [0x84, '„'],
      [0x85, '…'],
      [0x86, '†'],
      [0x87, '‡'],
      [0x88, 'ˆ'],
      [0x89, '‰'],
      [0x8a, 'Š'],
      [0x8b, '‹'],
      [0x8c, 'Œ'],
      [0x8e, 'Ž'],
      [0x91, '‘'],
      [0x92, '’'],
      [0x93, '“'],
      [0x94, '”'],
      [0x95, '•'],
      [0x96, '–'],
      [0x97, '—'],
      [0x98, '˜'],
      [0x99, '™'],
      [0x9a, 'š'],
      [0x9b, '›'],
      [0x9c, 'œ'],
      [0x9e, 'ž'],
      [0x9f, 'Ÿ'],
    ];
    const bytes = Buffer.from([...Buffer.from('name\n'), ...table.map(([b]) => b), 0xe1, 0xf1, 0xbf, 0xa1, 0x0a]);
    const { text, encoding } = decodeCsvBytes(bytes, 'x.csv');
    expect(encoding).toBe('Windows-1252');
    expect(text).toBe(`name\n${table.map(([, c]) => c).join('')}áñ¿¡\n`);
  });

  it('the five bytes Windows-1252 leaves undefined are refused by their line', () => {
    for (const b of [0x81, 0x8d, 0x8f, 0x90, 0x9d]) {
      let error: unknown;
      try {
        decodeCsvBytes(Buffer.from([...Buffer.from('name\nL'), 0xf3, 0x0a, b, 0x0a]), 'x.csv');
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(UsageError);
      expect((error as UsageError).problems[0]).toEqual({
        path: 'x.csv line 3',
        message: expect.stringMatching(/is not a character in Windows-1252/),
      });
    }
  });

  it('UTF-16 without a BOM is told by its zero bytes; BE with a BOM too', () => {
    expect(decodeCsvBytes(Buffer.from('a,b\nÁ,1\n', 'utf16le'), 'x').encoding).toBe('UTF-16LE');
    const be = Buffer.from('a,b\nÁ,1\n', 'utf16le').swap16();
    expect(decodeCsvBytes(be, 'x')).toEqual({ text: 'a,b\nÁ,1\n', encoding: 'UTF-16BE' });
    expect(decodeCsvBytes(Buffer.concat([Buffer.from([0xfe, 0xff]), be]), 'x')).toEqual({ text: 'a,b\nÁ,1\n', encoding: 'UTF-16BE' });
  });

  it('a U+FFFD already in the text (a damaged earlier conversion) is refused, not passed on', () => {
    expect(() => decodeCsvBytes(Buffer.from('name\nAna L\uFFFDpez\n', 'utf8'), 'x.csv')).toThrow(UsageError);
  });
});

describe('detectDelimiter and parseCsvText', () => {
  it('the header decides: comma, semicolon or tab, quotes respected', () => {
    expect(detectDelimiter('a,b,c\n1;2;3;4;5\n')).toBe(',');
    expect(detectDelimiter('"x,y";b;c\n')).toBe(';');
    expect(detectDelimiter('a\tb\n')).toBe('\t');
    expect(detectDelimiter('single\n')).toBe(',');
  });

  it('rows keep the line they start on, past blank lines and quoted line breaks', () => {
    const t = parseCsvText('a;b\r\n\r\n1;"two\r\nlines"\r\n3; 4 \r\n', 'x', 'UTF-8');
    expect(t.rows).toEqual([
      { line: 3, fields: ['1', 'two\nlines'] },
      { line: 5, fields: ['3', '4'] },
    ]);
  });
});
