// The central database's schema, one versioned SQL file at a time (migrations/NNN_name.sql), applied
// in order by a small runner: each file in its own transaction, recorded with its checksum in
// public.schema_migrations, under an advisory lock so two migrators never race (the second waits,
// then finds nothing to do). A file changed after it was applied is refused, never re-run: the
// database would no longer be what the files say it is.
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type pg from 'pg';

/** Any 64-bit number both migrators agree on; this one is "AUPKIOSK" in ASCII. */
export const MIGRATION_LOCK_KEY = '4707656853153761099';

export interface Migration {
  version: number;
  name: string;
  file: string;
  sql: string;
  checksum: string;
}

export class MigrationError extends Error {
  override name = 'MigrationError';
}

const FILE_RE = /^(\d{3,})_([a-z0-9_]+)\.sql$/;

/** Line endings normalized: a Windows checkout (CRLF) is the same migration. */
export function checksumOf(sql: string): string {
  return createHash('sha256').update(sql.replace(/\r\n/g, '\n'), 'utf8').digest('hex');
}

/** The migration files of a folder, in version order. Two files with one version are refused. */
/** `dir`: the migrations folder (Resources.migrations: the checkout's, or what the packaged app ships). */
export async function loadMigrations(dir: string): Promise<Migration[]> {
  const names = (await readdir(dir)).filter((n) => n.endsWith('.sql')).sort();
  const migrations: Migration[] = [];
  for (const name of names) {
    const m = FILE_RE.exec(name);
    if (!m) throw new MigrationError(`${name}: a migration is named like 001_records.sql (digits, underscore, lower-case name)`);
    const version = Number(m[1]);
    const same = migrations.find((x) => x.version === version);
    if (same) throw new MigrationError(`${name} and ${same.file} have the same version ${version}`);
    const sql = await readFile(path.join(dir, name), 'utf8');
    migrations.push({ version, name: m[2]!, file: name, sql, checksum: checksumOf(sql) });
  }
  return migrations;
}

export interface MigrateResult {
  /** Files applied by this run, in order. */
  applied: string[];
  /** Files that were already applied (their checksums verified). */
  current: string[];
}

export interface MigrateOptions {
  /** Told of each file as it is applied. */
  onApply?: (file: string) => void;
  /** How long to wait for another migrator before giving up (default 60 s). */
  lockTimeoutMs?: number;
}

const BOOTSTRAP = `
CREATE TABLE IF NOT EXISTS public.schema_migrations (
  version    integer     PRIMARY KEY,
  name       text        NOT NULL,
  checksum   text        NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now(),
  applied_by text        NOT NULL DEFAULT current_user
);
REVOKE ALL ON public.schema_migrations FROM PUBLIC;`;

/** Applies the pending migrations on `client` (an admin connection, not in a transaction). */
export async function migrate(client: pg.ClientBase, migrations: Migration[], options: MigrateOptions = {}): Promise<MigrateResult> {
  await takeLock(client, options.lockTimeoutMs ?? 60_000);
  try {
    await client.query(BOOTSTRAP);
    const { rows } = await client.query<{ version: number; name: string; checksum: string }>(
      'SELECT version, name, checksum FROM public.schema_migrations ORDER BY version',
    );
    const byVersion = new Map(migrations.map((m) => [m.version, m]));
    const current: string[] = [];
    for (const row of rows) {
      const m = byVersion.get(row.version);
      if (!m) {
        throw new MigrationError(
          `the database has migration ${String(row.version).padStart(3, '0')}_${row.name}, which this version of AUP Kiosk does not have: use the newer version that applied it`,
        );
      }
      if (m.checksum !== row.checksum) {
        throw new MigrationError(
          `${m.file} was changed after it was applied to this database (checksum ${row.checksum.slice(0, 12)}… then, ${m.checksum.slice(0, 12)}… now); restore it and put the change in a new migration`,
        );
      }
      current.push(m.file);
    }
    const done = new Set(rows.map((r) => r.version));
    const applied: string[] = [];
    for (const m of migrations) {
      if (done.has(m.version)) continue;
      options.onApply?.(m.file);
      await applyOne(client, m);
      applied.push(m.file);
    }
    return { applied, current };
  } finally {
    await client.query('SELECT pg_advisory_unlock($1::bigint)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
  }
}

async function takeLock(client: pg.ClientBase, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { rows } = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1::bigint) AS ok', [MIGRATION_LOCK_KEY]);
    if (rows[0]?.ok) return;
    if (Date.now() > deadline)
      throw new MigrationError(`another migrator has held the migration lock for ${Math.round(timeoutMs / 1000)} s; try again once it is done`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function applyOne(client: pg.ClientBase, m: Migration): Promise<void> {
  await client.query('BEGIN');
  try {
    await client.query(m.sql);
    // A migration may SET LOCAL ROLE to create objects as their owner; the bookkeeping is the migrator's.
    await client.query('RESET ROLE');
    await client.query('INSERT INTO public.schema_migrations (version, name, checksum) VALUES ($1, $2, $3)', [m.version, m.name, m.checksum]);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    const e = error as Error & { position?: string; code?: string };
    const where = e.position ? ` (at line ${lineOf(m.sql, Number(e.position))})` : '';
    throw new MigrationError(`${m.file} failed and was rolled back${where}: ${e.message}`, { cause: error });
  }
}

function lineOf(text: string, position: number): number {
  return text.slice(0, Math.max(0, position - 1)).split('\n').length;
}
