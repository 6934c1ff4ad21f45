// The small state that must survive a restart or a reboot (DESIGN.md "Kiosk state on the machine"):
// each user's unlock on this machine and the failed sign-in counter. Kept with `conf` (electron-store's
// engine, atomic writes) in an explicit folder. A file that cannot be read counts as "no unlock" and
// "locked out now": a broken or deleted file never opens a session.
import Conf from 'conf';
import { createHash } from 'node:crypto';
import { mkdirSync, renameSync } from 'node:fs';
import path from 'node:path';
import type { AttemptState, UnlockGrant } from './lock.ts';

interface StoredState {
  grants: Record<string, UnlockGrant>;
  attempts: AttemptState;
}

export interface LockStore {
  grantFor(user: string): UnlockGrant | undefined;
  saveGrant(grant: UnlockGrant): void;
  attempts(): AttemptState;
  saveAttempts(state: AttemptState): void;
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
      defaults: { grants: {}, attempts: { failures: 0 } },
      // Every kiosk account of the machine shares this state (the installer gives the folder to the
      // kiosk group); others may not read it. A machine service is the planned owner (DESIGN.md).
      configFileMode: 0o660,
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

  attempts(): AttemptState {
    return this.#read((c) => {
      const a = c.get('attempts');
      return a && Number.isInteger(a.failures) && a.failures >= 0 ? a : this.#lockoutOnError();
    }, this.#lockoutOnError);
  }

  saveAttempts(state: AttemptState): void {
    const c = this.#store();
    if (!c) throw new Error(`cannot write the kiosk state in ${this.#dir}`);
    c.set('attempts', state);
  }
}
