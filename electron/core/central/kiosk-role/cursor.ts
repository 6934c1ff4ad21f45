// Where the sync has got to: per year file, the byte offset and the number of lines the database
// has confirmed, and the SHA-256 of the last of those lines (so a file cut short, replaced or
// edited since is noticed, and sent again from its start - the database keeps each record once).
// Kept beside the ledger in its own small file, replaced atomically (temp file, fsync, rename,
// fsync of the folder): a kill at any instant leaves the old cursor or the new one, never half of
// one. The ledger's own lines are never touched.
import { createHash } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { isErrno } from '../../ledger/errors.ts';
import { fsyncDir } from '../../ledger/files.ts';
import { isProcessAlive } from '../../ledger/file-lock.ts';

export const CURSOR_FILE = 'central-sync.json';
const TEMP_PREFIX = `${CURSOR_FILE}.tmp-`;

export interface FileCursor {
  /** Bytes of whole lines confirmed (sent and stored, or passed over as unreadable). */
  offset: number;
  /** Lines confirmed. */
  lines: number;
  /** The last confirmed line: where it starts and the SHA-256 of its bytes (without the newline). */
  last: { offset: number; sha256: string } | null;
}

export interface SyncCursor {
  version: 1;
  /** By school year (`2026-27` for ledger-2026-27.jsonl). */
  files: Record<string, FileCursor>;
}

export const START: FileCursor = { offset: 0, lines: 0, last: null };

export function emptyCursor(): SyncCursor {
  return { version: 1, files: {} };
}

export function lineSha256(line: Buffer): string {
  return createHash('sha256').update(line).digest('hex');
}

function isFileCursor(v: unknown): v is FileCursor {
  const c = v as FileCursor;
  return (
    typeof c === 'object' &&
    c !== null &&
    Number.isSafeInteger(c.offset) &&
    c.offset >= 0 &&
    Number.isSafeInteger(c.lines) &&
    c.lines >= 0 &&
    (c.last === null ||
      (typeof c.last === 'object' &&
        Number.isSafeInteger(c.last.offset) &&
        c.last.offset >= 0 &&
        c.last.offset < c.offset &&
        /^[0-9a-f]{64}$/.test(c.last.sha256)))
  );
}

/**
 * Reads the cursor. A missing file is a fresh start; an unreadable one is too, said in `problem`
 * (sending everything again costs time, never evidence: the database keeps each record once).
 */
export async function readCursor(dir: string): Promise<{ cursor: SyncCursor; problem?: string }> {
  let text: string;
  try {
    text = await fsp.readFile(path.join(dir, CURSOR_FILE), 'utf8');
  } catch (e) {
    if (isErrno(e, 'ENOENT')) return { cursor: emptyCursor() };
    throw e;
  }
  try {
    const v = JSON.parse(text) as SyncCursor;
    if (v?.version !== 1 || typeof v.files !== 'object' || v.files === null) throw new Error('not a sync cursor');
    const files: Record<string, FileCursor> = {};
    for (const [year, c] of Object.entries(v.files)) {
      if (!/^\d{4}-\d{2}$/.test(year) || !isFileCursor(c)) throw new Error(`bad entry for ${year}`);
      files[year] = { offset: c.offset, lines: c.lines, last: c.last ? { offset: c.last.offset, sha256: c.last.sha256 } : null };
    }
    return { cursor: { version: 1, files } };
  } catch (error) {
    return { cursor: emptyCursor(), problem: `${CURSOR_FILE} is unreadable (${(error as Error).message}); every record will be sent again` };
  }
}

/** Replaces the cursor file atomically and durably. */
export async function writeCursor(dir: string, cursor: SyncCursor): Promise<void> {
  const temp = path.join(dir, `${TEMP_PREFIX}${process.pid}`);
  const handle = await fsp.open(temp, 'w');
  try {
    await handle.writeFile(`${JSON.stringify(cursor)}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await fsp.rename(temp, path.join(dir, CURSOR_FILE));
  await fsyncDir(dir);
}

/** Removes temp files of cursor writes cut short by a killed process (never a live process's). */
export async function removeDeadTemps(dir: string): Promise<void> {
  let names: string[];
  try {
    names = await fsp.readdir(dir);
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(TEMP_PREFIX)) continue;
    const pid = Number(name.slice(TEMP_PREFIX.length));
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isProcessAlive(pid)) continue;
    if (pid === process.pid) continue;
    await fsp.rm(path.join(dir, name), { force: true });
  }
}
