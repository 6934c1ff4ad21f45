// The kiosk's side of the class period (issue 11), as the aup_kiosk role: publish a room grant, end it,
// read the open grants of its own room, report what its computer shows and read the room's computers
// (migrations/003_room_grants.sql). Changes arrive by LISTEN/NOTIFY within a moment; polling carries
// them when the notification connection is down (the fallback). Every call is bounded in time: a
// kiosk never waits on the network for long, and a database out of reach leaves the last list as it
// was (the service decides what an old list is worth).
import pg from 'pg';
import type { KioskLog } from '../../log.ts';
import { clientConfig, describeDbError, type PostgresSettings } from './connection.ts';

export interface RoomGrant {
  id: string;
  campus: string;
  room: string;
  by: string;
  byName: string;
  kind: 'teacher' | 'override';
  reason?: string;
  since: string;
  until: string;
}

export interface RoomSnapshot {
  grants: RoomGrant[];
  /** The database's clock when fetched. */
  dbNow: Date;
  /** `performance.now()` when fetched. */
  fetchedAt: number;
}

export interface PresenceRow {
  machine: string;
  user?: { username: string; displayName: string; grade?: number };
  state: string;
  notes: string[];
  seenAt: string;
}

export type RoomGrantErrorCode = 'too-long' | 'reason-required' | 'expired' | 'invalid-request' | 'unavailable';

export class RoomGrantError extends Error {
  override name = 'RoomGrantError';
  constructor(
    readonly code: RoomGrantErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export interface RoomClientOptions {
  /** How often the list is asked for without a notification (5 s). */
  pollMs?: number;
  /** Listen for notifications (true). */
  listen?: boolean;
  /** Bound on one call (3 s). */
  timeoutMs?: number;
  log?: KioskLog;
}

type GrantRow = {
  db_now: Date;
  // Null on the one row of a room with no open grant (the database's clock comes all the same).
  id: string | null;
  campus: string;
  room: string;
  by_user: string;
  by_name: string;
  kind: string;
  reason: string | null;
  since: Date;
  until: Date;
};

// One round trip: the open grants and the database's clock, which comes on its own row when there are none.
const GRANTS_SQL = `SELECT now() AS db_now, g.id, g.campus, g.room, g.by_user, g.by_name, g.kind, g.reason, g.since, g.until
  FROM (VALUES (1)) AS one (x) LEFT JOIN LATERAL aup_api.room_grants($1, $2) AS g ON true`;

const LISTEN_FIRST_RETRY_MS = 500;
/** How much sooner the server's statement timeout fires than the client's own. */
const SERVER_FIRST_MS = 500;
const LISTEN_MAX_RETRY_MS = 30_000;

export class RoomGrantsClient {
  readonly #pool: pg.Pool;
  readonly #base: pg.ClientConfig;
  readonly #site: { campus: string; room: string; machine: string };
  readonly #options: Required<Omit<RoomClientOptions, 'log'>> & { log?: KioskLog };
  readonly #listeners = new Set<(s: RoomSnapshot) => void>();
  #snapshot: RoomSnapshot | null = null;
  #key = '';
  /** Fetches started, and the latest one whose answer (or failure) was taken: an older answer arriving late is dropped. */
  #started = 0;
  #settled = 0;
  #poll: NodeJS.Timeout | null = null;
  /** The connection that LISTENs, once it does, and how to give it up. */
  #listener: { client: pg.Client; drop: () => void } | null = null;
  #listenRetry: NodeJS.Timeout | null = null;
  #closed = false;
  #reachable: boolean | null = null;

  private constructor(base: pg.ClientConfig, site: { campus: string; room: string; machine: string }, options: RoomClientOptions) {
    this.#base = base;
    this.#site = site;
    this.#options = {
      pollMs: options.pollMs ?? 5_000,
      listen: options.listen ?? true,
      timeoutMs: options.timeoutMs ?? 3_000,
      ...(options.log ? { log: options.log } : {}),
    };
    const ms = this.#options.timeoutMs;
    // A call waits at most `ms` for a connection (a free one or a new one) and `ms` for its answer. The
    // server gives up first (statement_timeout): a grant the kiosk was told failed must not commit later.
    this.#pool = new pg.Pool({
      ...base,
      max: 2,
      connectionTimeoutMillis: ms,
      statement_timeout: ms,
      query_timeout: ms + SERVER_FIRST_MS,
      idleTimeoutMillis: 60_000,
    });
    this.#pool.on('error', () => undefined); // an idle connection dropped by a restart: the next call reconnects
  }

  /** Never rejects for a database out of reach: it keeps trying, and `current()` stays null until it answers. */
  static async open(
    settings: PostgresSettings,
    site: { campus: string; room: string; machine: string },
    options: RoomClientOptions = {},
  ): Promise<RoomGrantsClient> {
    const base = await clientConfig(settings, { applicationName: 'aup-kiosk-rooms' });
    const client = new RoomGrantsClient(base, site, options);
    void client.refresh();
    client.#poll = setInterval(() => client.#tick(), client.#options.pollMs);
    client.#poll.unref?.();
    if (client.#options.listen) void client.#listen(LISTEN_FIRST_RETRY_MS);
    return client;
  }

  current(): RoomSnapshot | null {
    return this.#snapshot;
  }

  /** False once the last attempt failed (true after one succeeds; null before any). */
  reachable(): boolean | null {
    return this.#reachable;
  }

  onChange(listener: (s: RoomSnapshot) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Asks for the room's open grants now. Null when the database cannot be reached (the last list stays). */
  async refresh(): Promise<RoomSnapshot | null> {
    if (this.#closed) return this.#snapshot;
    const seq = ++this.#started;
    let rows: GrantRow[];
    try {
      rows = (await this.#pool.query<GrantRow>(GRANTS_SQL, [this.#site.campus, this.#site.room])).rows;
    } catch (error) {
      if (seq < this.#settled || this.#closed) return null; // a later fetch has answered already
      this.#settled = seq;
      if (this.#reachable !== false)
        this.#options.log?.write('warn', 'room grants: the district database cannot be reached', { error: describeDbError(error) });
      this.#reachable = false;
      return null;
    }
    const fetchedAt = performance.now();
    if (seq < this.#settled || this.#closed) return this.#snapshot;
    this.#settled = seq;
    const dbNow = rows[0]!.db_now;
    const grants: RoomGrant[] = [];
    for (const r of rows) {
      if (r.id === null) continue;
      // The function already filters; a row for another room (put there by hand) is not this kiosk's.
      if (r.campus !== this.#site.campus || r.room !== this.#site.room) {
        this.#options.log?.write('warn', 'a room grant for another room was ignored', { grant: r.id, campus: r.campus, room: r.room });
        continue;
      }
      if (r.kind !== 'teacher' && r.kind !== 'override') {
        this.#options.log?.write('warn', 'a room grant of an unknown kind was ignored', { grant: r.id, kind: r.kind });
        continue;
      }
      grants.push({
        id: r.id,
        campus: r.campus,
        room: r.room,
        by: r.by_user,
        byName: r.by_name,
        kind: r.kind,
        ...(r.reason ? { reason: r.reason } : {}),
        since: r.since.toISOString(),
        until: r.until.toISOString(),
      });
    }
    const snapshot: RoomSnapshot = { grants, dbNow, fetchedAt };
    this.#snapshot = snapshot;
    if (this.#reachable === false) this.#options.log?.write('info', 'the district database answers again (room grants)');
    this.#reachable = true;
    const key = JSON.stringify(grants);
    if (key !== this.#key) {
      this.#key = key;
      for (const l of this.#listeners) {
        try {
          l(snapshot);
        } catch (error) {
          this.#options.log?.write('error', 'a room grants listener failed', { error: String(error) });
        }
      }
    }
    return snapshot;
  }

  async openRoom(input: {
    by: string;
    byName: string;
    kind: 'teacher' | 'override';
    reason?: string;
    minutes?: number;
    until?: Date;
  }): Promise<RoomGrant> {
    try {
      const { rows } = await this.#pool.query<{ id: string; since: Date; until: Date }>(
        'SELECT * FROM aup_api.open_room($1, $2, $3, $4, $5, $6, $7, $8, $9)',
        [
          this.#site.campus,
          this.#site.room,
          this.#site.machine,
          input.by,
          input.byName,
          input.kind,
          input.reason ?? null,
          input.minutes ?? null,
          input.until ?? null,
        ],
      );
      const r = rows[0]!;
      return {
        id: r.id,
        campus: this.#site.campus,
        room: this.#site.room,
        by: input.by.toLowerCase(),
        byName: input.byName,
        kind: input.kind,
        ...(input.reason?.trim() ? { reason: input.reason.trim() } : {}),
        since: r.since.toISOString(),
        until: r.until.toISOString(),
      };
    } catch (error) {
      throw asRoomError(error);
    }
  }

  async endRoom(by: string): Promise<number> {
    try {
      const { rows } = await this.#pool.query<{ n: number }>('SELECT aup_api.end_room($1, $2, $3, $4) AS n', [
        this.#site.campus,
        this.#site.room,
        this.#site.machine,
        by,
      ]);
      return rows[0]?.n ?? 0;
    } catch (error) {
      throw asRoomError(error);
    }
  }

  /** This computer's line in the room's view (upserted; the database stamps the time). */
  async reportPresence(p: { user?: { username: string; displayName: string; grade?: number }; state: string; notes: string[] }): Promise<void> {
    try {
      await this.#pool.query('SELECT aup_api.report_presence($1, $2, $3, $4, $5, $6, $7, $8)', [
        this.#site.machine,
        this.#site.campus,
        this.#site.room,
        p.user?.username ?? null,
        p.user?.displayName ?? null,
        p.user?.grade ?? null,
        p.state,
        p.notes,
      ]);
    } catch (error) {
      throw asRoomError(error);
    }
  }

  /** The room's computers heard from in the last minute, by the database's clock. */
  async presence(): Promise<PresenceRow[]> {
    let rows: {
      machine: string;
      username: string | null;
      display_name: string | null;
      grade: number | null;
      state: string;
      notes: string[] | null;
      seen_at: Date;
    }[];
    try {
      rows = (await this.#pool.query('SELECT * FROM aup_api.room_presence($1, $2)', [this.#site.campus, this.#site.room])).rows;
    } catch (error) {
      throw asRoomError(error);
    }
    return rows.map((r) => ({
      machine: r.machine,
      ...(r.username
        ? { user: { username: r.username, displayName: r.display_name ?? r.username, ...(r.grade !== null ? { grade: r.grade } : {}) } }
        : {}),
      state: r.state,
      notes: r.notes ?? [],
      seenAt: r.seen_at.toISOString(),
    }));
  }

  /** The poll; it also asks the notification connection for a sign of life (a cut cable sends no `end`). */
  #tick(): void {
    void this.refresh();
    const listener = this.#listener;
    if (listener) listener.client.query('SELECT 1').catch(listener.drop);
  }

  /** A connection of its own that LISTENs; when it drops, polling carries on and it reconnects with backoff. */
  async #listen(delayMs: number): Promise<void> {
    if (this.#closed) return;
    const ms = this.#options.timeoutMs;
    const client = new pg.Client({
      ...this.#base,
      connectionTimeoutMillis: ms,
      query_timeout: ms + SERVER_FIRST_MS,
      keepAliveInitialDelayMillis: 10_000,
    });
    let connected = false;
    let lost = false;
    const again = () => {
      if (lost) return; // 'error' and 'end' both come: one retry per connection
      lost = true;
      if (this.#listener?.client === client) {
        this.#listener = null;
        this.#options.log?.write('warn', 'room grants: the notification connection was lost; polling carries changes meanwhile');
      }
      forget(client);
      if (this.#closed) return;
      // Backoff while it keeps failing; from the start again after a connection that worked.
      const wait = connected ? LISTEN_FIRST_RETRY_MS : delayMs;
      this.#listenRetry = setTimeout(() => {
        this.#listenRetry = null;
        void this.#listen(connected ? LISTEN_FIRST_RETRY_MS * 2 : Math.min(delayMs * 2, LISTEN_MAX_RETRY_MS));
      }, wait);
      this.#listenRetry.unref?.();
    };
    client.on('error', again);
    client.on('end', again);
    client.on('notification', (n) => {
      try {
        const { campus, room } = JSON.parse(n.payload ?? '{}') as { campus?: string; room?: string };
        if (campus === this.#site.campus && room === this.#site.room) void this.refresh();
      } catch {
        // not a payload of ours
      }
    });
    try {
      await client.connect();
      await client.query('LISTEN aup_rooms');
    } catch {
      again();
      return;
    }
    if (this.#closed || lost) {
      forget(client);
      return;
    }
    connected = true;
    this.#listener = { client, drop: again };
    void this.refresh(); // anything missed while not listening
  }

  /** Stops polling and listening; never waits on the network for longer than one call's bound. */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#poll) clearInterval(this.#poll);
    if (this.#listenRetry) clearTimeout(this.#listenRetry);
    if (this.#listener) forget(this.#listener.client);
    this.#listener = null;
    await within(this.#pool.end(), 2 * this.#options.timeoutMs);
  }
}

/** Ends a connection without waiting for the server's goodbye, which a cut network never sends. */
function forget(client: pg.Client): void {
  void within(client.end(), 1_000);
}

async function within(p: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([p.catch(() => undefined), new Promise((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}

function asRoomError(error: unknown): RoomGrantError {
  const message = (error as Error)?.message ?? String(error);
  const code = (error as { code?: string }).code;
  if (code === '22023') {
    const which = /^(too-long|reason-required|expired|invalid-request):/.exec(message)?.[1] as RoomGrantErrorCode | undefined;
    return new RoomGrantError(which ?? 'invalid-request', message.replace(/^[a-z-]+: /, ''));
  }
  return new RoomGrantError('unavailable', describeDbError(error));
}
