// The LDAP directory against a real slapd holding a small district: who each person is to the kiosk,
// and that nothing a student types into the username box can make the directory say yes.
import type { AuthResult } from '../../../electron/core/people.ts';
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Attribute, Change, Client } from 'ldapts';
import {
  LdapDirectory,
  MAX_SECRET_LENGTH,
  MAX_USERNAME_LENGTH,
  readSecretFile,
  type LdapDirectoryOptions,
} from '../../../electron/core/directory/ldap-directory.ts';

import { startSlapd, type SeededUserKey, type SlapdHandle } from '../../../harness/slapd.ts';

let slapd: SlapdHandle;
const directories: LdapDirectory[] = [];

beforeAll(async () => {
  slapd = await startSlapd();
});

afterAll(async () => {
  await Promise.all(directories.map((d) => d.close()));
  await slapd?.stop();
});

function optionsFor(overrides: Partial<LdapDirectoryOptions> = {}): LdapDirectoryOptions {
  return {
    url: slapd.url,
    bindDn: slapd.serviceDn,
    bindPassword: readSecretFile(slapd.servicePasswordFile),
    userBase: slapd.peopleBase,
    userFilter: '(&(objectClass=inetOrgPerson)(uid={username}))',
    groups: slapd.groups,
    languageAttribute: 'preferredLanguage',
    privilegesAttribute: 'aupPrivileges',
    guardianDeniedAttribute: 'aupGuardianDeniedInternet',
    tls: { mode: 'starttls', caFile: slapd.caFile },
    timeoutMs: 3000,
    ...overrides,
  };
}

function directory(overrides: Partial<LdapDirectoryOptions> = {}): LdapDirectory {
  const d = new LdapDirectory(optionsFor(overrides));
  directories.push(d);
  return d;
}

const signIn = (key: SeededUserKey, d = directory()) => d.authenticate(slapd.users[key].username, slapd.users[key].password);

function userOf(result: AuthResult) {
  if (!result.ok) throw new Error(`expected a sign-in, got ${result.reason} (${result.detail ?? ''})`);
  return result.user;
}

describe('who a person is to the kiosk, from the groups they are in', () => {
  it('a kindergartner authenticates as a student in grade 0, so the elementary policy applies', async () => {
    expect(userOf(await signIn('kindergartner'))).toEqual({
      username: 'kai.kinder',
      displayName: 'Kai Kinder',
      role: 'student',
      grade: 0,
      privileges: 'active',
      guardianDeniedInternet: false,
    });
  });

  it("a fourth grader's preferred language comes from the directory", async () => {
    const user = userOf(await signIn('fourthGrader'));
    expect(user).toMatchObject({ role: 'student', grade: 4, language: 'es', displayName: 'María López' });
  });

  it('a seventh and an eleventh grader carry the grades their bands are made from', async () => {
    expect(userOf(await signIn('seventhGrader'))).toMatchObject({ role: 'student', grade: 7 });
    expect(userOf(await signIn('eleventhGrader'))).toMatchObject({ role: 'student', grade: 11, language: 'en-US' });
  });

  it('an approved teacher authenticates as a teacher, the one role that may unlock', async () => {
    const user = userOf(await signIn('teacher'));
    expect(user).toMatchObject({ username: 'tgarcia', displayName: 'Ms. Garcia', role: 'teacher' });
    // Her departmentNumber (7) is a department: only a student's is read as a grade.
    expect(user.grade).toBeUndefined();
  });

  it('a substitute authenticates as a substitute, so the lock can refuse them', async () => {
    expect(userOf(await signIn('substitute')).role).toBe('substitute');
  });

  it('a substitute who is also listed as an approved teacher is still a substitute', async () => {
    expect(userOf(await signIn('substituteAlsoApproved')).role).toBe('substitute');
  });

  it('a librarian clerk is plain staff, named by cn because the entry has no displayName', async () => {
    expect(userOf(await signIn('librarianClerk'))).toMatchObject({ role: 'staff', displayName: 'Lee Clerk' });
  });

  it('a campus administrator authenticates as an administrator, who may override a lock', async () => {
    expect(userOf(await signIn('administrator'))).toMatchObject({ role: 'administrator', displayName: 'Dr. Principal' });
  });

  it('a suspended student whose guardian denied Internet access carries both flags', async () => {
    expect(userOf(await signIn('suspendedStudent'))).toMatchObject({
      role: 'student',
      grade: 9,
      privileges: 'suspended',
      guardianDeniedInternet: true,
    });
  });

  it('without privilege and guardian attributes configured, everyone is active and not denied', async () => {
    const plain = directory({ privilegesAttribute: undefined, guardianDeniedAttribute: undefined, languageAttribute: undefined });
    const user = userOf(await signIn('suspendedStudent', plain));
    expect(user).toMatchObject({ privileges: 'active', guardianDeniedInternet: false });
    expect(userOf(await signIn('fourthGrader', plain)).language).toBeUndefined();
  });

  it('group DNs match whatever case and spacing the technician typed in the config', async () => {
    const shouting = Object.fromEntries(
      Object.entries(slapd.groups).map(([role, dn]) => [role, dn.toUpperCase().replace(/,/g, ', ')]),
    ) as unknown as LdapDirectoryOptions['groups'];
    const d = directory({ groups: shouting });
    expect(userOf(await signIn('teacher', d)).role).toBe('teacher');
    expect(userOf(await signIn('substitute', d)).role).toBe('substitute');
  });

  it('an account in none of the kiosk groups is refused even with its own password', async () => {
    expect(await signIn('noGroups')).toMatchObject({ ok: false, reason: 'bad-credentials' });
    expect(await directory().findUser(slapd.users.noGroups.username)).toBeNull();
  });

  it('findUser knows the signed-in student without a password', async () => {
    const d = directory();
    expect(await d.findUser('jordan.reed')).toMatchObject({ username: 'jordan.reed', role: 'student', grade: 7 });
    expect(await d.findUser('nobody.here')).toBeNull();
    expect(await d.findUser('')).toBeNull();
  });

  it('a username typed in other case is found and reported as the directory spells it', async () => {
    const result = await directory().authenticate('TGarcia', slapd.users.teacher.password);
    expect(userOf(result).username).toBe('tgarcia');
  });

  it('LDAP cannot list everyone cheaply, so listUsers says null', async () => {
    expect(await directory().listUsers()).toBeNull();
  });
});

describe('a wrong secret is a plain no', () => {
  it('a wrong password is bad-credentials', async () => {
    expect(await directory().authenticate('tgarcia', 'not-her-password')).toEqual({ ok: false, reason: 'bad-credentials' });
  });

  it("another user's password is a wrong password", async () => {
    const result = await directory().authenticate('tgarcia', slapd.users.administrator.password);
    expect(result).toMatchObject({ ok: false, reason: 'bad-credentials' });
  });

  it('an unknown user is bad-credentials', async () => {
    expect(await directory().authenticate('no.such.teacher', 'whatever')).toMatchObject({ ok: false, reason: 'bad-credentials' });
  });

  it('the locked-out account is refused, though its password is right', async () => {
    const locked = slapd.users.lockedOut;
    expect(await directory().authenticate(locked.username, locked.password)).toMatchObject({ ok: false, reason: 'bad-credentials' });
    // The password is right: lifting the ppolicy lock lets the same sign-in through.
    const admin = new Client({ url: slapd.url });
    const lockTime = (values: string[]) =>
      new Change({ operation: 'replace', modification: new Attribute({ type: 'pwdAccountLockedTime', values }) });
    try {
      await admin.bind(slapd.rootDn, slapd.rootPassword);
      await admin.modify(locked.dn, lockTime([]));
      expect(userOf(await directory().authenticate(locked.username, locked.password)).role).toBe('teacher');
    } finally {
      await admin.modify(locked.dn, lockTime(['000001010000Z']));
      await admin.unbind();
    }
  });
});

/** A TCP server that only counts who connects (and never answers). */
async function countingServer(): Promise<{ url: string; connections: () => number; close: () => Promise<void> }> {
  let count = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    count++;
    sockets.add(socket);
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (typeof address !== 'object' || !address) throw new Error('no address');
  return {
    url: `ldap://127.0.0.1:${address.port}`,
    connections: () => count,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

describe('an empty or oversized secret never leaves the machine', () => {
  let counter: Awaited<ReturnType<typeof countingServer>>;
  afterEach(async () => counter?.close());

  it('this test directory really does accept an empty password as an anonymous bind', async () => {
    // Why the next test matters: like Active Directory, it answers "success" to DN + empty password.
    const raw = new Client({ url: slapd.url });
    try {
      await expect(raw.bind(slapd.users.teacher.dn, '')).resolves.toBeUndefined();
    } finally {
      await raw.unbind();
    }
  });

  it('an empty password is bad-credentials, never an anonymous "success"', async () => {
    expect(await directory().authenticate('tgarcia', '')).toEqual({ ok: false, reason: 'bad-credentials' });
  });

  it('an empty password, an empty username and oversized input are refused without a connection', async () => {
    counter = await countingServer();
    const d = directory({ url: counter.url, tls: { mode: 'none' }, timeoutMs: 300 });
    expect(await d.authenticate('tgarcia', '')).toEqual({ ok: false, reason: 'bad-credentials' });
    expect(await d.authenticate('', 'secret')).toEqual({ ok: false, reason: 'bad-credentials' });
    expect(await d.authenticate('   ', 'secret')).toEqual({ ok: false, reason: 'bad-credentials' });
    expect(await d.authenticate('x'.repeat(MAX_USERNAME_LENGTH + 1), 'secret')).toEqual({ ok: false, reason: 'bad-credentials' });
    expect(await d.authenticate('tgarcia', 'x'.repeat(MAX_SECRET_LENGTH + 1))).toEqual({ ok: false, reason: 'bad-credentials' });
    expect(await d.authenticate('tgarcia', undefined as unknown as string)).toEqual({ ok: false, reason: 'bad-credentials' });
    expect(counter.connections()).toBe(0);
    // The counter counts: a real attempt connects (and, this server being silent, times out).
    expect(await d.authenticate('tgarcia', 'secret')).toMatchObject({ ok: false, reason: 'directory-unavailable' });
    expect(counter.connections()).toBe(1);
  });
});

describe('filter syntax typed as a username matches no one', () => {
  const attacks = [
    '*',
    '*)(uid=*',
    'admin)(|(uid=*',
    '\\',
    '\u0000',
    'tgarcia\u0000',
    '*)(|(objectClass=*)',
    // Each of these would match exactly one person if it were not escaped:
    'tgarci*',
    'tgarcia)(objectClass=*',
    '*garcia',
    'tgarcia)(|(uid=nobody)',
  ];

  it.each(attacks)('the username %j signs no one in, even with a real password', async (attack) => {
    const d = directory();
    for (const key of ['teacher', 'administrator'] as const) {
      const result = await d.authenticate(attack, slapd.users[key].password);
      expect(result).toMatchObject({ ok: false, reason: 'bad-credentials' });
    }
  });

  it.each(attacks)('findUser(%j) finds no one', async (attack) => {
    expect(await directory().findUser(attack)).toBeNull();
  });

  it('ana*b is one real person, and the star does not also match anaxb', async () => {
    expect(userOf(await signIn('star'))).toMatchObject({ username: 'ana*b', displayName: 'Ana Star', grade: 6 });
    expect(await directory().findUser('ana*b')).toMatchObject({ displayName: 'Ana Star' });
    expect(await directory().authenticate('ana*b', slapd.users.starDecoy.password)).toMatchObject({ ok: false });
  });

  it("o'brien, smith(jr) and josé.núñez are found by their exact names", async () => {
    expect(userOf(await signIn('apostrophe'))).toMatchObject({ username: "o'brien", role: 'teacher' });
    expect(userOf(await signIn('parentheses'))).toMatchObject({
      username: 'smith(jr)',
      role: 'teacher',
      displayName: 'Smith, John',
      greetingName: 'John Smith',
    });
    expect((await directory().findUser('jordan.reed'))?.greetingName).toBeUndefined(); // "Jordan Reed" is already said as people say it
    expect(userOf(await signIn('nonAscii'))).toMatchObject({ username: 'josé.núñez', displayName: 'José Núñez', grade: 10 });
    expect(await directory().findUser('smith(jr')).toBeNull();
  });
});
