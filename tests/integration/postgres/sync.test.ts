// The outbox from the local ledger to a real PostgreSQL: batches, idempotent inserts, the cursor
// beside the ledger, backoff with injected timers. The faults are real: the server stopped and
// restarted, a connection cut after the server committed, a sync process killed with SIGKILL.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { appendFile, readFile, readdir, truncate } from 'node:fs/promises';
import path from 'node:path';
import { CURSOR_FILE, readCursor } from '../../../electron/core/central/kiosk-role/cursor.ts';
import { CentralStore, type BatchResult, type BatchSink } from '../../../electron/core/central/kiosk-role/store.ts';
import { CentralSync, type SyncEvent, type SyncTimers } from '../../../electron/core/central/kiosk-role/sync.ts';
import { ledgerFileName } from '../../../electron/core/ledger/files.ts';
import { MemoryLog } from '../../../electron/core/log.ts';
import { aupDatabase, startFaultyRelay, startPostgres, writeLedgerFile, type AupDatabase, type PostgresHandle } from '../../../harness/postgres.ts';
import { tempDir, type TempDir } from '../../support/fixtures.ts';
import { Child } from './children.ts';
import { HANG_MS, until as untilWithin } from '../../support/until.ts';

let server: PostgresHandle;
let tmp: TempDir;
let n = 0;
const cleanups: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  server = await startPostgres();
  tmp = await tempDir('aup-sync-');
});
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
});
afterAll(async () => {
  await server?.stop();
  await tmp?.cleanup();
});

async function fresh(): Promise<{ db: AupDatabase; dir: string }> {
  const name = `sync${++n}`;
  const db = await aupDatabase(server, name);
  return { db, dir: path.join(tmp.dir, name) };
}

async function store(settings: AupDatabase['kiosk']): Promise<CentralStore> {
  const s = await CentralStore.open(settings);
  cleanups.push(() => s.close());
  return s;
}

async function storedIds(db: AupDatabase): Promise<string[]> {
  const c = await db.admin();
  try {
    return (await c.query<{ id: string }>('SELECT id::text FROM aup.records ORDER BY id')).rows.map((r) => r.id);
  } finally {
    await c.end();
  }
}

/** Timers that note each delay asked for and fire at once (a few ms), so backoff is checked without waiting. */
class QuickTimers implements SyncTimers {
  readonly asked: number[] = [];
  setTimeout(fn: () => void, ms: number): unknown {
    this.asked.push(ms);
    return setTimeout(fn, Math.min(ms, 5));
  }
  clearTimeout(handle: unknown): void {
    clearTimeout(handle as NodeJS.Timeout);
  }
}

function waitForEvent(events: SyncEvent[], test: (e: SyncEvent) => boolean, what: string, timeoutMs = HANG_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const check = () => {
      if (events.some(test)) resolve();
      else if (Date.now() > deadline)
        reject(new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}; events: ${JSON.stringify(events.slice(-5))}`));
      else setTimeout(check, 10);
    };
    check();
  });
}

describe('sending the local ledger to the central database', () => {
  it('a record sent twice is stored once', async () => {
    const { db, dir } = await fresh();
    const { ids } = await writeLedgerFile(dir, { count: 30 });
    const sink = await store(db.kiosk);
    expect(await new CentralSync({ dir, sink }).syncOnce()).toEqual({ sent: 30, inserted: 30, duplicates: 0, conflicts: 0, rejected: 0 });
    // The lab PC is reset: its cursor is gone, its ledger comes back from a backup. Everything is sent again.
    await truncate(path.join(dir, CURSOR_FILE), 0);
    const log = new MemoryLog();
    expect(await new CentralSync({ dir, sink, log }).syncOnce()).toEqual({ sent: 30, inserted: 0, duplicates: 30, conflicts: 0, rejected: 0 });
    expect(log.lines.join('\n')).toMatch(/cursor reset/);
    expect(await storedIds(db)).toEqual([...ids].sort());
    // Twice within one batch, too.
    const line = (await readFile(path.join(dir, ledgerFileName('2026-27')), 'utf8')).split('\n')[0]!;
    expect(await sink.recordBatch([line, line])).toEqual({ inserted: 0, duplicates: 2, conflicts: 0, rejected: [], reasons: [] });
    expect(await db.count()).toBe(30);
  });

  it('moves its cursor only after the database confirms, and sends only what is new', async () => {
    const { db, dir } = await fresh();
    const { last } = await writeLedgerFile(dir, { count: 7 });
    const sink = await store(db.kiosk);
    const sync = new CentralSync({ dir, sink, batchSize: 3 });
    const batches: number[] = [];
    const counted = new CentralSync({ dir, sink, batchSize: 3, onEvent: (e) => e.kind === 'batch' && batches.push(e.records) });
    expect((await counted.syncOnce()).sent).toBe(7);
    expect(batches).toEqual([3, 3, 1]);
    const file = path.join(dir, ledgerFileName('2026-27'));
    const size = (await readFile(file)).length;
    expect((await readCursor(dir)).cursor.files['2026-27']).toMatchObject({ offset: size, lines: 7 });
    await writeLedgerFile(dir, { count: 2, userPrefix: 'later', after: last });
    expect(await sync.syncOnce()).toMatchObject({ sent: 2, inserted: 2, duplicates: 0 });
    expect(await db.count()).toBe(9);
  });

  it('sends only whole lines: a line still being written waits for its newline', async () => {
    const { db, dir } = await fresh();
    await writeLedgerFile(dir, { count: 5 });
    const file = path.join(dir, ledgerFileName('2026-27'));
    const lines = (await readFile(file, 'utf8')).split('\n');
    const half = Math.floor(lines[4]!.length / 2);
    // The file as another kiosk process is writing its fifth line: four whole lines and half of one.
    await truncate(file, Buffer.byteLength(lines.slice(0, 4).join('\n') + '\n' + lines[4]!.slice(0, half)));
    const sink = await store(db.kiosk);
    const sync = new CentralSync({ dir, sink });
    expect((await sync.syncOnce()).sent).toBe(4);
    await appendFile(file, lines[4]!.slice(half) + '\n');
    expect(await sync.syncOnce()).toMatchObject({ sent: 1, inserted: 1 });
    expect(await db.count()).toBe(5);
  });

  it('a ledger file cut short since the last sync is sent again from its start; the database keeps each record once, and refuses what forks its chain', async () => {
    const { db, dir } = await fresh();
    await writeLedgerFile(dir, { count: 10 });
    const sink = await store(db.kiosk);
    await new CentralSync({ dir, sink }).syncOnce();
    const file = path.join(dir, ledgerFileName('2026-27'));
    const lines = (await readFile(file, 'utf8')).split('\n');
    // Someone cut the file to 5 lines while the kiosk was off, and the kiosk, seeing nothing wrong,
    // went on with 3 new records after line 5.
    await truncate(file, Buffer.byteLength(lines.slice(0, 5).join('\n') + '\n'));
    const lastKept = JSON.parse(lines[4]!).hash as string;
    const { ids: after } = await writeLedgerFile(dir, { count: 3, userPrefix: 'after', after: lastKept });
    const events: SyncEvent[] = [];
    const log = new MemoryLog();
    const sync = new CentralSync({ dir, sink, log, onEvent: (e) => events.push(e) });
    const pass = await sync.syncOnce();
    expect(events[0]).toMatchObject({ kind: 'reset', reason: expect.stringMatching(/shorter/) });
    // The database holds line 6 after line 5: the new records would slip in between, and are refused.
    expect(pass).toMatchObject({ sent: 8, inserted: 0, duplicates: 5, rejected: 3 });
    const refused = log.lines.find((l) => l.includes('refused records'));
    expect(refused).toMatch(/"reasons":\{"chain":3\}/);
    for (const id of after) expect(refused).toContain(id);
    // The 5 cut lines are still in the central database: the evidence outlives the edit.
    expect(await db.count()).toBe(10);
    // Refused once is not sent again: the cursor moved past them.
    expect(await sync.syncOnce()).toMatchObject({ sent: 0 });
  });

  it('the database going away mid-batch after it committed: the batch is sent again and kept once', async () => {
    const { db, dir } = await fresh();
    const { ids } = await writeLedgerFile(dir, { count: 1000 });
    const relay = await startFaultyRelay({ host: '127.0.0.1', port: () => server.port });
    cleanups.push(() => relay.close());
    const viaRelay = { ...db.kiosk, connectionString: db.kiosk.connectionString.replace(`:${server.port}/`, `:${relay.port}/`) };
    const real = await store(viaRelay);
    let calls = 0;
    const sink: BatchSink = {
      recordBatch(lines: string[]): Promise<BatchResult> {
        // The third batch reaches the server, which stores it; its answer never comes back.
        if (++calls === 3) relay.dropNextReply();
        return real.recordBatch(lines);
      },
    };
    const sync = new CentralSync({ dir, sink, batchSize: 100 });
    await expect(sync.syncOnce()).rejects.toThrow();
    expect(relay.dropped).toBe(1);
    expect(await db.count()).toBe(300); // stored, though the kiosk never heard so
    expect((await readCursor(dir)).cursor.files['2026-27']?.lines).toBe(200); // the cursor says only what was confirmed
    const pass = await sync.syncOnce();
    expect(pass).toEqual({ sent: 800, inserted: 700, duplicates: 100, conflicts: 0, rejected: 0 });
    expect(await storedIds(db)).toEqual([...ids].sort());
  });

  it('the database stopped and restarted mid-sync: the sync backs off, resumes, and nothing is lost or doubled', async () => {
    const { db, dir } = await fresh();
    const { ids } = await writeLedgerFile(dir, { count: 2000 });
    const real = await store(db.kiosk);
    let calls = 0;
    const sink: BatchSink = {
      async recordBatch(lines) {
        if (++calls === 3) await server.halt('immediate'); // gone between two batches, with a connection open
        return real.recordBatch(lines);
      },
    };
    const timers = new QuickTimers();
    const events: SyncEvent[] = [];
    const log = new MemoryLog();
    const sync = new CentralSync({
      dir,
      sink,
      log,
      batchSize: 200,
      timers,
      random: () => 1,
      backoff: { initialMs: 1_000, maxMs: 8_000 },
      onEvent: (e) => events.push(e),
    });
    cleanups.push(() => sync.stop());
    try {
      sync.start();
      await waitForEvent(events, (e) => e.kind === 'error', 'a failure');
      await waitForEvent(events, () => events.filter((e) => e.kind === 'error').length >= 5, 'five failures');
      expect(await db.count().catch(() => -1)).toBe(-1); // the server really is down
    } finally {
      await server.restart();
    }
    await waitForEvent(events, (e) => e.kind === 'drained', 'the sync to finish after the restart');
    await sync.stop();
    // Backoff: 1 s, 2 s, 4 s, then 8 s at most (asked of the injected timers; the test did not wait for them).
    const errors = events.filter((e): e is Extract<SyncEvent, { kind: 'error' }> => e.kind === 'error');
    expect(errors.slice(0, 5).map((e) => e.retryInMs)).toEqual([1_000, 2_000, 4_000, 8_000, 8_000]);
    expect(errors.every((e) => e.transient)).toBe(true);
    // Said once in the log, not once per retry; and said when it came back.
    expect(log.lines.filter((l) => l.includes('central sync failed')).length).toBeLessThan(errors.length);
    expect(log.lines.some((l) => l.includes('sync resumed'))).toBe(true);
    expect(await storedIds(db)).toEqual([...ids].sort());
  });

  it('a kiosk killed (SIGKILL) mid-sync, after the database stored a batch it had not yet confirmed: restarted, it resends that batch and nothing is lost or doubled', async () => {
    const { db, dir } = await fresh();
    const { ids } = await writeLedgerFile(dir, { count: 6000 });
    const settings = JSON.stringify(db.kiosk);
    // Each answer is held back 400 ms after the database stored the batch (a slow link).
    const first = new Child('sync-child.ts', [dir, settings, '200', '400']);
    cleanups.push(() => first.kill());
    await first.waitFor((l) => l === 'ready', 'the sync to start');
    await first.waitFor(() => first.lines.filter((l) => l.startsWith('batch ')).length >= 3, 'three confirmed batches');
    // The fourth batch is stored; its answer is still on its way: kill now.
    await until(async () => (await db.count()) === 800, 'the fourth batch to be stored');
    await first.kill();
    expect(first.lines.filter((l) => l.startsWith('batch '))).toHaveLength(3);
    expect(await db.count()).toBe(800);
    // The cursor holds what was confirmed, never more.
    expect((await readCursor(dir)).cursor.files['2026-27']?.lines).toBe(600);

    const second = new Child('sync-child.ts', [dir, settings, '200']);
    cleanups.push(() => second.kill());
    await second.waitFor((l) => l.startsWith('drained '), 'the restarted sync to finish');
    // `batch <records> <inserted> <duplicates>`
    const batches = second.lines.filter((l) => l.startsWith('batch ')).map((l) => l.split(' ').slice(1).map(Number));
    // The unconfirmed batch came again and was kept once; everything after it is new.
    expect(batches[0]).toEqual([200, 0, 200]);
    expect(batches.reduce((sum, [, inserted]) => sum + inserted!, 0)).toBe(5200);
    expect(await storedIds(db)).toEqual([...ids].sort());
    await second.end();
    expect((await readdir(dir)).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });

  it('a kill at any moment of the sync loses nothing and doubles nothing', async () => {
    const { db, dir } = await fresh();
    const { ids } = await writeLedgerFile(dir, { count: 4000 });
    const settings = JSON.stringify(db.kiosk);
    // Three kills at moments the test does not choose (whatever the sync is doing), then a clean run.
    for (const afterMs of [30, 75, 120]) {
      const child = new Child('sync-child.ts', [dir, settings, '100']);
      cleanups.push(() => child.kill());
      await child.waitFor((l) => l === 'ready', 'the sync to start');
      await new Promise((resolve) => setTimeout(resolve, afterMs));
      await child.kill();
      const cursor = (await readCursor(dir)).cursor.files['2026-27'];
      expect(cursor?.lines ?? 0).toBeLessThanOrEqual(await db.count()); // never ahead of the database
    }
    const last = new Child('sync-child.ts', [dir, settings, '100']);
    cleanups.push(() => last.kill());
    await last.waitFor((l) => l.startsWith('drained '), 'the last sync to finish');
    await last.end();
    expect(await storedIds(db)).toEqual([...ids].sort());
  });

  it('a wrong password: the sync fails with a clear error, keeps its cursor, and sends everything once the password is right', async () => {
    const { db, dir } = await fresh();
    await writeLedgerFile(dir, { count: 12 });
    const wrong = await store({ ...db.kiosk, passwordFile: server.secretFile('sync-wrong.password', 'nope-nope-nope\n') });
    const events: SyncEvent[] = [];
    const log = new MemoryLog();
    const sync = new CentralSync({
      dir,
      sink: wrong,
      log,
      timers: new QuickTimers(),
      backoff: { initialMs: 10, maxMs: 10 },
      onEvent: (e) => events.push(e),
    });
    sync.start();
    await waitForEvent(events, () => events.filter((e) => e.kind === 'error').length >= 3, 'three failures');
    await sync.stop();
    const error = events.find((e) => e.kind === 'error') as Extract<SyncEvent, { kind: 'error' }>;
    expect(error.message).toMatch(/refused the sign-in .*password authentication failed/);
    expect(error.transient).toBe(false);
    expect(log.lines.filter((l) => l.startsWith('error central sync failed'))).toHaveLength(1);
    expect(sync.lastError).toMatch(/password/);
    expect(await readCursor(dir)).toEqual({ cursor: { version: 1, files: {} } });
    expect(await new CentralSync({ dir, sink: await store(db.kiosk) }).syncOnce()).toMatchObject({ sent: 12, inserted: 12 });
  });
});

function until(test: () => Promise<boolean>, what: string): Promise<void> {
  return untilWithin(test, what);
}
