// A lock file shared by the kiosk processes of one machine (fast user switching runs one per
// session), so their appends never interleave and each one sees the others' records before it
// links its own.
//
// Taking the lock is one hard link: each process keeps a staging file (`ledger.lock.<pid>-<n>`) holding
// its owner record (pid, host, nonce), touches it, and links it to `ledger.lock`. A link to a name
// that exists fails, atomically, on NTFS, APFS and ext4 alike, and the lock file is never seen
// empty - not even when its owner is killed half-way. Where hard links are not supported, an
// exclusive create (`wx`) followed by a write stands in.
//
// A lock is stale when its owner process is gone, or, whatever the pid says (pids are reused; a
// folder may be shared), when it is older than `staleMs`: a holder keeps it for one append, a few
// milliseconds. Breaking a stale lock is guarded by a short-lived `.break` file, so two waiters
// cannot both break it and both hold it.
//
// The lock's file operations are synchronous on purpose: microseconds on a local disk, where each
// async call would cost a thread-pool round trip on every append. The fsync is what is slow.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { isErrno, LedgerFolderError, LedgerLockTimeoutError } from './errors.ts';

export interface LockOptions {
  /** A lock older than this is stale even if its pid is alive. Default 10 s. */
  staleMs?: number;
  /** How long to wait for a live holder before giving up. Default 30 s. */
  timeoutMs?: number;
  /** False: take the lock by exclusive create, as on a file system without hard links (found out by itself otherwise). */
  hardLinks?: boolean;
}

interface Owner {
  pid: number;
  host: string;
  nonce: string;
}

interface Found {
  raw: string;
  mtimeMs: number;
  owner: Owner | null;
}

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists, it is just not ours to signal.
    return isErrno(e, 'EPERM');
  }
}

function readOwner(file: string): Found | null {
  try {
    const raw = fs.readFileSync(file, 'utf8');
    const mtimeMs = fs.statSync(file).mtimeMs;
    let owner: Owner | null = null;
    try {
      const v = JSON.parse(raw) as Partial<Owner>;
      if (typeof v.pid === 'number' && typeof v.host === 'string') owner = v as Owner;
    } catch {
      // Empty or half-written (the `wx` fallback, or a `.break` guard): age decides.
    }
    return { raw, mtimeMs, owner };
  } catch (e) {
    if (isErrno(e, 'ENOENT')) return null;
    throw e;
  }
}

function isStale(found: Found, staleMs: number): boolean {
  if (found.owner && found.owner.host === os.hostname() && !isProcessAlive(found.owner.pid)) return true;
  return Date.now() - found.mtimeMs > staleMs;
}

function describeOwner(found: Found | null): string {
  const since = found ? ` since ${new Date(found.mtimeMs).toISOString()}` : '';
  if (!found?.owner) return `an unknown process${since}`;
  return `pid ${found.owner.pid} on ${found.owner.host}${since}`;
}

/** Exclusive create, then write: the fallback without hard links, and the `.break` guard. */
function createDirectly(file: string, dir: string, owner: Owner): boolean {
  let fd: number;
  try {
    fd = fs.openSync(file, 'wx');
  } catch (e) {
    if (isErrno(e, 'EEXIST')) return false;
    throw LedgerFolderError.from(dir, e);
  }
  try {
    fs.writeSync(fd, JSON.stringify(owner));
  } catch (e) {
    fs.closeSync(fd);
    fs.rmSync(file, { force: true });
    throw LedgerFolderError.from(dir, e);
  }
  fs.closeSync(fd);
  return true;
}

// `ledger.lock.<pid>-<n>`: one per LedgerLock, so two ledgers in one process never share one.
const STAGING = /^(.+)\.(\d+)-\d+$/;
let instances = 0;

/** Removes staging files of processes that are gone (killed, so they could not clean up). */
export function removeDeadStaging(dir: string, lockFileName: string): void {
  for (const name of fs.readdirSync(dir)) {
    const m = STAGING.exec(name);
    if (!m || m[1] !== lockFileName) continue;
    if (!isProcessAlive(Number(m[2]))) fs.rmSync(path.join(dir, name), { force: true });
  }
}

export type ReleaseLock = () => void;

/** The lock on one ledger folder, as one process takes it again and again. */
export class LedgerLock {
  readonly #owner: Owner = { pid: process.pid, host: os.hostname(), nonce: randomUUID() };
  readonly #staging: string;
  #stagingIno: bigint | null = null;
  #noLinks = false;

  constructor(
    readonly file: string,
    readonly dir: string,
    readonly options: LockOptions = {},
  ) {
    this.#staging = `${file}.${process.pid}-${++instances}`;
    this.#noLinks = options.hardLinks === false;
  }

  /** Waits for the lock and takes it. The returned function gives it back. */
  async acquire(): Promise<ReleaseLock> {
    const staleMs = this.options.staleMs ?? 10_000;
    const deadline = Date.now() + (this.options.timeoutMs ?? 30_000);
    for (let attempt = 0; ; attempt++) {
      const release = this.#tryTake();
      if (release) return release;
      const found = readOwner(this.file);
      if (found && isStale(found, staleMs)) {
        this.#breakStale(found, staleMs);
        continue;
      }
      if (Date.now() > deadline) throw new LedgerLockTimeoutError(this.file, describeOwner(found));
      // A holder keeps it for one fsync: poll often (a slow poll lets a busy writer take it back
      // every time), with jitter so waiters spread out.
      await sleep(Math.min(1 + attempt / 4, 4) * (0.5 + Math.random()));
    }
  }

  /** Removes this process's staging file (the kiosk is closing). */
  close(): void {
    fs.rmSync(this.#staging, { force: true });
    this.#stagingIno = null;
  }

  #tryTake(): ReleaseLock | null {
    if (this.#noLinks) return createDirectly(this.file, this.dir, this.#owner) ? this.#releaseDirect() : null;
    for (let tries = 0; tries < 2; tries++) {
      try {
        const ino = this.#ensureStaging();
        const now = new Date();
        fs.utimesSync(this.#staging, now, now); // the lock's age starts now
        fs.linkSync(this.#staging, this.file);
        return this.#releaseLink(ino);
      } catch (e) {
        if (isErrno(e, 'EEXIST')) return null;
        if (isErrno(e, 'ENOENT')) {
          this.#stagingIno = null; // someone removed our staging file: write it again
          continue;
        }
        if (e instanceof LedgerFolderError) throw e;
        // Windows: a lock file being deleted keeps its name for a moment, and linking to it is refused.
        if (isErrno(e, 'EPERM', 'EACCES', 'EBUSY') && this.#nameTaken()) return null;
        // No hard links here (FAT, some network shares): exclusive create; it says if the folder is unwritable.
        this.#noLinks = true;
        return this.#tryTake();
      }
    }
    throw LedgerFolderError.from(this.dir, Object.assign(new Error(`${this.#staging} keeps disappearing`), { code: 'ENOENT' }));
  }

  #nameTaken(): boolean {
    try {
      fs.statSync(this.file);
      return true;
    } catch (e) {
      return !isErrno(e, 'ENOENT');
    }
  }

  #ensureStaging(): bigint {
    if (this.#stagingIno !== null) return this.#stagingIno;
    try {
      fs.writeFileSync(this.#staging, JSON.stringify(this.#owner));
      this.#stagingIno = fs.statSync(this.#staging, { bigint: true }).ino;
    } catch (e) {
      throw LedgerFolderError.from(this.dir, e);
    }
    return this.#stagingIno;
  }

  #releaseLink(ino: bigint): ReleaseLock {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      try {
        // Only ours: had we held it past staleMs, another process may have broken it and taken it.
        if (fs.statSync(this.file, { bigint: true }).ino === ino) fs.unlinkSync(this.file);
      } catch {
        // Gone or unremovable: a later waiter finds it stale (our pid dead, or its age).
      }
    };
  }

  #releaseDirect(): ReleaseLock {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      try {
        if (readOwner(this.file)?.owner?.nonce === this.#owner.nonce) fs.rmSync(this.file, { force: true });
      } catch {
        // As above.
      }
    };
  }

  /** Removes a stale lock, unless it changed hands since it was judged stale. */
  #breakStale(judged: Found, staleMs: number): void {
    const guard = `${this.file}.break`;
    if (!createDirectly(guard, this.dir, { ...this.#owner, nonce: randomUUID() })) {
      // Another waiter is breaking it. A breaker holds the guard for microseconds: if it is old or
      // its owner is gone, the breaker died there.
      const g = readOwner(guard);
      if (g && isStale(g, Math.min(staleMs, 2_000))) fs.rmSync(guard, { force: true });
      return;
    }
    try {
      const now = readOwner(this.file);
      if (now && now.raw === judged.raw && now.mtimeMs === judged.mtimeMs) fs.rmSync(this.file, { force: true });
    } finally {
      fs.rmSync(guard, { force: true });
    }
  }
}
