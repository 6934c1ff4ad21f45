import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appendFile, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { loadCatalog, sha256Hex } from '../../../electron/core/policy/catalog.ts';
import { BUNDLED_CATALOG, catalogCopyIn, tempDir, type TempDir } from '../../support/fixtures.ts';

let tmp: TempDir;
beforeEach(async () => (tmp = await tempDir()));
afterEach(() => tmp.cleanup());

describe('the bundled policy catalog', () => {
  it('every document matches the SHA-256 its catalog entry gives', async () => {
    const catalog = JSON.parse(await readFile(path.join(BUNDLED_CATALOG, 'catalog.json'), 'utf8'));
    let count = 0;
    for (const p of catalog.policies) {
      for (const v of p.versions) {
        for (const [language, d] of Object.entries<any>(v.documents)) {
          const bytes = await readFile(path.join(BUNDLED_CATALOG, d.file));
          expect({ id: p.id, version: v.version, language, sha256: sha256Hex(bytes) }).toEqual({
            id: p.id,
            version: v.version,
            language,
            sha256: d.sha256,
          });
          count++;
        }
      }
    }
    expect(count).toBeGreaterThanOrEqual(20);
    expect((await loadCatalog(BUNDLED_CATALOG)).ok).toBe(true);
  });

  it('ships the Staff AUP, the Student AUP, the guardian agreement and two sets of Internet Safety rules, in English and Spanish', async () => {
    const r = await loadCatalog(BUNDLED_CATALOG);
    if (!r.ok) throw new Error(JSON.stringify(r.problems));
    const ids = r.catalog.policies
      .filter((p) => p.kind !== 'summary')
      .map((p) => p.id)
      .sort();
    expect(ids).toEqual(['guardian-agreement', 'safety-rules-elementary', 'safety-rules-secondary', 'staff-aup', 'student-aup']);
    // (the plain-words summaries, unreviewed in both languages, are checked in summary-audio.test.ts)
    for (const p of r.catalog.policies.filter((q) => q.kind !== 'summary')) {
      for (const v of p.versions) {
        expect([...v.documents.keys()].sort()).toEqual(['en', 'es']);
        expect(v.documents.get('en')?.reviewed).toBe(true);
        // the Spanish text is a translation awaiting the district's review
        expect(v.documents.get('es')?.reviewed).toBe(false);
      }
    }
  });

  it('quotes the policy: the substitute rule is in the Student AUP', async () => {
    const text = await readFile(path.join(BUNDLED_CATALOG, 'student-aup/2026-27.en.md'), 'utf8');
    expect(text).toContain(
      'No student computer access authorized with a substitute teacher. Campus administrators may approve special circumstances.',
    );
    expect(text).not.toMatch(/<[a-z]/i); // no raw HTML in the documents
  });
});

describe('a district catalog folder', () => {
  it('a document changed without its catalog entry is a config error naming the file', async () => {
    const folder = await catalogCopyIn(tmp.dir);
    await appendFile(path.join(folder, 'student-aup/2026-27.es.md'), '\nUna línea más.\n');
    const r = await loadCatalog(folder, { prefix: 'policies.catalog' });
    expect(r.ok).toBe(false);
    if (!r.ok)
      expect(r.problems).toEqual([
        {
          path: 'policies.catalog: student-aup 2026-27 es',
          message: expect.stringMatching(/student-aup\/2026-27\.es\.md does not match its sha256/),
        },
      ]);
  });

  it('a missing document is a config error', async () => {
    const folder = await catalogCopyIn(tmp.dir);
    await rm(path.join(folder, 'staff-aup/2025-26.en.md'));
    const r = await loadCatalog(folder);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems[0]?.message).toMatch(/staff-aup\/2025-26\.en\.md cannot be read/);
  });

  it('a malformed catalog.json names the field', async () => {
    const folder = await catalogCopyIn(tmp.dir);
    const json = JSON.parse(await readFile(path.join(folder, 'catalog.json'), 'utf8'));
    json.policies[0].versions[0].effective = '2026-13-01';
    json.policies[1].versions[0].documents.en.file = '../../etc/passwd';
    await writeFile(path.join(folder, 'catalog.json'), JSON.stringify(json));
    const r = await loadCatalog(folder);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.problems.map((p) => p.path.replace(/^.*catalog\.json: /, ''))).toEqual([
        'policies[0].versions[0].effective',
        'policies[1].versions[0].documents.en.file',
      ]);
    }
  });
});
