// The built CLI of a checkout (scripts/build-cli.mjs, bin/aup.mjs) in a copy of the repository's
// sources: a fresh clone without the bundle builds it on first run; an edited source, one whose
// modification time went backwards, or a removed bundle is built again before anything runs, so a
// checkout never runs code older than its sources.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chmod, cp, mkdir, readFile, rename, rm, stat, symlink, utimes, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { REPO, tempDir, type TempDir } from '../../support/fixtures.ts';
import { aup } from '../../support/cli.ts';
import { canCreateAccounts, createTestAccounts, runAs } from '../../../harness/os-accounts.ts';

let tmp: TempDir;
let root: string;

beforeEach(async () => {
  tmp = await tempDir('aup-cli-build-');
  root = path.join(tmp.dir, 'checkout');
  await mkdir(path.join(root, 'scripts'), { recursive: true });
  for (const part of ['bin', 'electron/core', 'assets', 'package.json', 'scripts/build-cli.mjs'])
    await cp(path.join(REPO, part), path.join(root, part), { recursive: true });
  await symlink(path.join(REPO, 'node_modules'), path.join(root, 'node_modules'), 'dir');
});
afterEach(() => tmp.cleanup());

const aupIn = (args: string[]) => aup(args, { checkout: root, cwd: tmp.dir });

const bundle = () => path.join(root, 'out/cli/aup.cjs');
const helpFile = () => path.join(root, 'electron/core/cli/help.ts');

describe('the built aup CLI of a checkout', () => {
  it('a clone without the bundle builds it on its first run and answers; the bundle needs no TypeScript at run time', async () => {
    expect(existsSync(bundle())).toBe(false);
    const r = await aupIn(['school-year', '--at', '2026-09-01']);
    expect(r.stdout, r.stderr).toBe('2026-27\n');
    expect(r.code).toBe(0);
    const built = await readFile(bundle(), 'utf8');
    expect(built).not.toMatch(/require\(["']tsx|from ["']tsx/);
    expect(await readFile(path.join(root, 'bin/aup.mjs'), 'utf8')).not.toContain('tsx');
    // The bundled catalog and demo config are found where the checkout has them.
    const list = await aupIn(['policy', 'list', '--at', '2026-09-01']);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stderr).toContain(path.join(root, 'assets/demo/config.json'));
  });

  it('an edited source is built again before the command runs', async () => {
    expect((await aupIn(['school-year', '--help'])).stdout).toContain('the school year of an instant');
    const before = await stat(bundle());
    const text = await readFile(helpFile(), 'utf8');
    await writeFile(helpFile(), text.replace('the school year of an instant', 'EDITED: the school year of an instant'));
    const r = await aupIn(['school-year', '--help']);
    expect(r.stdout).toContain('EDITED: the school year of an instant');
    expect((await stat(bundle())).mtimeMs).toBeGreaterThan(before.mtimeMs);
  });

  it('a source whose modification time went backwards (a restored file) is built again too', async () => {
    await aupIn(['school-year', '--help']);
    const old = await stat(helpFile());
    const text = await readFile(helpFile(), 'utf8');
    await writeFile(helpFile(), text.replace('the school year of an instant', 'RESTORED: the school year of an instant'));
    const past = new Date(old.mtimeMs - 86_400_000);
    await utimes(helpFile(), past, past);
    expect((await aupIn(['school-year', '--help'])).stdout).toContain('RESTORED: the school year of an instant');
  });

  it('a removed bundle is built again; an unchanged checkout runs the bundle as it is', async () => {
    await aupIn(['school-year', '--help']);
    const first = await stat(bundle());
    await aupIn(['school-year', '--help']);
    expect((await stat(bundle())).mtimeMs).toBe(first.mtimeMs);
    await rm(bundle());
    const r = await aupIn(['school-year', '--at', '2026-09-01']);
    expect(r.stdout).toBe('2026-27\n');
    expect(existsSync(bundle())).toBe(true);
  });

  it('a bundle that is not the one its manifest was written with (two builds at once) is built again', async () => {
    await aupIn(['school-year', '--help']);
    const other = path.join(root, 'out/cli/other.cjs');
    await cp(bundle(), other);
    await rename(other, bundle());
    const swapped = await stat(bundle());
    expect((await aupIn(['school-year', '--at', '2026-09-01'])).stdout).toBe('2026-27\n');
    expect((await stat(bundle())).ino).not.toBe(swapped.ino);
  });

  it.skipIf(!canCreateAccounts)(
    'another account, which cannot write the checkout, runs the current sources too (built in its temp folder)',
    async () => {
      const { accounts, remove } = await createTestAccounts(1, 'aupcli');
      try {
        await chmod(tmp.dir, 0o755);
        await aupIn(['school-year', '--help']);
        const built = await stat(bundle());
        await writeFile(
          helpFile(),
          (await readFile(helpFile(), 'utf8')).replace('the school year of an instant', 'CURRENT: the school year of an instant'),
        );
        const r = await runAs(accounts[0]!, process.execPath, [path.join(root, 'bin/aup.mjs'), 'school-year', '--help']);
        expect(r.stdout, r.stderr).toContain('CURRENT: the school year of an instant');
        expect(r.code).toBe(0);
        expect((await stat(bundle())).mtimeMs).toBe(built.mtimeMs); // out/cli is root's, left as it was
      } finally {
        await remove();
      }
    },
  );

  it('a source that no longer compiles is reported, and nothing older runs in its place', async () => {
    await aupIn(['school-year', '--help']);
    await writeFile(helpFile(), `${await readFile(helpFile(), 'utf8')}\nexport const broken = ;\n`);
    const r = await aupIn(['school-year', '--at', '2026-09-01']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^aup: could not start: .*help\.ts/);
  });
});
