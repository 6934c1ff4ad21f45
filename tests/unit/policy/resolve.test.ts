import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { loadCatalog, sha256Hex, type Catalog } from '../../../electron/core/policy/catalog.ts';
import { gradeBandOf, resolvePolicy } from '../../../electron/core/policy/resolve.ts';
import { BUNDLED_CATALOG, tempDir, type TempDir } from '../../support/fixtures.ts';
import { instantOfLocal } from '../../../electron/core/time.ts';

const bands = { elementary: [0, 5], middle: [6, 8], high: [9, 12] } as const;
const rules = { timeZone: 'America/Chicago', gradeBands: bands, defaultLanguage: 'en' };

let tmp: TempDir;
beforeEach(async () => (tmp = await tempDir()));
afterEach(() => tmp.cleanup());

async function bundled(): Promise<Catalog> {
  const r = await loadCatalog(BUNDLED_CATALOG);
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.catalog;
}

/** A district catalog with one policy and two versions, each with its own text. */
async function districtCatalog(versions: { version: string; effective: string }[], timeZoneNote = ''): Promise<Catalog> {
  const folder = path.join(tmp.dir, 'district');
  await mkdir(path.join(folder, 'aup'), { recursive: true });
  const entries = [];
  for (const v of versions) {
    const text = `# District AUP ${v.version}\n\nText of ${v.version}.${timeZoneNote}\n`;
    await writeFile(path.join(folder, `aup/${v.version}.en.md`), text);
    entries.push({ ...v, documents: { en: { file: `aup/${v.version}.en.md`, sha256: sha256Hex(text) } } });
  }
  await writeFile(
    path.join(folder, 'catalog.json'),
    JSON.stringify({
      policies: [{ id: 'district-aup', kind: 'aup', title: { en: 'AUP' }, audience: { roles: ['student', 'teacher'] }, versions: entries }],
    }),
  );
  const r = await loadCatalog(folder);
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.catalog;
}

describe('the policy in force', () => {
  it("a fourth grader at 11:30 pm on 31 July gets last year's version; an hour later the new one", async () => {
    const c = await bundled();
    const before = resolvePolicy(c, 'aup', { role: 'student', grade: 4 }, new Date('2026-08-01T04:30:00Z'), rules);
    const after = resolvePolicy(c, 'aup', { role: 'student', grade: 4 }, new Date('2026-08-01T05:30:00Z'), rules);
    expect([before?.policy.id, before?.version.version]).toEqual(['student-aup', '2025-26']);
    expect([after?.policy.id, after?.version.version]).toEqual(['student-aup', '2026-27']);
  });

  it("a district catalog with two versions gives the older one before the newer one's effective date, the newer from that local midnight", async () => {
    const c = await districtCatalog([
      { version: 'v1', effective: '2026-08-01' },
      { version: 'v2', effective: '2027-01-05' },
    ]);
    const at = (iso: string) => resolvePolicy(c, 'aup', { role: 'teacher' }, new Date(iso), rules)?.version.version;
    expect(at('2027-01-05T05:59:59Z')).toBe('v1'); // 23:59:59 on 4 January in Chicago (CST)
    expect(at('2027-01-05T06:00:00Z')).toBe('v2'); // local midnight
    expect(at('2026-07-31T12:00:00Z')).toBeUndefined(); // nothing in force yet
  });

  it('staff get the Staff AUP and students of each band their own Internet Safety rules', async () => {
    const c = await bundled();
    const now = new Date('2026-10-01T15:00:00Z');
    expect(resolvePolicy(c, 'aup', { role: 'substitute' }, now, rules)?.policy.id).toBe('staff-aup');
    expect(resolvePolicy(c, 'safety-rules', { role: 'student', grade: 0 }, now, rules)?.policy.id).toBe('safety-rules-elementary');
    expect(resolvePolicy(c, 'safety-rules', { role: 'student', grade: 6 }, now, rules)?.policy.id).toBe('safety-rules-secondary');
    expect(resolvePolicy(c, 'safety-rules', { role: 'teacher' }, now, rules)).toBeNull();
  });

  it('the language falls back to the district default where a version has no document in it', async () => {
    const c = await districtCatalog([{ version: 'v1', effective: '2026-08-01' }]);
    const r = resolvePolicy(c, 'aup', { role: 'student', grade: 3 }, new Date('2026-09-01T12:00:00Z'), rules, 'es');
    expect(r?.language).toBe('en');
    const es = resolvePolicy(await bundled(), 'aup', { role: 'student', grade: 3 }, new Date('2026-09-01T12:00:00Z'), rules, 'es');
    expect(es?.language).toBe('es');
    expect(es?.document.markdown).toMatch(/Política/);
  });

  it('grade bands are configurable', () => {
    expect(gradeBandOf(5, bands)).toBe('elementary');
    expect(gradeBandOf(6, bands)).toBe('middle');
    expect(gradeBandOf(6, { primary: [0, 6], secondary: [7, 12] })).toBe('primary');
    expect(gradeBandOf(undefined, bands)).toBeUndefined();
  });

  it('property: the version in force is the newest whose local effective date has come, in any zone', async () => {
    const c = await districtCatalog([
      { version: 'a', effective: '2024-08-01' },
      { version: 'b', effective: '2025-01-15' },
      { version: 'c', effective: '2025-08-01' },
      { version: 'd', effective: '2026-03-08' },
    ]);
    const effective = [
      ['a', '2024-08-01'],
      ['b', '2025-01-15'],
      ['c', '2025-08-01'],
      ['d', '2026-03-08'],
    ] as const;
    fc.assert(
      fc.property(
        fc.date({ min: new Date('2024-06-01Z'), max: new Date('2027-01-01Z'), noInvalidDate: true }),
        fc.constantFrom('America/Chicago', 'America/New_York', 'Pacific/Honolulu', 'Asia/Tokyo', 'UTC'),
        (instant, timeZone) => {
          const got = resolvePolicy(c, 'aup', { role: 'teacher' }, instant, { ...rules, timeZone })?.version.version;
          const expected = effective
            .filter(([, d]) => {
              const [y, m, day] = d.split('-').map(Number) as [number, number, number];
              return instantOfLocal({ year: y, month: m, day }, timeZone).getTime() <= instant.getTime();
            })
            .at(-1)?.[0];
          expect(got).toBe(expected);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('the bundled documents are the text a person is shown: the hash is of the file bytes', async () => {
    const c = await bundled();
    const r = resolvePolicy(c, 'aup', { role: 'staff' }, new Date('2026-09-01T12:00:00Z'), rules)!;
    expect(sha256Hex(await readFile(path.join(BUNDLED_CATALOG, r.document.file)))).toBe(r.document.sha256);
    expect(sha256Hex(Buffer.from(r.document.markdown, 'utf8'))).toBe(r.document.sha256);
  });
});
