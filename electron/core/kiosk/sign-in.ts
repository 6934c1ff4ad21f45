// A teacher's or administrator's sign-in at a student's kiosk: the rate limit first, then the
// directory checks the secret, then failures are counted and recorded. Shared by teacher unlock and
// administrator override, so both are limited and recorded alike. Failures are counted per name
// typed, with a machine-wide ceiling; a count goes back to zero only when a sign-in unlocks
// (a student's own valid sign-in, refused for the role, resets nothing).
// Attempts on the machine are taken one at a time, and each is counted as a failure before the
// secret is checked (taken back once it proved right or could not be checked): guesses sent at
// once, from several connections or several students, each see the ones before them, and a guess
// whose answer never came (the service killed meanwhile, the state unwritable) has still counted.
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

  /** Checks `secret` for `username`, at the kiosk of `student`; one attempt at a time on the machine. */
  attempt(username: string, secret: string, student: DirectoryUser): Promise<SignInResult> {
    const turn = this.#queue.then(() => this.#attempt(username, secret, student));
    this.#queue = turn.then(
      () => undefined,
      () => undefined,
    );
    return turn;
  }

  #queue: Promise<void> = Promise.resolve();

  async #attempt(username: string, secret: string, student: DirectoryUser): Promise<SignInResult> {
    const { lockStore, lock, directory, clock, log } = this.#parts;
    const now = clock.now();
    const refused = (r: { retryAfterSeconds: number }): SignInResult => ({
      ok: false,
      outcome: { ok: false, reason: 'rate-limited', retryAfterSeconds: r.retryAfterSeconds },
    });
    // Locked out as typed, or the machine is: answered without asking the directory anything.
    const early = bothAllowed(lockStore.attempts({ signer: signerKey(username) }), lockStore.attempts('machine'), now);
    if (!early.ok) return refused(early);
    // Counted under the name the directory knows the person by: every spelling it takes for them
    // (any case, spaces around it, LDAP's full-width letters) is one count, not a fresh one each.
    const known = await this.#find(username);
    const key = signerKey(typeof known === 'object' && known ? known.username : username);
    const before = { mine: lockStore.attempts({ signer: key }), machine: lockStore.attempts('machine') };
    const allowed = bothAllowed(before.mine, before.machine, now);
    if (!allowed.ok) return refused(allowed);
    // Counted before it is checked (a store that cannot be written throws here: nothing is checked).
    const mine = afterFailure(before.mine, lock, now);
    const machine = afterMachineFailure(before.machine, lock, now);
    lockStore.saveAttempts({ signer: key }, mine);
    lockStore.saveAttempts('machine', machine);
    const auth = await directory.authenticate(username, secret);
    if (auth.ok || auth.reason === 'directory-unavailable') {
      // Not a wrong secret: the count is as it was (a right one resets it only once it unlocks).
      lockStore.saveAttempts({ signer: key }, before.mine);
      lockStore.saveAttempts('machine', before.machine);
    }
    if (auth.ok) return { ok: true, signer: auth.user, key };
    if (auth.reason === 'directory-unavailable') {
      log.write('warn', 'directory unavailable at sign-in', { detail: auth.detail });
      return { ok: false, outcome: { ok: false, reason: 'directory-unavailable' } };
    }
    // A password typed into the name box must not become evidence: keep the name only if it is someone's.
    const attemptedBy = known === 'unavailable' ? '(directory unavailable)' : (known?.username ?? '(not a known username)');
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

  async #find(typed: string): Promise<DirectoryUser | null | 'unavailable'> {
    try {
      return typed.trim() && typed.length <= 100 ? await this.#parts.directory.findUser(typed) : null;
    } catch {
      return 'unavailable';
    }
  }
}
