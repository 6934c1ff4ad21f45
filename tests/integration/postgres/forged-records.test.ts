// The review's forgeries against a real PostgreSQL (issue 10, item 7): with the kiosk role's password,
// record_batch took another student's acceptance, a date years off, the wrong school year and an
// "override by principal.ortiz until 2099". Each is now refused, line by line, and logged where the
// reporting role sees it; records a real Ledger writes still go through, after a segment restart too.
// The kiosks' clocks are injected (ManualClock), set from the database server's own clock, since that
// is the clock the database judges `at` by.
import { checkoutResources } from '../../../electron/core/config/resources.ts';
import { describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { readFile, rm, truncate, writeFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { clientConfig } from '../../../electron/core/central/kiosk-role/connection.ts';
import { CURSOR_FILE, readCursor } from '../../../electron/core/central/kiosk-role/cursor.ts';
import { CentralStore, type BatchResult } from '../../../electron/core/central/kiosk-role/store.ts';
import { CentralSync } from '../../../electron/core/central/kiosk-role/sync.ts';
import { districtRulesOf, reopenChain, setDistrictRules } from '../../../electron/core/central/admin-role/admin.ts';
import { loadMigrations, migrate } from '../../../electron/core/central/admin-role/migrate.ts';
import { encodeLine, sha256Hex, type UnhashedRecord } from '../../../electron/core/ledger/chain.ts';
import { ledgerFileName } from '../../../electron/core/ledger/files.ts';
import { MemoryLog } from '../../../electron/core/log.ts';
import { schoolYearOf, type SchoolYearRule } from '../../../electron/core/school-year.ts';
import { instantOfLocal, isoWithOffset, localParts } from '../../../electron/core/time.ts';
import type { AupDatabase } from '../../../harness/postgres.ts';
import { postgresBed } from '../../support/postgres-bed.ts';
import { Child } from './children.ts';
import { acceptance, CHICAGO, kioskLedger, type KioskLedger } from './kiosk-ledger.ts';

const MINUTE = 60_000;

const bed = postgresBed('forged');
const { cleanups, fresh } = bed;
let n = 0;

/** The database server's clock: what `at` is judged against. */
async function serverNow(db: AupDatabase): Promise<Date> {
  const c = await db.admin();
  try {
    return (await c.query<{ now: Date }>('SELECT now() AS now')).rows[0]!.now;
  } finally {
    await c.end();
  }
}

async function store(db: AupDatabase): Promise<CentralStore> {
  const s = await CentralStore.open(db.kiosk);
  cleanups.push(() => s.close());
  return s;
}

type Kiosk = KioskLedger;

/** A machine's real ledger in its own folder, its clock at `at`. */
const kiosk = (machine: string, at: Date, rule: SchoolYearRule = CHICAGO, dir = path.join(bed.dir, `${machine}-${++n}`)): Promise<Kiosk> =>
  kioskLedger(dir, machine, at, cleanups, rule);

const hashOf = (line: string): string => JSON.parse(line).hash;

/** `2026-27` -> `2027-28`. */
const nextYear = (year: string): string => {
  const start = Number(year.slice(0, 4)) + 1;
  return `${start}-${String((start + 1) % 100).padStart(2, '0')}`;
};

/** A line anyone can make: a real line's record with fields changed and its own hash recomputed. */
function forge(line: string, change: Record<string, unknown>): string {
  const { hash: _hash, ...record } = JSON.parse(line);
  return encodeLine({ ...record, id: randomUUID(), ...change } as UnhashedRecord)
    .line.toString('utf8')
    .trimEnd();
}

/** What one line's batch did: `stored`, `duplicate`, `conflict`, or the reasons it was refused. */
async function judge(s: CentralStore, line: string): Promise<string | string[]> {
  const r: BatchResult = await s.recordBatch([line]);
  if (r.inserted === 1) return 'stored';
  if (r.duplicates === 1) return 'duplicate';
  if (r.conflicts === 1) return 'conflict';
  return r.reasons[0]!;
}

async function reportingClient(db: AupDatabase): Promise<pg.Client> {
  const c = new pg.Client(await clientConfig(db.reporting));
  c.on('error', () => undefined);
  await c.connect();
  cleanups.push(() => c.end());
  return c;
}

async function hasAccepted(s: CentralStore, user: string, schoolYear: string): Promise<boolean> {
  return s.hasAccepted({ user, policyId: 'student-aup', version: '2026-27', schoolYear });
}

describe("record_batch refuses the review's forgeries, line by line, and logs each", () => {
  it("another student's acceptance slipped between two real records, or sent with a prev the chain does not hold, is refused as 'chain'; the real records go through", async () => {
    const db = await fresh();
    const now = await serverNow(db);
    const lab = await kiosk('LAB204-01', new Date(now.getTime() - 60 * MINUTE));
    await lab.ledger.append(acceptance('diego.ramos'));
    lab.clock.advance(MINUTE);
    await lab.ledger.append({ type: 'safety-ack', user: 'diego.ramos', rulesId: 'safety-rules-secondary', version: '2026-27' });
    const s = await store(db);
    expect(await new CentralSync({ dir: lab.dir, sink: s }).syncOnce()).toMatchObject({ sent: 2, inserted: 2, rejected: 0 });
    const [first, second] = await lab.lines();
    const year = JSON.parse(first!).schoolYear as string;

    // Carla accepted nowhere. Her "acceptance" after the first real line, where the second already follows it:
    const carla = acceptance('carla.diaz');
    expect(await judge(s, forge(first!, { ...carla, prev: hashOf(first!) }))).toEqual(['chain']);
    // ... as the first line of a chain that exists:
    expect(await judge(s, forge(first!, { ...carla, prev: null }))).toEqual(['chain']);
    // ... after a line that was never sent:
    expect(await judge(s, forge(first!, { ...carla, prev: sha256Hex('made up') }))).toEqual(['chain']);
    // ... as a segment start after a line this machine's chain does not hold:
    expect(await judge(s, forge(first!, { ...carla, prev: null, segment: { after: sha256Hex('x'), found: 'x' } }))).toEqual(['chain']);
    // The second real line is where it was: sent again, it is a duplicate.
    expect(await judge(s, second!)).toBe('duplicate');
    expect(await hasAccepted(s, 'carla.diaz', year)).toBe(false);

    // A line sent first under the id of a real record not yet sent: refused, so the real one is not a "conflict" later.
    lab.clock.advance(MINUTE);
    const real = await lab.ledger.append(acceptance('dev.patel'));
    const squatter = forge(first!, { ...carla, id: real.id, prev: hashOf(first!) });
    expect(await judge(s, squatter)).toEqual(['chain']);
    expect(await new CentralSync({ dir: lab.dir, sink: s }).syncOnce()).toMatchObject({ sent: 1, inserted: 1, conflicts: 0, rejected: 0 });
    expect(await hasAccepted(s, 'dev.patel', year)).toBe(true);
    expect(await hasAccepted(s, 'carla.diaz', year)).toBe(false);

    // Each refusal is in the reporting role's view, once per line, with the student it named.
    const reporting = await reportingClient(db);
    const { rows } = await reporting.query(
      `SELECT reasons, username, machine, times FROM aup_reports.refusals WHERE username = 'carla.diaz' ORDER BY first_received_at`,
    );
    expect(rows).toHaveLength(5);
    expect(rows.every((r) => r.reasons.join() === 'chain' && r.machine === 'LAB204-01' && r.times === 1)).toBe(true);
  });

  it("a record dated years off, or in another school year than its own time's in the district's zone, is refused as 'school-year', even when it continues the chain", async () => {
    const db = await fresh();
    const now = await serverNow(db);
    // The forger's own machine: its ledger is theirs to read, so they know where its chain stands.
    const own = await kiosk('LAB204-07', new Date(now.getTime() - 30 * MINUTE));
    await own.ledger.append(acceptance('ana.lopez'));
    const s = await store(db);
    await new CentralSync({ dir: own.dir, sink: s }).syncOnce();
    const [tip] = await own.lines();
    const year = JSON.parse(tip!).schoolYear as string;
    const yearsAgo = isoWithOffset(new Date(now.getTime() - 5 * 365 * 24 * 60 * MINUTE), 'America/Chicago');
    const carla = acceptance('carla.diaz');

    // Filed under this year, on the chain's own tip, but made five years ago.
    expect(await judge(s, forge(tip!, { ...carla, prev: hashOf(tip!), at: yearsAgo }))).toEqual(['school-year']);
    // Made now, filed under next year (as the first record of that year's chain, so only the year is wrong).
    expect(await judge(s, forge(tip!, { ...carla, prev: null, schoolYear: nextYear(year) }))).toEqual(['school-year']);
    // ... or under a year long gone: a kiosk acceptance does not get a paper form's leeway.
    expect(await judge(s, forge(tip!, { ...carla, prev: null, schoolYear: '2019-20' }))).toEqual(['school-year']);
    expect(await hasAccepted(s, 'carla.diaz', year)).toBe(false);
    expect(await hasAccepted(s, 'carla.diaz', nextYear(year))).toBe(false);
    expect(await hasAccepted(s, 'carla.diaz', '2019-20')).toBe(false);
  });

  it("a record ahead of the server's clock by more than 5 minutes is refused as 'future'; a kiosk clock 2 minutes fast is not", async () => {
    const db = await fresh();
    const now = await serverNow(db);
    const s = await store(db);
    const fast = await kiosk('LAB204-02', new Date(now.getTime() + 2 * MINUTE));
    await fast.ledger.append(acceptance('ana.lopez'));
    fast.clock.set(now.getTime() + 60 * MINUTE);
    await fast.ledger.append(acceptance('ben.carter'));
    const [close, ahead] = await fast.lines();
    expect(await judge(s, close!)).toBe('stored');
    expect(await judge(s, ahead!)).toEqual(['future']);
    // Years ahead, filed under the year that matches, as the first record of that year's chain: still the future.
    const yearsAhead = new Date(now.getTime() + 3 * 365 * 24 * 60 * MINUTE);
    const later = forge(ahead!, { prev: null, at: isoWithOffset(yearsAhead, 'America/Chicago'), schoolYear: schoolYearOf(yearsAhead, CHICAGO) });
    expect(await judge(s, later)).toEqual(['future']);
  });

  it("an override by principal.ortiz until 2099 is refused as 'until', and as 'chain' too where the chain does not lead to it; an override as long as the rules allow goes through", async () => {
    const db = await fresh();
    const now = await serverNow(db);
    const lab = await kiosk('LAB204-03', new Date(now.getTime() - 600 * MINUTE));
    const at = lab.clock.now();
    const until = (minutes: number) => isoWithOffset(new Date(at.getTime() + minutes * MINUTE), 'America/Chicago');
    await lab.ledger.append({
      type: 'override',
      user: 'diego.ramos',
      by: 'principal.ortiz',
      until: until(480),
      minutes: 480,
      reason: 'state testing',
    });
    const s = await store(db);
    expect(await new CentralSync({ dir: lab.dir, sink: s }).syncOnce()).toMatchObject({ inserted: 1, rejected: 0 });
    const [honest] = await lab.lines();

    const to2099 = { until: '2099-01-01T00:00:00-06:00', minutes: 1440, reason: 'special circumstances' };
    // By a name the chain does not continue (any prev but where it stands):
    expect(await judge(s, forge(honest!, { ...to2099, user: 'carla.diaz', prev: null }))).toEqual(['chain', 'until']);
    // On the chain's own tip (the forger's own machine): still too long.
    expect(await judge(s, forge(honest!, { ...to2099, user: 'carla.diaz', prev: hashOf(honest!) }))).toEqual(['until']);
    // A minute longer than the rules allow is too long as well; an unlock is held to the same limit.
    const tooLong = forge(honest!, {
      until: until(481),
      minutes: 481,
      user: 'carla.diaz',
      prev: null,
      segment: { after: sha256Hex(honest!), found: 'x' },
    });
    expect(await judge(s, tooLong)).toEqual(['until']);
    // (The refused line above continued the chain: it holds its place, and this one follows it.)
    const unlock = forge(honest!, { type: 'unlock', reason: undefined, until: '2099-01-01T00:00:00-06:00', prev: hashOf(tooLong) });
    expect(await judge(s, unlock)).toEqual(['until']);

    const c = await db.admin();
    try {
      const stored = await c.query(`SELECT by_user, until FROM aup.records WHERE type IN ('override', 'unlock')`);
      expect(stored.rows).toHaveLength(1);
      expect(stored.rows[0].until.getTime()).toBe(at.getTime() + 480 * MINUTE);
    } finally {
      await c.end();
    }
  });

  it("the machine service's own record of a session it ended is stored like any other, and the chain goes on after it", async () => {
    const db = await fresh();
    const now = await serverNow(db);
    const lab = await kiosk('LAB204-09', new Date(now.getTime() - 10 * MINUTE));
    await lab.ledger.append(acceptance('diego.ramos'));
    lab.clock.advance(MINUTE);
    await lab.ledger.append({
      type: 'session-ended',
      user: 'diego.ramos',
      why: 'screen-gone',
      showing: 'locked',
      command: '/usr/bin/loginctl terminate-user 1001',
      exitCode: 0,
      ended: true,
    });
    lab.clock.advance(MINUTE);
    await lab.ledger.append(acceptance('dev.patel'));
    const s = await store(db);
    expect(await new CentralSync({ dir: lab.dir, sink: s }).syncOnce()).toMatchObject({ sent: 3, inserted: 3, rejected: 0 });
  });

  it('a refused line sent again is refused again and counted on its one log row; a stored record sent again is a duplicate', async () => {
    const db = await fresh();
    const now = await serverNow(db);
    const lab = await kiosk('LAB204-04', new Date(now.getTime() - 5 * MINUTE));
    await lab.ledger.append(acceptance('ana.lopez'));
    lab.clock.set(now.getTime() + 30 * MINUTE);
    await lab.ledger.append(acceptance('ben.carter'));
    lab.clock.set(now.getTime() - MINUTE);
    await lab.ledger.append(acceptance('carla.diaz'));
    const lines = await lab.lines();
    const s = await store(db);
    const batch = { inserted: 2, duplicates: 0, conflicts: 0, rejected: [2], reasons: [['future']] };
    expect(await s.recordBatch(lines)).toEqual(batch);
    // The same batch again: the stored ones are duplicates, the refused one is refused for the same reason.
    expect(await s.recordBatch(lines)).toEqual({ ...batch, inserted: 0, duplicates: 2 });
    expect(await s.recordBatch(lines.slice(1, 2))).toEqual({ inserted: 0, duplicates: 0, conflicts: 0, rejected: [1], reasons: [['future']] });
    const reporting = await reportingClient(db);
    const { rows } = await reporting.query('SELECT reasons, username, times, id FROM aup_reports.refusals');
    expect(rows).toEqual([{ reasons: ['future'], username: 'ben.carter', times: 3, id: JSON.parse(lines[1]!).id }]);
  });
});

describe('honest ledgers still go through', () => {
  it("the sync: a record refused (the kiosk's clock ran ahead) is named in the kiosk's log with why; the rest of the batch is stored, the cursor moves past it, the chain goes on", async () => {
    const db = await fresh();
    const now = await serverNow(db);
    const lab = await kiosk('LAB204-05', new Date(now.getTime() - 60 * MINUTE));
    await lab.ledger.append(acceptance('ana.lopez'));
    lab.clock.set(now.getTime() + 60 * MINUTE);
    const ahead = await lab.ledger.append(acceptance('ben.carter'));
    lab.clock.set(now.getTime() - 30 * MINUTE);
    await lab.ledger.append(acceptance('carla.diaz'));
    const s = await store(db);
    const log = new MemoryLog();
    const sync = new CentralSync({ dir: lab.dir, sink: s, log });
    expect(await sync.syncOnce()).toEqual({ sent: 3, inserted: 2, duplicates: 0, conflicts: 0, rejected: 1 });
    const said = log.lines.find((l) => l.includes('refused records'));
    expect(said).toContain(`{"line":2,"id":"${ahead.id}","reasons":["future"]}`);
    expect(said).toMatch(/^warn the central database refused records; they stay in the local ledger and are not sent again/);
    const year = ahead.schoolYear;
    expect((await readCursor(lab.dir)).cursor.files[year]).toMatchObject({ lines: 3 });
    // Not sent again, and the records after it keep coming: the refused one kept its place in the chain.
    expect(await sync.syncOnce()).toMatchObject({ sent: 0 });
    await lab.ledger.append(acceptance('dev.patel'));
    expect(await sync.syncOnce()).toEqual({ sent: 1, inserted: 1, duplicates: 0, conflicts: 0, rejected: 0 });
    expect(await hasAccepted(s, 'dev.patel', year)).toBe(true);
    expect(await hasAccepted(s, 'ben.carter', year)).toBe(false);
  });

  it('after a segment restart (lines cut from the file while the kiosk ran, a line edited while it was off), and when everything is sent again', async () => {
    const db = await fresh();
    const now = await serverNow(db);
    const lab = await kiosk('LAB204-06', new Date(now.getTime() - 120 * MINUTE));
    for (const user of ['s1', 's2', 's3', 's4']) {
      await lab.ledger.append(acceptance(user));
      lab.clock.advance(MINUTE);
    }
    const s = await store(db);
    const sync = new CentralSync({ dir: lab.dir, sink: s });
    expect(await sync.syncOnce()).toMatchObject({ inserted: 4 });
    const year = schoolYearOf(lab.clock.now(), CHICAGO);
    const file = path.join(lab.dir, ledgerFileName(year));

    // Two lines cut from the end while the kiosk runs: its next record starts a segment after line 2.
    const before = await lab.lines();
    await truncate(file, Buffer.byteLength(`${before.slice(0, 2).join('\n')}\n`));
    const restart = await lab.ledger.append(acceptance('s5'));
    expect(restart).toMatchObject({ prev: null, segment: { after: sha256Hex(before[1]!) } });
    lab.clock.advance(MINUTE);
    await lab.ledger.append(acceptance('s6'));
    // The sync finds the file shorter and sends it from its start: two duplicates, the segment and the one after it.
    expect(await sync.syncOnce()).toEqual({ sent: 4, inserted: 2, duplicates: 2, conflicts: 0, rejected: 0 });

    // Line 2 edited by hand while the kiosk is off: opened again, the kiosk starts a segment after its last line.
    await lab.ledger.close();
    const lines = await lab.lines();
    await writeFile(file, `${[lines[0], lines[1]!.replace('"typedName":"s2"', '"typedName":"S2"'), ...lines.slice(2)].join('\n')}\n`);
    const reopened = await kiosk('LAB204-06', lab.clock.now(), CHICAGO, lab.dir);
    reopened.clock.advance(MINUTE);
    const next = await reopened.ledger.append(acceptance('s7'));
    expect(next).toMatchObject({ prev: null, segment: { after: sha256Hex(lines.at(-1)!) } });
    expect(await sync.syncOnce()).toEqual({ sent: 1, inserted: 1, duplicates: 0, conflicts: 0, rejected: 0 });

    // The PC's cursor lost: everything sound is sent again and is a duplicate; the edited line is not sent.
    await rm(path.join(lab.dir, CURSOR_FILE));
    expect(await new CentralSync({ dir: lab.dir, sink: s }).syncOnce()).toEqual({ sent: 4, inserted: 0, duplicates: 4, conflicts: 0, rejected: 0 });
    const c = await db.admin();
    try {
      expect((await c.query("SELECT count(*)::int AS n FROM aup.records WHERE machine = 'LAB204-06'")).rows[0].n).toBe(7);
      expect((await c.query('SELECT count(*)::int AS n FROM aup.refusals')).rows[0].n).toBe(0);
    } finally {
      await c.end();
    }
  });

  it('two kiosk processes of one machine sending the same lines at once: each record is stored once, none refused', async () => {
    const db = await fresh();
    const now = await serverNow(db);
    const lab = await kiosk('LAB204-13', new Date(now.getTime() - 120 * MINUTE));
    for (let i = 0; i < 400; i++) {
      await lab.ledger.append(acceptance(`s${i}`));
      lab.clock.advance(1000);
    }
    // Two sync processes over one folder (fast user switching), in small batches that interleave.
    const syncs = [0, 1].map(() => new Child('sync-child.ts', [lab.dir, JSON.stringify(db.kiosk), '20']));
    for (const child of syncs) cleanups.push(() => child.kill());
    await Promise.all(syncs.map((child) => child.waitFor((l) => l.startsWith('drained '), 'a sync to finish')));
    await Promise.all(syncs.map((child) => child.end()));
    expect(syncs.flatMap((child) => child.lines.filter((l) => l.startsWith('error ')))).toEqual([]);
    expect(await db.count("machine = 'LAB204-13'")).toBe(400);
    const c = await db.admin();
    try {
      expect((await c.query('SELECT count(*)::int AS n FROM aup.refusals')).rows[0].n).toBe(0);
    } finally {
      await c.end();
    }
  });

  it('a paper form may name the next school year (signed in July for August) or the year of the date written on it; not any other', async () => {
    const db = await fresh();
    const now = await serverNow(db);
    // The last 20 July and 10 August before the server's today, in Chicago: either side of the turn of the year.
    const local = (year: number, month: number, day: number) => instantOfLocal({ year, month, day }, 'America/Chicago', { hour: 10, minute: 0 });
    const p = localParts(now, 'America/Chicago');
    const y = local(p.year, 8, 10) < now ? p.year : p.year - 1;
    const ending = schoolYearOf(local(y, 7, 20), CHICAGO);
    const starting = nextYear(ending);
    expect(schoolYearOf(local(y, 8, 10), CHICAGO)).toBe(starting);
    const office = await kiosk('OFFICE-01', local(y, 7, 20));
    const paper = { ...acceptance('ana.lopez'), method: 'paper', signer: 'guardian', enteredBy: 'ms.garcia' } as const;
    const s = await store(db);
    const fileLine = async (year: string) => (await readFile(path.join(office.dir, ledgerFileName(year)), 'utf8')).trimEnd().split('\n').at(-1)!;

    // The enrolment packet, signed in July for the year that starts in August.
    await office.ledger.append({ ...paper, schoolYear: starting, signedOn: `${y}-07-18` });
    expect(await judge(s, await fileLine(starting))).toBe('stored');
    // A form signed in May, typed in on 10 August: the date on it says which year.
    office.clock.set(local(y, 8, 10));
    await office.ledger.append({ ...paper, user: 'ben.carter', schoolYear: ending, signedOn: `${y}-05-02` });
    const late = await fileLine(ending);
    expect(await judge(s, late)).toBe('stored');
    // The same, with a date on it from the new year: not the year that ended.
    expect(await judge(s, forge(late, { user: 'carla.diaz', prev: hashOf(late), signedOn: `${y}-08-02` }))).toEqual(['school-year']);
    // Two years on from when it was typed in is no year the form can be for; one year on is (a packet for next year).
    expect(await judge(s, forge(late, { user: 'carla.diaz', prev: null, schoolYear: nextYear(nextYear(starting)) }))).toEqual(['school-year']);
    expect(await judge(s, forge(late, { user: 'dev.patel', prev: null, schoolYear: nextYear(starting) }))).toBe('stored');
  });

  it("the district's time zone decides the year: 11:30 pm on 31 July in Chicago is the year that is ending, whatever UTC says", async () => {
    const db = await fresh();
    const now = await serverNow(db);
    const p = localParts(now, 'America/Chicago');
    let eve = instantOfLocal({ year: p.year, month: 7, day: 31 }, 'America/Chicago', { hour: 23, minute: 30 });
    if (eve > now) eve = instantOfLocal({ year: p.year - 1, month: 7, day: 31 }, 'America/Chicago', { hour: 23, minute: 30 });
    const utc: SchoolYearRule = { timeZone: 'UTC', start: '08-01' };
    expect(schoolYearOf(eve, CHICAGO)).not.toBe(schoolYearOf(eve, utc));
    const s = await store(db);
    const chicago = await kiosk('LAB204-08', eve);
    await chicago.ledger.append(acceptance('ana.lopez'));
    const [local] = await chicago.lines();
    expect(await judge(s, local!)).toBe('stored');
    // The same moment labelled with the UTC year: not this district's year.
    expect(await judge(s, forge(local!, { prev: null, schoolYear: schoolYearOf(eve, utc) }))).toEqual(['school-year']);

    // A district in UTC (as `aup db migrate --config` sets it from district.timeZone): the other way round.
    const admin = await db.admin();
    try {
      await setDistrictRules(admin, { timeZone: 'UTC', schoolYearStart: '08-01', maxUnlockMinutes: 480 });
    } finally {
      await admin.end();
    }
    const london = await kiosk('LAB204-09', eve, utc);
    await london.ledger.append(acceptance('ben.carter'));
    const [inUtc] = (await readFile(path.join(london.dir, ledgerFileName(schoolYearOf(eve, utc))), 'utf8')).trimEnd().split('\n');
    expect(await judge(s, inUtc!)).toBe('stored');
    const other = await kiosk('LAB204-10', eve);
    await other.ledger.append(acceptance('carla.diaz'));
    expect(await judge(s, (await other.lines())[0]!)).toEqual(['school-year']);
  });
});

describe("the district's rules and the DBA's tools", () => {
  it('the settings refuse a time zone PostgreSQL does not know, a day no year has, an unlock limit out of range', async () => {
    const db = await fresh();
    const admin = await db.admin();
    try {
      const code = (rules: Parameters<typeof setDistrictRules>[1]) =>
        setDistrictRules(admin, rules).then(
          () => 'ok',
          (e: { code?: string }) => e.code,
        );
      expect(await code({ timeZone: 'Mars/Olympus_Mons', schoolYearStart: '08-01', maxUnlockMinutes: 480 })).toBe('22023');
      expect(await code({ timeZone: 'America/Chicago', schoolYearStart: '02-29', maxUnlockMinutes: 480 })).toBe('22008');
      expect(await code({ timeZone: 'America/Chicago', schoolYearStart: '8-1', maxUnlockMinutes: 480 })).toBe('23514');
      expect(await code({ timeZone: 'America/Chicago', schoolYearStart: '08-01', maxUnlockMinutes: 0 })).toBe('23514');
      expect(await code({ timeZone: 'Europe/Madrid', schoolYearStart: '09-01', maxUnlockMinutes: 600 })).toBe('ok');
      const { rows } = await admin.query('SELECT time_zone, school_year_start, max_unlock_minutes, clock_skew_seconds FROM aup.settings');
      expect(rows).toEqual([{ time_zone: 'Europe/Madrid', school_year_start: '09-01', max_unlock_minutes: 600, clock_skew_seconds: 300 }]);
      // One row, always.
      expect(
        await admin.query('INSERT INTO aup.settings DEFAULT VALUES').then(
          () => 'ok',
          (e: { code?: string }) => e.code,
        ),
      ).toBe('23505');
    } finally {
      await admin.end();
    }
    // From a machine config: the longest of the unlock, the override and a bell period.
    const lock = { unlockMinutes: 55, maxOverrideMinutes: 120, bellSchedule: [{ name: 'Block', days: ['mon'], start: '08:00', end: '11:30' }] };
    const district = { name: 'x', timeZone: 'America/Denver', schoolYearStart: '07-15', gradeBands: {} };
    expect(districtRulesOf({ district, lock } as unknown as Parameters<typeof districtRulesOf>[0])).toEqual({
      timeZone: 'America/Denver',
      schoolYearStart: '07-15',
      maxUnlockMinutes: 210,
    });
  });

  it("a PC reimaged mid-year (its ledger started afresh under the same name) is refused as 'chain' until the DBA reopens its chain", async () => {
    const db = await fresh();
    const now = await serverNow(db);
    const s = await store(db);
    const before = await kiosk('LAB204-11', new Date(now.getTime() - 90 * MINUTE));
    await before.ledger.append(acceptance('ana.lopez'));
    expect(await new CentralSync({ dir: before.dir, sink: s }).syncOnce()).toMatchObject({ inserted: 1 });

    const after = await kiosk('LAB204-11', new Date(now.getTime() - 30 * MINUTE));
    await after.ledger.append(acceptance('ben.carter'));
    after.clock.advance(MINUTE);
    await after.ledger.append(acceptance('carla.diaz'));
    const sync = new CentralSync({ dir: after.dir, sink: s });
    expect(await sync.syncOnce()).toMatchObject({ sent: 2, inserted: 0, rejected: 2 });

    const year = schoolYearOf(after.clock.now(), CHICAGO);
    const admin = await db.admin();
    try {
      await reopenChain(admin, 'LAB204-11', year);
    } finally {
      await admin.end();
    }
    // The technician has the PC send its ledger again: its first line now starts the chain, and the rest follow.
    await rm(path.join(after.dir, CURSOR_FILE));
    expect(await new CentralSync({ dir: after.dir, sink: s }).syncOnce()).toMatchObject({ sent: 2, inserted: 2, rejected: 0 });
    // Reopened once: the old ledger's chain is not the machine's any more.
    before.clock.advance(MINUTE);
    await before.ledger.append(acceptance('dev.patel'));
    expect(await new CentralSync({ dir: before.dir, sink: s }).syncOnce()).toMatchObject({ sent: 1, rejected: 1 });
  });

  it("a database that has records from before 002 keeps them, and each machine's chain goes on from where its stored records end", async () => {
    const name = `forged${++n}`;
    await bed.server.createDatabase(name);
    const admin = await bed.server.superClient(name);
    cleanups.push(() => admin.end());
    const all = await loadMigrations(checkoutResources().migrations);
    await migrate(
      admin,
      all.filter((m) => m.version === 1),
    );
    const now = (await admin.query<{ now: Date }>('SELECT now() AS now')).rows[0]!.now;
    const lab = await kiosk('LAB204-12', new Date(now.getTime() - 120 * MINUTE));
    const start = lab.clock.now().getTime();
    await lab.ledger.append(acceptance('s1'));
    lab.clock.set(start + 20 * MINUTE);
    await lab.ledger.append(acceptance('s2'));
    // The PC's clock set back 10 minutes: its newest line is not the one with the latest time.
    lab.clock.set(start + 10 * MINUTE);
    await lab.ledger.append(acceptance('s3'));
    const [l1, l2, l3] = await lab.lines();
    // 001 took anything well-formed, a record slipped in after line 1 too.
    const slipped = forge(l1!, { user: 'carla.diaz', prev: hashOf(l1!) });
    const old = await admin.query('SELECT * FROM aup_api.record_batch($1::text[])', [[l1, l2, slipped, l3]]);
    expect(old.rows[0]).toMatchObject({ inserted: 4, rejected: [] });

    expect((await migrate(admin, all)).applied).toEqual([
      '002_checked_records.sql',
      '003_room_grants.sql',
      '004_evidence.sql',
      '005_machine_logins.sql',
    ]);
    expect((await admin.query('SELECT count(*)::int AS n FROM aup.records')).rows[0].n).toBe(4);
    await lab.ledger.append(acceptance('s4'));
    const l4 = (await lab.lines())[3]!;
    const batch = async (lines: string[]) => (await admin.query('SELECT * FROM aup_api.record_batch($1::text[])', [lines])).rows[0];
    // The chain's end is line 3 (of the lines nothing follows, the newest), so the kiosk's next record goes through ...
    expect(await batch([l4])).toMatchObject({ inserted: 1, rejected: [] });
    // ... and nothing more slips in after the old fork, nor after line 1.
    expect(await batch([forge(l2!, { user: 'dev.patel', prev: hashOf(slipped) })])).toMatchObject({ rejected: [1], refusals: ['chain'] });
    expect(await batch([forge(l2!, { user: 'dev.patel', prev: hashOf(l1!) })])).toMatchObject({ rejected: [1], refusals: ['chain'] });
  });
});
