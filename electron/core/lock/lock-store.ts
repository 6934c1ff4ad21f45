// The small state that must survive a restart or a reboot (docs/design.md "Kiosk state on the machine"):
// each user's unlock on this machine, the failed sign-in counter of each name typed, and the
// machine-wide one. Only the machine service reads and writes it, in a folder only root can open. Kept with `conf` (electron-store's
// engine, atomic writes) in an explicit folder. A file that cannot be read counts as "no unlock" and
// "locked out now": a broken or deleted file never opens a session.
import Conf from 'conf';
import { createHash } from 'node:crypto';
import { mkdirSync, renameSync } from 'node:fs';
import path from 'node:path';
import type { AttemptState, UnlockGrant } from './lock.ts';

interface StoredState {
  grants: Record<string, UnlockGrant>;
  /** The machine-wide counter (the whole counter, before names were counted apart). */
  attempts: AttemptState;
  /** Per name typed, under a hash of the name: a password typed into the name box is not kept. */
  signers: Record<string, AttemptState>;
  /** The latest instant the kiosk's clock has shown (ISO): after a restart, time does not go back before it. */
  clockFloor?: string;
}

/** Whose failed sign-ins: one name typed (`signerKey`), or the whole machine. */
export type AttemptsOf = { signer: string } | 'machine';

/** How many names' counters are kept: the oldest are forgotten first (a flood of names cannot grow the file). */
const MAX_SIGNERS = 500;

export interface LockStore {
  grantFor(user: string): UnlockGrant | undefined;
  saveGrant(grant: UnlockGrant): void;
  attempts(of: AttemptsOf): AttemptState;
  saveAttempts(of: AttemptsOf, state: AttemptState): void;
  clockFloor(): Date | undefined;
  saveClockFloor(instant: Date): void;
  /** Problems met reading the store (for the log); the store goes on with safe values. */
  readonly problems: string[];
}

const keyOf = (user: string) => createHash('sha256').update(user.toLowerCase()).digest('hex').slice(0, 32);

export class ConfLockStore implements LockStore {
  readonly problems: string[] = [];
  #conf: Conf<StoredState> | null = null;
  readonly #dir: string;
  readonly #lockoutOnError: () => AttemptState;

  /** `lockoutOnError` gives the attempt state to assume when the stored one cannot be read. */
  constructor(dir: string, lockoutOnError: () => AttemptState) {
    this.#dir = dir;
    this.#lockoutOnError = lockoutOnError;
  }

  #store(): Conf<StoredState> | null {
    if (this.#conf) return this.#conf;
    try {
      mkdirSync(this.#dir, { recursive: true });
      this.#conf = this.#open();
      return this.#conf;
    } catch (error) {
      // A corrupt file (a crash, a student's edit) is set aside, not trusted and not lost; the kiosk
      // starts over locked, with sign-ins locked out for a while so this cannot be used to reset them.
      const file = path.join(this.#dir, 'kiosk-state.json');
      try {
        renameSync(file, `${file}.corrupt-${Date.now()}`);
        this.problems.push(`the kiosk state ${file} was unreadable (${(error as Error).message}); set aside, starting locked`);
        this.#pendingLockout = true;
        this.#conf = this.#open();
        return this.#conf;
      } catch (second) {
        this.problems.push(`cannot read the kiosk state in ${this.#dir}: ${(second as Error).message}`);
        return null;
      }
    }
  }

  #pendingLockout = false;

  #open(): Conf<StoredState> {
    const conf = new Conf<StoredState>({
      cwd: this.#dir,
      configName: 'kiosk-state',
      clearInvalidConfig: false,
      defaults: { grants: {}, attempts: { failures: 0 }, signers: {} },
      // The machine service alone reads and writes it (its folder is root's, 0700).
      configFileMode: 0o600,
    });
    if (this.#pendingLockout) {
      this.#pendingLockout = false;
      conf.set('attempts', this.#lockoutOnError());
    }
    return conf;
  }

  #read<T>(fn: (c: Conf<StoredState>) => T, fallback: () => T): T {
    const c = this.#store();
    if (!c) return fallback();
    try {
      return fn(c);
    } catch (error) {
      this.problems.push(`the kiosk state in ${this.#dir} is unreadable: ${(error as Error).message}`);
      this.#conf = null;
      return fallback();
    }
  }

  grantFor(user: string): UnlockGrant | undefined {
    return this.#read(
      (c) => {
        const g = c.get('grants')?.[keyOf(user)];
        return g && typeof g === 'object' && typeof g.until === 'string' ? g : undefined;
      },
      () => undefined,
    );
  }

  saveGrant(grant: UnlockGrant): void {
    const c = this.#store();
    if (!c) throw new Error(`cannot write the kiosk state in ${this.#dir}`);
    c.set(`grants.${keyOf(grant.user)}`, grant);
  }

  attempts(of: AttemptsOf): AttemptState {
    const valid = (a: AttemptState | undefined): a is AttemptState => !!a && Number.isInteger(a.failures) && a.failures >= 0;
    return this.#read((c) => {
      if (of === 'machine') {
        const a = c.get('attempts');
        return valid(a) ? a : this.#lockoutOnError();
      }
      const signers = c.get('signers');
      if (signers !== undefined && (typeof signers !== 'object' || signers === null)) return this.#lockoutOnError();
      const a = signers?.[keyOf(of.signer)];
      return a === undefined ? { failures: 0 } : valid(a) ? a : this.#lockoutOnError();
    }, this.#lockoutOnError);
  }

  saveAttempts(of: AttemptsOf, state: AttemptState): void {
    const c = this.#store();
    if (!c) throw new Error(`cannot write the kiosk state in ${this.#dir}`);
    if (of === 'machine') return c.set('attempts', state);
    const signers = { ...(c.get('signers') ?? {}) };
    const key = keyOf(of.signer);
    if (state.failures === 0 && !state.lockedUntil) delete signers[key];
    else signers[key] = state;
    const keys = Object.keys(signers);
    if (keys.length > MAX_SIGNERS) {
      const oldest = keys.sort((x, y) => (signers[x]!.lastFailure ?? '').localeCompare(signers[y]!.lastFailure ?? ''));
      for (const k of oldest.slice(0, keys.length - MAX_SIGNERS)) delete signers[k];
    }
    c.set('signers', signers);
  }

  clockFloor(): Date | undefined {
    return this.#read(
      (c) => {
        const t = Date.parse(c.get('clockFloor') ?? '');
        return Number.isFinite(t) ? new Date(t) : undefined;
      },
      () => undefined,
    );
  }

  saveClockFloor(instant: Date): void {
    this.#store()?.set('clockFloor', instant.toISOString());
  }
}
