// `aup evidence`: one student's evidence page from a real ledger written by the real KioskService
// (acceptance, safety rules, a teacher's unlock, a paper guardian form), its texts matched by hash,
// the chain's verdict, and a hand-edited ledger (exit 3, the page names the record that cannot be trusted).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { openKioskService } from '../../../electron/core/setup.ts';
import { MemoryLog } from '../../../electron/core/log.ts';
import { ManualClock } from '../../../electron/core/time.ts';
import { aup } from '../../support/cli.ts';
import { demoConfigIn, tempDir, type TempDir } from '../../support/fixtures.ts';

let tmp: TempDir;
let config: string;
const clock = new ManualClock('2026-09-15T14:00:00Z');

beforeEach(async () => {
  tmp = await tempDir();
  config = await demoConfigIn(tmp.dir);
  clock.set('2026-09-15T14:00:00Z');
});
afterEach(() => tmp.cleanup());

/** Ben accepts (typing his name), acknowledges the safety rules, and Ms. Garcia unlocks him. */
async function benAtTheKiosk() {
  const k = await openKioskService({ configFile: config, clock, log: new MemoryLog(), machine: 'LAB204-PC07' });
  const s = k.session('ben.carter');
  const v = await s.getView();
  if (v.kind !== 'policy') throw new Error(v.kind);
  const d = v.document;
  expect(await s.acceptPolicy({ policyId: d.policyId, version: d.version, sha256: d.sha256, language: d.language, typedName: 'Ben Carter' })).toEqual(
    { ok: true },
  );
  clock.advance(60_000);
  const rules = await s.getView();
  if (rules.kind !== 'safety-rules') throw new Error(rules.kind);
  expect(await s.acknowledgeSafetyRules({ rulesId: rules.document.policyId, version: rules.document.version })).toEqual({ ok: true });
  clock.advance(60_000);
  expect(await s.teacherUnlock({ username: 'ms.garcia', secret: '2468' })).toEqual({ ok: true });
  await k.close();
}

const ledgerFile = () => path.join(tmp.dir, 'ledger', 'ledger-2026-27.jsonl');
const out = () => path.join(tmp.dir, 'ben.html');

describe('aup evidence', () => {
  it('writes one page with every record in time order, the exact text accepted with its hash matched, and the chain intact', async () => {
    await benAtTheKiosk();
    // A paper guardian form, typed in later, signed on an earlier day.
    const csv = path.join(tmp.dir, 'forms.csv');
    await writeFile(
      csv,
      'username,policyId,version,language,signedOn,signer,enteredBy\r\nben.carter,guardian-agreement,2025-26,es,2026-08-20,guardian,clerk.kim\r\n',
    );
    const imported = await aup(['ledger', 'import', csv, '--config', config]);
    expect(imported.code, imported.stderr).toBe(0);

    const r = await aup(['evidence', '--config', config, '--user', 'ben.carter', '--year', '2026-27', '--out', out()]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/wrote .*ben\.html: 4 records of ben\.carter in 2026-27/);
    const html = await readFile(out(), 'utf8');
    // Self-contained: nothing is fetched from anywhere.
    expect(html).not.toMatch(/<script|<link|src="http|url\(http/);
    expect(html).toContain('<html lang="en">');
    expect(html).toContain('Ben Carter');
    expect(html).toContain('Grade 4');
    expect(html).toContain('Lockhart High School');
    // The records, in time order: a paper form by the day it was signed (its heading says so), not when it was typed in.
    const order = ['Parent or guardian agreement', 'Accepted the policy', 'Acknowledged the Internet Safety rules', 'Unlocked by a teacher'].map(
      (t) => html.indexOf(`. ${t} — `),
    );
    expect(order.every((i) => i > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(html).toContain('Selected “I agree” after reading to the end');
    expect(html).toContain('Paper form signed by the parent or guardian on Aug 20, 2026, entered by clerk.kim');
    expect(html).toContain('LAB204-PC07');
    // The full text, rendered as the kiosk renders it, with both hashes and the verdict.
    const policy = await readFile(path.join(tmp.dir, '..', path.basename(tmp.dir), 'ledger', 'ledger-2026-27.jsonl'), 'utf8');
    const acceptance = JSON.parse(policy.split('\n')[0]!);
    expect(acceptance).toMatchObject({ type: 'acceptance', audience: { role: 'student', grade: 4, gradeBand: 'elementary' } });
    expect(acceptance.configSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(html.split(acceptance.sha256).length - 1).toBeGreaterThanOrEqual(2);
    expect(html).toContain('Match: this is the exact text the record names.');
    expect(html).toMatch(/<h[2-6]>/);
    expect(html).toContain('ledger-2026-27.jsonl: chain intact from record 1 to 4.');
    expect(html).toContain(acceptance.configSha256);
  });

  it('the reports date a paper form by when it was signed and say who typed it in; the campus page lists it', async () => {
    await benAtTheKiosk();
    const csv = path.join(tmp.dir, 'forms.csv');
    await writeFile(
      csv,
      'username,policyId,version,language,signedOn,signer,enteredBy\nben.carter,guardian-agreement,2025-26,en,2026-08-20,guardian,clerk.kim\n',
    );
    expect((await aup(['ledger', 'import', csv, '--config', config])).code).toBe(0);
    const json = await aup(['report', '--config', config, '--year', '2026-27', '--format', 'json']);
    const guardian = JSON.parse(json.stdout).rows.find((r: { type: string }) => r.type === 'guardian-agreement');
    expect(guardian).toMatchObject({ username: 'ben.carter', method: 'paper', signer: 'guardian', signedOn: '2026-08-20', enteredBy: 'clerk.kim' });
    const csvOut = await aup(['report', '--config', config, '--year', '2026-27']);
    expect(csvOut.stdout).toContain(',signer,signedOn,enteredBy,at,');
    expect(csvOut.stdout).toMatch(
      /ben\.carter,Ben Carter,student,4,guardian-agreement,guardian-agreement,2025-26,en,paper,guardian,2026-08-20,clerk\.kim,/,
    );

    const page = path.join(tmp.dir, 'campus.html');
    const r = await aup(['report', '--config', config, '--year', '2026-27', '--format', 'html', '--out', page, '--at', '2026-09-16']);
    expect(r.code, r.stderr).toBe(0);
    const html = await readFile(page, 'utf8');
    expect(html).toMatch(
      /<td>Ben Carter<\/td><td>ben\.carter<\/td><td>Grade 4<\/td><td>Aug 20, 2026<\/td><td>paper form, entered by clerk\.kim<\/td>/,
    );
    // Ben accepted; Ana (kindergarten) has not: she is on the "not yet" list, he is not.
    expect(html).toMatch(/Grade 4 1 of 1 accepted \(100 %\)/);
    expect(html).toMatch(/Kindergarten 0 of 1 accepted \(0 %\)/);
    const notYet = html.slice(html.indexOf('Not yet accepted:'));
    expect(notYet).toContain('ana.lopez');
    expect(notYet.slice(0, notYet.indexOf('Guardian agreements received'))).not.toContain('>ben.carter<');
    // The one script it runs is allowed by its hash, and nothing is fetched.
    expect(html).toMatch(/script-src 'sha256-[A-Za-z0-9+/=]+'/);
    expect(html).not.toMatch(/<link|src="http/);
    const bad = await aup(['report', '--config', config, '--format', 'html', '--missing']);
    expect([bad.code, bad.stderr]).toEqual([2, expect.stringMatching(/--missing goes with csv or json/)]);
    const lang = await aup(['report', '--config', config, '--lang', 'es']);
    expect([lang.code, lang.stderr]).toEqual([2, expect.stringMatching(/--lang and --campus go with --format html/)]);
  });

  it('aup status and aup report print times alike: local, with the offset (never UTC)', async () => {
    await benAtTheKiosk();
    const status = await aup(['status', '--config', config, '--user', 'ben.carter', '--at', '2026-09-15T14:03:00Z', '--json']);
    const until = JSON.parse(status.stdout).until as string;
    expect(until).toMatch(/^2026-09-15T\d{2}:\d{2}:\d{2}(\.\d+)?-05:00$/);
    const text = await aup(['status', '--config', config, '--user', 'ben.carter', '--at', '2026-09-15T14:03:00Z']);
    expect(text.stdout).toContain(`until ${until}`);
    const report = await aup(['report', '--config', config, '--year', '2026-27', '--format', 'json']);
    expect(JSON.parse(report.stdout).rows[0].at).toMatch(/-05:00$/);
  });

  it('in Spanish with --lang es', async () => {
    await benAtTheKiosk();
    const r = await aup(['evidence', '--config', config, '--user', 'ben.carter', '--year', '2026-27', '--lang', 'es', '--out', out()]);
    expect(r.code, r.stderr).toBe(0);
    const html = await readFile(out(), 'utf8');
    expect(html).toContain('<html lang="es">');
    expect(html).toContain('Constancia de la política de tecnología');
    expect(html).toContain('Aceptó la política');
    expect(html).toContain('cadena intacta de la constancia 1 a la 3');
  });

  it('a person with no records gets a page that says so, exit 0', async () => {
    const r = await aup(['evidence', '--config', config, '--user', 'ana.lopez', '--year', '2026-27', '--out', out()]);
    expect(r.code, r.stderr).toBe(0);
    expect(await readFile(out(), 'utf8')).toMatch(/has no records in school year 2026-27/);
  });

  it('an unknown person is bad input, exit 2, naming them; nothing is written', async () => {
    const r = await aup(['evidence', '--config', config, '--user', 'nobody.here', '--out', out()]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/"nobody\.here" is not in the roster/);
    await expect(readFile(out())).rejects.toThrow();
  });

  it('bad flags are named: --lang, --year, a missing --out, a folder that does not exist', async () => {
    const lang = await aup(['evidence', '--config', config, '--user', 'ben.carter', '--lang', 'fr', '--out', out()]);
    expect([lang.code, lang.stderr]).toEqual([2, expect.stringMatching(/--lang: expected en or es, not "fr"/)]);
    const year = await aup(['evidence', '--config', config, '--user', 'ben.carter', '--year', '2026', '--out', out()]);
    expect([year.code, year.stderr]).toEqual([2, expect.stringMatching(/--year: "2026" is not a school year/)]);
    const noOut = await aup(['evidence', '--config', config, '--user', 'ben.carter']);
    expect([noOut.code, noOut.stderr]).toEqual([2, expect.stringMatching(/--out FILE\.html is required/)]);
    const folder = await aup(['evidence', '--config', config, '--user', 'ben.carter', '--out', path.join(tmp.dir, 'no', 'such', 'x.html')]);
    expect([folder.code, folder.stderr]).toEqual([2, expect.stringMatching(/cannot write .*the folder does not exist/)]);
    expect(folder.stderr).not.toMatch(/\n\s+at /);
    const central = await aup(['evidence', '--config', config, '--user', 'ben.carter', '--central', 'postgres://[x', '--out', out()]);
    expect([central.code, central.stderr]).toEqual([2, expect.stringMatching(/expected a PostgreSQL connection string/)]);
  });

  it('a hand-edited ledger: exit 3, and the page names exactly the record that cannot be trusted', async () => {
    await benAtTheKiosk();
    const lines = (await readFile(ledgerFile(), 'utf8')).split('\n');
    // The unlock's minutes changed by hand: its own hash no longer matches; the acceptance before it is untouched.
    expect(lines[2]).toMatch(/"type":"unlock".*"minutes":\d+/);
    lines[2] = lines[2]!.replace(/"minutes":\d+/, '"minutes":1440');
    await writeFile(ledgerFile(), lines.join('\n'));
    const r = await aup(['evidence', '--config', config, '--user', 'ben.carter', '--year', '2026-27', '--out', out()]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/TAMPERED/);
    const html = await readFile(out(), 'utf8');
    expect(html).toContain('Some records on this page cannot be trusted.');
    expect(html).toMatch(/ledger-2026-27\.jsonl, record 3: edited \(its content does not match its hash\)/);
    expect(html).toContain('✓ Record intact');
    // The acceptance is still shown and still matches its text.
    expect(html).toContain('Match: this is the exact text the record names.');
  });

  it('a record moved out of its place: the chain statement says where it breaks', async () => {
    await benAtTheKiosk();
    const lines = (await readFile(ledgerFile(), 'utf8')).split('\n').filter(Boolean);
    // Swap the safety acknowledgement and the unlock: both lines are sound, their links are not.
    [lines[1], lines[2]] = [lines[2]!, lines[1]!];
    await writeFile(ledgerFile(), lines.join('\n') + '\n');
    const r = await aup(['evidence', '--config', config, '--user', 'ben.carter', '--year', '2026-27', '--out', out()]);
    expect(r.code).toBe(3);
    const html = await readFile(out(), 'utf8');
    expect(html).toContain('ledger-2026-27.jsonl: records 1 to 3 cited; the chain is broken:');
    expect(html).toMatch(/at records 2–3: .*edited or reordered/);
    expect(html).toMatch(/✗ Cannot be trusted: .*does not follow line 1/);
  });
});
