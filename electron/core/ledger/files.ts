// The ledger folder on disk: one file per school year, read in chunks, made durable with fsync.
import { promises as fsp, writeSync } from 'node:fs';
import path from 'node:path';
import { parseSchoolYear } from '../school-year.ts';
import { isErrno } from './errors.ts';

const FILE_RE = /^ledger-(\d{4}-\d{2})\.jsonl$/;
const SIDE_RE = /^ledger-(\d{4}-\d{2})\.jsonl\.torn-/;

export function ledgerFileName(schoolYear: string): string {
  return `ledger-${schoolYear}.jsonl`;
}

export function schoolYearOfFileName(name: string): string | null {
  const m = FILE_RE.exec(name);
  return m?.[1] && parseSchoolYear(m[1]) !== null ? m[1] : null;
}

/** The year files in a folder, oldest year first, and the torn tails set aside by earlier crashes. */
export async function listLedgerFolder(dir: string): Promise<{ years: string[]; sideFiles: string[] }> {
  let names: string[];
  try {
    names = await fsp.readdir(dir);
  } catch (e) {
    if (isErrno(e, 'ENOENT')) return { years: [], sideFiles: [] };
    throw e;
  }
  const years = names.map(schoolYearOfFileName).filter((y): y is string => y !== null);
  const sideFiles = names.filter((n) => SIDE_RE.test(n)).map((n) => path.join(dir, n));
  return { years: years.sort(), sideFiles: sideFiles.sort() };
}

const CHUNK = 1 << 20;

/** Where the whole lines read so far end, and the bytes after the last newline. */
export interface ReadPosition {
  end: number;
  tail: Buffer;
}

/**
 * The whole lines from `offset` on (without their `\n`), a chunk's worth at a time. `position`
 * tracks where the whole lines end and the bytes after the last newline: a torn tail, or a write
 * another process has not finished. Each chunk is a fresh buffer, so a line handed out stays valid.
 */
export async function* lineBatches(handle: fsp.FileHandle, offset: number, position: ReadPosition): AsyncGenerator<Buffer[]> {
  let pos = offset;
  position.end = offset;
  position.tail = Buffer.alloc(0);
  let carry: Buffer = position.tail;
  for (;;) {
    const chunk = Buffer.allocUnsafe(CHUNK);
    const { bytesRead } = await handle.read(chunk, 0, CHUNK, pos);
    if (bytesRead === 0) break;
    pos += bytesRead;
    let data = chunk.subarray(0, bytesRead);
    if (carry.length > 0) data = Buffer.concat([carry, data]);
    const lines: Buffer[] = [];
    let start = 0;
    for (let nl = data.indexOf(10, start); nl !== -1; nl = data.indexOf(10, start)) {
      lines.push(data.subarray(start, nl));
      start = nl + 1;
    }
    position.end += start;
    carry = Buffer.from(data.subarray(start));
    position.tail = carry;
    if (lines.length > 0) yield lines;
  }
}

/** Calls `onLine` for every whole line from `offset` on; see lineBatches. */
export async function readLines(handle: fsp.FileHandle, offset: number, onLine: (line: Buffer) => void): Promise<ReadPosition> {
  const position: ReadPosition = { end: offset, tail: Buffer.alloc(0) };
  for await (const lines of lineBatches(handle, offset, position)) for (const line of lines) onLine(line);
  return position;
}

/**
 * Makes a folder's entries durable (a new file's name, a truncation's metadata). Windows cannot
 * open a folder for fsync; NTFS journals its metadata, so there is nothing to do there.
 */
export async function fsyncDir(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  const handle = await fsp.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Writes all of `bytes` at the end of a file opened for appending. */
export async function writeAll(handle: fsp.FileHandle, bytes: Buffer): Promise<void> {
  let done = 0;
  while (done < bytes.length) {
    const { bytesWritten } = await handle.write(bytes, done, bytes.length - done, null);
    done += bytesWritten;
  }
}

/** The same, synchronously, on a file descriptor opened for appending. */
export function writeAllSync(fd: number, bytes: Buffer): void {
  let done = 0;
  while (done < bytes.length) done += writeSync(fd, bytes, done, bytes.length - done, null);
}
