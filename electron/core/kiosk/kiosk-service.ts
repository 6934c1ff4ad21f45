// KioskService: the one authority (docs/design.md). It decides what each signed-in user sees and records
// every act as evidence before it takes effect. It is built from its parts — the directory, the
// evidence ledger, the lock store, the rules, the site, a clock and a log — so tests hand it small
// real implementations; the wiring (setup.ts `openKioskService`) builds them from the machine config.
// Transports (Electron IPC, the loopback bridge, the machine service's channel) carry KioskApi
// intents to a session and views back; none of them decides anything.
import type { ConfigProblem, KioskApi, KioskView, Outcome } from '../api/contract.ts';
import type { Catalog } from '../policy/catalog.ts';
import type { Directory, DirectoryUser } from '../people.ts';
import type { EvidenceLedger } from '../evidence/evidence-ledger.ts';
import type { LockStore } from '../lock/lock-store.ts';
import type { KioskLog } from '../log.ts';
import type { Clock } from '../time.ts';
import type { DecisionRules } from './decision.ts';
import type { KioskSite } from './view.ts';
import { SignIn, type NewRecord } from './sign-in.ts';
import { KioskSession } from './session.ts';
import { parseIntentArgs } from './requests.ts';
import { RoomGrants, type RoomGrantSource } from './rooms.ts';

export interface KioskParts {
  directory: Directory;
  evidence: EvidenceLedger;
  lockStore: LockStore;
  rules: DecisionRules;
  /** The policies the rules choose from. */
  catalog: Catalog;
  site: KioskSite;
  clock: Clock;
  log: KioskLog;
  /** The district database's room grants (issue 11); absent without a district database. */
  rooms?: RoomGrantSource;
  /** How old the room list may be before it says nothing (30 s; tests shorten it). */
  roomListMaxAgeMs?: number;
}

/** What a transport needs of the service: a session per signed-in user, re-evaluation, and closing. */
export interface KioskHost {
  /** The config file the service was opened with (for the log and the config-error screen). */
  readonly source: string | null;
  readonly problems: ConfigProblem[];
  readonly clock: Clock;
  session(username: string): KioskApi & { dispose(): void; refresh(force?: boolean): Promise<void> };
  tick(): Promise<void>;
  startTimer(everyMs?: number): void;
  close(): Promise<void>;
}

export class KioskService implements KioskHost {
  readonly source: string | null;
  readonly problems: ConfigProblem[] = [];
  readonly signIn: SignIn;
  readonly rooms: RoomGrants | null;
  readonly #parts: KioskParts;
  #offRooms: (() => void) | null = null;
  #presenceAt = -Infinity;
  readonly #sessions = new Set<KioskSession>();
  #timer: NodeJS.Timeout | null = null;

  constructor(parts: KioskParts, source: string | null = null) {
    this.#parts = parts;
    this.source = source;
    this.signIn = new SignIn({ ...parts, lock: parts.rules.lock, record: (r) => this.record(r) });
    this.rooms = parts.rooms
      ? new RoomGrants(parts.rooms, {
          directory: parts.directory,
          log: parts.log,
          site: parts.site,
          ...(parts.roomListMaxAgeMs ? { maxAgeMs: parts.roomListMaxAgeMs } : {}),
        })
      : null;
    // A room opened or closed anywhere in the room: every session here looks again at once.
    this.#offRooms = parts.rooms?.onChange(() => void this.tick()) ?? null;
  }

  /** Everyone the directory can list cheaply (a roster), for the preview's "who is signing in?"; null for LDAP. */
  listUsers(): Promise<DirectoryUser[] | null> {
    return this.#parts.directory.listUsers();
  }

  get clock(): Clock {
    return this.#parts.clock;
  }

  get log(): KioskLog {
    return this.#parts.log;
  }

  /** A signed-in user's session. `username` is the OS account the kiosk runs for. */
  session(username: string): KioskSession {
    const s = new KioskSession(this, this.#parts, username, (x) => this.#sessions.delete(x));
    this.#sessions.add(s);
    return s;
  }

  /** Appends evidence; `null` (and a line in the log) when it could not be written. */
  async record(record: NewRecord): Promise<{ id: string } | null> {
    try {
      return await this.#parts.evidence.append(record);
    } catch (error) {
      this.#parts.log.write('error', 'ledger append failed', { type: record.type, user: record.user, error: (error as Error).message });
      return null;
    }
  }

  /** Re-evaluates every session (after the clock moved, or on the timer) and pushes changed views. */
  async tick(): Promise<void> {
    this.#saveClockFloor();
    // One session that cannot be looked at (its directory down, its state unwritable) does not stop the others.
    await Promise.all(
      [...this.#sessions].map((s) =>
        s
          .refresh()
          .catch((error: Error) => this.#parts.log.write('error', 'a session could not be re-evaluated', { user: s.username, error: error.message })),
      ),
    );
    await this.#reportPresence();
  }

  /** At most every 10 s (or now, `force`), what this computer shows, for the teacher's view of the room (district database only). */
  async reportPresence(force = false): Promise<void> {
    return this.#reportPresence(force);
  }

  async #reportPresence(force = false): Promise<void> {
    const rooms = this.#parts.rooms;
    const now = performance.now();
    if (!rooms || (!force && now - this.#presenceAt < 10_000)) return;
    this.#presenceAt = now;
    const showing = [...this.#sessions].find((s) => s.watched);
    const presence = showing ? await showing.presence() : null;
    await rooms.reportPresence(presence ?? { state: 'free', notes: [] }).catch((error: Error) => {
      this.#parts.log.write('warn', 'cannot report presence to the district database', { error: error.message });
    });
  }

  #floorSavedAt = -Infinity;

  /** About once a minute, the instant the kiosk has reached: a restart with the clock set back starts from there. */
  #saveClockFloor(): void {
    const now = this.#parts.clock.now().getTime();
    if (now - this.#floorSavedAt < 60_000 && now >= this.#floorSavedAt) return;
    this.#floorSavedAt = now;
    try {
      this.#parts.lockStore.saveClockFloor(new Date(now));
    } catch {
      // the store says why in its problems; the lock does not depend on this write
    }
  }

  /** Re-evaluates on a timer with the real clock: expiry, the warning, relock. */
  startTimer(everyMs = 1000): void {
    this.#timer ??= setInterval(() => void this.tick(), everyMs);
    this.#timer.unref?.();
  }

  async close(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    for (const s of this.#sessions) s.dispose();
    this.#offRooms?.();
    await this.#parts.rooms?.close();
    await this.#parts.directory.close();
    await this.#parts.evidence.close();
  }
}

/**
 * The service of a machine whose config has problems: every session shows them (`config-error`) and
 * every intent is refused. Nothing behind it exists, so nothing can be unlocked or recorded.
 */
export class ConfigErrorService implements KioskHost {
  constructor(
    readonly source: string | null,
    readonly problems: ConfigProblem[],
    readonly clock: Clock,
  ) {}

  session(): KioskApi & { dispose(): void; refresh(): Promise<void> } {
    const view: KioskView = { kind: 'config-error', source: this.source, problems: this.problems };
    const listeners = new Set<(v: KioskView) => void>();
    const notNow = (
      intent: 'acceptPolicy' | 'acknowledgeSafetyRules' | 'teacherUnlock' | 'adminOverride' | 'openRoom' | 'endClass',
      request: unknown,
    ): Promise<Outcome> => Promise.resolve({ ok: false, reason: parseIntentArgs(intent, [request]) ? 'not-now' : 'invalid-request' });
    return {
      getView: () => Promise.resolve(view),
      onView(listener) {
        listeners.add(listener);
        queueMicrotask(() => listeners.has(listener) && listener(view));
        return () => listeners.delete(listener);
      },
      acceptPolicy: (r) => notNow('acceptPolicy', r),
      acknowledgeSafetyRules: (r) => notNow('acknowledgeSafetyRules', r),
      teacherUnlock: (r) => notNow('teacherUnlock', r),
      adminOverride: (r) => notNow('adminOverride', r),
      setLanguage: () => Promise.resolve({ ok: false, reason: 'invalid-request' }),
      openSafetyRules: () => Promise.resolve({ ok: false, reason: 'not-now' }),
      closeSafetyRules: () => Promise.resolve({ ok: false, reason: 'not-now' }),
      openPolicy: () => Promise.resolve({ ok: false, reason: 'not-now' }),
      closePolicy: () => Promise.resolve({ ok: false, reason: 'not-now' }),
      openRoom: (r) => notNow('openRoom', r),
      endClass: (r) => notNow('endClass', r),
      dispose: () => listeners.clear(),
      refresh: () => Promise.resolve(),
    };
  }

  tick(): Promise<void> {
    return Promise.resolve();
  }

  startTimer(): void {}

  close(): Promise<void> {
    return Promise.resolve();
  }
}

/** A session as a transport holds it: KioskApi, plus letting go of it and asking it to re-evaluate. */
export type KioskSessionApi = ReturnType<KioskHost['session']>;
