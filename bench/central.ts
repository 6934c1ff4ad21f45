// The central database's benchmark, on a throwaway PostgreSQL cluster on loopback (durable settings:
// fsync and synchronous commit on, as a district runs it): how long a kiosk's has-accepted question
// takes with 1,000,000 acceptances stored, and how fast the sync sends 10,000 pending records.
// Numbers only (docs/design.md: performance is a benchmark, never a timed test).
// Targets, not asserts: hasAcceptedP99Ms <= 5, sync10kMs <= 3000.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CentralStore } from '../electron/core/central/kiosk-role/store.ts';
import { CentralSync } from '../electron/core/central/kiosk-role/sync.ts';
import { aupDatabase, startPostgres, writeLedgerFile } from '../harness/postgres.ts';
import { percentile } from './stats.ts';

const ACCEPTANCES = 1_000_000;
const QUESTIONS = 5_000;
const WARMUP = 500;
const SYNC_RECORDS = 10_000;
const YEAR = '2026-27';

const round = (n: number, digits = 3) => Number(n.toFixed(digits));

export async function benchCentral(): Promise<Record<string, number>> {
  const server = await startPostgres({
    settings: { fsync: 'on', synchronous_commit: 'on', full_page_writes: 'on', shared_buffers: '128MB', max_wal_size: '4GB' },
  });
  const root = await mkdtemp(path.join(os.tmpdir(), 'aup-bench-central-'));
  try {
    const db = await aupDatabase(server, 'aup');

    // 1,000,000 acceptances by as many students, in one statement; the line is a stand-in of a real
    // line's size (the decision never reads it).
    let t = performance.now();
    const admin = await db.admin();
    try {
      await admin.query(
        `INSERT INTO aup.records (id, type, school_year, at, username, machine, campus, room, app_version,
                                  policy_id, version, language, method, hash, line)
         SELECT gen_random_uuid(), 'acceptance', $1, timestamptz '2026-08-10 08:00-05' + i * interval '1 second',
                'stu' || lpad(i::text, 7, '0'), 'LAB' || (i % 40) || '-PC' || (i % 30), 'Campus ' || (i % 12), 'Room ' || (i % 40), '0.1.0',
                'student-aup', $1, CASE WHEN i % 4 = 0 THEN 'es' ELSE 'en' END, 'kiosk',
                md5(i::text) || md5((i + 1)::text), repeat('x', 420)
         FROM generate_series(1, $2::integer) AS i`,
        [YEAR, ACCEPTANCES],
      );
      await admin.query('VACUUM ANALYZE aup.records');
      // Measure the steady state, not the checkpoint the load just caused.
      await admin.query('CHECKPOINT');
    } finally {
      await admin.end();
    }
    const generateMs = performance.now() - t;

    // The kiosk's question, as the kiosk asks it (aup_kiosk, its pool, a round trip on loopback):
    // half for students who accepted, half for ones who did not.
    const store = await CentralStore.open(db.kiosk);
    const times: number[] = [];
    let yes = 0;
    try {
      for (let i = 0; i < WARMUP + QUESTIONS; i++) {
        const n = ((i * 7919) % (ACCEPTANCES * 2)) + 1;
        const user = `stu${String(n).padStart(7, '0')}`;
        const t0 = process.hrtime.bigint();
        const answer = await store.hasAccepted({ user, policyId: 'student-aup', version: YEAR, schoolYear: YEAR });
        const ms = Number(process.hrtime.bigint() - t0) / 1e6;
        if (i >= WARMUP) {
          times.push(ms);
          if (answer) yes++;
        }
      }
    } finally {
      await store.close();
    }
    times.sort((a, b) => a - b);
    if (yes === 0 || yes === QUESTIONS) throw new Error('the has-accepted benchmark got one answer only: it is measuring nothing');

    // 10,000 records pending in a kiosk's ledger, sent by the sync in its default batches.
    const dir = path.join(root, 'ledger');
    await writeLedgerFile(dir, { count: SYNC_RECORDS, userPrefix: 'sync' });
    const sink = await CentralStore.open(db.kiosk);
    let syncMs: number;
    let batches = 0;
    try {
      const sync = new CentralSync({ dir, sink, onEvent: (e) => e.kind === 'batch' && batches++ });
      t = performance.now();
      const pass = await sync.syncOnce();
      syncMs = performance.now() - t;
      if (pass.inserted !== SYNC_RECORDS) throw new Error(`the sync stored ${pass.inserted} of ${SYNC_RECORDS} records`);
    } finally {
      await sink.close();
    }

    return {
      acceptances: ACCEPTANCES,
      generateSeconds: round(generateMs / 1000, 1),
      hasAcceptedQuestions: QUESTIONS,
      hasAcceptedP50Ms: round(percentile(times, 50)),
      hasAcceptedP99Ms: round(percentile(times, 99)),
      syncRecords: SYNC_RECORDS,
      syncBatches: batches,
      sync10kMs: round(syncMs, 1),
      syncRecordsPerSecond: Math.round(SYNC_RECORDS / (syncMs / 1000)),
    };
  } finally {
    await server.stop();
    await rm(root, { recursive: true, force: true });
  }
}
