import { describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { RosterDirectory, rosterSchema } from '../../../electron/core/directory/roster.ts';
import { hashPin, verifyPin } from '../../../electron/core/directory/pin.ts';
import { REPO } from '../../support/fixtures.ts';
import path from 'node:path';

const demo = async () => new RosterDirectory(rosterSchema.parse(JSON.parse(await readFile(path.join(REPO, 'assets/demo/roster.json'), 'utf8'))));

describe('the roster directory', () => {
  it('an approved teacher signs in with their PIN and is known as a teacher', async () => {
    const d = await demo();
    expect(await d.authenticate('ms.garcia', '2468')).toMatchObject({ ok: true, user: { role: 'teacher', displayName: 'María García' } });
    expect(await d.authenticate('MS.GARCIA', '2468')).toMatchObject({ ok: true }); // usernames are not case-sensitive
  });

  it('a wrong PIN, an unknown user and a student (who has no PIN) are all just bad credentials', async () => {
    const d = await demo();
    expect(await d.authenticate('ms.garcia', '2469')).toEqual({ ok: false, reason: 'bad-credentials' });
    expect(await d.authenticate('nobody', '2468')).toEqual({ ok: false, reason: 'bad-credentials' });
    expect(await d.authenticate('ben.carter', '')).toEqual({ ok: false, reason: 'bad-credentials' });
    expect(await d.authenticate('ms.garcia', 'x'.repeat(10_000))).toEqual({ ok: false, reason: 'bad-credentials' });
  });

  it('the demo roster keeps PINs only as scrypt hashes', async () => {
    const text = await readFile(path.join(REPO, 'assets/demo/roster.json'), 'utf8');
    for (const pin of ['2468', '1357', '9999', '4444', '8642']) expect(text).not.toContain(`"${pin}"`);
    expect(text).toMatch(/"pinHash": "scrypt\$/);
  });

  it('finds a signed-in student with grade, language, privileges and the guardian flag', async () => {
    const d = await demo();
    expect(await d.findUser('gia.nguyen')).toMatchObject({ role: 'student', grade: 3, guardianDeniedInternet: true, privileges: 'active' });
    expect(await d.findUser('eli.brooks')).toMatchObject({ privileges: 'suspended' });
    expect(await d.findUser('nobody')).toBeNull();
  });

  it('a username used twice is refused, naming both rows', () => {
    const r = rosterSchema.safeParse({
      users: [
        { username: 'a', displayName: 'A', role: 'student', grade: 1 },
        { username: 'A', displayName: 'A2', role: 'student', grade: 2 },
      ],
    });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]).toMatchObject({ path: ['users', 1, 'username'], message: expect.stringMatching(/already used by users\[0\]/) });
  });
});

describe('PIN hashes', () => {
  it('a hash verifies its PIN and no other, and every hash of one PIN differs (salted)', async () => {
    const [a, b] = [await hashPin('1234'), await hashPin('1234')];
    expect(a).not.toBe(b);
    expect(await verifyPin('1234', a)).toBe(true);
    expect(await verifyPin('1235', a)).toBe(false);
    expect(await verifyPin('1234', 'scrypt$garbage')).toBe(false);
    expect(await verifyPin('1234', undefined)).toBe(false);
  });
});
