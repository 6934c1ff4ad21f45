// A teacher's or administrator's sign-in at a student's kiosk: the rate limit first, then the
// directory checks the secret, then failures are counted and recorded. Shared by teacher unlock and
// administrator override, so both are limited and recorded alike. Failures are counted per name
// typed, with a machine-wide ceiling; a count goes back to zero only when a sign-in unlocks
// (a student's own valid sign-in, refused for the role, resets nothing).
import type { Outcome } from '../api/contract.ts';
import type { EvidenceLedger } from '../evidence/evidence-ledger.ts';
import type { Directory, DirectoryUser } from '../people.ts';
import type { KioskLog } from '../log.ts';
import type { Clock } from '../time.ts';
import { afterFailure, afterMachineFailure, afterSuccess, bothAllowed, signerKey, type LockRules } from '../lock/lock.ts';
import type { LockStore } from '../lock/lock-store.ts';

export type NewRecord = Parameters<EvidenceLedger['append']>[0];

export interface SignInParts {
  directory: Directory;
  lockStore: LockStore;
  lock: LockRules;
  clock: Clock;
  log: KioskLog;
  /** Appends evidence; `null` when it could not be written. */
  record(record: NewRecord): Promise<{ id: string } | null>;
}

/** `key`: the name typed, as its failures are counted; pass it to `unlocked` once the sign-in opened a session. */
export type SignInResult = { ok: true; signer: DirectoryUser; key: string } | { ok: false; outcome: Outcome };

export class SignIn {
  readonly #parts: SignInParts;

  constructor(parts: SignInParts) {
    this.#parts = parts;
  }

  /** Checks `secret` for `username`, at the kiosk of `student`. */
  async attempt(username: string, secret: string, student: DirectoryUser): Promise<SignInResult> {
    const { lockStore, lock, directory, clock, log } = this.#parts;
    const now = clock.now();
    const key = signerKey(username);
    const allowed = bothAllowed(lockStore.attempts({ signer: key }), lockStore.attempts('machine'), now);
    if (!allowed.ok) return { ok: false, outcome: { ok: false, reason: 'rate-limited', retryAfterSeconds: allowed.retryAfterSeconds } };
    const auth = await directory.authenticate(username, secret);
    if (auth.ok) return { ok: true, signer: auth.user, key };
    if (auth.reason === 'directory-unavailable') {
      log.write('warn', 'directory unavailable at sign-in', { detail: auth.detail });
      return { ok: false, outcome: { ok: false, reason: 'directory-unavailable' } };
    }
    const mine = afterFailure(lockStore.attempts({ signer: key }), lock, now);
    const machine = afterMachineFailure(lockStore.attempts('machine'), lock, now);
    lockStore.saveAttempts({ signer: key }, mine);
    lockStore.saveAttempts('machine', machine);
    // A password typed into the name box must not become evidence: keep the name only if it is someone's.
    const attemptedBy = await this.#knownName(username);
    await this.#parts.record({ type: 'auth-failure', user: student.username, attemptedBy, refusal: 'bad-credentials' });
    log.write('warn', 'failed sign-in', { user: student.username, attemptedBy, failures: mine.failures, machineFailures: machine.failures });
    const locked = bothAllowed(mine, machine, now);
    return {
      ok: false,
      outcome: { ok: false, reason: 'bad-credentials', ...(locked.ok ? {} : { retryAfterSeconds: locked.retryAfterSeconds }) },
    };
  }

  /** A sign-in opened a session: that name's count, and the machine's, start again. */
  unlocked(key: string): void {
    this.#parts.lockStore.saveAttempts({ signer: key }, afterSuccess());
    this.#parts.lockStore.saveAttempts('machine', afterSuccess());
  }

  async #knownName(typed: string): Promise<string> {
    try {
      const user = typed.trim() && typed.length <= 100 ? await this.#parts.directory.findUser(typed) : null;
      return user ? user.username : '(not a known username)';
    } catch {
      return '(directory unavailable)';
    }
  }
}
