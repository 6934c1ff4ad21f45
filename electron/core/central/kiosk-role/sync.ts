// The outbox to the central database (docs/design.md "Ledger"): the kiosk writes its local ledger first,
// always; this sends the lines written since the last confirmed batch, in batches, and moves the
// cursor (cursor.ts) only after the database has answered. So:
//   - the database going away mid-batch: no answer, the cursor stays, the batch is sent again later
//     (with backoff); if it had been stored, the database says "duplicate" and keeps one copy;
//   - the kiosk killed mid-sync: the same, on the next start;
//   - a record sent twice is stored once (the ledger's UUID is the primary key);
//   - a record the database refuses (its school year, a time ahead of the server's, an unlock too
//     long, a place in the machine's chain that is not the chain's end) is named in the kiosk's log
//     with why, stays in the local ledger, and is not sent again: the cursor moves past it with the
//     rest of its batch, so one refused record never holds the others back.
// It reads the year files, never writes them, and takes no ledger lock: it sends only whole lines
// (a line without its newline is a write in progress or a torn tail the ledger will set aside).
// Two kiosk processes on one machine (fast user switching) each run a sync over the same folder:
// each writes the cursor only for what it has seen confirmed, so the worst is a batch sent twice.
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { decodeLine } from '../../ledger/chain.ts';
import { isErrno } from '../../ledger/errors.ts';
import { ledgerFileName, lineBatches, listLedgerFolder, type ReadPosition } from '../../ledger/files.ts';
import type { KioskLog } from '../../log.ts';
import { describeDbError, isTransient, MACHINE_LOGIN_REFUSED } from './connection.ts';
import { lineSha256, readCursor, removeDeadTemps, START, writeCursor, type FileCursor, type SyncCursor } from './cursor.ts';
import type { BatchResult, BatchSink } from './store.ts';

/** setTimeout/clearTimeout, injected so tests move time without sleeping. */
export interface SyncTimers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realTimers: SyncTimers = {
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    // The sync must never keep a CLI or a test process alive by itself.
    t.unref?.();
    return t;
  },
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export type SyncEvent =
  | { kind: 'batch'; year: string; records: number; offset: number; result: BatchResult }
  | { kind: 'reset'; year: string; reason: string }
  | { kind: 'drained'; sent: number }
  | { kind: 'error'; message: string; transient: boolean; retryInMs: number };

export interface SyncOptions {
  /** The ledger folder (the cursor file lives there too). */
  dir: string;
  sink: BatchSink;
  log?: KioskLog;
  /** Records per batch (default 500; the database takes at most 5000). */
  batchSize?: number;
  /** With nothing pending, look again after this long even without a nudge (default 30 s). */
  idleMs?: number;
  /** After a failure: wait initialMs, doubling up to maxMs (defaults 1 s and 5 min), with jitter. */
  backoff?: { initialMs: number; maxMs: number };
  timers?: SyncTimers;
  /** For the jitter; tests pass a constant. */
  random?: () => number;
  onEvent?: (event: SyncEvent) => void;
}

export interface SyncPass {
  /** Records sent in this pass (stored now or already there). */
  sent: number;
  inserted: number;
  duplicates: number;
  conflicts: number;
  rejected: number;
}

interface PendingLine {
  text: string;
  id: string | null;
  /** Its line number in the year file (1-based), for the log. */
  line: number;
}

export class CentralSync {
  readonly #o: Required<Omit<SyncOptions, 'log' | 'onEvent'>> & Pick<SyncOptions, 'log' | 'onEvent'>;
  #cursor: SyncCursor | null = null;
  #running = false;
  #stopped = false;
  #timer: unknown = null;
  #wake: (() => void) | null = null;
  #nudged = false;
  #failures = 0;
  #loop: Promise<void> | null = null;
  #lastMessage = '';
  /** The last pass's outcome, for status: null until one finishes. */
  lastError: string | null = null;
  lastSuccessAt: Date | null = null;

  constructor(options: SyncOptions) {
    this.#o = {
      batchSize: 500,
      idleMs: 30_000,
      backoff: { initialMs: 1_000, maxMs: 5 * 60_000 },
      timers: realTimers,
      random: Math.random,
      ...options,
    };
    if (this.#o.batchSize < 1 || this.#o.batchSize > 5000) throw new RangeError('batchSize must be from 1 to 5000');
  }

  /** Starts the background loop: a pass now, then on every nudge, every idleMs, and with backoff after a failure. */
  start(): void {
    if (this.#loop || this.#stopped) return;
    this.#loop = this.#run();
  }

  /** A record was appended: send it soon (ignored while backing off, so a down database is not hammered). */
  nudge(): void {
    this.#nudged = true;
    if (this.#failures === 0) this.#wakeUp();
  }

  /** Stops the loop. Waits up to `waitMs` for a batch in flight (its cursor is written if it is confirmed). */
  async stop(waitMs = 2_000): Promise<void> {
    this.#stopped = true;
    this.#wakeUp();
    if (!this.#loop) return;
    let t: NodeJS.Timeout | undefined;
    await Promise.race([this.#loop, new Promise<void>((resolve) => (t = setTimeout(resolve, waitMs)))]);
    clearTimeout(t);
  }

  /**
   * One pass: every whole line written since the cursor, in batches, each confirmed before the
   * cursor moves. Throws when the database cannot be reached or refuses (the cursor stays put).
   */
  async syncOnce(): Promise<SyncPass> {
    if (this.#running) throw new Error('a sync pass is already running');
    this.#running = true;
    try {
      if (!this.#cursor) {
        await removeDeadTemps(this.#o.dir);
        const { cursor, problem } = await readCursor(this.#o.dir);
        if (problem) this.#o.log?.write('warn', 'central sync cursor reset', { problem });
        this.#cursor = cursor;
      }
      const pass: SyncPass = { sent: 0, inserted: 0, duplicates: 0, conflicts: 0, rejected: 0 };
      const { years } = await listLedgerFolder(this.#o.dir);
      for (const year of years) await this.#syncFile(year, pass);
      return pass;
    } finally {
      this.#running = false;
    }
  }

  async #syncFile(year: string, pass: SyncPass): Promise<void> {
    const file = path.join(this.#o.dir, ledgerFileName(year));
    let handle: fsp.FileHandle;
    try {
      handle = await fsp.open(file, 'r');
    } catch (e) {
      if (isErrno(e, 'ENOENT')) return;
      throw e;
    }
    try {
      let cursor = this.#cursor!.files[year] ?? START;
      const size = (await handle.stat()).size;
      if (cursor.offset === size) return;
      const changed = await changedSince(handle, cursor, size);
      if (changed) {
        this.#o.log?.write('warn', 'ledger file changed since the last sync; sending it again from its start (the database keeps each record once)', {
          year,
          reason: changed,
        });
        this.#o.onEvent?.({ kind: 'reset', year, reason: changed });
        cursor = START;
      }
      const position: ReadPosition = { end: 0, tail: Buffer.alloc(0) };
      let batch: PendingLine[] = [];
      let at = cursor.offset;
      let lines = cursor.lines;
      let last = cursor.last;
      const flush = async () => {
        if (batch.length > 0) {
          const result = await this.#o.sink.recordBatch(batch.map((l) => l.text));
          // The district requires a login per PC and this one signs in with the shared login: nothing it
          // sends is taken, so the cursor stays, and once the PC has its own login the same lines go.
          if (result.reasons.some((r) => r.includes('machine-login'))) throw machineLoginRefused();
          this.#account(year, batch, result, pass);
          this.#o.onEvent?.({ kind: 'batch', year, records: batch.length, offset: at, result });
        }
        // Lines passed over (unreadable) move the cursor too, once the lines before them are confirmed.
        if (at !== cursor.offset) {
          cursor = { offset: at, lines, last };
          this.#cursor!.files[year] = cursor;
          await writeCursor(this.#o.dir, this.#cursor!);
        }
        batch = [];
      };
      for await (const chunk of lineBatches(handle, cursor.offset, position)) {
        for (const line of chunk) {
          const start = at;
          at += line.length + 1;
          lines++;
          last = { offset: start, sha256: lineSha256(line) };
          const decoded = decodeLine(line, 'shape');
          if (decoded.ok) batch.push({ text: line.toString('utf8'), id: decoded.record.id, line: lines });
          else
            this.#o.log?.write('warn', 'ledger line not sent to the central database: it is not a sound record (see aup ledger verify)', {
              year,
              line: lines,
              kind: decoded.kind,
            });
          if (batch.length >= this.#o.batchSize) await flush();
        }
      }
      await flush();
    } finally {
      await handle.close();
    }
  }

  #account(year: string, batch: PendingLine[], result: BatchResult, pass: SyncPass): void {
    pass.sent += batch.length;
    pass.inserted += result.inserted;
    pass.duplicates += result.duplicates;
    pass.conflicts += result.conflicts;
    pass.rejected += result.rejected.length;
    if (result.rejected.length > 0) {
      const refused = result.rejected.map((position, k) => ({
        line: batch[position - 1]?.line ?? null,
        id: batch[position - 1]?.id ?? null,
        reasons: result.reasons[k] ?? [],
      }));
      const byReason: Record<string, number> = {};
      for (const r of refused) for (const why of r.reasons.length > 0 ? r.reasons : ['unknown']) byReason[why] = (byReason[why] ?? 0) + 1;
      // One line per batch: a machine whose chain broke would otherwise write one per record.
      this.#o.log?.write('warn', 'the central database refused records; they stay in the local ledger and are not sent again', {
        year,
        count: refused.length,
        reasons: byReason,
        refused: refused.slice(0, 20),
      });
    }
    if (result.conflicts > 0) {
      this.#o.log?.write('warn', 'the central database holds other content under the same record ids; it kept its first copy', {
        year,
        count: result.conflicts,
      });
    }
  }

  async #run(): Promise<void> {
    while (!this.#stopped) {
      this.#nudged = false;
      let waitMs: number;
      try {
        const pass = await this.syncOnce();
        this.#failures = 0;
        this.lastError = null;
        this.lastSuccessAt = new Date();
        if (this.#lastMessage) this.#o.log?.write('info', 'central database reachable again; sync resumed');
        this.#lastMessage = '';
        this.#o.onEvent?.({ kind: 'drained', sent: pass.sent });
        waitMs = this.#nudged ? 0 : this.#o.idleMs;
      } catch (error) {
        this.#failures++;
        const { initialMs, maxMs } = this.#o.backoff;
        const base = Math.min(maxMs, initialMs * 2 ** Math.min(this.#failures - 1, 30));
        // Jitter (half to full), so a campus of kiosks does not come back in lockstep after an outage.
        waitMs = Math.max(1, Math.round(base * (0.5 + 0.5 * this.#o.random())));
        const message = describeDbError(error);
        const transient = isTransient(error);
        this.lastError = message;
        // Once per distinct problem, not once per retry.
        if (message !== this.#lastMessage) {
          this.#o.log?.write(transient ? 'warn' : 'error', 'central sync failed; records stay in the local ledger and will be sent later', {
            error: message,
          });
          this.#lastMessage = message;
        }
        this.#o.onEvent?.({ kind: 'error', message, transient, retryInMs: waitMs });
      }
      if (this.#stopped) break;
      if (waitMs > 0) await this.#sleep(waitMs);
    }
  }

  #sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      this.#wake = () => {
        this.#o.timers.clearTimeout(this.#timer);
        this.#timer = null;
        this.#wake = null;
        resolve();
      };
      this.#timer = this.#o.timers.setTimeout(() => this.#wake?.(), ms);
    });
  }

  #wakeUp(): void {
    this.#wake?.();
  }
}

function machineLoginRefused(): Error {
  return Object.assign(
    new Error(
      'the district database requires each PC to sign in with its own login, and this PC signs in with the shared one: ' +
        'a technician runs "aup db machine add <this PC\'s name>" and puts that login and its password file in central.postgres; ' +
        'until then its records stay in the local ledger',
    ),
    { code: MACHINE_LOGIN_REFUSED },
  );
}

/**
 * Why the cursor no longer fits the file (so it must start again), or null when it does: the file is
 * shorter than the cursor, or the line the cursor ends on is not the line confirmed.
 */
async function changedSince(handle: fsp.FileHandle, cursor: FileCursor, size: number): Promise<string | null> {
  if (cursor.offset === 0) return null;
  if (size < cursor.offset) return `the file is shorter (${size} bytes) than what was sent (${cursor.offset} bytes)`;
  if (!cursor.last) return 'the cursor does not name its last line';
  const length = cursor.offset - cursor.last.offset;
  const bytes = Buffer.alloc(length);
  const { bytesRead } = await handle.read(bytes, 0, length, cursor.last.offset);
  if (bytesRead !== length || bytes[length - 1] !== 10) return 'the last line sent is no longer where it was';
  if (cursor.last.offset > 0) {
    const before = Buffer.alloc(1);
    await handle.read(before, 0, 1, cursor.last.offset - 1);
    if (before[0] !== 10) return 'the last line sent is no longer where it was';
  }
  if (lineSha256(bytes.subarray(0, length - 1)) !== cursor.last.sha256) return 'the last line sent has changed';
  return null;
}
