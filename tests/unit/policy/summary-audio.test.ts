// Young readers (issue 14): the plain-words K-5 summary is its own hashed catalog document, tied to
// the policy, version and language it summarises; the K-5 summary and safety rules ship recordings,
// hashed like the text; the view sends a recording only as the bytes the catalog names.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { loadCatalog, sha256Hex, type Catalog } from '../../../electron/core/policy/catalog.ts';
import { resolvePolicy, resolveSummary, type PolicyRules } from '../../../electron/core/policy/resolve.ts';
import { documentView } from '../../../electron/core/kiosk/view.ts';
import { BUNDLED_CATALOG, catalogCopyIn, tempDir, type TempDir } from '../../support/fixtures.ts';

let tmp: TempDir;
beforeEach(async () => (tmp = await tempDir()));
afterEach(() => tmp.cleanup());

const rules: PolicyRules = {
  timeZone: 'America/Chicago',
  gradeBands: { elementary: [-1, 5], middle: [6, 8], high: [9, 12] },
  defaultLanguage: 'en',
};
const september = new Date('2026-09-15T14:00:00Z');

async function bundled(): Promise<Catalog> {
  const r = await loadCatalog(BUNDLED_CATALOG);
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.catalog;
}

describe('the bundled K-5 summary and recordings', () => {
  it('every recording matches the SHA-256 its catalog entry gives', async () => {
    const json = JSON.parse(await readFile(path.join(BUNDLED_CATALOG, 'catalog.json'), 'utf8'));
    let count = 0;
    for (const p of json.policies)
      for (const v of p.versions)
        for (const d of Object.values<any>(v.documents)) {
          if (!d.audio) continue;
          expect({ file: d.audio.file, sha256: sha256Hex(await readFile(path.join(BUNDLED_CATALOG, d.audio.file))) }).toEqual(d.audio);
          count++;
        }
    expect(count).toBeGreaterThanOrEqual(8);
  });

  it('every K-5 summary and K-5 safety rules document, in English and Spanish, has a recording (Ogg Opus)', async () => {
    const catalog = await bundled();
    const k5 = catalog.policies.filter((p) => ['summary', 'safety-rules'].includes(p.kind) && p.audience.gradeBands?.includes('elementary'));
    expect(k5.map((p) => p.id).sort()).toEqual(['safety-rules-elementary', 'student-aup-summary-elementary']);
    for (const p of k5)
      for (const v of p.versions)
        for (const language of ['en', 'es']) {
          const audio = v.documents.get(language)?.audio;
          expect(audio, `${p.id} ${v.version} ${language}`).toBeDefined();
          expect(audio!.type).toBe('audio/ogg; codecs=opus');
          expect(audio!.bytes.subarray(0, 4).toString('latin1')).toBe('OggS');
          expect(audio!.bytes.length).toBeLessThan(256 * 1024); // small: fetched by hash when played
        }
  });

  it('the summary summarises every version of the Student AUP, in English and Spanish, both awaiting review', async () => {
    const catalog = await bundled();
    const summary = catalog.policies.find((p) => p.kind === 'summary')!;
    expect(summary).toMatchObject({ id: 'student-aup-summary-elementary', summarizes: 'student-aup', audience: { gradeBands: ['elementary'] } });
    const aup = catalog.policies.find((p) => p.id === 'student-aup')!;
    expect(summary.versions.map((v) => v.version)).toEqual(aup.versions.map((v) => v.version));
    for (const v of summary.versions) {
      expect([...v.documents.keys()].sort()).toEqual(['en', 'es']);
      for (const d of v.documents.values()) expect(d.reviewed).toBe(false);
    }
    const es = summary.versions.at(-1)!.documents.get('es')!.markdown;
    expect(es).toContain('maestro suplente'); // the policy's rule, in the glossary's term
    expect(es).not.toMatch(/\busted\b/i); // tú for students
  });

  it('bundled titles print no grade range that a district’s own bands could contradict', async () => {
    const json = await readFile(path.join(BUNDLED_CATALOG, 'catalog.json'), 'utf8');
    for (const p of JSON.parse(json).policies)
      for (const title of Object.values<string>(p.title)) expect(title).not.toMatch(/\b(?:K|\d{1,2})\s*-\s*\d{1,2}\b/);
  });
});

describe('which summary is shown', () => {
  it('a K-5 student gets the summary in the language of the text shown; grade 9 and staff get none', async () => {
    const catalog = await bundled();
    for (const [grade, language, expected] of [
      [0, 'es', 'es'],
      [4, 'en', 'en'],
      [-1, 'en', 'en'],
    ] as const) {
      const aup = resolvePolicy(catalog, 'aup', { role: 'student', grade }, september, rules, language)!;
      const summary = resolveSummary(catalog, aup, { role: 'student', grade }, rules);
      expect(summary).toMatchObject({ policy: { id: 'student-aup-summary-elementary' }, version: { version: '2026-27' }, language: expected });
    }
    const nine = resolvePolicy(catalog, 'aup', { role: 'student', grade: 9 }, september, rules)!;
    expect(resolveSummary(catalog, nine, { role: 'student', grade: 9 }, rules)).toBeNull();
    const teacher = resolvePolicy(catalog, 'aup', { role: 'teacher' }, september, rules)!;
    expect(resolveSummary(catalog, teacher, { role: 'teacher' }, rules)).toBeNull();
  });

  it('follows the district’s own bands: with elementary K-4, a grade-5 student reads the full text alone', async () => {
    const catalog = await bundled();
    const k4: PolicyRules = { ...rules, gradeBands: { elementary: [0, 4], middle: [5, 8], high: [9, 12] } };
    const five = resolvePolicy(catalog, 'aup', { role: 'student', grade: 5 }, september, k4)!;
    expect(resolveSummary(catalog, five, { role: 'student', grade: 5 }, k4)).toBeNull();
    const four = resolvePolicy(catalog, 'aup', { role: 'student', grade: 4 }, september, k4)!;
    expect(resolveSummary(catalog, four, { role: 'student', grade: 4 }, k4)).not.toBeNull();
  });

  it('the view carries the summary and names its recording by hash, never its bytes', async () => {
    const catalog = await bundled();
    const aup = resolvePolicy(catalog, 'aup', { role: 'student', grade: 2 }, september, rules, 'es')!;
    const summary = resolveSummary(catalog, aup, { role: 'student', grade: 2 }, rules)!;
    const view = documentView(summary, 'es');
    expect(view).toMatchObject({ kind: 'summary', policyId: 'student-aup-summary-elementary', version: '2026-27', language: 'es', reviewed: false });
    expect(view.sha256).toBe(sha256Hex(view.markdown));
    const sha256 = summary.document.audio!.sha256;
    expect(view.audio).toEqual({ sha256, type: 'audio/ogg; codecs=opus', src: `/audio/${sha256}.opus` });
    expect(documentView(aup, 'es').audio).toBeUndefined(); // the full Student AUP has no recording
  });
});

describe('a district catalog with summaries and recordings', () => {
  it('a recording changed without its catalog entry is a config error naming the file', async () => {
    const folder = await catalogCopyIn(tmp.dir);
    await writeFile(path.join(folder, 'safety-rules-elementary/2026-27.es.opus'), 'OggS, but not the same');
    const r = await loadCatalog(folder, { prefix: 'policies.catalog' });
    expect(r.ok).toBe(false);
    if (!r.ok)
      expect(r.problems.map((p) => p.message)).toContainEqual(
        expect.stringMatching(/the recording safety-rules-elementary\/2026-27\.es\.opus does not match its sha256 in catalog\.json/),
      );
  });

  it('a summary of an unknown policy or version, a recording of an unknown type and "summarizes" on another kind are named', async () => {
    const folder = await catalogCopyIn(tmp.dir);
    const file = path.join(folder, 'catalog.json');
    const json = JSON.parse(await readFile(file, 'utf8'));
    const i = json.policies.findIndex((p: any) => p.kind === 'summary');
    json.policies[i].versions[0].version = '2019-20';
    json.policies[i].versions[1].documents.en.audio.file = 'x/summary.flac';
    json.policies[0].summarizes = 'staff-aup';
    await writeFile(file, JSON.stringify(json));
    const r = await loadCatalog(folder);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      const said = r.problems.map((p) => `${p.path.replace(/^.*catalog\.json: /, '')}: ${p.message}`);
      expect(said).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^policies\[0\]\.summarizes: .*only for kind "summary"/),
          expect.stringMatching(new RegExp(`^policies\\[${i}\\]\\.versions\\[0\\]\\.version: "student-aup" has no version "2019-20"`)),
          expect.stringMatching(
            new RegExp(`^policies\\[${i}\\]\\.versions\\[1\\]\\.documents\\.en\\.audio\\.file: expected a recording ending in \\.opus`),
          ),
        ]),
      );
    }
  });
});
