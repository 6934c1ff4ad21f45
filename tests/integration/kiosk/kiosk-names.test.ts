// Names and grades as rosters really hold them, through the real service, the loopback bridge and the
// CLI: a username with an apostrophe (sean.o'brien), a name kept "Last, First" and greeted as people
// say it, and a pre-kindergarten (PK) student.
import { beforeEach, describe, expect, it } from 'vitest';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import WebSocket from 'ws';
import type { KioskView } from '../../../electron/core/api/contract.ts';
import { BRIDGE_PATH } from '../../../electron/core/api/channels.ts';
import { startLoopbackBridge } from '../../../electron/core/bridge/loopback-bridge.ts';
import { aup } from '../../support/cli.ts';
import { demoKiosks } from '../../support/kiosk-host.ts';

const kiosks = demoKiosks(); // Tuesday 10:00 in Lockhart, Lab 204
const kiosk = () => kiosks.open();
const SEAN = "sean.o'brien";

beforeEach(async () => {
  const file = path.join(kiosks.dir, 'roster.json');
  const roster = JSON.parse(await readFile(file, 'utf8'));
  roster.users.push(
    { username: SEAN, displayName: "O'Brien, Seán", firstName: 'Seán', lastName: "O'Brien", role: 'student', grade: 7 },
    { username: 'mia.ruiz', displayName: 'Ruiz, Mía', preferredName: 'Mía Ruiz', role: 'student', grade: -1, language: 'es' },
    { username: 'andres.ruiz', displayName: 'Ruiz, Andrés', preferredName: 'Andy Ruiz', role: 'student', grade: 8 },
  );
  await writeFile(file, JSON.stringify(roster));
});
describe("a username with an apostrophe, a name kept 'Last, First', a PK student", () => {
  it("sean.o'brien is greeted as Seán O'Brien, signs with that name, and the ledger and the CLI know him", async () => {
    const k = await kiosk();
    const s = k.session("Sean.O'Brien");
    const v = await s.getView();
    expect(v).toMatchObject({
      kind: 'policy',
      signature: 'typed-name',
      user: { username: SEAN, displayName: "O'Brien, Seán", greetingName: "Seán O'Brien" },
    });
    if (v.kind !== 'policy') throw new Error(v.kind);
    const d = v.document;
    expect(
      await s.acceptPolicy({ policyId: d.policyId, version: d.version, sha256: d.sha256, language: d.language, typedName: "Seán O'Brien" }),
    ).toEqual({
      ok: true,
    });
    await kiosks.close(k);
    const records = (await readFile(path.join(kiosks.dir, 'ledger', 'ledger-2026-27.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(records.at(-1)).toMatchObject({ type: 'acceptance', user: SEAN, typedName: "Seán O'Brien" });

    const status = await aup(['status', '--config', kiosks.config, '--user', SEAN, '--at', '2026-10-06T15:30:00Z', '--json']);
    expect(JSON.parse(status.stdout)).toMatchObject({ user: SEAN, next: 'safety-rules' });
    const csv = path.join(kiosks.dir, 'forms.csv');
    await writeFile(
      csv,
      `username,policyId,version,language,signedOn,signerRole,enteredBy\n${SEAN},guardian-agreement,2026-27,en,09/01/2026,guardian,clerk.kim\n`,
    );
    const imported = await aup(['ledger', 'import', csv, '--config', kiosks.config]);
    expect(imported.stderr).toBe('');
    expect(imported.stdout).toMatch(/recorded 1 paper form/);
  });

  it("the loopback bridge (the preview's ?user=) opens sean.o'brien's session", async () => {
    const k = await kiosk();
    const bridge = await startLoopbackBridge({ port: 0, staticDir: kiosks.dir, sessionFor: (u) => k.session(u), log: () => {} });
    try {
      const ws = new WebSocket(`ws://127.0.0.1:${bridge.port}${BRIDGE_PATH}?user=${encodeURIComponent(SEAN)}`);
      const view = await new Promise<KioskView>((resolve, reject) => {
        ws.on('message', (data) => {
          const m = JSON.parse(String(data));
          if (m.type === 'view') resolve(m.view);
        });
        ws.on('error', reject);
        ws.on('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
      });
      ws.close();
      expect(view).toMatchObject({ kind: 'policy', user: { username: SEAN, greetingName: "Seán O'Brien" } });
    } finally {
      await bridge.close();
    }
  });

  it('a typed-name signature may be the name the student is greeted with (a preferred name), not another', async () => {
    const k = await kiosk();
    const s = k.session('andres.ruiz');
    const v = await s.getView();
    if (v.kind !== 'policy') throw new Error(v.kind);
    expect(v.user).toMatchObject({ displayName: 'Ruiz, Andrés', greetingName: 'Andy Ruiz' });
    const d = v.document;
    const sign = (typedName: string) =>
      s.acceptPolicy({ policyId: d.policyId, version: d.version, sha256: d.sha256, language: d.language, typedName });
    expect(await sign('Andrew Ruiz')).toMatchObject({ ok: false, reason: 'name-required' });
    expect(await sign('Andy Ruiz')).toEqual({ ok: true });
  });

  it('a PK student (grade -1) is in the elementary band and presses "I agree"', async () => {
    const k = await kiosk();
    const v = await k.session('mia.ruiz').getView();
    expect(v).toMatchObject({
      kind: 'policy',
      signature: 'i-agree',
      user: { username: 'mia.ruiz', grade: -1, gradeBand: 'elementary', displayName: 'Ruiz, Mía', greetingName: 'Mía Ruiz' },
    });
  });
});
