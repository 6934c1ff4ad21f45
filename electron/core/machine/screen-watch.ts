// Fail closed when the screen goes away (issue 10 item 4): the service knows which sessions are
// locked. When the kiosk screens of a locked student session disconnect and do not come back within
// the grace (the watchdog relaunches them in that time), or a signed-in session never shows them
// (an autostart entry hidden, a LaunchAgent booted out), the service ends that OS session and the
// ledger says so. Unlocked and staff sessions are left alone; so is every session while the config
// is broken (nothing is known about anyone then, and signing out the technician helps nobody).
import type { KioskViewKind } from '../api/contract.ts';
import type { KioskLog } from '../log.ts';

/** What ending a session did, as the ledger keeps it. */
export interface SessionEndResult {
  command: string;
  exitCode: number | null;
  ended: boolean;
}

export interface ScreenWatchParts {
  /** What the account's kiosk session shows now (a fresh look, not a cached one). */
  viewOf(account: string): Promise<KioskViewKind>;
  endSession(account: string): Promise<SessionEndResult>;
  /** Records the end as evidence (`session-ended`). */
  record(account: string, entry: { why: 'screen-gone' | 'no-screen'; showing: KioskViewKind } & SessionEndResult): Promise<void>;
  graceMs: number;
  /** Accounts never signed out (the technician's local administrator). */
  exempt?: (account: string) => boolean;
  log: KioskLog;
}

/** Views whose session may be without screens: the person is free to use the computer anyway. */
const OPEN: ReadonlySet<KioskViewKind> = new Set(['unlocked', 'free', 'config-error']);

export interface WatchedAccount {
  screens: number;
  /** A check is due (ms timer); null when screens are up. */
  pending: NodeJS.Timeout | null;
  why: 'screen-gone' | 'no-screen';
}

export class ScreenWatch {
  readonly #parts: ScreenWatchParts;
  readonly #accounts = new Map<string, WatchedAccount>();
  #closed = false;
  /** Checks under way (tests wait for them; close waits for them). */
  readonly #running = new Set<Promise<void>>();

  constructor(parts: ScreenWatchParts) {
    this.#parts = parts;
  }

  #entry(account: string): WatchedAccount {
    let e = this.#accounts.get(account);
    if (!e) this.#accounts.set(account, (e = { screens: 0, pending: null, why: 'no-screen' }));
    return e;
  }

  /** A screen of the account connected (authenticated). */
  connected(account: string): void {
    const e = this.#entry(account);
    e.screens += 1;
    if (e.pending) clearTimeout(e.pending);
    e.pending = null;
  }

  /** A screen of the account went away. */
  disconnected(account: string): void {
    const e = this.#entry(account);
    e.screens = Math.max(0, e.screens - 1);
    if (e.screens === 0) this.#schedule(account, 'screen-gone');
  }

  /** The OS's signed-in accounts now: a new one without screens is given the grace to show them. */
  signedIn(accounts: readonly string[]): void {
    const now = new Set(accounts);
    for (const account of now) {
      const e = this.#accounts.get(account);
      if (!e) this.#schedule(account, 'no-screen');
    }
    for (const [account, e] of this.#accounts) {
      if (!now.has(account) && e.screens === 0) {
        if (e.pending) clearTimeout(e.pending);
        this.#accounts.delete(account);
      }
    }
  }

  /** Accounts with their screens connected now. */
  screens(): Record<string, number> {
    return Object.fromEntries([...this.#accounts].filter(([, e]) => e.screens > 0).map(([a, e]) => [a, e.screens]));
  }

  #schedule(account: string, why: 'screen-gone' | 'no-screen'): void {
    if (this.#closed || this.#parts.exempt?.(account)) return;
    const e = this.#entry(account);
    if (e.pending) return;
    e.why = why;
    e.pending = setTimeout(() => {
      e.pending = null;
      const run = this.#check(account).finally(() => this.#running.delete(run));
      this.#running.add(run);
    }, this.#parts.graceMs);
    e.pending.unref?.();
  }

  async #check(account: string): Promise<void> {
    const e = this.#accounts.get(account);
    if (!e || e.screens > 0 || this.#closed) return;
    const { log } = this.#parts;
    let showing: KioskViewKind;
    try {
      showing = await this.#parts.viewOf(account);
    } catch (error) {
      // Not knowing is not "open": the session is treated as locked.
      log.write('warn', 'cannot tell what a session without screens shows; treating it as locked', { account, error: (error as Error).message });
      showing = 'locked';
    }
    if (OPEN.has(showing)) {
      log.write('info', 'a session has no kiosk screens; it is open, so it is left alone', { account, showing });
      return;
    }
    if (e.screens > 0) return; // came back while we looked
    const result = await this.#parts.endSession(account).catch((error: Error): SessionEndResult => {
      log.write('error', 'ending a session failed', { account, error: error.message });
      return { command: '(none)', exitCode: null, ended: false };
    });
    // Evidence first, then the line a technician reads.
    await this.#parts.record(account, { why: e.why, showing, ...result }).catch((error: Error) => {
      log.write('error', 'cannot record a session end', { account, error: error.message });
    });
    const said = result.ended ? 'ended a locked session without kiosk screens' : 'could not end a locked session without kiosk screens';
    log.write(result.ended ? 'warn' : 'error', said, { account, why: e.why, showing, command: result.command, exitCode: result.exitCode });
    // Gone from the OS list at the next look; if the end failed, look again after another grace.
    if (!result.ended) this.#schedule(account, e.why);
  }

  /** Waits for the checks under way (tests: "the session has been dealt with"). */
  async settled(): Promise<void> {
    while (this.#running.size) await Promise.all([...this.#running]);
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const e of this.#accounts.values()) if (e.pending) clearTimeout(e.pending);
    await this.settled();
  }
}
