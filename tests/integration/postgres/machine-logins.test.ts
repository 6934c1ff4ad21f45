// A database login per PC, against a real PostgreSQL (migrations/005_machine_logins.sql): a PC's own
// login writes its own records and no other PC's (refused as `machine`, logged with what to do, no
// chain moved); a removed PC cannot sign in, write or ask; where the district requires a login per
// PC, the shared aup_kiosk login's records are refused as `machine-login` and the PC's sync keeps
// them until it has its own. Kiosk clocks are ManualClocks set from the database server's clock.
import { describe, expect, it } from 'vitest';
import { randomBytes, randomUUID } from 'node:crypto';
import path from 'node:path';
import pg from 'pg';
import { clientConfig, type PostgresSettings } from '../../../electron/core/central/kiosk-role/connection.ts';
import { readCursor } from '../../../electron/core/central/kiosk-role/cursor.ts';
import { RoomGrantsClient } from '../../../electron/core/central/kiosk-role/rooms.ts';
import { CentralStore, type BatchResult } from '../../../electron/core/central/kiosk-role/store.ts';
import { CentralSync } from '../../../electron/core/central/kiosk-role/sync.ts';
import { addMachineLogin, listMachineLogins, removeMachineLogin, requireMachineLogins } from '../../../electron/core/central/admin-role/admin.ts';
import { encodeLine, type UnhashedRecord } from '../../../electron/core/ledger/chain.ts';
import type { AupDatabase } from '../../../harness/postgres.ts';
import { postgresBed } from '../../support/postgres-bed.ts';
import { acceptance, kioskLedger, serverNow, type KioskLedger } from './kiosk-ledger.ts';

const MINUTE = 60_000;

const bed = postgresBed('logins');
const { cleanups, fresh } = bed;
let n = 0;

async function asAdmin<T>(db: AupDatabase, run: (admin: pg.Client) => Promise<T>): Promise<T> {
  const admin = await db.admin();
  try {
    return await run(admin);
  } finally {
    await admin.end();
  }
}

/** `machine`'s own login (made as the DBA makes it), as its config would name it. Role names are the cluster's: one machine name per test. */
async function pcLogin(db: AupDatabase, machine: string): Promise<PostgresSettings & { role: string }> {
  const password = `pc-${randomBytes(12).toString('hex')}`;
  const { role } = await asAdmin(db, (admin) => addMachineLogin(admin, machine, password));
  return { role, connectionString: bed.server.url(db.name, role), passwordFile: bed.server.secretFile(`${role}-${++n}.password`, `${password}\n`) };
}

async function store(settings: PostgresSettings): Promise<CentralStore> {
  const s = await CentralStore.open(settings);
  cleanups.push(() => s.close());
  return s;
}

async function connect(settings: PostgresSettings): Promise<pg.Client> {
  const c = new pg.Client(await clientConfig(settings));
  c.on('error', () => undefined);
  await c.connect();
  cleanups.push(() => c.end());
  return c;
}

/** The SQLSTATE of a statement's failure, or 'ok'. */
async function outcome(c: pg.Client, sql: string, values: unknown[] = []): Promise<string> {
  try {
    await c.query(sql, values);
    return 'ok';
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  }
}

function kiosk(machine: string, at: Date): Promise<KioskLedger> {
  return kioskLedger(path.join(bed.dir, `${machine}-${++n}`), machine, at, cleanups);
}

/** A real line's record with fields changed and its own hash recomputed: what a holder of a password can make. */
function forge(line: string, change: Record<string, unknown>): string {
  const { hash: _hash, ...record } = JSON.parse(line);
  return encodeLine({ ...record, id: randomUUID(), ...change } as UnhashedRecord)
    .line.toString('utf8')
    .trimEnd();
}

const hashOf = (line: string): string => JSON.parse(line).hash;

async function judge(s: CentralStore, line: string): Promise<string | string[]> {
  const r: BatchResult = await s.recordBatch([line]);
  if (r.inserted === 1) return 'stored';
  if (r.duplicates === 1) return 'duplicate';
  return r.reasons[0]!;
}

async function refusalsOf(db: AupDatabase, user: string) {
  const c = await connect(db.reporting);
  return (
    await c.query<{ reasons: string[]; machine: string; received_by: string; advice: string | null }>(
      'SELECT reasons, machine, received_by, advice FROM aup_reports.refusals WHERE username = $1 ORDER BY first_received_at',
      [user],
    )
  ).rows;
}

describe("a PC's own database login", () => {
  it("writes its own records; a record for another PC is refused as 'machine', logged with what to do, and moves no chain", async () => {
    const db = await fresh();
    const now = await serverNow(db.admin);
    const a = await kiosk('LAB204-21', new Date(now.getTime() - 60 * MINUTE));
    const b = await kiosk('LAB204-22', new Date(now.getTime() - 60 * MINUTE));
    await a.ledger.append(acceptance('ana.lopez'));
    await b.ledger.append(acceptance('ben.carter'));
    const loginA = await pcLogin(db, 'LAB204-21');
    const storeA = await store(loginA);
    // A's own login sends A's ledger; B still signs in as the shared aup_kiosk, as before.
    expect(await new CentralSync({ dir: a.dir, sink: storeA }).syncOnce()).toMatchObject({ sent: 1, inserted: 1, rejected: 0 });
    const shared = await store(db.kiosk);
    expect(await new CentralSync({ dir: b.dir, sink: shared }).syncOnce()).toMatchObject({ sent: 1, inserted: 1, rejected: 0 });

    // Whoever holds A's password knows where B's chain stands (say) and writes for B: refused, B's chain untouched.
    const [bTip] = await b.lines();
    const forged = forge(bTip!, { ...acceptance('carla.diaz'), prev: hashOf(bTip!) });
    expect(await judge(storeA, forged)).toEqual(['machine']);
    // In a batch with A's own next record: that one is stored, the forged one named by its place.
    a.clock.advance(MINUTE);
    await a.ledger.append(acceptance('dev.patel'));
    const aNext = (await a.lines())[1]!;
    const forged2 = forge(bTip!, { ...acceptance('carla.diaz'), prev: hashOf(bTip!), at: JSON.parse(aNext).at });
    expect(await storeA.recordBatch([forged2, aNext])).toEqual({ inserted: 1, duplicates: 0, conflicts: 0, rejected: [1], reasons: [['machine']] });
    b.clock.advance(MINUTE);
    await b.ledger.append(acceptance('eva.ruiz'));
    expect(await new CentralSync({ dir: b.dir, sink: shared }).syncOnce()).toMatchObject({ sent: 1, inserted: 1, rejected: 0 });
    expect(await db.count("username = 'carla.diaz'")).toBe(0);

    const logged = await refusalsOf(db, 'carla.diaz');
    expect(logged).toHaveLength(2);
    for (const row of logged) {
      expect(row).toMatchObject({ reasons: ['machine'], machine: 'LAB204-22', received_by: loginA.role });
      expect(row.advice).toContain(`${loginA.role} is the database login of LAB204-21, not of LAB204-22`);
      expect(row.advice).toContain('aup db machine remove LAB204-21');
    }

    // The room functions name the machine too: A's login reports only A's own screen.
    const c = await connect(loginA);
    const presence = 'SELECT aup_api.report_presence($1, $2, $3, null, null, null, $4, $5)';
    expect(await outcome(c, presence, ['LAB204-21', 'Lockhart High School', 'Lab 204', 'locked', []])).toBe('ok');
    expect(await outcome(c, presence, ['LAB204-22', 'Lockhart High School', 'Lab 204', 'locked', []])).toBe('42501');
    const open = "SELECT * FROM aup_api.open_room('Lockhart High School', 'Lab 204', $1, 'ms.garcia', 'Ms. Garcia', 'teacher', null, 30, null)";
    expect(await outcome(c, open, ['LAB204-22'])).toBe('42501');
    expect(await outcome(c, open, ['LAB204-21'])).toBe('ok');
    expect(await outcome(c, "SELECT aup_api.end_room('Lockhart High School', 'Lab 204', 'LAB204-22', 'ms.garcia')")).toBe('42501');
    expect(await outcome(c, "SELECT aup_api.end_room('Lockhart High School', 'Lab 204', 'lab204-21', 'ms.garcia')")).toBe('ok');
    // A kiosk configured with another PC's login is told so in words, not "run aup db migrate".
    const rooms = await RoomGrantsClient.open(
      loginA,
      { campus: 'Lockhart High School', room: 'Lab 204', machine: 'LAB204-22' },
      { listen: false, pollMs: 60_000 },
    );
    cleanups.push(() => rooms.close());
    const refused = await rooms.openRoom({ by: 'ms.garcia', byName: 'Ms. Garcia', kind: 'teacher', minutes: 30 }).catch((e: Error) => e);
    expect(refused).toMatchObject({ code: 'unavailable' });
    expect((refused as Error).message).toBe(
      `the central database refused this login: ${loginA.role} is the database login of LAB204-21, not of LAB204-22: a PC's config names another PC's login, or someone holding that PC's password wrote for another (if that PC is lost: "aup db machine remove LAB204-21")`,
    );
  });

  it('reads no table, cannot reach the unchecked functions, reopen a chain, change the setting or make roles', async () => {
    const db = await fresh();
    const login = await pcLogin(db, 'LAB204-25');
    const c = await connect(login);
    for (const table of [
      'aup.records',
      'aup.machine_logins',
      'aup.refusals',
      'aup.chain_links',
      'aup.settings',
      'aup_reports.refusals',
      'aup_reports.machine_logins',
    ]) {
      expect(await outcome(c, `SELECT * FROM ${table}`), table).toBe('42501');
    }
    expect(await outcome(c, "SELECT * FROM aup.record_batch_any_machine('{}')")).toBe('42501');
    expect(await outcome(c, "SELECT aup.report_presence_any_machine('LAB204-22', 'c', 'r', null, null, null, 'locked', '{}')")).toBe('42501');
    expect(await outcome(c, "SELECT aup.reopen_chain('LAB204-25', '2026-27')")).toBe('42501');
    expect(await outcome(c, 'UPDATE aup.settings SET require_machine_logins = false')).toBe('42501');
    expect(await outcome(c, "INSERT INTO aup.machine_logins (role_name, machine) VALUES ('aup_pc_x', 'X')")).toBe('42501');
    expect(await outcome(c, 'CREATE ROLE aup_pc_made_by_a_kiosk LOGIN')).toBe('42501');
    // The shared login cannot reach them either.
    const k = await connect(db.kiosk);
    expect(await outcome(k, "SELECT * FROM aup.record_batch_any_machine('{}')")).toBe('42501');
    expect(await outcome(k, 'SELECT * FROM aup.machine_logins')).toBe('42501');
    // The settings a kiosk's calls depend on are its own too (role settings are not inherited from aup_kiosk).
    expect((await c.query('SHOW statement_timeout')).rows[0].statement_timeout).toBe('10s');
    expect((await c.query('SHOW synchronous_commit')).rows[0].synchronous_commit).toBe('on');
  });

  it('removed, the PC can no longer sign in, write or ask; added again, it can', async () => {
    const db = await fresh();
    const now = await serverNow(db.admin);
    const pc = await kiosk('LAB204-23', new Date(now.getTime() - 30 * MINUTE));
    await pc.ledger.append(acceptance('ana.lopez'));
    const login = await pcLogin(db, 'LAB204-23');
    const open = await connect(login);
    expect(await new CentralSync({ dir: pc.dir, sink: await store(login) }).syncOnce()).toMatchObject({ inserted: 1 });

    const removed = await asAdmin(db, (admin) => removeMachineLogin(admin, 'LAB204-23'));
    expect(removed).toMatchObject({ role: login.role });
    // The session it had open is ended (or, where it is not, can call nothing).
    expect(await outcome(open, 'SELECT aup_api.has_accepted($1, $2, $3, $4)', ['ana.lopez', 'student-aup', '2026-27', '2026-27'])).not.toBe('ok');
    // A new sign-in is refused, however it is made.
    const again = new pg.Client(await clientConfig(login));
    again.on('error', () => undefined);
    await expect(again.connect()).rejects.toMatchObject({ code: expect.stringMatching(/^28/) });
    await again.end().catch(() => undefined);
    pc.clock.advance(MINUTE);
    await pc.ledger.append(acceptance('ben.carter'));
    const after = await CentralStore.open(login, { batchTimeoutMs: 5_000 });
    cleanups.push(() => after.close());
    await expect(new CentralSync({ dir: pc.dir, sink: after }).syncOnce()).rejects.toThrow();
    const listed = await asAdmin(db, (admin) => listMachineLogins(admin));
    expect(listed.machines).toEqual([expect.objectContaining({ machine: 'LAB204-23', role: login.role, canSignIn: false, removedBy: 'postgres' })]);
    expect(listed.machines[0]!.removedAt).toBeInstanceOf(Date);

    // Found again: a new password, and its sync goes on where it stopped.
    const back = await pcLogin(db, 'LAB204-23');
    expect(back.role).toBe(login.role);
    expect(await new CentralSync({ dir: pc.dir, sink: await store(back) }).syncOnce()).toMatchObject({ sent: 1, inserted: 1, rejected: 0 });
    expect((await asAdmin(db, (admin) => listMachineLogins(admin))).machines[0]).toMatchObject({ canSignIn: true, removedAt: null });
  });

  it('two PCs whose names make one role name cannot both have it', async () => {
    const db = await fresh();
    await pcLogin(db, 'LAB204-26');
    await expect(pcLogin(db, 'LAB204_26')).rejects.toThrow(/aup_pc_lab204_26, which is already the login of LAB204-26/);
    await expect(pcLogin(db, 'LAB 204')).rejects.toThrow(/is not a PC name/);
  });
});

describe('a login per PC required by the district', () => {
  it("the shared login's records are refused as 'machine-login' with what to do; the PC keeps them and sends them once it has its own login", async () => {
    const db = await fresh();
    const now = await serverNow(db.admin);
    const pc = await kiosk('LAB204-24', new Date(now.getTime() - 30 * MINUTE));
    await pc.ledger.append(acceptance('ana.lopez'));
    pc.clock.advance(MINUTE);
    await pc.ledger.append(acceptance('ben.carter'));
    await asAdmin(db, (admin) => requireMachineLogins(admin, true));

    const shared = await store(db.kiosk);
    const sync = new CentralSync({ dir: pc.dir, sink: shared });
    await expect(sync.syncOnce()).rejects.toMatchObject({ code: 'AUP_MACHINE_LOGIN', message: expect.stringContaining('aup db machine add') });
    // Nothing confirmed: the cursor did not move past the refused records.
    expect((await readCursor(pc.dir)).cursor.files).toEqual({});
    expect(await db.count()).toBe(0);
    for (const user of ['ana.lopez', 'ben.carter']) {
      const [row] = await refusalsOf(db, user);
      expect(row).toMatchObject({ reasons: ['machine-login'], machine: 'LAB204-24', received_by: 'aup_kiosk' });
      expect(row!.advice).toContain('run "aup db machine add LAB204-24"');
    }
    // Nor does it act for a machine in the room functions.
    const k = await connect(db.kiosk);
    expect(await outcome(k, "SELECT aup_api.report_presence('LAB204-24', 'Lockhart High School', 'Lab 204', null, null, null, 'locked', '{}')")).toBe(
      '42501',
    );

    // The PC is given its own login: the same folder's sync sends what it kept.
    const own = await store(await pcLogin(db, 'LAB204-24'));
    expect(await new CentralSync({ dir: pc.dir, sink: own }).syncOnce()).toMatchObject({ sent: 2, inserted: 2, rejected: 0 });

    // Off again: the shared login's records are taken as before.
    await asAdmin(db, (admin) => requireMachineLogins(admin, false));
    const other = await kiosk('LAB204-27', new Date(now.getTime() - 10 * MINUTE));
    await other.ledger.append(acceptance('carla.diaz'));
    expect(await new CentralSync({ dir: other.dir, sink: shared }).syncOnce()).toMatchObject({ sent: 1, inserted: 1, rejected: 0 });
  });
});
