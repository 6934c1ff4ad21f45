// KioskService at district scale against a real PostgreSQL: two kiosk processes as two machines
// (each its own ledger folder), the decision across them, and what the kiosk does when the database
// cannot be reached, hangs, or refuses its password: it records locally and shows the policy.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readFile, readdir } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import path from 'node:path';
import { openKioskService } from '../../../electron/core/setup.ts';
import type { KioskHost, KioskSessionApi } from '../../../electron/core/kiosk/kiosk-service.ts';
import { MemoryLog } from '../../../electron/core/log.ts';
import { ManualClock } from '../../../electron/core/time.ts';
import type { PostgresSettings } from '../../../electron/core/central/kiosk-role/connection.ts';
import { demoConfigIn, tempDir, type TempDir } from '../../support/fixtures.ts';
import { aupDatabase, freePort, startPostgres, type AupDatabase, type PostgresHandle } from '../../../harness/postgres.ts';
import { Child } from './children.ts';
import { SLACK_MS, until } from '../../support/until.ts';

let server: PostgresHandle;
let db: AupDatabase;
let tmp: TempDir;
let n = 0;
const cleanups: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  server = await startPostgres();
  db = await aupDatabase(server, 'district');
  tmp = await tempDir('aup-kiosk-central-');
});
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
});
afterAll(async () => {
  await server?.stop();
  await tmp?.cleanup();
});

/** A machine: its own folder, config (campus, room, central database) and ledger. */
async function machine(room: string, postgres: PostgresSettings = db.kiosk): Promise<{ dir: string; config: string }> {
  const dir = path.join(tmp.dir, `m${++n}`);
  await import('node:fs/promises').then((fs) => fs.mkdir(dir));
  const config = await demoConfigIn(dir, (c) => {
    c.site = { campus: 'Lockhart High School', room };
    c.central = { postgres };
  });
  return { dir, config };
}

async function openKiosk(config: string, log = new MemoryLog()): Promise<{ kiosk: KioskHost; log: MemoryLog }> {
  const kiosk = await openKioskService({ configFile: config, clock: new ManualClock('2026-10-06T15:00:00Z'), log, machine: `PC-${n}` });
  cleanups.push(() => kiosk.close());
  return { kiosk, log };
}

async function accept(s: KioskSessionApi, typedName: string) {
  const v = await s.getView();
  if (v.kind !== 'policy') throw new Error(`expected the policy, got ${v.kind}`);
  const d = v.document;
  return s.acceptPolicy({ policyId: d.policyId, version: d.version, sha256: d.sha256, language: d.language, typedName });
}

async function ledgerText(dir: string): Promise<string> {
  const folder = path.join(dir, 'ledger');
  const files = (await readdir(folder).catch(() => [])).filter((f) => f.endsWith('.jsonl'));
  return (await Promise.all(files.map((f) => readFile(path.join(folder, f), 'utf8')))).join('');
}

/** A student who accepted and acknowledged the rules on a machine of their own, already in the database. */
async function acceptedCentrally(user: string, name: string): Promise<void> {
  const m = await machine('Lab 101');
  const { kiosk } = await openKiosk(m.config);
  const s = kiosk.session(user);
  expect(await accept(s, name)).toEqual({ ok: true });
  const v = await s.getView();
  if (v.kind === 'safety-rules') await s.acknowledgeSafetyRules({ rulesId: v.document.policyId, version: v.document.version });
  await until(
    async () => (await db.count(`username = '${user}' AND type IN ('acceptance', 'safety-ack')`)) >= 2,
    `${user}'s records to reach the database`,
  );
  await kiosk.close();
}

describe('one database for every kiosk', () => {
  it('a student who accepted in Lab 204 is not asked again in the library (two kiosk processes, two ledgers)', async () => {
    const lab = await machine('Lab 204');
    const library = await machine('Library');
    const a = new Child('kiosk-child.ts', [lab.config, 'LAB204-PC07']);
    cleanups.push(() => a.kill());
    await a.waitFor((l) => l === 'ready', 'the lab kiosk');
    expect(await a.ask('view diego.ramos', 'view')).toBe('policy');
    expect(await a.ask('accept diego.ramos Diego Ramos', 'accept')).toBe('ok');
    expect(await a.ask('ack diego.ramos', 'ack')).toBe('ok');
    expect(await a.ask('view diego.ramos', 'view')).toBe('locked');
    await until(async () => (await db.count("username = 'diego.ramos' AND machine = 'LAB204-PC07'")) === 2, 'the lab kiosk to send its records');

    const b = new Child('kiosk-child.ts', [library.config, 'LIBRARY-PC02']);
    cleanups.push(() => b.kill());
    await b.waitFor((l) => l === 'ready', 'the library kiosk');
    // The library's own ledger knows nothing of Diego; the database does.
    expect(await ledgerText(library.dir)).not.toContain('diego.ramos');
    expect(await b.ask('view diego.ramos', 'view')).toBe('locked');
    // Someone who accepted nowhere still sees the policy there.
    expect(await b.ask('view carla.diaz', 'view')).toBe('policy');
    expect(await a.end()).toBe(0);
    expect(await b.end()).toBe(0);
  });

  it('the database stopped: the kiosk shows the policy rather than skipping it, records the acceptance locally, and sends it when the database is back', async () => {
    await acceptedCentrally('fay.olsen', "Fay O'Neil-Olsen");
    const m = await machine('Library');
    const { kiosk, log } = await openKiosk(m.config);
    await server.halt('immediate');
    let restarted = false;
    try {
      const s = kiosk.session('fay.olsen');
      const t = Date.now();
      expect(await s.getView()).toMatchObject({ kind: 'policy' });
      expect(Date.now() - t).toBeLessThan(SLACK_MS);
      expect(await accept(s, "Fay O'Neil-Olsen")).toEqual({ ok: true });
      expect(await ledgerText(m.dir)).toMatch(/"type":"acceptance".*"user":"fay.olsen"/);
      expect(log.lines.join('\n')).toMatch(/central database not answering; deciding from the local ledger/);
      await server.restart();
      restarted = true;
      await until(
        async () => (await db.count("username = 'fay.olsen' AND type = 'acceptance'")) === 2,
        'the acceptance made offline to reach the database',
      );
    } finally {
      if (!restarted) await server.restart();
    }
  });

  it('a database that takes the connection but never answers: the kiosk waits about 1.5 s, shows the policy, and does not wait again on the next look', async () => {
    await acceptedCentrally('eli.brooks', 'Eli Brooks');
    const held = new Set<Socket>();
    const silent: Server = createServer((socket) => held.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    cleanups.push(
      () =>
        new Promise<void>((resolve) => {
          for (const s of held) s.destroy();
          silent.close(() => resolve());
        }),
    );
    const port = (silent.address() as { port: number }).port;
    const m = await machine('Library', { ...db.kiosk, connectionString: `postgres://aup_kiosk@127.0.0.1:${port}/district` });
    const { kiosk, log } = await openKiosk(m.config);
    const s = kiosk.session('eli.brooks');
    let t = Date.now();
    expect(await s.getView()).toMatchObject({ kind: 'policy' });
    const waited = Date.now() - t;
    expect(waited).toBeGreaterThanOrEqual(1_000);
    expect(waited).toBeLessThan(1_500 + SLACK_MS);
    t = Date.now();
    expect(await s.getView()).toMatchObject({ kind: 'policy' });
    expect(Date.now() - t).toBeLessThan(1_500); // not the 1.5 s wait again
    expect(log.lines.join('\n')).toMatch(/did not answer within 1500 ms/);
  });

  it('nothing listening at the address: the policy is shown at once', async () => {
    const m = await machine('Library', { ...db.kiosk, connectionString: `postgres://aup_kiosk@127.0.0.1:${await freePort()}/district` });
    const { kiosk, log } = await openKiosk(m.config);
    expect(await kiosk.session('dev.patel').getView()).toMatchObject({ kind: 'policy' });
    expect(log.lines.join('\n')).toMatch(/cannot be reached \(connection refused/);
  });

  it('a wrong password: a clear error in the log, never the password; the kiosk records and decides locally', async () => {
    await acceptedCentrally('gia.nguyen', 'Gia Nguyen');
    const wrong = server.secretFile('kiosk-wrong.password', 'wrong-password-123\n');
    const m = await machine('Library', { ...db.kiosk, passwordFile: wrong });
    const { kiosk, log } = await openKiosk(m.config);
    const s = kiosk.session('gia.nguyen');
    // Accepted centrally, but this kiosk cannot ask: the policy again, rather than a guess.
    expect(await s.getView()).toMatchObject({ kind: 'policy' });
    expect(await accept(s, 'Gia Nguyen')).toEqual({ ok: true });
    expect(await s.getView()).toMatchObject({ kind: 'safety-rules' });
    await until(async () => log.lines.some((l) => l.includes('central sync failed')), 'the sync to report its failure');
    const text = log.lines.join('\n');
    expect(text).toMatch(
      /refused the sign-in \(password authentication failed for user \\"aup_kiosk\\"\): check the role in the connection string and the password file/,
    );
    expect(text).not.toContain('wrong-password-123');
    expect(await ledgerText(m.dir)).toMatch(/"user":"gia.nguyen"/);
    expect(await db.count(`machine = 'PC-${n}'`)).toBe(0);
  });
});
