// The migration runner against a real PostgreSQL: versioned files applied in order, each in its own
// transaction, checksums verified, and an advisory lock so two migrators never race.
import { checkoutResources } from '../../../electron/core/config/resources.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type pg from 'pg';
import { loadMigrations, migrate, MigrationError } from '../../../electron/core/central/admin-role/migrate.ts';
import { startPostgres, type PostgresHandle } from '../../../harness/postgres.ts';
import { tempDir, type TempDir } from '../../support/fixtures.ts';

let server: PostgresHandle;
let tmp: TempDir;
let n = 0;

beforeAll(async () => {
  server = await startPostgres();
  tmp = await tempDir('aup-migrations-');
});
afterAll(async () => {
  await server?.stop();
  await tmp?.cleanup();
});

/** A fresh database and a folder of migration files. */
async function fixture(files: Record<string, string>): Promise<{ db: string; dir: string; client: () => Promise<pg.Client> }> {
  const db = `m${++n}`;
  await server.createDatabase(db);
  const dir = path.join(tmp.dir, db);
  await mkdir(dir);
  for (const [name, sql] of Object.entries(files)) await writeFile(path.join(dir, name), sql);
  return { db, dir, client: () => server.superClient(db) };
}

async function rows<T extends pg.QueryResultRow>(client: pg.Client, sql: string): Promise<T[]> {
  return (await client.query<T>(sql)).rows;
}

describe('the schema migrations', () => {
  it('applies every file in version order, once, and records each with its checksum', async () => {
    const f = await fixture({
      '002_fill.sql': "INSERT INTO t (v) VALUES ('second');",
      '001_create.sql': 'CREATE TABLE t (n serial PRIMARY KEY, v text NOT NULL);',
      '010_more.sql': "INSERT INTO t (v) VALUES ('tenth');",
    });
    const c = await f.client();
    try {
      const migrations = await loadMigrations(f.dir);
      expect(await migrate(c, migrations)).toEqual({ applied: ['001_create.sql', '002_fill.sql', '010_more.sql'], current: [] });
      expect(await rows(c, 'SELECT v FROM t ORDER BY n')).toEqual([{ v: 'second' }, { v: 'tenth' }]);
      const recorded = await rows<{ version: number; checksum: string }>(c, 'SELECT version, checksum FROM schema_migrations ORDER BY version');
      expect(recorded).toEqual(migrations.map((m) => ({ version: m.version, checksum: m.checksum })));
      // A second run finds nothing to do and changes nothing.
      expect(await migrate(c, await loadMigrations(f.dir))).toEqual({ applied: [], current: ['001_create.sql', '002_fill.sql', '010_more.sql'] });
      expect(await rows(c, 'SELECT count(*)::int AS n FROM t')).toEqual([{ n: 2 }]);
    } finally {
      await c.end();
    }
  });

  it('a file changed after it was applied is refused by its checksum, and nothing after it is applied', async () => {
    const f = await fixture({ '001_create.sql': 'CREATE TABLE t (v text);' });
    const c = await f.client();
    try {
      await migrate(c, await loadMigrations(f.dir));
      await writeFile(path.join(f.dir, '001_create.sql'), 'CREATE TABLE t (v text, w text);');
      await writeFile(path.join(f.dir, '002_next.sql'), 'CREATE TABLE u (v text);');
      const attempt = migrate(c, await loadMigrations(f.dir));
      await expect(attempt).rejects.toThrow(MigrationError);
      await expect(attempt).rejects.toThrow(/001_create\.sql was changed after it was applied/);
      expect(await rows(c, "SELECT to_regclass('public.u') AS u")).toEqual([{ u: null }]);
    } finally {
      await c.end();
    }
  });

  it('the same file with Windows line endings is the same migration', async () => {
    const f = await fixture({ '001_create.sql': 'CREATE TABLE t (v text);\nCREATE TABLE u (v text);\n' });
    const c = await f.client();
    try {
      await migrate(c, await loadMigrations(f.dir));
      await writeFile(path.join(f.dir, '001_create.sql'), 'CREATE TABLE t (v text);\r\nCREATE TABLE u (v text);\r\n');
      expect(await migrate(c, await loadMigrations(f.dir))).toEqual({ applied: [], current: ['001_create.sql'] });
    } finally {
      await c.end();
    }
  });

  it('a migration that fails is rolled back whole and not recorded; the ones before it stay', async () => {
    const f = await fixture({
      '001_ok.sql': 'CREATE TABLE t (v text);',
      '002_broken.sql': "CREATE TABLE half (v text);\nINSERT INTO t VALUES ('x');\nSELECT * FROM no_such_table;",
    });
    const c = await f.client();
    try {
      await expect(migrate(c, await loadMigrations(f.dir))).rejects.toThrow(
        /002_broken\.sql failed and was rolled back \(at line 3\): relation "no_such_table" does not exist/,
      );
      expect(await rows(c, 'SELECT version FROM schema_migrations')).toEqual([{ version: 1 }]);
      expect(await rows(c, "SELECT to_regclass('public.half') AS half, (SELECT count(*)::int FROM t) AS n")).toEqual([{ half: null, n: 0 }]);
      // Fixed, it applies on the next run.
      await writeFile(path.join(f.dir, '002_broken.sql'), 'CREATE TABLE half (v text);');
      expect((await migrate(c, await loadMigrations(f.dir))).applied).toEqual(['002_broken.sql']);
    } finally {
      await c.end();
    }
  });

  it('two migrators at once: one applies each file, the other waits for its lock and finds nothing to do', async () => {
    // Not idempotent on purpose: run twice, the CREATE TABLE fails and the INSERT doubles.
    const f = await fixture({
      '001_slow.sql': 'CREATE TABLE t (v text); SELECT pg_sleep(0.4);',
      '002_fill.sql': "INSERT INTO t VALUES ('once');",
    });
    const [a, b] = [await f.client(), await f.client()];
    try {
      const migrations = await loadMigrations(f.dir);
      const [ra, rb] = await Promise.all([migrate(a, migrations), migrate(b, migrations)]);
      expect([...ra.applied, ...rb.applied].sort()).toEqual(['001_slow.sql', '002_fill.sql']);
      expect([ra.applied.length, rb.applied.length].sort()).toEqual([0, 2]);
      expect(await rows(a, 'SELECT count(*)::int AS n FROM t')).toEqual([{ n: 1 }]);
      expect(await rows(a, 'SELECT count(*)::int AS n FROM schema_migrations')).toEqual([{ n: 2 }]);
    } finally {
      await a.end();
      await b.end();
    }
  });

  it('a database that has a migration this version does not know is refused (never downgraded)', async () => {
    const f = await fixture({ '001_a.sql': 'CREATE TABLE a (v text);', '002_b.sql': 'CREATE TABLE b (v text);' });
    const c = await f.client();
    try {
      await migrate(c, await loadMigrations(f.dir));
      const older = (await loadMigrations(f.dir)).filter((m) => m.version === 1);
      await expect(migrate(c, older)).rejects.toThrow(/has migration 002_b, which this version of AUP Kiosk does not have/);
    } finally {
      await c.end();
    }
  });

  it('misnamed or clashing files are refused before anything runs', async () => {
    const bad = await fixture({ '1-first.sql': 'SELECT 1;' });
    await expect(loadMigrations(bad.dir)).rejects.toThrow(/named like 001_records\.sql/);
    const clash = await fixture({ '001_a.sql': 'SELECT 1;', '0001_b.sql': 'SELECT 1;' });
    await expect(loadMigrations(clash.dir)).rejects.toThrow(/same version 1/);
  });

  it('the bundled migrations apply to an empty database, and again to a second one in the same cluster', async () => {
    for (const db of ['bundled_a', 'bundled_b']) {
      await server.createDatabase(db);
      const c = await server.superClient(db);
      try {
        const result = await migrate(c, await loadMigrations(checkoutResources().migrations));
        expect(result.applied).toContain('001_records.sql');
        const objects = await rows(
          c,
          "SELECT to_regclass('aup.records')::text AS records, to_regclass('aup_reports.records')::text AS view, to_regprocedure('aup_api.record_batch(text[])')::text AS record_batch, to_regprocedure('aup_api.has_accepted(text,text,text,text)')::text AS has_accepted",
        );
        expect(objects).toEqual([
          {
            records: 'aup.records',
            view: 'aup_reports.records',
            record_batch: 'aup_api.record_batch(text[])',
            has_accepted: 'aup_api.has_accepted(text,text,text,text)',
          },
        ]);
        expect(await rows(c, "SELECT rolname FROM pg_roles WHERE rolname LIKE 'aup\\_%' ORDER BY rolname")).toEqual([
          { rolname: 'aup_kiosk' },
          { rolname: 'aup_owner' },
          { rolname: 'aup_reporting' },
        ]);
      } finally {
        await c.end();
      }
    }
  });
});
