// The kiosk's side of the central database, as the aup_kiosk role: it can record a batch of ledger
// lines and ask one yes-or-no question, nothing else (migrations/001_records.sql). The database
// judges each line (002_checked_records.sql) and says which it refused, and why. Two small pools,
// so a question at a student's login never waits behind a sync batch.
import pg from 'pg';
import { clientConfig, type PostgresSettings } from './connection.ts';

/** What the database did with a batch: new, already there, same id with other content, refused (1-based positions). */
export interface BatchResult {
  inserted: number;
  duplicates: number;
  conflicts: number;
  rejected: number[];
  /**
   * Why each rejected line was refused, in the same order: `malformed`, `school-year`, `future`,
   * `until`, `chain` (migrations/002_checked_records.sql), `machine`, `machine-login` (a PC's own
   * login naming another PC, the shared login where each PC must have its own: 005_machine_logins.sql).
   * Empty lists from a database before 002.
   */
  reasons: string[][];
}

/** Where the sync sends ledger lines. */
export interface BatchSink {
  recordBatch(lines: string[]): Promise<BatchResult>;
}

/** The decision's question: has the user accepted (a policy, this version) or acknowledged (rules, any version) this year? */
export interface CentralQuestion {
  user: string;
  policyId: string;
  /** null: any version (the Internet Safety rules, as the local index asks). */
  version: string | null;
  schoolYear: string;
}

export interface CentralDecisions {
  hasAccepted(question: CentralQuestion): Promise<boolean>;
}

export interface CentralStoreOptions {
  /** Bound on the decision's connect and query (the kiosk waits no longer: then the local index answers). */
  decisionTimeoutMs?: number;
  /** Bound on one batch (connect + call). */
  batchTimeoutMs?: number;
  /** Told of errors on idle connections (a restarted server), which would otherwise go unseen. */
  onIdleError?: (error: Error) => void;
}

export class CentralStore implements BatchSink, CentralDecisions {
  readonly #decisions: pg.Pool;
  readonly #sync: pg.Pool;
  #closed = false;

  private constructor(decisions: pg.Pool, sync: pg.Pool) {
    this.#decisions = decisions;
    this.#sync = sync;
  }

  /** Reads the password file and sets up the pools; connects lazily (a kiosk starts with the network down). */
  static async open(settings: PostgresSettings, options: CentralStoreOptions = {}): Promise<CentralStore> {
    const decisionMs = options.decisionTimeoutMs ?? 1_500;
    const batchMs = options.batchTimeoutMs ?? 30_000;
    const base = await clientConfig(settings, { applicationName: 'aup-kiosk' });
    const decisions = new pg.Pool({ ...base, max: 1, connectionTimeoutMillis: decisionMs, query_timeout: decisionMs, idleTimeoutMillis: 60_000 });
    const sync = new pg.Pool({
      ...base,
      max: 1,
      connectionTimeoutMillis: Math.min(batchMs, 10_000),
      query_timeout: batchMs,
      idleTimeoutMillis: 60_000,
    });
    // An idle connection dropped by the server (a restart) is reported here; without a listener it would crash the kiosk.
    for (const pool of [decisions, sync]) pool.on('error', (error) => options.onIdleError?.(error));
    return new CentralStore(decisions, sync);
  }

  async recordBatch(lines: string[]): Promise<BatchResult> {
    // Every column, not a list: a database not yet migrated to 002 has no `refusals`, and still records.
    const { rows } = await this.#sync.query<{ inserted: number; duplicates: number; conflicts: number; rejected: number[]; refusals?: string[] }>(
      'SELECT * FROM aup_api.record_batch($1::text[])',
      [lines],
    );
    const r = rows[0];
    if (!r) throw new Error('record_batch returned no row');
    const rejected = r.rejected ?? [];
    const reasons = rejected.map((_, i) => (r.refusals?.[i] ?? '').split(',').filter(Boolean));
    return { inserted: r.inserted, duplicates: r.duplicates, conflicts: r.conflicts, rejected, reasons };
  }

  async hasAccepted(q: CentralQuestion): Promise<boolean> {
    const { rows } = await this.#decisions.query<{ yes: boolean }>('SELECT aup_api.has_accepted($1, $2, $3, $4) AS yes', [
      q.user,
      q.policyId,
      q.version,
      q.schoolYear,
    ]);
    return rows[0]?.yes === true;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.all([this.#decisions.end(), this.#sync.end()]);
  }
}
