// How the kiosk reaches the directory: passwords travel only over verified TLS unless the config
// explicitly says otherwise, and a directory that is down, silent or untrusted is a prompt
// "directory-unavailable", never a hung lock screen.
import type { AuthResult } from '../../../electron/core/people.ts';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  DirectoryUnavailableError,
  LdapDirectory,
  ldapOptionProblems,
  readSecretFile,
  type LdapDirectoryOptions,
} from '../../../electron/core/directory/ldap-directory.ts';

import { freePort, startSlapd, type SlapdHandle } from '../../../harness/slapd.ts';
import { SLACK_MS } from '../../support/until.ts';

let slapd: SlapdHandle;
const directories: LdapDirectory[] = [];
const servers: Server[] = [];
const sockets = new Set<Socket>();

beforeAll(async () => {
  slapd = await startSlapd();
});

afterEach(async () => {
  await Promise.all(directories.splice(0).map((d) => d.close()));
  for (const socket of sockets) socket.destroy();
  sockets.clear();
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

afterAll(async () => {
  await slapd?.stop();
});

function directory(overrides: Partial<LdapDirectoryOptions>): LdapDirectory {
  const d = new LdapDirectory({
    url: slapd.url,
    bindDn: slapd.serviceDn,
    bindPassword: slapd.servicePassword,
    userBase: slapd.peopleBase,
    userFilter: '(&(objectClass=inetOrgPerson)(uid={username}))',
    groups: slapd.groups,
    timeoutMs: 3000,
    ...overrides,
  });
  directories.push(d);
  return d;
}

const teacherSignIn = (d: LdapDirectory) => d.authenticate(slapd.users.teacher.username, slapd.users.teacher.password);

function expectUnavailable(result: AuthResult, detail: RegExp) {
  expect(result).toMatchObject({ ok: false, reason: 'directory-unavailable' });
  const text = result.ok ? '' : (result.detail ?? '');
  expect(text).toMatch(detail);
  // Whatever went wrong, neither the typed password nor the service password is in the words.
  expect(text).not.toContain(slapd.users.teacher.password);
  expect(text).not.toContain(slapd.servicePassword);
}

/** A loopback server that accepts connections and does `onData` (nothing, by default). */
async function fakeServer(onData: (socket: Socket, data: Buffer) => void = () => undefined): Promise<number> {
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('data', (data) => onData(socket, data));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (typeof address !== 'object' || !address) throw new Error('no address');
  return address.port;
}

/** Answers the StartTLS extended request with success, then says nothing more (no TLS handshake). */
function agreeToStartTlsThenHang(socket: Socket, data: Buffer) {
  // LDAPMessage ::= SEQUENCE { messageID INTEGER, protocolOp ... }; the reply must echo the ID.
  let offset = 1;
  const lengthByte = data[offset++] ?? 0;
  if (lengthByte & 0x80) offset += lengthByte & 0x7f;
  if (data[offset] !== 0x02) return;
  const idLength = data[offset + 1] ?? 0;
  const id = data.subarray(offset + 2, offset + 2 + idLength);
  const extendedResponse = Buffer.from([0x78, 0x07, 0x0a, 0x01, 0x00, 0x04, 0x00, 0x04, 0x00]); // success, "", ""
  const body = Buffer.concat([Buffer.from([0x02, idLength]), id, extendedResponse]);
  socket.write(Buffer.concat([Buffer.from([0x30, body.length]), body]));
}

async function timed<T>(work: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const start = performance.now();
  const result = await work();
  return { result, ms: performance.now() - start };
}

describe('passwords travel only over a verified connection', () => {
  it('StartTLS with the district CA signs a teacher in', async () => {
    const result = await teacherSignIn(directory({ tls: { mode: 'starttls', caFile: slapd.caFile } }));
    expect(result).toMatchObject({ ok: true, user: { role: 'teacher' } });
  });

  it('StartTLS without the district CA is directory-unavailable: the certificate is not trusted', async () => {
    const result = await teacherSignIn(directory({ tls: { mode: 'starttls' } }));
    expectUnavailable(result, /certificate is not trusted/);
  });

  it('ldaps with the district CA signs a teacher in', async () => {
    const result = await teacherSignIn(directory({ url: slapd.ldapsUrl, tls: { caFile: slapd.caFile } }));
    expect(result).toMatchObject({ ok: true, user: { role: 'teacher' } });
  });

  it('ldaps without the district CA is directory-unavailable: the certificate is not trusted', async () => {
    const result = await teacherSignIn(directory({ url: slapd.ldapsUrl }));
    expectUnavailable(result, /certificate is not trusted/);
  });

  it('the certificate is checked against the host in the URL (localhost is in its names too)', async () => {
    const url = slapd.ldapsUrl.replace('127.0.0.1', 'localhost');
    const result = await teacherSignIn(directory({ url, tls: { caFile: slapd.caFile } }));
    expect(result).toMatchObject({ ok: true });
  });

  it('an ldap:// URL with no TLS mode means StartTLS, never clear text', async () => {
    // Without the CA the upgrade fails, which proves it was attempted; with it, the sign-in works.
    expectUnavailable(await teacherSignIn(directory({ tls: undefined })), /certificate is not trusted/);
    expect(await teacherSignIn(directory({ tls: { caFile: slapd.caFile } }))).toMatchObject({ ok: true });
  });

  it('clear-text LDAP works only because tls.mode "none" says so explicitly', async () => {
    const result = await teacherSignIn(directory({ tls: { mode: 'none' } }));
    expect(result).toMatchObject({ ok: true, user: { username: 'tgarcia', role: 'teacher' } });
  });

  it('a CA file that cannot be read is directory-unavailable, naming the file', async () => {
    const missing = join(slapd.dir, 'no-such-ca.pem');
    const result = await teacherSignIn(directory({ tls: { caFile: missing } }));
    expectUnavailable(result, new RegExp(`cannot read tls.caFile ${missing.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  });

  it('the TLS mode and the URL must agree, or the directory is not built', () => {
    const base = {
      url: slapd.url,
      bindDn: slapd.serviceDn,
      bindPassword: 'x',
      userBase: slapd.baseDn,
      userFilter: '(uid={username})',
      groups: slapd.groups,
    };
    expect(ldapOptionProblems({ ...base, tls: { mode: 'ldaps' } })).toEqual([{ path: 'tls.mode', message: 'mode ldaps needs an ldaps:// URL' }]);
    expect(ldapOptionProblems({ ...base, url: slapd.ldapsUrl, tls: { mode: 'none' } })).toEqual([
      { path: 'tls.mode', message: 'an ldaps:// URL is always TLS: use mode ldaps' },
    ]);
    expect(() => new LdapDirectory({ ...base, url: slapd.ldapsUrl, tls: { mode: 'starttls' } })).toThrow(/tls\.mode/);
    expect(ldapOptionProblems({ ...base, url: 'http://127.0.0.1', userFilter: '(uid=jdoe)' }).map((p) => p.path)).toEqual(['url', 'userFilter']);
    expect(ldapOptionProblems({ ...base, userFilter: '(uid={username}' }).map((p) => p.path)).toEqual(['userFilter']);
    expect(ldapOptionProblems(base)).toEqual([]);
  });
});

describe('a directory that is down or silent never holds the lock screen', () => {
  it('a port with nothing listening is directory-unavailable at once', async () => {
    const port = await freePort();
    const { result, ms } = await timed(() => teacherSignIn(directory({ url: `ldap://127.0.0.1:${port}`, tls: { mode: 'none' } })));
    expectUnavailable(result, /connection refused/);
    expect(ms).toBeLessThan(SLACK_MS);
  });

  it.each([
    ['starttls', 'ldap'],
    ['ldaps', 'ldaps'],
    ['none', 'ldap'],
  ] as const)('a server that accepts and never answers (%s) is given up on within the timeout', async (mode, scheme) => {
    const port = await fakeServer();
    const d = directory({ url: `${scheme}://127.0.0.1:${port}`, tls: { mode, caFile: slapd.caFile }, timeoutMs: 400 });
    const { result, ms } = await timed(() => teacherSignIn(d));
    expectUnavailable(result, /no answer from .* within 400 ms/);
    expect(ms).toBeLessThan(400 + SLACK_MS);
  });

  it('a server that agrees to StartTLS and never starts the handshake is given up on within the timeout', async () => {
    const port = await fakeServer(agreeToStartTlsThenHang);
    const d = directory({ url: `ldap://127.0.0.1:${port}`, tls: { mode: 'starttls', caFile: slapd.caFile }, timeoutMs: 400 });
    const { result, ms } = await timed(() => teacherSignIn(d));
    expectUnavailable(result, /no answer from .* within 400 ms/);
    expect(ms).toBeLessThan(400 + SLACK_MS);
  });

  it('findUser on a directory that is down rejects with DirectoryUnavailableError, not "unknown user"', async () => {
    const port = await freePort();
    const d = directory({ url: `ldap://127.0.0.1:${port}`, tls: { mode: 'none' } });
    await expect(d.findUser('tgarcia')).rejects.toBeInstanceOf(DirectoryUnavailableError);
    await expect(d.findUser('tgarcia')).rejects.toThrow(/connection refused/);
  });

  it('a refused service account is directory-unavailable, naming the account but not its password', async () => {
    const result = await teacherSignIn(directory({ bindPassword: `${slapd.servicePassword}-old`, tls: { caFile: slapd.caFile } }));
    expectUnavailable(result, /service account cn=kiosk-svc,ou=services,dc=lockhart,dc=test was refused/);
    expect(result.ok ? '' : result.detail).not.toContain(`${slapd.servicePassword}-old`);
  });

  it('after close(), a sign-in is directory-unavailable', async () => {
    const d = directory({ tls: { caFile: slapd.caFile } });
    expect(await teacherSignIn(d)).toMatchObject({ ok: true });
    await d.close();
    expectUnavailable(await teacherSignIn(d), /closed/);
  });
});

describe('the service password comes from a file the technician deploys', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'aup-secret-'));
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  it('reads the password and drops the final newline', async () => {
    expect(readSecretFile(slapd.servicePasswordFile)).toBe(slapd.servicePassword);
    const file = join(dir, 'crlf');
    await writeFile(file, '  s3cret pass\r\n');
    expect(readSecretFile(file)).toBe('s3cret pass');
  });

  it('a missing password file is an error that names the file', () => {
    const file = join(dir, 'missing.password');
    expect(() => readSecretFile(file)).toThrow(`The password file ${file} does not exist.`);
  });

  it('an empty password file is an error that names the file', async () => {
    const file = join(dir, 'empty.password');
    await writeFile(file, '\n  \n');
    expect(() => readSecretFile(file)).toThrow(`The password file ${file} is empty.`);
  });
});
