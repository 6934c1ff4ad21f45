// `aup policy add | check | show` on real folders: next year's policy published into a district
// catalog made from the bundled one, the hash computed, a version in force never rewritten, bad
// documents refused with the reason, and the kiosk then serving the new text on its effective date.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { openKioskService } from '../../../electron/core/setup.ts';
import { MemoryLog } from '../../../electron/core/log.ts';
import { ManualClock } from '../../../electron/core/time.ts';
import { aup } from '../../support/cli.ts';
import { demoConfigIn, tempDir, type TempDir } from '../../support/fixtures.ts';

let tmp: TempDir;
let catalog: string;
let doc: string;
const TEXT =
  '# Student Technology Acceptable Use Policy 2027-28\n\nStudents use district technology for learning.\n\n## Privacy\n\nNetwork storage is not private.\n';
const sha = (s: string | Buffer) => createHash('sha256').update(s).digest('hex');
// 2027-06-01 in Texas: the new version (2027-08-01) is in the future, 2026-27 is in force.
const AT = ['--at', '2027-06-01T12:00:00-05:00'];

beforeEach(async () => {
  tmp = await tempDir();
  catalog = path.join(tmp.dir, 'district-catalog');
  doc = path.join(tmp.dir, 'aup-2027-28.en.md');
  await writeFile(doc, TEXT);
});
afterEach(() => tmp.cleanup());

/** `aup policy add` into the test's catalog on the test's day (unless `at` is given); `flags` name the rest. */
const addWith = (flags: Record<string, string>, ...rest: string[]) =>
  aup(['policy', 'add', '--catalog', catalog, ...Object.entries(flags).flatMap(([k, v]) => [`--${k}`, v]), ...(flags.at ? [] : AT), ...rest]);
const add = (...extra: string[]) => addWith({ id: 'student-aup', version: '2027-28', effective: '2027-08-01', lang: 'en' }, ...extra);

describe('aup policy add', () => {
  it('makes the district catalog from the bundled one, copies the text, computes its hash and updates catalog.json', async () => {
    const r = await add(doc, '--reviewed');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/made the district catalog .* from the bundled one/);
    expect(r.stdout).toContain(`sha256 ${sha(TEXT)}`);
    const json = JSON.parse(await readFile(path.join(catalog, 'catalog.json'), 'utf8'));
    const policy = json.policies.find((p: { id: string }) => p.id === 'student-aup');
    expect(policy.versions.at(-1)).toEqual({
      version: '2027-28',
      effective: '2027-08-01',
      documents: { en: { file: 'student-aup/2027-28.en.md', sha256: sha(TEXT) } },
    });
    expect(await readFile(path.join(catalog, 'student-aup/2027-28.en.md'), 'utf8')).toBe(TEXT);
    const check = await aup(['policy', 'check', '--catalog', catalog]);
    expect(check.code, check.stderr).toBe(0);
    expect(check.stdout).toMatch(/catalog OK: \d+ policies, \d+ versions, \d+ documents, every hash matches/);
  });

  it('the kiosk serves the new text from its effective date, and the old one the day before', async () => {
    expect((await add(doc, '--reviewed')).code).toBe(0);
    const config = await demoConfigIn(tmp.dir, (c) => (c.policies = { catalog: catalog }));
    const clock = new ManualClock('2027-07-31T17:00:00Z');
    const k = await openKioskService({ configFile: config, clock, log: new MemoryLog(), machine: 'PC1' });
    try {
      const before = await k.session('eli.brooks').getView();
      expect(before).toMatchObject({ kind: 'policy', document: { version: '2026-27' } });
      clock.set('2027-08-02T14:00:00Z');
      const after = await k.session('eli.brooks').getView();
      expect(after).toMatchObject({ kind: 'policy', document: { version: '2027-28', sha256: sha(TEXT) } });
    } finally {
      await k.close();
    }
  });

  it('a Spanish translation without --reviewed is marked unreviewed; publishing it again with --reviewed marks it reviewed', async () => {
    expect((await add(doc, '--reviewed')).code).toBe(0);
    const es = path.join(tmp.dir, 'es.md');
    await writeFile(es, '# Política 2027-28\n\nLos estudiantes usan la tecnología para aprender.\n');
    const base = ['policy', 'add', '--catalog', catalog, '--id', 'student-aup', '--version', '2027-28', '--lang', 'es', ...AT];
    const first = await aup([...base, es]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/added es to student-aup 2027-28/);
    expect(first.stdout).toMatch(/marked unreviewed/);
    const doc1 = JSON.parse(await readFile(path.join(catalog, 'catalog.json'), 'utf8')).policies[0].versions.at(-1).documents.es;
    expect(doc1.reviewed).toBe(false);
    const again = await aup([...base, es, '--reviewed']);
    expect(again.code, again.stderr).toBe(0);
    const doc2 = JSON.parse(await readFile(path.join(catalog, 'catalog.json'), 'utf8')).policies[0].versions.at(-1).documents.es;
    expect(doc2.reviewed).toBeUndefined();
  });

  it('a version not yet in force may get a corrected text; once it has taken effect, its text cannot change', async () => {
    expect((await add(doc, '--reviewed')).code).toBe(0);
    const fixed = path.join(tmp.dir, 'fixed.md');
    await writeFile(fixed, TEXT + '\nA typo fixed before August.\n');
    const before = await add(fixed, '--reviewed');
    expect(before.code, before.stderr).toBe(0);
    expect(before.stdout).toMatch(/replaced the en text of student-aup 2027-28 \(not yet in force\)/);
    const late = await addWith({ id: 'student-aup', version: '2027-28', lang: 'en', at: '2027-09-01T12:00:00-05:00' }, doc);
    expect(late.code).toBe(2);
    expect(late.stderr).toMatch(
      /student-aup 2027-28 \(en\) took effect on 2027-08-01 .* its text cannot change\. Publish the new text as a new version \(e\.g\. --version 2028-29/,
    );
    // Nothing was changed by the refusal.
    expect(await readFile(path.join(catalog, 'student-aup/2027-28.en.md'), 'utf8')).toBe(TEXT + '\nA typo fixed before August.\n');
    const inForce = await addWith({ id: 'student-aup', version: '2026-27', lang: 'en' }, doc);
    expect(inForce.code).toBe(2);
    expect(inForce.stderr).toMatch(/2026-27 \(en\) took effect on 2026-08-01/);
  });

  it('an effective date in the past is refused unless --effective-now is given on purpose', async () => {
    const past = await addWith({ id: 'student-aup', version: '2027-28b', effective: '2027-05-01', lang: 'en' }, doc);
    expect(past.code).toBe(2);
    expect(past.stderr).toMatch(/--effective 2027-05-01 is not in the future \(today is 2027-06-01\).*--effective-now/);
    const now = await addWith({ id: 'student-aup', version: '2027-28b', effective: '2027-05-01', lang: 'en' }, '--effective-now', doc);
    expect(now.code, now.stderr).toBe(0);
    expect(now.stdout).toMatch(/already past/);
  });

  it('refuses a document that is not UTF-8, is empty, or holds raw HTML, naming the reason; nothing is written', async () => {
    const latin1 = path.join(tmp.dir, 'latin1.md');
    await writeFile(latin1, Buffer.concat([Buffer.from('# Pol\n\nPol'), Buffer.from([0xed]), Buffer.from('tica\n')]));
    const a = await add(latin1);
    expect(a.code).toBe(2);
    expect(a.stderr).toMatch(/latin1\.md is not UTF-8: line 3 holds bytes that are not/);
    const empty = path.join(tmp.dir, 'empty.md');
    await writeFile(empty, '  \n\n');
    expect((await add(empty)).stderr).toMatch(/empty\.md is empty/);
    const html = path.join(tmp.dir, 'html.md');
    await writeFile(html, '# Policy\n\nRead this.\n\n<script>alert(1)</script>\n');
    const h = await add(html);
    expect(h.code).toBe(2);
    expect(h.stderr).toMatch(/html\.md line 5 holds raw HTML \(<script>alert\(1\)<\/script>\)/);
    const inline = path.join(tmp.dir, 'inline.md');
    await writeFile(inline, '# Policy\n\nClick <a href="x">here</a>.\n');
    expect((await add(inline)).stderr).toMatch(/inline\.md line 3 holds raw HTML/);
    // The catalog folder was made (from the bundled one) only by the first attempt that got that far: none did.
    await expect(readFile(path.join(catalog, 'catalog.json'))).rejects.toThrow();
  });

  it('bad flags: an unknown policy, a missing --effective for a new version, a date that is not one', async () => {
    const unknown = await addWith({ id: 'nope', version: 'v1', effective: '2027-08-01', lang: 'en' }, doc);
    expect([unknown.code, unknown.stderr]).toEqual([2, expect.stringMatching(/no policy "nope" in .*catalog\.json \(there are: student-aup, /)]);
    const noDate = await addWith({ id: 'student-aup', version: '2028-29', lang: 'en' }, doc);
    expect(noDate.stderr).toMatch(/--effective YYYY-MM-DD is required for a new version/);
    const badDate = await addWith({ id: 'student-aup', version: '2028-29', effective: '2028-02-30', lang: 'en' }, doc);
    expect(badDate.stderr).toMatch(/--effective: "2028-02-30" is not a date/);
    const noFile = await addWith({ id: 'student-aup', version: '2028-29', lang: 'en' });
    expect(noFile.stderr).toMatch(/give one Markdown file/);
  });
});

describe('aup policy check', () => {
  it('names a document edited after its hash was recorded, and raw HTML put in by hand', async () => {
    expect((await add(doc, '--reviewed')).code).toBe(0);
    await writeFile(path.join(catalog, 'student-aup/2027-28.en.md'), TEXT + 'edited\n');
    const r = await aup(['policy', 'check', '--catalog', catalog]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/student-aup 2027-28 en.*does not match its sha256 in catalog\.json/);
    const missing = await aup(['policy', 'check', '--catalog', path.join(tmp.dir, 'nowhere')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/cannot read .*catalog\.json: ENOENT/);
  });
});

describe('aup policy show', () => {
  it('renders the document exactly as the kiosk does (the same Markdown rule) into a self-contained page', async () => {
    expect((await add(doc, '--reviewed')).code).toBe(0);
    const out = path.join(tmp.dir, 'show.html');
    const r = await aup(['policy', 'show', '--catalog', catalog, '--id', 'student-aup', '--version', '2027-28', '--lang', 'en', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const html = await readFile(out, 'utf8');
    // The document's own h1 becomes an h2 under the page's h1, as on the kiosk.
    expect(html).toContain('<h2>Student Technology Acceptable Use Policy 2027-28</h2>');
    expect(html).toContain('<h3>Privacy</h3>');
    expect(html).toContain(sha(TEXT));
    expect(html).not.toMatch(/<script|<link|src="http/);
    const wrong = await aup(['policy', 'show', '--catalog', catalog, '--id', 'student-aup', '--version', '1999-00']);
    expect([wrong.code, wrong.stderr]).toEqual([
      2,
      expect.stringMatching(/--version: student-aup has no version "1999-00" \(there are: 2025-26, 2026-27, 2027-28\)/),
    ]);
  });
});
