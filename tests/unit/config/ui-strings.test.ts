// A district adds a UI language with a file (issue 14, point 11): checked against English's keys and
// placeholders, a missing key listed (it shows in English), and the strings carried in the view.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { loadSetup } from '../../../electron/core/setup.ts';
import { checkUiStrings } from '../../../electron/core/config/ui-strings.ts';
import { textDirection } from '../../../electron/core/api/ui-language.ts';
import { viewContext, type KioskSite } from '../../../electron/core/kiosk/view.ts';
import en from '../../../assets/locales/en.json';
import es from '../../../assets/locales/es.json';
import { catalogCopyIn, demoConfigIn, tempDir, REPO, type TempDir } from '../../support/fixtures.ts';
import { aup } from '../../support/cli.ts';

let tmp: TempDir;
beforeEach(async () => (tmp = await tempDir()));
afterEach(() => tmp.cleanup());

const SAMPLES = path.join(REPO, 'tests/support/locales');

async function withLanguageFolder(files: Record<string, unknown>): Promise<string> {
  const folder = path.join(tmp.dir, 'languages');
  await mkdir(folder);
  for (const [name, json] of Object.entries(files)) await writeFile(path.join(folder, name), JSON.stringify(json));
  return folder;
}

describe('a district’s own UI language', () => {
  it('the bundled Spanish fills every English key with the same placeholders', () => {
    const r = checkUiStrings(es, 'es.json');
    expect(r).toEqual({ ok: true, strings: es, missing: [], unknown: [] });
  });

  it('a vi.json beside the config is offered, carried in the view, and its untranslated keys are listed', async () => {
    await mkdir(path.join(tmp.dir, 'languages'));
    await copyFile(path.join(SAMPLES, 'vi.json'), path.join(tmp.dir, 'languages/vi.json'));
    const file = await demoConfigIn(tmp.dir, (c) => (c.languages = { default: 'en', offered: ['en', 'es', 'vi'], folder: 'languages' }));
    const r = await loadSetup(file);
    if (!r.ok) throw new Error(JSON.stringify(r.problems));
    expect(r.uiStrings.vi?.locked).toMatchObject({ heading: 'Máy tính này đang bị khóa' });
    const warning = r.warnings.find((w) => w.path === 'languages.folder: vi.json');
    expect(warning?.message).toMatch(/^\d+ keys not translated, shown in English: /);
    const listed = warning?.message.split(': ')[1]?.split(', ') ?? [];
    expect(listed).toContain('locked.reason.expired');
    expect(listed).toContain('unlocked.heading');
    expect(listed).not.toContain('unlocked.remaining_other'); // Vietnamese has one plural form
    expect(listed).not.toContain('locked.heading');

    const site: KioskSite = {
      district: { name: 'D' },
      campus: 'C',
      room: 'R',
      timeZone: 'America/Chicago',
      languages: r.config.languages,
      uiStrings: r.uiStrings,
    };
    const vi = viewContext(site, new Date('2026-09-08T13:30:00Z'), 'vi');
    expect(vi.uiStrings).toBe(r.uiStrings.vi);
    expect(vi.languages.find((l) => l.code === 'vi')?.name).toBe('Tiếng Việt');
    expect(viewContext(site, new Date('2026-09-08T13:30:00Z'), 'es').uiStrings, 'Spanish is bundled: nothing to send').toBeUndefined();
  });

  it('`aup config validate` lists the keys a language file leaves in English, and names a broken one', async () => {
    await mkdir(path.join(tmp.dir, 'languages'));
    await copyFile(path.join(SAMPLES, 'vi.json'), path.join(tmp.dir, 'languages/vi.json'));
    const file = await demoConfigIn(tmp.dir, (c) => (c.languages = { default: 'en', offered: ['en', 'vi'], folder: 'languages' }));
    const ok = await aup(['config', 'validate', '--config', file]);
    expect(ok.code).toBe(0);
    expect(ok.stderr).toMatch(/warning: languages\.folder: vi\.json: \d+ keys not translated, shown in English: .*locked\.reason\.expired/);

    await writeFile(path.join(tmp.dir, 'languages/vi.json'), JSON.stringify({ locked: { heading: 'Máy tính này bị khóa {{name}}' } }));
    const bad = await aup(['config', 'validate', '--config', file]);
    expect(bad.code).not.toBe(0);
    expect(bad.stdout + bad.stderr).toContain('languages.folder: vi.json: locked.heading');
    expect(bad.stdout + bad.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('a district catalog folder’s locales/ is found without naming a folder', async () => {
    const catalog = await catalogCopyIn(tmp.dir);
    await mkdir(path.join(catalog, 'locales'));
    await copyFile(path.join(SAMPLES, 'ar.json'), path.join(catalog, 'locales/ar.json'));
    const file = await demoConfigIn(tmp.dir, (c) => {
      c.policies = { catalog: 'catalog' };
      c.languages = { default: 'en', offered: ['en', 'ar'] };
    });
    const r = await loadSetup(file);
    if (!r.ok) throw new Error(JSON.stringify(r.problems));
    expect(Object.keys(r.uiStrings)).toEqual(['ar']);
    expect(textDirection('ar')).toBe('rtl');
    expect(textDirection('ar-SA')).toBe('rtl');
    expect(textDirection('vi')).toBe('ltr');
  });

  it('an offered language with no file is a config error naming the file it looked for', async () => {
    const folder = await withLanguageFolder({});
    const file = await demoConfigIn(tmp.dir, (c) => (c.languages = { default: 'en', offered: ['en', 'vi'], folder }));
    const r = await loadSetup(file);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems).toEqual([{ path: 'languages.offered', message: expect.stringContaining(`${path.join(folder, 'vi.json')} does not exist`) }]);
    const none = await loadSetup(await demoConfigIn(tmp.dir, (c) => (c.languages = { default: 'vi', offered: ['en', 'vi'] })));
    expect(none.ok ? [] : none.problems.map((p) => p.message)).toEqual([
      expect.stringMatching(/bundles only en and es: name a folder holding vi\.json/),
    ]);
  });

  it('a number and a changed placeholder are each named, with the key', () => {
    const r = checkUiStrings(
      {
        locked: { heding: 'Bị khóa', heading: 7 },
        teacher: { intro: 'Đăng nhập để mở khóa máy tính cho {{student}}.' },
        unlocked: { remaining_few: 'còn {{count}} phút' },
      },
      'languages.folder: vi.json',
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems).toEqual(
      expect.arrayContaining([
        { path: 'languages.folder: vi.json: locked.heading', message: 'expected text, got the number 7' },
        { path: 'languages.folder: vi.json: teacher.intro', message: 'expected the placeholders of the English text ({{name}}), got {{student}}' },
      ]),
    );
    expect(r.problems).toHaveLength(2); // a CLDR plural form (`_few`) of an English plural key is allowed
  });

  it('a key this version does not have (a typo, or one an earlier version used) is left out with a warning, not a config error', async () => {
    const folder = await withLanguageFolder({
      'vi.json': { locked: { heading: 'Máy tính này đang bị khóa', heding: 'Bị khóa' }, refusal: { nowLocked: 'Đã khóa.' }, retired: { x: 'y' } },
    });
    const file = await demoConfigIn(tmp.dir, (c) => (c.languages = { default: 'en', offered: ['en', 'vi'], folder }));
    const r = await loadSetup(file);
    if (!r.ok) throw new Error(JSON.stringify(r.problems));
    expect(r.uiStrings.vi?.locked).toEqual({ heading: 'Máy tính này đang bị khóa' });
    expect(r.uiStrings.vi).not.toHaveProperty('retired');
    expect(r.uiStrings.vi?.refusal ?? {}).not.toHaveProperty('nowLocked');
    expect(r.warnings.map((w) => w.message)).toContainEqual(
      '3 keys this version of the kiosk does not use, left out (a typo, or a string of an earlier version): locked.heding, refusal.nowLocked, retired',
    );
  });

  it('a file that is not JSON says where', async () => {
    const folder = path.join(tmp.dir, 'languages');
    await mkdir(folder);
    await writeFile(path.join(folder, 'vi.json'), '{ "locked": { "heading": "Bị khóa", } }');
    const file = await demoConfigIn(tmp.dir, (c) => (c.languages = { default: 'en', offered: ['en', 'vi'], folder: 'languages' }));
    const r = await loadSetup(file);
    expect(r.ok ? [] : r.problems.map((p) => p.message)).toEqual([expect.stringMatching(/vi\.json is not valid JSON at line 1, column \d+/)]);
  });

  it('a file far larger than UI strings can be is refused, not sent with every view', async () => {
    const folder = await withLanguageFolder({ 'vi.json': { locked: { heading: 'x'.repeat(300 * 1024) } } });
    const file = await demoConfigIn(tmp.dir, (c) => (c.languages = { default: 'en', offered: ['en', 'vi'], folder }));
    const r = await loadSetup(file);
    expect(r.ok ? [] : r.problems.map((p) => p.message)).toEqual([expect.stringMatching(/vi\.json is larger than 256 KB/)]);
  });

  it('English itself passes its own check (the shape every file follows)', () => {
    expect(checkUiStrings(en, 'en.json')).toMatchObject({ ok: true, missing: [] });
  });
});
