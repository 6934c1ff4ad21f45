// The ledger's sealed high-water mark (docs/design.md "Ledger", issue 10 item 6): for every year file, how
// many lines it had and the hash of the last one, rewritten after every append into a folder the
// caller names - the machine service's own state folder, apart from the ledger folder. The hash chain
// shows an edit inside a file; it cannot show a cut-off tail or a deleted file. The seal can.
//
// What it is worth, plainly: the seal lives in the same trust domain as the ledger (the service's
// account: root, SYSTEM). It stops a tamperer who is not that account, and it shows accidental loss (a
// restored backup, a cleaning script, a ledger folder moved). Root can cut a file and rewrite the seal
// to match; the copy in the district database, off the machine, is the stronger witness.
//
// The seal carries an HMAC-SHA256 under a random key kept beside it (`ledger-seal.key`, 0600, made on
// first use). What the key buys: whoever can write the seal but not read the key - a seal file or
// folder left writable by a wrong ACL, a copy of the seal kept somewhere readable - cannot make a seal
// that checks. A key others can read, or one another account planted, would buy nothing, so it is not
// trusted (POSIX: mode 0600, owned by this account or root; Windows leaves that to the folder's ACL).
// The key does not stop root, nor a rollback to an older genuine seal with a file cut to match it.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { claimedHash, sha256Hex, type LedgerProblem } from './chain.ts';
import { isErrno } from './errors.ts';
import { writeAllSync } from './files.ts';

export const SEAL_FOLDER = 'ledger-seal';
export const SEAL_FILE = 'ledger-seal.json';
export const SEAL_KEY_FILE = 'ledger-seal.key';

/** Where the seal of a machine's ledger lives: in its (service-only) state folder. */
export function sealDirIn(stateDir: string): string {
  return path.join(stateDir, SEAL_FOLDER);
}

const HEX64 = /^[0-9a-f]{64}$/;
const MAC_PREFIX = '{"mac":"';
const MAC_BYTES = MAC_PREFIX.length + 64 + 2; // {"mac":"<64 hex>",

const SealEntrySchema = z.strictObject({
  /** Whole lines of the file when sealed. Every line the kiosk writes is one record. */
  records: z.number().int().min(0),
  /** lineHash of the last of them: the `hash` a technician finds at the start of that line. */
  lastHash: z.string().regex(HEX64),
  updatedAt: z.string(),
});
export type SealEntry = z.infer<typeof SealEntrySchema>;

const SealFileSchema = z.strictObject({
  mac: z.string(),
  version: z.literal(1),
  updatedAt: z.string(),
  files: z.record(z.string(), SealEntrySchema),
});

export interface Seal {
  updatedAt: string;
  /** By ledger file name (`ledger-2026-27.jsonl`). */
  files: Record<string, SealEntry>;
}

/** The hash a seal keeps for a line: the `hash` it begins with, or for a line that is no record, the SHA-256 of its bytes. */
export function lineHash(line: Buffer): string {
  return claimedHash(line) ?? sha256Hex(line);
}

const macOf = (key: Buffer, body: Buffer | string) => createHmac('sha256', key).update(body).digest('hex');

/** `{"mac":"<hex>",` + the rest: the MAC covers the exact bytes after its own member, as a ledger line's hash does. */
export function encodeSeal(seal: Seal, key: Buffer): Buffer {
  const body = JSON.stringify({ version: 1, updatedAt: seal.updatedAt, files: seal.files }).slice(1);
  return Buffer.from(`${MAC_PREFIX}${macOf(key, body)}",${body}\n`, 'utf8');
}

export type SealDecoded = { ok: true; seal: Seal } | { ok: false; forged: boolean; reason: string };

export function decodeSeal(bytes: Buffer, key: Buffer): SealDecoded {
  const text = bytes.toString('utf8').replace(/\n$/, '');
  const claimed = text.slice(MAC_PREFIX.length, MAC_PREFIX.length + 64);
  if (!text.startsWith(MAC_PREFIX) || !HEX64.test(claimed) || text.slice(MAC_BYTES - 2, MAC_BYTES) !== '",') {
    return { ok: false, forged: false, reason: 'is not a seal (damaged, or replaced by another file)' };
  }
  const expected = Buffer.from(macOf(key, text.slice(MAC_BYTES)), 'hex');
  if (!timingSafeEqual(expected, Buffer.from(claimed, 'hex'))) {
    return { ok: false, forged: true, reason: 'does not match its key: edited by hand or written without the key (forged)' };
  }
  let parsed;
  try {
    parsed = SealFileSchema.safeParse(JSON.parse(text));
  } catch {
    parsed = null;
  }
  if (!parsed?.success) return { ok: false, forged: false, reason: 'is not a seal this version of the kiosk can read' };
  return { ok: true, seal: { updatedAt: parsed.data.updatedAt, files: parsed.data.files } };
}

// ---- checking a file against its seal -------------------------------------------------------

/** A year file as found now: its whole lines, and the lineHash of line `records` of the seal (if it has that many). */
export interface FoundFile {
  records: number;
  hashAtSealed: string | undefined;
}

/** `grown`: lines after the sealed ones (a crash before the seal was written, or a writer without the seal). */
export type SealVerdict = { ok: true; grown: number } | { ok: false; problem: LedgerProblem };

const short = (hash: string) => `${hash.slice(0, 12)}…`;
const recordsWord = (n: number) => `${n} record${n === 1 ? '' : 's'}`;

/** Compares a year file (null: missing) with its seal entry. Growth is fine; anything less than sealed is not. */
export function checkAgainstSeal(file: string, entry: SealEntry, found: FoundFile | null): SealVerdict {
  const name = path.basename(file);
  const n = entry.records;
  const problem = (line: number, kind: LedgerProblem['kind'], message: string, toLine?: number): SealVerdict => ({
    ok: false,
    problem: {
      file,
      line,
      ...(toLine !== undefined ? { toLine } : {}),
      kind,
      crash: false,
      message,
      sealedRecords: n,
      sealedHash: entry.lastHash,
      foundRecords: found?.records ?? 0,
    },
  });
  if (n === 0) return { ok: true, grown: found?.records ?? 0 };
  if (!found) {
    return problem(1, 'sealed-records-missing', `${name} is missing: the seal says ${recordsWord(n)}, last hash ${short(entry.lastHash)}`, n);
  }
  if (found.records < n) {
    const gone = n - found.records === 1 ? `record ${n} is missing` : `records ${found.records + 1}-${n} are missing`;
    return problem(found.records + 1, 'sealed-records-missing', `${name} has ${recordsWord(found.records)}, the seal says ${n}: ${gone}`, n);
  }
  if (found.hashAtSealed !== entry.lastHash) {
    const message =
      `${name} line ${n} is not the record that was sealed there (sealed hash ${short(entry.lastHash)}, ` +
      `found ${found.hashAtSealed ? short(found.hashAtSealed) : 'none'}): sealed records were removed or replaced`;
    return problem(n, 'sealed-record-changed', message);
  }
  return { ok: true, grown: found.records - n };
}

/** The seal itself cannot vouch for the ledger. */
export function sealBrokenProblem(dir: string, reason: string): LedgerProblem {
  return { file: path.join(dir, SEAL_FILE), line: 0, kind: 'seal-broken', crash: false, message: `the ledger's seal ${reason}` };
}

export function sealFailedProblem(dir: string, error: unknown): LedgerProblem {
  const code = (error as NodeJS.ErrnoException)?.code ?? String(error);
  return {
    file: path.join(dir, SEAL_FILE),
    line: 0,
    kind: 'seal-failed',
    crash: false,
    message: `the ledger's seal in ${dir} cannot be written (${code}): records are kept, but a cut-off tail cannot be shown until it can`,
  };
}

/** A file with records and no seal to check it against: sealed as it is now. */
export function unsealedProblem(file: string, records: number): LedgerProblem {
  return {
    file,
    line: records,
    kind: 'unsealed',
    crash: false,
    message: `${path.basename(file)}: no seal was found; sealed as it is now (${recordsWord(records)}): a kiosk from before the seal, or its seal removed`,
    foundRecords: records,
  };
}

// ---- the seal on disk -----------------------------------------------------------------------

/**
 * `none`: no seal (nothing sealed yet, or a kiosk from before the seal). `broken`: a seal that cannot
 * vouch for anything (forged, damaged, its key gone or untrustworthy). `unreadable`: this account may
 * not read it, so nothing was checked.
 */
export type SealState =
  { state: 'none' } | { state: 'sealed'; seal: Seal } | { state: 'broken'; reason: string } | { state: 'unreadable'; reason: string };

type FileRead = { ok: true; bytes: Buffer; stat: fs.Stats } | { ok: false; missing: boolean; denied: boolean; reason: string };

// Never follow a link planted where the seal or its key should be (D-Bus's CVE-2019-12749 is the lesson).
const NOFOLLOW = fs.constants.O_NOFOLLOW ?? 0;

/** A regular file's bytes; a link, a folder or a FIFO where a file should be is refused, never read (a FIFO would hang). */
function readPlainFile(file: string): FileRead {
  try {
    const stat = fs.lstatSync(file);
    if (!stat.isFile()) return { ok: false, missing: false, denied: false, reason: `${file} is not a plain file` };
    const fd = fs.openSync(file, fs.constants.O_RDONLY | NOFOLLOW);
    try {
      return { ok: true, bytes: fs.readFileSync(fd), stat };
    } finally {
      fs.closeSync(fd);
    }
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? String(e);
    return { ok: false, missing: isErrno(e, 'ENOENT'), denied: isErrno(e, 'EACCES', 'EPERM'), reason: `${file}: ${code}` };
  }
}

/** Why a key file is not to be trusted, or null. */
function untrustedKey(file: string, stat: fs.Stats): string | null {
  if (process.platform === 'win32') return null;
  if ((stat.mode & 0o077) !== 0) {
    return `key ${file} can be read or written by other accounts (mode ${(stat.mode & 0o777).toString(8)}): anyone who reads it can forge the seal`;
  }
  const uid = process.getuid?.();
  if (uid !== undefined && stat.uid !== uid && stat.uid !== 0) {
    return `key ${file} belongs to uid ${stat.uid}, not to this account or root: it was not made by the kiosk`;
  }
  return null;
}

type KeyRead = { ok: true; key: Buffer } | { ok: false; missing: boolean; denied: boolean; reason: string };

function loadKey(dir: string): KeyRead {
  const file = path.join(dir, SEAL_KEY_FILE);
  const read = readPlainFile(file);
  if (!read.ok) return read.missing ? { ...read, reason: `key ${file} is missing, so the seal cannot be checked` } : read;
  const untrusted = untrustedKey(file, read.stat);
  if (untrusted) return { ok: false, missing: false, denied: false, reason: untrusted };
  const hex = read.bytes.toString('latin1').trim();
  if (!HEX64.test(hex)) return { ok: false, missing: false, denied: false, reason: `key ${file} is not a seal key (damaged or replaced)` };
  return { ok: true, key: Buffer.from(hex, 'hex') };
}

function sealState(dir: string, key: () => KeyRead, retry?: () => KeyRead): SealState {
  const file = path.join(dir, SEAL_FILE);
  const read = readPlainFile(file);
  if (!read.ok) {
    if (read.missing) return { state: 'none' };
    return read.denied ? { state: 'unreadable', reason: read.reason } : { state: 'broken', reason: read.reason };
  }
  let k = key();
  if (!k.ok) return k.denied ? { state: 'unreadable', reason: k.reason } : { state: 'broken', reason: k.reason };
  let decoded = decodeSeal(read.bytes, k.key);
  if (!decoded.ok && decoded.forged && retry) {
    k = retry();
    if (k.ok) decoded = decodeSeal(read.bytes, k.key);
  }
  return decoded.ok ? { state: 'sealed', seal: decoded.seal } : { state: 'broken', reason: `${file} ${decoded.reason}` };
}

/** The seal in `dir`, read-only (for verify), checked with the key found beside it. */
export function readSeal(dir: string): SealState {
  return sealState(path.resolve(dir), () => loadKey(path.resolve(dir)));
}

function fsyncDirSync(dir: string): void {
  if (process.platform === 'win32') return; // NTFS journals its metadata; a folder cannot be opened to fsync
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * The writer of a seal: the ledger holds one while it is open. Synchronous, like the ledger's own
 * write: a few hundred bytes and two fsyncs per append, where each async call would add a thread-pool
 * round trip.
 */
export class SealWriter {
  #key: Buffer;

  private constructor(
    readonly dir: string,
    key: Buffer,
  ) {
    this.#key = key;
  }

  /**
   * Creates the folder (0700) and the key (0600) where there are none. A key that cannot be trusted
   * is replaced (the caller reported it from readSeal first). Throws when the folder cannot be written.
   */
  static open(dir: string): SealWriter {
    const folder = path.resolve(dir);
    const created = fs.mkdirSync(folder, { recursive: true, mode: 0o700 });
    if (created !== undefined) {
      try {
        fsyncDirSync(path.dirname(created));
      } catch {
        // A parent we may not open still journals its own metadata.
      }
    }
    const found = loadKey(folder);
    if (found.ok) return new SealWriter(folder, found.key);
    if (found.denied) throw new Error(found.reason);
    if (!found.missing) fs.rmSync(path.join(folder, SEAL_KEY_FILE), { force: true });
    return new SealWriter(folder, createKey(folder));
  }

  /** The seal as this writer's key reads it; a key another process of the service replaced is read again. */
  read(): SealState {
    return sealState(
      this.dir,
      () => ({ ok: true, key: this.#key }),
      () => {
        const k = loadKey(this.dir);
        if (k.ok) this.#key = k.key;
        return k;
      },
    );
  }

  /** Replaces the seal atomically: a temp file written and fsync'd, renamed over the seal, the folder fsync'd. */
  write(seal: Seal): void {
    const tmp = path.join(this.dir, `${SEAL_FILE}.tmp`);
    fs.rmSync(tmp, { force: true });
    const fd = fs.openSync(tmp, 'wx', 0o600); // exclusive: never through a link planted under that name
    try {
      writeAllSync(fd, encodeSeal(seal, this.#key));
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, path.join(this.dir, SEAL_FILE));
    fsyncDirSync(this.dir);
  }
}

function createKey(dir: string): Buffer {
  const file = path.join(dir, SEAL_KEY_FILE);
  const key = randomBytes(32);
  let fd: number;
  try {
    fd = fs.openSync(file, 'wx', 0o600);
  } catch (e) {
    if (!isErrno(e, 'EEXIST')) throw e;
    // Another process of the service made it a moment ago.
    const theirs = loadKey(dir);
    if (theirs.ok) return theirs.key;
    throw new Error(theirs.reason, { cause: e });
  }
  try {
    writeAllSync(fd, Buffer.from(`${key.toString('hex')}\n`));
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fsyncDirSync(dir);
  return key;
}
