// Least privilege in a real PostgreSQL: the kiosk role may call two functions and read nothing; the
// reporting role may read one view; passwords come from files; TLS is verified against the CA.
// "A student who finds the kiosk's connection string learns nothing about other students."
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { clientConfig, describeDbError, type PostgresSettings } from '../../../electron/core/central/kiosk-role/connection.ts';
import { CentralStore } from '../../../electron/core/central/kiosk-role/store.ts';
import { aupDatabase, startPostgres, TEST_MACHINE, writeLedgerFile, type AupDatabase, type PostgresHandle } from '../../../harness/postgres.ts';
import { tempDir, type TempDir } from '../../support/fixtures.ts';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ledgerFileName } from '../../../electron/core/ledger/files.ts';

let server: PostgresHandle;
let db: AupDatabase;
let tmp: TempDir;

beforeAll(async () => {
  server = await startPostgres({ tls: true });
  db = await aupDatabase(server, 'aup');
  tmp = await tempDir('aup-privileges-');
});
afterAll(async () => {
  await server?.stop();
  await tmp?.cleanup();
});

async function connect(settings: PostgresSettings): Promise<pg.Client> {
  const client = new pg.Client(await clientConfig(settings));
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

/** The SQLSTATE of a statement's failure, or 'ok'. */
async function outcome(client: pg.Client, sql: string, values: unknown[] = []): Promise<string> {
  try {
    await client.query(sql, values);
    return 'ok';
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  }
}

/** Ledger lines as the kiosk's ledger writes them: a machine of their own, so each starts its chain. */
async function lines(count: number, prefix: string): Promise<string[]> {
  const dir = path.join(tmp.dir, prefix);
  await writeLedgerFile(dir, { count, userPrefix: prefix, machine: { ...TEST_MACHINE, machine: `PC-${prefix}` } });
  return (await readFile(path.join(dir, ledgerFileName('2026-27')), 'utf8')).trimEnd().split('\n');
}

describe('the kiosk role', () => {
  it('cannot SELECT any table or view: permission denied', async () => {
    const store = await CentralStore.open(db.kiosk);
    await store.recordBatch(await lines(3, 'sel'));
    await store.close();
    const kiosk = await connect(db.kiosk);
    try {
      for (const table of [
        'aup.records',
        'aup_reports.records',
        'public.schema_migrations',
        'aup.refusals',
        'aup_reports.refusals',
        'aup.chain_links',
        'aup.settings',
      ]) {
        const error = await kiosk.query(`SELECT * FROM ${table}`).then(
          () => null,
          (e: Error & { code?: string }) => e,
        );
        expect(error?.code, table).toBe('42501');
        expect(error?.message, table).toMatch(/permission denied/);
      }
      // Nor change what is stored, nor reach the insert behind record_batch.
      expect(await outcome(kiosk, 'DELETE FROM aup.records')).toBe('42501');
      expect(await outcome(kiosk, "UPDATE aup.records SET username = 'x'")).toBe('42501');
      // Nor move the district's clock rules, nor reopen a chain, nor wipe the refusals.
      expect(await outcome(kiosk, "UPDATE aup.settings SET time_zone = 'UTC'")).toBe('42501');
      expect(await outcome(kiosk, "SELECT aup.reopen_chain('PC-sel', '2026-27')")).toBe('42501');
      expect(await outcome(kiosk, 'DELETE FROM aup.refusals')).toBe('42501');
      expect(await outcome(kiosk, 'SELECT * FROM aup.insert_lines($1)', [[]])).toBe('42501');
      expect(await outcome(kiosk, 'CREATE TABLE aup_api.mine (v text)')).toBe('42501');
      expect(await outcome(kiosk, 'CREATE TEMP TABLE mine (v text)')).toBe('42501');
    } finally {
      await kiosk.end();
    }
  });

  it('can only record a batch and ask one yes-or-no question about one user', async () => {
    const kiosk = await connect(db.kiosk);
    try {
      const batch = await lines(3, 'q');
      const recorded = await kiosk.query('SELECT * FROM aup_api.record_batch($1::text[])', [batch]);
      expect(recorded.rows).toEqual([{ inserted: 3, duplicates: 0, conflicts: 0, rejected: [], refusals: [] }]);
      const ask = (user: string, policy: string, version: string | null) =>
        kiosk.query('SELECT aup_api.has_accepted($1, $2, $3, $4) AS yes', [user, policy, version, '2026-27']).then((r) => r.rows[0].yes);
      expect(await ask('q000000', 'student-aup', '2026-27')).toBe(true);
      expect(await ask('Q000000', 'student-aup', '2026-27')).toBe(true); // user names are compared lower-case
      expect(await ask('q000000', 'student-aup', '2025-26')).toBe(false);
      expect(await ask('q000001', 'student-aup', '2026-27')).toBe(false); // acknowledged the rules, did not accept
      expect(await ask('q000001', 'safety-rules-secondary', null)).toBe(true);
      expect(await ask('q000002', 'student-aup', '2026-27')).toBe(false); // an unlock is not an acceptance
      // Exactly these functions, each SECURITY DEFINER with a fixed search_path; nothing else to call:
      // record and ask (001, 002), and the class period's room grants and presence (003).
      const callable = await kiosk.query(
        `SELECT p.oid::regprocedure::text AS fn, p.prosecdef AS definer, p.proconfig AS config
         FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
         WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND has_function_privilege(p.oid, 'EXECUTE')
         ORDER BY 1`,
      );
      expect(callable.rows).toEqual([
        { fn: 'aup_api.end_room(text,text,text,text)', definer: true, config: ['search_path=pg_catalog, pg_temp'] },
        { fn: 'aup_api.has_accepted(text,text,text,text)', definer: true, config: ['search_path=pg_catalog, pg_temp'] },
        {
          fn: 'aup_api.open_room(text,text,text,text,text,text,text,integer,timestamp with time zone)',
          definer: true,
          config: ['search_path=pg_catalog, pg_temp'],
        },
        { fn: 'aup_api.record_batch(text[])', definer: true, config: ['search_path=pg_catalog, pg_temp'] },
        // presence is not evidence: its commits need not wait for the disk
        {
          fn: 'aup_api.report_presence(text,text,text,text,text,integer,text,text[])',
          definer: true,
          config: ['search_path=pg_catalog, pg_temp', 'synchronous_commit=off'],
        },
        { fn: 'aup_api.room_grants(text,text)', definer: true, config: ['search_path=pg_catalog, pg_temp'] },
        { fn: 'aup_api.room_presence(text,text)', definer: true, config: ['search_path=pg_catalog, pg_temp'] },
      ]);
      const readable = await kiosk.query(
        `SELECT c.oid::regclass::text AS rel FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') AND c.relkind IN ('r', 'v', 'm', 'p')
           AND has_table_privilege(c.oid, 'SELECT')`,
      );
      expect(readable.rows).toEqual([]);
      // Its commits are durable before they are confirmed, though this test server's default is off.
      expect((await kiosk.query('SHOW synchronous_commit')).rows).toEqual([{ synchronous_commit: 'on' }]);
    } finally {
      await kiosk.end();
    }
  });

  it('cannot overwrite a stored record: the same id with other content is a conflict, the first copy kept', async () => {
    const kiosk = await connect(db.kiosk);
    try {
      const [first] = await lines(1, 'ow');
      await kiosk.query('SELECT * FROM aup_api.record_batch($1::text[])', [[first]]);
      // A forged line with the same id and its hash recomputed (anyone can): refused as a conflict.
      const { encodeLine } = await import('../../../electron/core/ledger/chain.ts');
      const { hash: _hash, ...record } = JSON.parse(first!);
      const forged = encodeLine({ ...record, version: '2099-00' })
        .line.toString('utf8')
        .trimEnd();
      const r = await kiosk.query('SELECT * FROM aup_api.record_batch($1::text[])', [[forged]]);
      expect(r.rows).toEqual([{ inserted: 0, duplicates: 0, conflicts: 1, rejected: [], refusals: [] }]);
      expect(await db.count(`id = '${record.id}' AND version = '2026-27'`)).toBe(1);
    } finally {
      await kiosk.end();
    }
  });

  it('a line whose content does not match its hash is refused; the rest of the batch is kept', async () => {
    const kiosk = await connect(db.kiosk);
    try {
      const batch = await lines(4, 'tamper');
      const edited = batch[1]!.replace('"user":"tamper000001"', '"user":"someone-else"');
      const notJson = '{"hash":"' + 'a'.repeat(64) + '",' + 'x'.repeat(100);
      const badDate = (await import('../../../electron/core/ledger/chain.ts'))
        .encodeLine({ ...JSON.parse(batch[3]!), hash: undefined, id: crypto.randomUUID(), at: '2026-02-30T10:00:00.000-06:00' })
        .line.toString('utf8')
        .trimEnd();
      // Each refused line among the real ones, which still follow each other as their chain does.
      const r = await kiosk.query('SELECT * FROM aup_api.record_batch($1::text[])', [[batch[0], edited, batch[1], notJson, batch[2], badDate]]);
      expect(r.rows).toEqual([{ inserted: 3, duplicates: 0, conflicts: 0, rejected: [2, 4, 6], refusals: ['malformed', 'malformed', 'malformed'] }]);
      expect(await db.count("username = 'someone-else'")).toBe(0);
    } finally {
      await kiosk.end();
    }
  });
});

describe('the reporting role', () => {
  it('reads the report view, not the table, and cannot record or ask as a kiosk', async () => {
    const reporting = await connect(db.reporting);
    try {
      expect(await outcome(reporting, 'SELECT count(*) FROM aup_reports.records')).toBe('ok');
      expect(await outcome(reporting, 'SELECT * FROM aup.records')).toBe('42501');
      expect(await outcome(reporting, 'SELECT count(*) FROM aup_reports.refusals')).toBe('ok');
      expect(await outcome(reporting, 'SELECT * FROM aup.refusals')).toBe('42501');
      expect(await outcome(reporting, "UPDATE aup.settings SET time_zone = 'UTC'")).toBe('42501');
      expect(await outcome(reporting, 'SELECT * FROM aup_api.record_batch($1::text[])', [[]])).toBe('42501');
      expect(await outcome(reporting, "SELECT aup_api.has_accepted('a', 'b', 'c', '2026-27')")).toBe('42501');
      expect(await outcome(reporting, 'INSERT INTO aup_reports.records (id) VALUES (gen_random_uuid())')).toBe('42501');
      // The view leaves out the ledger line itself.
      const columns = await reporting.query(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = 'aup_reports' AND table_name = 'records'",
      );
      expect(columns.rows.map((c) => c.column_name)).not.toContain('line');
      const refusalColumns = await reporting.query(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = 'aup_reports' AND table_name = 'refusals'",
      );
      expect(refusalColumns.rows.map((c) => c.column_name)).toEqual(expect.arrayContaining(['reasons', 'username', 'machine', 'times']));
      expect(refusalColumns.rows.map((c) => c.column_name)).not.toContain('line');
    } finally {
      await reporting.end();
    }
  });
});

describe('signing in', () => {
  it('a wrong password is refused with a sentence that says what to check, and never shows the password', async () => {
    const wrong = server.secretFile('wrong.password', 'not-the-password\n');
    const store = await CentralStore.open({ ...db.kiosk, passwordFile: wrong });
    try {
      const error = await store.hasAccepted({ user: 'a', policyId: 'student-aup', version: '2026-27', schoolYear: '2026-27' }).then(
        () => null,
        (e: unknown) => e,
      );
      expect((error as { code?: string }).code).toBe('28P01');
      const said = describeDbError(error);
      expect(said).toMatch(
        /refused the sign-in .*password authentication failed for user "aup_kiosk".*check the role in the connection string and the password file/,
      );
      expect(said).not.toContain('not-the-password');
    } finally {
      await store.close();
    }
  });

  it('a password inside the connection string is refused before anything is sent', async () => {
    await expect(clientConfig({ connectionString: `postgres://aup_kiosk:${db.kioskPassword}@127.0.0.1:${server.port}/aup` })).rejects.toThrow(
      /must not hold a password/,
    );
    await expect(clientConfig({ connectionString: `postgres://aup_kiosk@127.0.0.1:${server.port}/aup?password=x` })).rejects.toThrow(
      /must not hold a password/,
    );
  });

  it('TLS is verified against caFile: the right CA connects encrypted, another CA is refused', async () => {
    const tls = await connect({ ...db.kiosk, caFile: server.caFile! });
    try {
      const { rows } = await tls.query('SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()');
      expect(rows).toEqual([{ ssl: true }]);
    } finally {
      await tls.end();
    }
    const other = await startPostgres({ tls: true });
    try {
      const error = await connect({ ...db.kiosk, caFile: other.caFile! }).then(
        (c) => c.end().then(() => null),
        (e: unknown) => e,
      );
      expect(error).not.toBeNull();
      expect(describeDbError(error)).toMatch(/TLS certificate was not trusted|certificate/);
    } finally {
      await other.stop();
    }
    const config = await clientConfig({ ...db.kiosk, caFile: server.caFile! });
    expect(config.ssl).toMatchObject({ rejectUnauthorized: true });
    expect(typeof (config.ssl as { ca: string }).ca).toBe('string');
  });
});
