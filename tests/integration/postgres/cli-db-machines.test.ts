// `aup db machine add|remove|list`, `aup db require-machine-roles` and `aup db reopen-chain` against a
// real PostgreSQL, run in-process through the CLI's own entry (runCli) with real files: each does
// what it says, prints what the technician does next, and bad input is exit 2 naming the problem.
import { beforeAll, describe, expect, it } from 'vitest';
import { rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { runCli } from '../../../electron/core/cli/main.ts';
import type { CliIo } from '../../../electron/core/cli/io.ts';
import { checkoutResources } from '../../../electron/core/config/resources.ts';
import { CURSOR_FILE } from '../../../electron/core/central/kiosk-role/cursor.ts';
import type { PostgresSettings } from '../../../electron/core/central/kiosk-role/connection.ts';
import { CentralStore } from '../../../electron/core/central/kiosk-role/store.ts';
import { CentralSync } from '../../../electron/core/central/kiosk-role/sync.ts';
import { freePort, type AupDatabase } from '../../../harness/postgres.ts';
import { postgresBed } from '../../support/postgres-bed.ts';
import { acceptance, kioskLedger, serverNow, type KioskLedger } from './kiosk-ledger.ts';

const MINUTE = 60_000;

const bed = postgresBed('cli-db-machines');
const { cleanups } = bed;
let db: AupDatabase;
let n = 0;

beforeAll(async () => {
  db = await bed.fresh();
});

const admin = () => ['--admin-url', bed.server.url(db.name), '--admin-password-file', bed.server.superPasswordFile];

async function aup(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    out: (t) => void (stdout += t),
    err: (t) => void (stderr += t),
    readStdin: async () => '',
    env: { AUP_KIOSK_CONFIG: '' },
    now: () => new Date(),
    resources: checkoutResources(),
  };
  const code = await runCli(argv, io);
  return { code, stdout, stderr };
}

function file(name: string): string {
  return path.join(bed.dir, `${++n}-${name}`);
}

/** What `machine add` told the technician to put in the PC's config, with the password file's real path. */
function pcSettings(stdout: string, passwordFile: string): PostgresSettings {
  const line = stdout.split('\n').find((l) => l.trim().startsWith('"central":'));
  expect(line, stdout).toBeDefined();
  const central = JSON.parse(`{${line!.trim()}}`).central as { postgres: PostgresSettings };
  expect(central.postgres.passwordFile).toBe(path.basename(passwordFile));
  return { ...central.postgres, passwordFile };
}

async function store(settings: PostgresSettings): Promise<CentralStore> {
  const s = await CentralStore.open(settings, { decisionTimeoutMs: 10_000 });
  cleanups.push(() => s.close());
  return s;
}

/** Has `user` (by default someone who never accepted) accepted? A question any kiosk login may ask. */
const ask = (s: CentralStore, user = 'nobody.yet', schoolYear = '2026-27') =>
  s.hasAccepted({ user, policyId: 'student-aup', version: '2026-27', schoolYear });

function kiosk(machine: string, at: Date): Promise<KioskLedger> {
  return kioskLedger(path.join(bed.dir, `${machine}-${++n}`), machine, at, cleanups);
}

describe('aup db machine add', () => {
  it("writes a new password to the file (mode 0600) and prints the PC's config, with which the PC signs in and writes its own records", async () => {
    const passwordFile = file('LAB204-31.password');
    const r = await aup(['db', 'machine', 'add', 'LAB204-31', '--password-file', passwordFile, ...admin()]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`LAB204-31 has a new database login, aup_pc_lab204_31, with the password just written to ${passwordFile} (mode 0600)`);
    expect(r.stdout).toContain('+aup_kiosk');
    expect((await stat(passwordFile)).mode & 0o777).toBe(0o600);
    const settings = pcSettings(r.stdout, passwordFile);
    expect(settings.connectionString).toBe(`postgres://aup_pc_lab204_31@127.0.0.1:${bed.server.port}/${db.name}`);

    const pc = await kiosk('LAB204-31', new Date((await serverNow(db.admin)).getTime() - 10 * MINUTE));
    await pc.ledger.append(acceptance('ana.lopez'));
    const s = await store(settings);
    expect(await new CentralSync({ dir: pc.dir, sink: s }).syncOnce()).toMatchObject({ inserted: 1, rejected: 0 });
    expect(await ask(s, 'ana.lopez', JSON.parse((await pc.lines())[0]!).schoolYear)).toBe(true);

    // Run again (a script run twice): the login is kept, with the password in the file.
    const again = await aup(['db', 'machine', 'add', 'LAB204-31', '--password-file', passwordFile, ...admin()]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(`LAB204-31 keeps its database login, aup_pc_lab204_31, with the password from ${passwordFile}.`);
    expect(await ask(await store(settings))).toBe(false);
  });

  it('reads the password from a file the technician made, and refuses one too short (exit 2)', async () => {
    const own = file('own.password');
    await writeFile(own, 'correct-horse-battery-staple\n', { mode: 0o600 });
    const r = await aup(['db', 'machine', 'add', 'LAB204-32', '--password-file', own, ...admin(), '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ machine: 'LAB204-32', role: 'aup_pc_lab204_32', created: true, passwordMade: false });
    expect(await ask(await store(pcSettings(`"central": ${JSON.stringify(JSON.parse(r.stdout).central)}`, own)))).toBe(false);

    const short = file('short.password');
    await writeFile(short, 'abc\n', { mode: 0o600 });
    const bad = await aup(['db', 'machine', 'add', 'LAB204-33', '--password-file', short, ...admin()]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe(`aup db machine add: --password-file: the password in ${short} is shorter than 12 characters\n`);
  });

  it("through the server's own socket, the printed connection string asks for the server's network name", async () => {
    const passwordFile = file('LAB204-37.password');
    const socket = `postgres:///${db.name}?host=${encodeURIComponent(path.join(bed.server.dir, 'run'))}&port=${bed.server.port}&user=postgres`;
    const r = await aup(['db', 'machine', 'add', 'LAB204-37', '--password-file', passwordFile, '--admin-url', socket]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`"connectionString":"postgres://aup_pc_lab204_37@DB-HOST/${db.name}?port=${bed.server.port}"`);
    expect(r.stdout).toContain("note: replace DB-HOST with the database server's name as the PCs reach it");
  });
});

describe('aup db machine list and remove', () => {
  it('list shows each PC login and whether it may sign in; remove shuts the PC out, and list says so', async () => {
    const passwordFile = file('LAB204-34.password');
    const added = await aup(['db', 'machine', 'add', 'LAB204-34', '--password-file', passwordFile, ...admin()]);
    expect(added.code).toBe(0);
    const settings = pcSettings(added.stdout, passwordFile);
    expect(await ask(await store(settings))).toBe(false);

    const listed = await aup(['db', 'machine', 'list', ...admin()]);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/^LAB204-34\s+aup_pc_lab204_34\s+may sign in \(added \d{4}-\d{2}-\d{2} by postgres\)$/m);
    expect(listed.stdout).toContain('A login per PC is not required');

    const removed = await aup(['db', 'machine', 'remove', 'LAB204-34', ...admin()]);
    expect(removed.code).toBe(0);
    expect(removed.stdout).toContain('LAB204-34 is shut out: aup_pc_lab204_34 may not sign in');
    // The PC, as configured, can no longer ask (nor, with its connection refused, write).
    const after = await CentralStore.open(settings, { decisionTimeoutMs: 10_000 });
    cleanups.push(() => after.close());
    await expect(ask(after)).rejects.toMatchObject({ code: expect.stringMatching(/^28/) });

    const json = JSON.parse((await aup(['db', 'machine', 'list', ...admin(), '--json'])).stdout);
    expect(json.machines.find((m: { machine: string }) => m.machine === 'LAB204-34')).toMatchObject({ canSignIn: false, removedBy: 'postgres' });
  });
});

describe('aup db require-machine-roles', () => {
  it("on: the shared login's records are refused and the PCs without a login are named; off: taken again", async () => {
    const now = await serverNow(db.admin);
    const pc = await kiosk('LAB204-36', new Date(now.getTime() - 10 * MINUTE));
    await pc.ledger.append(acceptance('ben.carter'));
    const shared = await store(db.kiosk);
    expect(await new CentralSync({ dir: pc.dir, sink: shared }).syncOnce()).toMatchObject({ inserted: 1 });

    const on = await aup(['db', 'require-machine-roles', 'on', ...admin()]);
    expect(on.code).toBe(0);
    expect(on.stdout).toContain('A login per PC is required');
    expect(on.stdout).toMatch(/^ {2}LAB204-36$/m);
    pc.clock.advance(MINUTE);
    await pc.ledger.append(acceptance('carla.diaz'));
    await expect(new CentralSync({ dir: pc.dir, sink: shared }).syncOnce()).rejects.toMatchObject({ code: 'AUP_MACHINE_LOGIN' });
    expect((await aup(['db', 'machine', 'list', ...admin()])).stdout).toContain('A login per PC is required');

    const off = await aup(['db', 'require-machine-roles', 'off', ...admin(), '--json']);
    expect(off.code).toBe(0);
    expect(JSON.parse(off.stdout)).toEqual({ required: false, machinesWithoutLogin: [] });
    expect(await new CentralSync({ dir: pc.dir, sink: shared }).syncOnce()).toMatchObject({ inserted: 1, rejected: 0 });
  });
});

describe('aup db reopen-chain', () => {
  it("lets a reimaged PC's fresh ledger be accepted, and says what the PC must do next", async () => {
    const now = await serverNow(db.admin);
    const passwordFile = file('LAB204-35.password');
    const settings = pcSettings((await aup(['db', 'machine', 'add', 'LAB204-35', '--password-file', passwordFile, ...admin()])).stdout, passwordFile);
    const s = await store(settings);
    const before = await kiosk('LAB204-35', new Date(now.getTime() - 60 * MINUTE));
    await before.ledger.append(acceptance('ana.lopez'));
    expect(await new CentralSync({ dir: before.dir, sink: s }).syncOnce()).toMatchObject({ inserted: 1 });

    // Reimaged: a fresh ledger under the same name, refused as `chain`.
    const after = await kiosk('LAB204-35', new Date(now.getTime() - 30 * MINUTE));
    await after.ledger.append(acceptance('dev.patel'));
    after.clock.advance(MINUTE);
    await after.ledger.append(acceptance('eva.ruiz'));
    expect(await new CentralSync({ dir: after.dir, sink: s }).syncOnce()).toMatchObject({ sent: 2, inserted: 0, rejected: 2 });

    // A name in another case is not the chain's: exit 2, with the name the database has.
    const wrongCase = await aup(['db', 'reopen-chain', 'lab204-35', ...admin()]);
    expect(wrongCase.code).toBe(2);
    expect(wrongCase.stderr).toMatch(/has no \d{4}-\d{2} records from "lab204-35", but has from "LAB204-35"/);

    const r = await aup(['db', 'reopen-chain', 'LAB204-35', ...admin()]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^LAB204-35's \d{4}-\d{2} chain is reopened/);
    expect(r.stdout).toContain('delete central-sync.json');
    // What the PC does next: its cursor gone, it sends its ledger again, and the fresh chain is taken.
    await rm(path.join(after.dir, CURSOR_FILE));
    expect(await new CentralSync({ dir: after.dir, sink: s }).syncOnce()).toMatchObject({ sent: 2, inserted: 2, rejected: 0 });
  });

  it('reopens the chain of a PC renamed mid-year, which the database knows only from its refused records', async () => {
    const now = await serverNow(db.admin);
    const shared = await store(db.kiosk);
    const old = await kiosk('LAB204-38', new Date(now.getTime() - 60 * MINUTE));
    await old.ledger.append(acceptance('ana.lopez'));
    expect(await new CentralSync({ dir: old.dir, sink: shared }).syncOnce()).toMatchObject({ inserted: 1 });
    await old.ledger.close();
    // The same ledger folder, the PC now named LAB204-40: its next record follows a line of LAB204-38's chain.
    const renamed = await kioskLedger(old.dir, 'LAB204-40', new Date(now.getTime() - 30 * MINUTE), cleanups);
    await renamed.ledger.append(acceptance('ben.carter'));
    expect(await new CentralSync({ dir: old.dir, sink: shared }).syncOnce()).toMatchObject({ sent: 1, inserted: 0, rejected: 1 });

    const r = await aup(['db', 'reopen-chain', 'LAB204-40', ...admin()]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    await rm(path.join(old.dir, CURSOR_FILE));
    expect(await new CentralSync({ dir: old.dir, sink: shared }).syncOnce()).toMatchObject({ sent: 2, duplicates: 1, inserted: 1, rejected: 0 });
  });
});

describe('bad input is exit 2, naming the problem', () => {
  it.each([
    [['db', 'machine', 'add', '--password-file', 'x.password'], "give the PC's name, as its host name"],
    [['db', 'machine', 'add', 'LAB 204', '--password-file', 'x.password'], '"LAB 204" is not a PC name'],
    [['db', 'machine', 'add', 'LAB204-01', 'LAB204-02', '--password-file', 'x.password'], 'one PC at a time'],
    [['db', 'machine', 'add', 'LAB204-01'], 'give --password-file F'],
    [['db', 'machine', 'add', 'L'.repeat(57), '--password-file', 'x.password'], 'longer than the 56 characters'],
    [['db', 'machine', 'remove'], "give the PC's name"],
    [['db', 'reopen-chain', 'LAB204-01', '--year', '2026'], '--year: "2026" is not a school year like 2026-27'],
    [['db', 'require-machine-roles'], 'say on or off'],
    [['db', 'require-machine-roles', 'yes'], 'expected on or off, not "yes"'],
  ])('aup %j', async (argv, message) => {
    const r = await aup([...argv, ...admin()]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stderr).toMatch(new RegExp(`^aup ${argv.slice(0, argv[1] === 'machine' ? 3 : 2).join(' ')}: `));
    expect(r.stdout).toBe('');
  });

  it('a PC with no login, or no records, is named; no admin connection is exit 2; an unreachable database exit 1', async () => {
    const remove = await aup(['db', 'machine', 'remove', 'LAB204-99', ...admin()]);
    expect(remove.code).toBe(2);
    expect(remove.stderr).toContain('no PC named LAB204-99 has a login in this database ("aup db machine list" shows those that do)');
    const reopen = await aup(['db', 'reopen-chain', 'LAB204-99', '--year', '2026-27', ...admin()]);
    expect(reopen.code).toBe(2);
    expect(reopen.stderr).toContain('the database has no 2026-27 records, stored or refused, from "LAB204-99": nothing to reopen');
    const none = await aup(['db', 'machine', 'list']);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('give the admin connection string with --admin-url or AUP_DB_ADMIN_URL');
    const port = await freePort();
    const down = await aup([
      'db',
      'machine',
      'list',
      '--admin-url',
      `postgres://postgres@127.0.0.1:${port}/aup`,
      '--admin-password-file',
      bed.server.superPasswordFile,
    ]);
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(/^aup db machine list: the database cannot be reached/);
  });

  it('"aup db machine" alone lists its commands', async () => {
    const r = await aup(['db', 'machine']);
    expect(r.code).toBe(2);
    for (const sub of ['add', 'remove', 'list']) expect(r.stdout).toContain(`db machine ${sub}`);
  });
});
