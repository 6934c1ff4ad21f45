// The class period (issue 11): a teacher opens every student computer of a room from any one of
// them, until the end of the bell period, through the district database. This is the service's side:
// which room grant, if any, opens a student's session here; the database's clock, not this
// kiosk's, says when a grant ends; a grant is honoured only when the directory says its signer is an
// approved teacher (or an administrator with a reason), whatever was written into the database.
import type { DirectoryUser, Directory } from '../people.ts';
import type { KioskLog } from '../log.ts';
import type { PresenceRow, RoomGrant, RoomSnapshot } from '../central/kiosk-role/rooms.ts';

export type { RoomGrant, RoomSnapshot, PresenceRow };

/** What the service needs of the room grants client (central/kiosk-role/rooms.ts `RoomGrantsClient`). */
export interface RoomGrantSource {
  current(): RoomSnapshot | null;
  /** False while the database cannot be reached (its last answer is then history). */
  reachable(): boolean | null;
  onChange(listener: (snapshot: RoomSnapshot) => void): () => void;
  refresh(): Promise<RoomSnapshot | null>;
  openRoom(input: { by: string; byName: string; kind: 'teacher' | 'override'; reason?: string; minutes?: number; until?: Date }): Promise<RoomGrant>;
  endRoom(by: string): Promise<number>;
  reportPresence(p: { user?: { username: string; displayName: string; grade?: number }; state: string; notes: string[] }): Promise<void>;
  presence(): Promise<PresenceRow[]>;
  close(): Promise<void>;
}

/** A grant that opens sessions here: its end on this kiosk's clock (the database's time carried over). */
export interface HonouredGrant {
  grant: RoomGrant;
  signer: DirectoryUser;
  /** `grant.until` moved onto this kiosk's clock. */
  untilHere: Date;
  sinceHere: Date;
}

export class RoomGrants {
  readonly source: RoomGrantSource;
  readonly #directory: Directory;
  readonly #log: KioskLog;
  readonly #site: { campus: string; room: string };
  /** A list older than this says nothing: a new session is not opened from it, an open one not closed. */
  readonly #maxAgeMs: number;
  /** Grants already judged: honoured with their signer, or refused (logged once). */
  readonly #judged = new Map<string, DirectoryUser | null>();

  constructor(source: RoomGrantSource, parts: { directory: Directory; log: KioskLog; site: { campus: string; room: string }; maxAgeMs?: number }) {
    this.source = source;
    this.#maxAgeMs = parts.maxAgeMs ?? 30_000;
    this.#directory = parts.directory;
    this.#log = parts.log;
    this.#site = parts.site;
  }

  /**
   * The open grant for this room at `now` (this kiosk's clock), if the directory vouches for its
   * signer. The database's clock decides expiry: the grant's end is moved by the difference between
   * the two clocks when the list was fetched.
   */
  async honoured(now: Date): Promise<HonouredGrant | null> {
    const snapshot = this.#fresh();
    if (!snapshot) return null;
    const localAtFetch = now.getTime() - (performance.now() - snapshot.fetchedAt);
    const offset = snapshot.dbNow.getTime() - localAtFetch; // database ahead of this kiosk by
    const mine = snapshot.grants
      .filter((g) => g.campus === this.#site.campus && g.room === this.#site.room)
      // To the second: the two clocks' difference is known to a few milliseconds, and a bell at 10:40 should read 10:40.
      .map((g) => ({ g, untilHere: roundSecond(Date.parse(g.until) - offset), sinceHere: roundSecond(Date.parse(g.since) - offset) }))
      .filter((x) => Number.isFinite(x.untilHere) && x.untilHere > now.getTime())
      .sort((a, b) => b.sinceHere - a.sinceHere);
    for (const { g, untilHere, sinceHere } of mine) {
      const signer = await this.#signer(g);
      if (signer) return { grant: g, signer, untilHere: new Date(untilHere), sinceHere: new Date(Math.min(sinceHere, now.getTime())) };
    }
    return null;
  }

  /**
   * The database's time now, as last heard (this kiosk's `now` when the database was never reached):
   * a room is opened to the end of the period by the district's clock, not by one kiosk's.
   */
  databaseNow(now: Date): Date {
    const snapshot = this.source.current();
    if (!snapshot) return now;
    return new Date(snapshot.dbNow.getTime() + (performance.now() - snapshot.fetchedAt));
  }

  /** The ids of the grants open now (a session opened by one that is gone relocks). */
  openIds(): Set<string> | null {
    const snapshot = this.#fresh();
    return snapshot ? new Set(snapshot.grants.map((g) => g.id)) : null;
  }

  /**
   * The database's list, if recent. While the database cannot be reached the list grows old: sessions
   * the room opened stay open to their end, and no new one is opened (a teacher can still unlock it).
   */
  #fresh(): RoomSnapshot | null {
    const snapshot = this.source.current();
    if (!snapshot || this.source.reachable() === false) return null;
    return performance.now() - snapshot.fetchedAt <= this.#maxAgeMs ? snapshot : null;
  }

  async #signer(g: RoomGrant): Promise<DirectoryUser | null> {
    if (this.#judged.has(g.id)) return this.#judged.get(g.id)!;
    let user: DirectoryUser | null;
    try {
      user = await this.#directory.findUser(g.by);
    } catch {
      return null; // the directory is down: not judged for good, asked again next time
    }
    const ok =
      user && ((g.kind === 'teacher' && user.role === 'teacher') || (g.kind === 'override' && user.role === 'administrator' && !!g.reason?.trim()));
    if (!ok)
      this.#log.write('warn', 'a room grant is ignored: its signer is not an approved teacher here', {
        grant: g.id,
        by: g.by,
        kind: g.kind,
        role: user?.role ?? 'unknown',
      });
    this.#judged.set(g.id, ok ? user : null);
    return ok ? user : null;
  }
}

const roundSecond = (ms: number) => Math.round(ms / 1000) * 1000;
