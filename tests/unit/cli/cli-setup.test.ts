import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { aup } from '../../support/cli.ts';
import { demoConfigIn, tempDir, DEMO_CONFIG, type TempDir } from '../../support/fixtures.ts';
import { verifyPin } from '../../../electron/core/directory/pin.ts';
import { sha256Hex } from '../../../electron/core/policy/catalog.ts';

let tmp: TempDir;
beforeEach(async () => (tmp = await tempDir()));
afterEach(() => tmp.cleanup());

describe('aup config validate', () => {
  it('a valid config exits 0', async () => {
    const r = await aup(['config', 'validate', '--config', DEMO_CONFIG]);
    expect(r.stdout).toMatch(/valid/);
    expect(r.code).toBe(0);
  });

  it('a config with three mistakes prints all three with their paths and exits 2', async () => {
    const file = await demoConfigIn(tmp.dir, (c) => {
      c.lock.maxFailedAttempts = 0;
      c.district.schoolYearStart = '02-30';
      c.directory.file = 'missing-roster.json';
    });
    const r = await aup(['config', 'validate', '--config', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/3 problems/);
    expect(r.stderr).toMatch(/lock\.maxFailedAttempts: expected a whole number from 1 to 20/);
    expect(r.stderr).toMatch(/district\.schoolYearStart: expected a month and day/);
    expect(r.stderr).toMatch(/directory\.file: cannot read the roster file .*missing-roster\.json/);
    expect(r.stderr).not.toMatch(/at .*\.ts:\d+/); // no stack trace
  });

  it('--json gives the problems as data', async () => {
    const file = await demoConfigIn(tmp.dir, (c) => (c.lock.unlockMinutes = 'soon'));
    const r = await aup(['config', 'validate', '--config', file, '--json']);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, problems: [{ path: 'lock.unlockMinutes' }] });
  });

  it('finds the config through AUP_KIOSK_CONFIG', async () => {
    const r = await aup(['config', 'validate', '--json'], { env: { AUP_KIOSK_CONFIG: DEMO_CONFIG } });
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: true, foundBy: 'env', source: DEMO_CONFIG });
  });
});

describe('aup policy resolve', () => {
  it('at 04:30 UTC on 1 August it is still 31 July in Lockhart: school year 2025-26 and its version', async () => {
    const r = await aup(['policy', 'resolve', '--role', 'student', '--grade', '4', '--at', '2026-08-01T04:30:00Z', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({
      policyId: 'student-aup',
      version: '2025-26',
      effective: '2025-08-01',
      language: 'en',
      schoolYear: '2025-26',
    });
  });

  it('at 05:30 UTC it is 1 August in Lockhart: 2026-27', async () => {
    const r = await aup(['policy', 'resolve', '--role', 'student', '--grade', '4', '--at', '2026-08-01T05:30:00Z', '--json']);
    const answer = JSON.parse(r.stdout);
    expect(answer).toMatchObject({ policyId: 'student-aup', version: '2026-27', schoolYear: '2026-27' });
    const doc = await readFile(path.resolve('assets/policies/student-aup/2026-27.en.md'));
    expect(answer.sha256).toBe(sha256Hex(doc));
  });

  it('--user reads role, grade and language from the roster', async () => {
    const r = await aup(['policy', 'resolve', '--config', DEMO_CONFIG, '--user', 'carla.diaz', '--at', '2026-09-01', '--json']);
    expect(JSON.parse(r.stdout)).toMatchObject({ policyId: 'student-aup', language: 'es', schoolYear: '2026-27' });
  });

  it("a district catalog folder with two versions: the older before the newer one's effective date, the newer from local midnight", async () => {
    const folder = path.join(tmp.dir, 'district-policies');
    await mkdir(folder);
    const versions = [];
    for (const [version, effective] of [
      ['2026-A', '2026-08-01'],
      ['2026-B', '2027-01-04'],
    ]) {
      const text = `# AUP ${version}\n`;
      await writeFile(path.join(folder, `${version}.md`), text);
      versions.push({ version, effective, documents: { en: { file: `${version}.md`, sha256: sha256Hex(text) } } });
    }
    await writeFile(
      path.join(folder, 'catalog.json'),
      JSON.stringify({ policies: [{ id: 'aup', kind: 'aup', title: { en: 'AUP' }, audience: { roles: ['student'] }, versions }] }),
    );
    const config = await demoConfigIn(tmp.dir, (c) => (c.policies = { catalog: folder }));
    const at = async (iso: string) =>
      JSON.parse((await aup(['policy', 'resolve', '--config', config, '--role', 'student', '--grade', '9', '--at', iso, '--json'])).stdout).version;
    expect(await at('2027-01-03T23:59:59-06:00')).toBe('2026-A');
    expect(await at('2027-01-04T00:00:00-06:00')).toBe('2026-B');
    expect(await at('2027-01-03T23:59')).toBe('2026-A'); // a local time without offset is read in the district zone
  });

  it('bad input exits 2 with a clear message, never a stack trace', async () => {
    for (const args of [
      ['policy', 'resolve', '--role', 'student'],
      ['policy', 'resolve', '--role', 'wizard'],
      ['policy', 'resolve', '--role', 'student', '--grade', '13'],
      ['policy', 'resolve', '--role', 'teacher', '--at', 'yesterday'],
      ['policy', 'resolve', '--role', 'teacher', '--frobnicate'],
      ['policy', 'resolve', '--user', 'nobody', '--config', DEMO_CONFIG],
      ['policy', 'resolve'],
    ]) {
      const r = await aup(args);
      expect({ args, code: r.code }).toEqual({ args, code: 2 });
      expect(r.stderr).toMatch(/^aup policy resolve: /m);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });
});

describe('aup school-year, policy list, config schema, roster hash-pin', () => {
  it('school-year prints the year alone', async () => {
    const r = await aup(['school-year', '--at', '2026-08-01T04:30:00Z', '--config', DEMO_CONFIG]);
    expect(r.stdout).toBe('2025-26\n');
    expect(r.code).toBe(0);
  });

  it('policy list marks the version in force and the translations awaiting review', async () => {
    const r = await aup(['policy', 'list', '--config', DEMO_CONFIG, '--at', '2026-09-01', '--json']);
    const list = JSON.parse(r.stdout);
    const student = list.policies.find((p: any) => p.id === 'student-aup');
    expect(student.inForce).toBe('2026-27');
    expect(student.versions[1].languages).toContainEqual(expect.objectContaining({ language: 'es', reviewed: false }));
  });

  it('config schema prints a JSON Schema', async () => {
    const r = await aup(['config', 'schema']);
    expect(JSON.parse(r.stdout).properties.directory).toBeDefined();
  });

  it('roster hash-pin reads a PIN on stdin and prints a scrypt hash that verifies it', async () => {
    const r = await aup(['roster', 'hash-pin'], { input: '4821\n' });
    expect(r.code).toBe(0);
    const hash = r.stdout.trim();
    expect(hash).toMatch(/^scrypt\$/);
    expect(hash).not.toContain('4821');
    expect(await verifyPin('4821', hash)).toBe(true);
    expect(await verifyPin('4822', hash)).toBe(false);
  });

  it('roster hash-pin refuses a PIN that is not 4 to 12 digits', async () => {
    const r = await aup(['roster', 'hash-pin'], { input: 'abc\n' });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/4 to 12 digits/);
  });

  it('an unknown command exits 2 with the usage', async () => {
    const r = await aup(['frobnicate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Usage: aup/);
  });
});
