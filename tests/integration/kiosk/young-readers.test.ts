// Young readers (issue 14), through the real KioskService on real folders (demo roster, bundled
// catalog, a real ledger): a K-5 student's policy view carries the plain-words summary and its
// recording, and the acceptance record names the summary shown (id, version, language, SHA-256)
// beside the full text; a grade-10 student's view and record carry none.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { openKioskService } from '../../../electron/core/setup.ts';
import type { KioskHost, KioskSessionApi } from '../../../electron/core/kiosk/kiosk-service.ts';
import { MemoryLog } from '../../../electron/core/log.ts';
import { ManualClock } from '../../../electron/core/time.ts';
import { sha256Hex } from '../../../electron/core/policy/catalog.ts';
import { BUNDLED_CATALOG, demoConfigIn, tempDir, type TempDir } from '../../support/fixtures.ts';

let tmp: TempDir;
let kiosk: KioskHost;

beforeEach(async () => {
  tmp = await tempDir();
  const config = await demoConfigIn(tmp.dir);
  kiosk = await openKioskService({
    configFile: config,
    clock: new ManualClock('2026-10-06T15:00:00Z'),
    log: new MemoryLog(),
    machine: 'LAB204-PC07',
  });
});
afterEach(async () => {
  await kiosk.close();
  await tmp.cleanup();
});

async function acceptances(): Promise<Record<string, unknown>[]> {
  const dir = path.join(tmp.dir, 'ledger');
  const files = (await readdir(dir)).filter((f) => f.endsWith('.jsonl'));
  const lines = (await Promise.all(files.map((f) => readFile(path.join(dir, f), 'utf8')))).join('').split('\n').filter(Boolean);
  return lines
    .map((l) => JSON.parse(l))
    .filter((r) => (r.record ?? r).type === 'acceptance')
    .map((r) => r.record ?? r);
}

async function accept(s: KioskSessionApi, typedName?: string) {
  const v = await s.getView();
  if (v.kind !== 'policy') throw new Error(`expected the policy, got ${v.kind}`);
  const d = v.document;
  return s.acceptPolicy({ policyId: d.policyId, version: d.version, sha256: d.sha256, language: d.language, ...(typedName ? { typedName } : {}) });
}

describe('the acceptance record says which documents were shown', () => {
  it('a kindergartner in Spanish: the Student AUP and the plain-words summary above it, each by its hash', async () => {
    const s = kiosk.session('ana.lopez');
    const v = await s.getView();
    if (v.kind !== 'policy') throw new Error(v.kind);
    expect(v.summary).toMatchObject({ kind: 'summary', policyId: 'student-aup-summary-elementary', version: '2026-27', language: 'es' });
    const summaryBytes = await readFile(path.join(BUNDLED_CATALOG, 'student-aup-summary-elementary/2026-27.es.md'));
    expect(v.summary!.sha256).toBe(sha256Hex(summaryBytes));
    expect(v.summary!.audio?.src).toBe(`/audio/${v.summary!.audio!.sha256}.opus`); // by hash: the bytes are fetched when played

    expect(await accept(s)).toEqual({ ok: true });
    const [record] = await acceptances();
    expect(record).toMatchObject({
      user: 'ana.lopez',
      policyId: 'student-aup',
      version: '2026-27',
      language: 'es',
      sha256: v.document.sha256,
      summary: { policyId: 'student-aup-summary-elementary', version: '2026-27', language: 'es', sha256: sha256Hex(summaryBytes) },
      audience: { role: 'student', grade: 0, gradeBand: 'elementary' },
    });
  });

  it('the summary follows the language switch, and the record names the one shown', async () => {
    const s = kiosk.session('ana.lopez');
    expect(await s.setLanguage('en')).toEqual({ ok: true });
    expect(await accept(s)).toEqual({ ok: true });
    const [record] = await acceptances();
    expect(record).toMatchObject({ language: 'en', summary: { language: 'en' } });
  });

  it('the accepted policy opened again shows the summary above it again', async () => {
    const s = kiosk.session('gia.nguyen');
    expect(await accept(s)).toEqual({ ok: true });
    const rules = await s.getView();
    if (rules.kind !== 'safety-rules') throw new Error(rules.kind);
    expect(rules.document.audio?.sha256).toMatch(/^[0-9a-f]{64}$/); // the K-5 rules' recording
    expect(await s.acknowledgeSafetyRules({ rulesId: rules.document.policyId, version: rules.document.version })).toEqual({ ok: true });
    expect(await s.openPolicy()).toEqual({ ok: true });
    expect(await s.getView()).toMatchObject({
      kind: 'policy-accepted',
      document: { policyId: 'student-aup' },
      summary: { kind: 'summary', policyId: 'student-aup-summary-elementary', language: 'en' },
    });
  });

  it('a grade-10 student: no summary shown, none recorded', async () => {
    const s = kiosk.session('diego.ramos');
    const v = await s.getView();
    expect(v.kind === 'policy' && v.summary).toBeFalsy();
    const name = v.kind === 'policy' ? v.user.displayName : '';
    expect(await accept(s, name)).toEqual({ ok: true });
    const [record] = await acceptances();
    expect(record).toMatchObject({ user: 'diego.ramos', policyId: 'student-aup' });
    expect(record).not.toHaveProperty('summary');
  });
});
