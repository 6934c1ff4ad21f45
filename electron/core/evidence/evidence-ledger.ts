// The evidence the kiosk keeps, as KioskService needs it: append a record (durable before it
// resolves) and ask whether a user has accepted or acknowledged this school year. The local ledger
// answers first, synchronously, from its index. At district scale (central PostgreSQL) the local
// ledger is still written first; a background sync sends the records on; and a "no" from the local
// index is asked again of the central database (`lookUp`, bounded wait), so a student who accepted
// in Lab 204 is not asked again in the library. When the database cannot be reached the local "no"
// stands: the kiosk shows the policy rather than wrongly skipping it.
import { Ledger } from '../ledger/ledger.ts';
import type { NewLedgerRecord } from '../ledger/records.ts';
import type { Clock } from '../time.ts';
import { describeDbError, type PostgresSettings } from '../central/kiosk-role/connection.ts';
import { CentralStore, type CentralDecisions, type CentralQuestion } from '../central/kiosk-role/store.ts';
import { CentralSync, type SyncOptions } from '../central/kiosk-role/sync.ts';
import { decide, type Decision } from '../kiosk/decision.ts';
import type { KioskLog } from '../log.ts';

export interface EvidenceLedger {
  append(record: NewLedgerRecord): Promise<{ id: string }>;
  hasAccepted(user: string, policyId: string, version: string, schoolYear: string): boolean;
  hasAcknowledgedSafety(user: string, rulesId: string, schoolYear: string): boolean;
  /**
   * District scale only: asks the central database what the local index said no to. Resolves true
   * when the answer is yes (from then on hasAccepted / hasAcknowledgedSafety say yes too), false for
   * a no, a timeout or an unreachable database. Never rejects.
   */
  lookUp?(question: EvidenceQuestion): Promise<boolean>;
  close(): Promise<void>;
}

export type EvidenceQuestion =
  | { kind: 'acceptance'; user: string; policyId: string; version: string; schoolYear: string }
  | { kind: 'safety-ack'; user: string; rulesId: string; schoolYear: string };

export interface CentralEvidenceOptions {
  postgres: PostgresSettings;
  /** How long a login waits for the database before the local index decides (default 1.5 s). */
  decisionTimeoutMs?: number;
  /** After the database could not be reached, decide locally for this long before asking again (default 30 s). */
  retryAfterMs?: number;
  /** A "no" is asked again after this long (someone may accept on another machine meanwhile; default 20 s). */
  noTtlMs?: number;
  /** Sync settings (batch size, backoff, timers) for tests; the defaults suit a kiosk. */
  sync?: Partial<Omit<SyncOptions, 'dir' | 'sink' | 'log'>>;
}

export interface EvidenceOptions {
  dir: string;
  clock: Clock;
  timeZone: string;
  schoolYearStart: string;
  machine: { machine: string; campus: string; room: string; appVersion: string };
  log: KioskLog;
  /** `central.postgres` of the config: district scale. */
  central?: PostgresSettings | CentralEvidenceOptions;
  /** The ledger's seal folder, `sealDirIn(state.dir)` (ledger/seal.ts): a deleted file or a cut-off tail then shows. */
  seal?: { dir: string };
}

const users = (u: string) => u.toLowerCase();

export async function openEvidenceLedger(options: EvidenceOptions): Promise<EvidenceLedger> {
  const ledger = await Ledger.open({
    dir: options.dir,
    clock: options.clock,
    schoolYear: { timeZone: options.timeZone, start: options.schoolYearStart },
    machine: options.machine,
    // A file changed by hand is reported here and in `aup ledger verify`; the kiosk goes on.
    onProblem: (problem) => options.log.write('warn', 'ledger problem', { ...problem }),
    ...(options.seal ? { seal: options.seal } : {}),
  });
  const local: EvidenceLedger = {
    append: (record) => ledger.append({ ...record, user: users(record.user) } as NewLedgerRecord),
    hasAccepted: (user, policyId, version, year) => ledger.index.hasAccepted(users(user), policyId, version, year),
    hasAcknowledgedSafety: (user, rulesId, year) => ledger.index.hasAcknowledgedSafety(users(user), rulesId, year),
    close: () => ledger.close(),
  };
  if (!options.central) return local;
  const central: CentralEvidenceOptions = 'postgres' in options.central ? options.central : { postgres: options.central };

  let store: CentralStore;
  try {
    store = await CentralStore.open(central.postgres, {
      decisionTimeoutMs: central.decisionTimeoutMs ?? 1_500,
      onIdleError: (error) => options.log.write('warn', 'central database connection lost', { error: describeDbError(error) }),
    });
  } catch (error) {
    // A password file gone missing must not stop the kiosk: it records locally and decides locally.
    options.log.write('error', 'central database not used; the kiosk records and decides locally', { error: describeDbError(error) });
    return local;
  }
  const sync = new CentralSync({ ...central.sync, dir: ledger.dir, sink: store, log: options.log });
  sync.start();
  const answers = new CentralAnswers(store, options.clock, options.log, central);
  return {
    async append(record) {
      const saved = await local.append(record);
      sync.nudge();
      return saved;
    },
    hasAccepted: (user, policyId, version, year) =>
      local.hasAccepted(user, policyId, version, year) || answers.known({ user: users(user), policyId, version, schoolYear: year }),
    hasAcknowledgedSafety: (user, rulesId, year) =>
      local.hasAcknowledgedSafety(user, rulesId, year) || answers.known({ user: users(user), policyId: rulesId, version: null, schoolYear: year }),
    lookUp: (q) =>
      answers.ask(
        q.kind === 'acceptance'
          ? { user: users(q.user), policyId: q.policyId, version: q.version, schoolYear: q.schoolYear }
          : { user: users(q.user), policyId: q.rulesId, version: null, schoolYear: q.schoolYear },
      ),
    async close() {
      await sync.stop();
      await Promise.race([store.close(), new Promise((resolve) => setTimeout(resolve, 3_000).unref())]);
      await local.close();
    },
  };
}

const keyOf = (q: CentralQuestion) => [q.user, q.policyId, q.version ?? '*', q.schoolYear].join('\u0000');

/**
 * The central database's answers, remembered: a yes for good (an acceptance is never withdrawn), a
 * no for a short while, and an unreachable database for `retryAfterMs`, so the kiosk's one-second
 * view refresh never turns into a query a second, nor into a 1.5 s wait a second.
 */
class CentralAnswers {
  readonly #yes = new Set<string>();
  readonly #no = new Map<string, number>();
  readonly #inFlight = new Map<string, Promise<boolean>>();
  #downUntil = 0;
  #lastError = '';

  constructor(
    readonly db: CentralDecisions,
    readonly clock: Clock,
    readonly log: KioskLog,
    readonly options: CentralEvidenceOptions,
  ) {}

  known(q: CentralQuestion): boolean {
    return this.#yes.has(keyOf(q));
  }

  ask(q: CentralQuestion): Promise<boolean> {
    const key = keyOf(q);
    if (this.#yes.has(key)) return Promise.resolve(true);
    const now = this.clock.now().getTime();
    if ((this.#no.get(key) ?? -Infinity) > now || this.#downUntil > now) return Promise.resolve(false);
    const pending = this.#inFlight.get(key);
    if (pending) return pending;
    const asked = this.#ask(q, key).finally(() => this.#inFlight.delete(key));
    this.#inFlight.set(key, asked);
    return asked;
  }

  async #ask(q: CentralQuestion, key: string): Promise<boolean> {
    const timeoutMs = this.options.decisionTimeoutMs ?? 1_500;
    let timer: NodeJS.Timeout | undefined;
    const answer = this.db.hasAccepted(q).then(
      (yes) => {
        // A late answer still counts for the next look.
        if (yes) this.#yes.add(key);
        else this.#no.set(key, this.clock.now().getTime() + (this.options.noTtlMs ?? 20_000));
        if (this.#lastError) this.log.write('info', 'central database answers again');
        this.#lastError = '';
        this.#downUntil = 0;
        return yes;
      },
      (error: unknown) => {
        this.#down(describeDbError(error));
        return false;
      },
    );
    const timeout = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => {
        this.#down(`the central database did not answer within ${timeoutMs} ms`);
        resolve(false);
      }, timeoutMs);
      timer.unref?.();
    });
    try {
      return await Promise.race([answer, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  #down(message: string): void {
    this.#downUntil = this.clock.now().getTime() + (this.options.retryAfterMs ?? 30_000);
    if (message !== this.#lastError) {
      this.log.write('warn', 'central database not answering; deciding from the local ledger (the policy is shown when in doubt)', {
        error: message,
      });
      this.#lastError = message;
    }
  }
}

/**
 * The first-login decision with the central database's answers: decide from the local index; when
 * that says the policy (or the safety rules) is still to do, ask the database (at most once each,
 * bounded), and decide again with what it said.
 */
export async function decideWithEvidence(ledger: EvidenceLedger, input: Omit<Parameters<typeof decide>[0], 'evidence'>): Promise<Decision> {
  let d = decide({ ...input, evidence: ledger });
  if (!ledger.lookUp) return d;
  for (let asked = 0; asked < 2 && (d.next === 'policy' || d.next === 'safety-rules'); asked++) {
    const q: EvidenceQuestion =
      d.next === 'policy'
        ? { kind: 'acceptance', user: input.user.username, policyId: d.policy.policy.id, version: d.policy.version.version, schoolYear: d.schoolYear }
        : { kind: 'safety-ack', user: input.user.username, rulesId: d.policy.policy.id, schoolYear: d.schoolYear };
    if (!(await ledger.lookUp(q))) return d;
    d = decide({ ...input, evidence: ledger });
  }
  return d;
}
