// The text of a JSON file a technician saved: UTF-8 with or without a byte order mark, or UTF-16
// (little- or big-endian) with one, which is what Windows PowerShell 5.1 writes with `>` and
// `Out-File`. Any other bytes are named (UTF-16 without a mark, UTF-32, Windows-1252 "ANSI"), with
// where the first unreadable byte is, rather than reported as "not valid JSON".

export type JsonText = { ok: true; text: string; encoding: string } | { ok: false; encoding: string; message: string };

const SAVE_AS_UTF8 = 'save it as UTF-8 (PowerShell: Set-Content -Encoding UTF8; Notepad: Save as, Encoding UTF-8)';

/** Offset of the first byte that does not begin or continue a well-formed UTF-8 sequence, or -1. */
function firstInvalidUtf8(bytes: Uint8Array, from: number): number {
  for (let i = from; i < bytes.length;) {
    const b = bytes[i]!;
    let need: number;
    let min: number;
    if (b < 0x80) {
      i++;
      continue;
    } else if (b >= 0xc2 && b <= 0xdf) [need, min] = [1, 0x80];
    else if (b >= 0xe0 && b <= 0xef) [need, min] = [2, 0x800];
    else if (b >= 0xf0 && b <= 0xf4) [need, min] = [3, 0x10000];
    else return i;
    let cp = b & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return -1;
}

function lineAndColumn(bytes: Uint8Array, offset: number): string {
  let line = 1;
  let start = 0;
  for (let i = 0; i < offset; i++) if (bytes[i] === 0x0a) [line, start] = [line + 1, i + 1];
  return `line ${line}, column ${offset - start + 1}`;
}

/** UTF-16 without a mark: NUL bytes on one side of ASCII characters (`{` is 7B 00 little-endian). */
function unmarkedUtf16(bytes: Uint8Array): 'LE' | 'BE' | null {
  const n = Math.min(bytes.length - (bytes.length % 2), 200);
  let even = 0;
  let odd = 0;
  for (let i = 0; i < n; i += 2) {
    if (bytes[i] === 0 && bytes[i + 1] !== 0) even++;
    if (bytes[i + 1] === 0 && bytes[i] !== 0) odd++;
  }
  if (n >= 2 && odd >= n / 4 && even === 0) return 'LE';
  if (n >= 2 && even >= n / 4 && odd === 0) return 'BE';
  return null;
}

function utf16(bytes: Uint8Array, bigEndian: boolean, encoding: string): JsonText {
  const body = Buffer.from(bytes.subarray(2));
  if (body.length % 2 !== 0) return { ok: false, encoding, message: `is ${encoding} but ends in half a character (an odd number of bytes)` };
  if (bigEndian) body.swap16();
  try {
    return { ok: true, text: new TextDecoder('utf-16le', { fatal: true }).decode(body), encoding };
  } catch {
    return { ok: false, encoding, message: `is ${encoding} but holds a broken character (an unpaired surrogate)` };
  }
}

/**
 * Decodes a JSON file's bytes. `message` (when not ok) completes "<file> …", e.g. "is UTF-16 LE
 * without a byte order mark, which is not read: save it as UTF-8 (…)".
 */
export function decodeJsonText(bytes: Uint8Array): JsonText {
  const [b0, b1, b2, b3] = bytes;
  if (b0 === 0xff && b1 === 0xfe && b2 === 0 && b3 === 0)
    return { ok: false, encoding: 'UTF-32 LE', message: `is UTF-32 LE, which is not read: ${SAVE_AS_UTF8}` };
  if (b0 === 0 && b1 === 0 && b2 === 0xfe && b3 === 0xff)
    return { ok: false, encoding: 'UTF-32 BE', message: `is UTF-32 BE, which is not read: ${SAVE_AS_UTF8}` };
  if (b0 === 0xff && b1 === 0xfe) return utf16(bytes, false, 'UTF-16 LE');
  if (b0 === 0xfe && b1 === 0xff) return utf16(bytes, true, 'UTF-16 BE');
  const bom = b0 === 0xef && b1 === 0xbb && b2 === 0xbf;
  const encoding = bom ? 'UTF-8 with BOM' : 'UTF-8';
  if (!bom) {
    const endian = unmarkedUtf16(bytes);
    if (endian) {
      const name = `UTF-16 ${endian} without a byte order mark`;
      return { ok: false, encoding: name, message: `is ${name}, which is not read: ${SAVE_AS_UTF8}, or as UTF-16 with its mark` };
    }
  }
  const bad = firstInvalidUtf8(bytes, bom ? 3 : 0);
  if (bad >= 0) {
    const byte = `0x${bytes[bad]!.toString(16).toUpperCase().padStart(2, '0')}`;
    const ansi = bytes[bad]! >= 0x80 ? '; it looks like Windows-1252 ("ANSI")' : '';
    return {
      ok: false,
      encoding: 'not UTF-8',
      message: `is not UTF-8 text: the byte ${byte} at ${lineAndColumn(bytes, bad)} is not UTF-8${ansi}: ${SAVE_AS_UTF8}`,
    };
  }
  return { ok: true, text: Buffer.from(bytes.subarray(bom ? 3 : 0)).toString('utf8'), encoding };
}
