// A CSV file as exports really come: Excel on Windows writes Windows-1252 ("CSV (Comma delimited)")
// or UTF-8 with a BOM ("CSV UTF-8"), "Unicode Text" is UTF-16LE with tabs, a Spanish-locale Excel
// separates with semicolons. The encoding and the delimiter are found here, said back to the person,
// and a byte that is not text in the encoding found is refused by its line: never stored as U+FFFD.
// Decoding is the platform's own (WHATWG TextDecoder); only the choice between encodings is ours.
import { readFile } from 'node:fs/promises';
import { parse as parseCsv } from 'csv-parse/sync';
import type { ConfigProblem } from '../api/contract.ts';
import { UsageError } from './io.ts';
import { fileErrorWords } from '../config/problems.ts';

export type CsvEncoding = 'UTF-8' | 'UTF-8 with BOM' | 'UTF-16LE' | 'UTF-16BE' | 'Windows-1252';
export type CsvDelimiter = ',' | ';' | '\t';

export interface CsvTable {
  encoding: CsvEncoding;
  delimiter: CsvDelimiter;
  header: string[];
  /** Data rows; `line` is the line of the file the row starts on (the header is line 1). */
  rows: { line: number; fields: string[] }[];
}

const DELIMITER_NAMES: Record<CsvDelimiter, string> = { ',': 'comma', ';': 'semicolon', '\t': 'tab' };

/** "Windows-1252, semicolon-delimited": what a command says it read. */
export function describeCsv(t: Pick<CsvTable, 'encoding' | 'delimiter'>): string {
  return `${t.encoding}, ${DELIMITER_NAMES[t.delimiter]}-delimited`;
}

/**
 * Offsets of the bytes that are not well-formed UTF-8 (RFC 3629: no overlongs, no surrogates, at
 * most U+10FFFF), and whether any well-formed multi-byte sequence was seen.
 */
function scanUtf8(bytes: Uint8Array): { bad: number[]; multiByte: boolean } {
  const bad: number[] = [];
  let multiByte = false;
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need = 0;
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b === 0xe0) lo = 0xa0;
      if (b === 0xed) hi = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b === 0xf0) lo = 0x90;
      if (b === 0xf4) hi = 0x8f;
    }
    let ok = need > 0;
    for (let k = 1; ok && k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || c < (k === 1 ? lo : 0x80) || c > (k === 1 ? hi : 0xbf)) ok = false;
    }
    if (ok) {
      multiByte = true;
      i += need + 1;
    } else {
      bad.push(i);
      i++;
    }
  }
  return { bad, multiByte };
}

/** UTF-16 without a BOM: most ASCII text has a zero in every other byte. */
function utf16Guess(bytes: Uint8Array): 'UTF-16LE' | 'UTF-16BE' | null {
  const n = Math.min(bytes.length, 4096) & ~1;
  if (n < 4) return null;
  let evenZero = 0;
  let oddZero = 0;
  for (let i = 0; i < n; i += 2) {
    if (bytes[i] === 0) evenZero++;
    if (bytes[i + 1] === 0) oddZero++;
  }
  const pairs = n / 2;
  if (oddZero > pairs * 0.4 && evenZero < pairs * 0.1) return 'UTF-16LE';
  if (evenZero > pairs * 0.4 && oddZero < pairs * 0.1) return 'UTF-16BE';
  return null;
}

const lineOfOffset = (bytes: Uint8Array, offset: number) => {
  let line = 1;
  for (let i = 0; i < offset; i++) if (bytes[i] === 0x0a) line++;
  return line;
};

const hex = (b: number) => `0x${b.toString(16).toUpperCase().padStart(2, '0')}`;

/**
 * The text of a file's bytes and the encoding it was read in. A file that is not UTF-8 and has no
 * well-formed UTF-8 sequence at all is Windows-1252 (what Excel on a US Windows writes); one that
 * mixes UTF-8 letters with stray bytes is a damaged UTF-8 file, refused line by line.
 */
export function decodeCsvBytes(bytes: Uint8Array, file: string): { text: string; encoding: CsvEncoding } {
  const problems: ConfigProblem[] = [];
  let encoding: CsvEncoding;
  let text: string;
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    encoding = 'UTF-8 with BOM';
    const { bad } = scanUtf8(bytes.subarray(3));
    for (const at of bad.slice(0, 10))
      problems.push({ path: `${file} line ${lineOfOffset(bytes, at + 3)}`, message: `byte ${hex(bytes[at + 3]!)} is not UTF-8 text` });
    text = new TextDecoder('utf-8').decode(bytes);
  } else if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff) || utf16Guess(bytes)) {
    encoding = bytes[0] === 0xff && bytes[1] === 0xfe ? 'UTF-16LE' : bytes[0] === 0xfe && bytes[1] === 0xff ? 'UTF-16BE' : utf16Guess(bytes)!;
    // Not fatal: a lone surrogate becomes U+FFFD, which the check below names by its line.
    text = new TextDecoder(encoding === 'UTF-16LE' ? 'utf-16le' : 'utf-16be').decode(bytes);
    if (bytes.length % 2 === 1)
      problems.push({ path: `${file} line ${text.split('\n').length}`, message: `the file ends in half a ${encoding} character` });
  } else {
    const { bad, multiByte } = scanUtf8(bytes);
    if (bad.length === 0) {
      encoding = 'UTF-8';
      text = new TextDecoder('utf-8').decode(bytes);
    } else if (multiByte) {
      encoding = 'UTF-8';
      for (const at of bad.slice(0, 10))
        problems.push({
          path: `${file} line ${lineOfOffset(bytes, at)}`,
          message: `byte ${hex(bytes[at]!)} is not UTF-8 text (the rest of the file is UTF-8)`,
        });
      text = new TextDecoder('utf-8').decode(bytes);
    } else {
      encoding = 'Windows-1252';
      // Five bytes have no character in Windows-1252 (0x81 0x8D 0x8F 0x90 0x9D): refused below.
      // Decoded as a stream: Node 20.18.3+ decodes a whole buffer in one call through a Latin-1 fast
      // path that leaves 0x80-0x9F as control characters (nodejs/node#60888: ’ of O’Brien becomes
      // U+0092); the streaming call goes through ICU's windows-1252 table, as the Encoding Standard says.
      const decoder = new TextDecoder('windows-1252');
      text = decoder.decode(bytes, { stream: true }) + decoder.decode();
      const undefinedBytes = new Set([0x81, 0x8d, 0x8f, 0x90, 0x9d]);
      for (let i = 0; i < bytes.length && problems.length < 10; i++)
        if (undefinedBytes.has(bytes[i]!))
          problems.push({ path: `${file} line ${lineOfOffset(bytes, i)}`, message: `byte ${hex(bytes[i]!)} is not a character in Windows-1252` });
    }
  }
  // Whatever the encoding, text has no replacement characters and no control characters but tab and line ends.
  if (problems.length === 0) {
    const lines = text.replace(/^\uFEFF/, '').split('\n');
    lines.forEach((l, i) => {
      // eslint-disable-next-line no-control-regex -- the point is to find control characters
      const m = /[\uFFFD\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/.exec(l);
      if (m && problems.length < 10) {
        const what =
          m[0] === '\uFFFD'
            ? 'a character that could not be read (U+FFFD)'
            : `control character U+${m[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
        problems.push({ path: `${file} line ${i + 1}`, message: `${what} at column ${m.index + 1}` });
      }
    });
  }
  if (problems.length)
    throw new UsageError(`${file} has bytes that are not ${encoding} text; nothing was read (save it again as "CSV UTF-8")`, problems);
  return { text: text.replace(/^\uFEFF/, ''), encoding };
}

/** The delimiter of the header line: the one of comma, semicolon and tab it has most of (outside quotes). */
export function detectDelimiter(text: string): CsvDelimiter {
  const counts: Record<CsvDelimiter, number> = { ',': 0, ';': 0, '\t': 0 };
  let quoted = false;
  for (const ch of text) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === '\n' || ch === '\r')) break;
    else if (!quoted && ch in counts) counts[ch as CsvDelimiter]++;
  }
  const best = (Object.keys(counts) as CsvDelimiter[]).reduce((a, b) => (counts[b] > counts[a] ? b : a), ',');
  return best;
}

/** Parses decoded CSV text with the delimiter of its header; every row keeps the line it starts on. */
export function parseCsvText(text: string, file: string, encoding: CsvEncoding): CsvTable {
  const delimiter = detectDelimiter(text);
  let records: { record: string[]; info: { lines: number } }[];
  try {
    // Line ends as \n only: csv-parse counts the \r and the \n of a quoted CRLF as two lines.
    records = parseCsv(text.replace(/\r\n?/g, '\n'), {
      delimiter,
      relax_column_count: true,
      skip_empty_lines: true,
      info: true,
      // Spaces around a field are not part of it; a tab is the delimiter, not a space to trim.
      ...(delimiter === '\t' ? { ltrim: false, rtrim: false } : { trim: true }),
    }) as unknown as typeof records;
  } catch (error) {
    throw new UsageError(`${file} is not readable CSV (${encoding}, ${DELIMITER_NAMES[delimiter]}-delimited): ${(error as Error).message}`);
  }
  const trimmed = records.map(({ record, info }) => ({ line: info.lines, fields: record.map((f) => f.trim()) }));
  // csv-parse counts the line a record ends on; a data row starts after the previous one ends.
  // A row of empty cells (",,,," where Excel kept formatted but empty cells below the data) is not a row,
  // and empty cells past the header's last column (a cell right of the table once typed in) are none.
  const width = trimmed[0]?.fields.length ?? 0;
  const rows = trimmed
    .slice(1)
    .map((r, i) => ({
      line: startLine(records, i + 1),
      fields: r.fields.length > width && r.fields.slice(width).every((f) => f === '') ? r.fields.slice(0, width) : r.fields,
    }))
    .filter((r) => r.fields.some((f) => f !== ''));
  return { encoding, delimiter, header: trimmed[0]?.fields ?? [], rows };
}

function startLine(records: { record: string[]; info: { lines: number } }[], i: number): number {
  const r = records[i]!;
  const newlines = r.record.reduce((n, f) => n + (f.match(/\n/g)?.length ?? 0), 0);
  return r.info.lines - newlines;
}

/** Reads, decodes and parses a CSV file; a file that cannot be read is bad input naming it. */
export async function readCsvFile(file: string): Promise<CsvTable> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${fileErrorWords(error)}`);
  }
  const { text, encoding } = decodeCsvBytes(bytes, file);
  return parseCsvText(text, file, encoding);
}
