// One throwaway PostgreSQL cluster for a test file (harness/postgres.ts), a temp folder beside it, and
// the clean-ups a test registers (run newest first after each test). `postgresBed()` registers the
// hooks, so call it at the top of a test file; `fresh()` gives each test a database of its own.
import { afterAll, afterEach, beforeAll } from 'vitest';
import { aupDatabase, startPostgres, type AupDatabase, type PostgresHandle } from '../../harness/postgres.ts';
import { tempDir, type TempDir } from './fixtures.ts';

export interface PostgresBed {
  /** The cluster (started before the file's first test). */
  readonly server: PostgresHandle;
  /** The temp folder of the file's tests. */
  readonly dir: string;
  /** Run after each test, newest first; a failing one does not stop the others. */
  readonly cleanups: (() => Promise<unknown>)[];
  /** A new AUP database, migrated, named `<prefix><n>`. */
  fresh(): Promise<AupDatabase>;
}

export function postgresBed(prefix: string): PostgresBed {
  let server: PostgresHandle | undefined;
  let tmp: TempDir | undefined;
  let n = 0;
  const cleanups: (() => Promise<unknown>)[] = [];
  const started = <T>(x: T | undefined, what: string): T => {
    if (x === undefined) throw new Error(`postgresBed: ${what} is used before the file's beforeAll`);
    return x;
  };

  beforeAll(async () => {
    server = await startPostgres();
    tmp = await tempDir(`aup-${prefix}-`);
  });
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
  });
  afterAll(async () => {
    await server?.stop();
    await tmp?.cleanup();
  });

  return {
    get server() {
      return started(server, 'the server');
    },
    get dir() {
      return started(tmp, 'the temp folder').dir;
    },
    cleanups,
    fresh: () => aupDatabase(started(server, 'the server'), `${prefix.replace(/\W/g, '')}${++n}`),
  };
}
