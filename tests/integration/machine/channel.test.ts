// The machine service's local channel with real OS accounts (issue 10, "The local channel"): the
// service runs here as root on a real Unix socket in a root-owned temp folder, with the real
// KioskService on a copy of the demo config; each client is a real process running with a test
// account's uid and gid. Every connection must be attributed to the account that opened it, proven
// by what that account alone can read — never by what it says.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { chmod, chown, lstat, mkdir, mkdtemp, readFile, readdir, rm, stat, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { canCreateAccounts, createTestAccounts, type TestAccount } from '../../../harness/os-accounts.ts';
import { openKioskService } from '../../../electron/core/setup.ts';
import type { KioskHost } from '../../../electron/core/kiosk/kiosk-service.ts';
import { MemoryLog } from '../../../electron/core/log.ts';
import { ManualClock } from '../../../electron/core/time.ts';
import { startChannel, type Channel, type ChannelOptions, type SessionHost } from '../../../electron/core/machine/channel.ts';
import { issueToken, resolveSystemAccount } from '../../../electron/core/machine/capability.ts';
import { demoConfigIn, tempDir, type TempDir } from '../../support/fixtures.ts';
import { Agent, frameOf, type AgentEvent } from './channel-agents.ts';

const HANDSHAKE_MS = 1000;

let accounts: TestAccount[] = [];
let removeAccounts: () => Promise<void> = async () => {};
let one: TestAccount;
let two: TestAccount;
let run: string;
let sessionsRoot: string;
let socketPath: string;
let tmp: TempDir;
let service: KioskHost;
let channel: Channel;
const log = new MemoryLog();
/** Every session the channel opened, by kiosk username. */
const opened: string[] = [];
const hooks: string[] = [];
const agents: Agent[] = [];

const host: SessionHost = {
  session(user) {
    opened.push(user);
    return service.session(user);
  },
};

function channelOptions(extra: Partial<ChannelOptions> = {}): ChannelOptions {
  const users: Record<string, string> = { [one.name]: 'carla.diaz', [two.name]: 'ben.carter' };
  return {
    host,
    socketPath,
    sessionsRoot,
    accountToUser: (account) => users[account] ?? account,
    handshakeTimeoutMs: HANDSHAKE_MS,
    maxConnectionsPerAccount: 2,
    onConnected: (account, info) => hooks.push(`+${account} ${info.user} ${info.connections}`),
    onDisconnected: (account, info) => hooks.push(`-${account} ${info.user} ${info.connections}`),
    log,
    ...extra,
  };
}

async function agent(account: TestAccount): Promise<Agent> {
  const a = await Agent.start(account);
  agents.push(a);
  return a;
}

const isFrame = (test: (f: Record<string, any>) => boolean) => (e: AgentEvent) => e.event === 'frame' && test(frameOf(e)!); // frames are read loosely
const refusedAs = (reason: string) => isFrame((f) => f.refused?.reason === reason);

/** A raw connection of `a` that completed the handshake as its own account; returns the event index after the welcome. */
async function authenticated(a: Agent): Promise<number> {
  await a.ask({ cmd: 'connect', socketPath }, (e) => e.event === 'connected', 'the connection');
  await a.ask(
    { cmd: 'send', text: JSON.stringify({ hello: { account: a.account.name } }) },
    isFrame((f) => !!f.challenge),
    'the challenge',
  );
  await a.ask(
    { cmd: 'answer' },
    isFrame((f) => !!f.welcome),
    'the welcome',
  );
  return a.events.length;
}

/** The real client (channel-client.ts) in `a`, connected to `socket` as `account`. */
async function client(a: Agent, account = a.account.name, socket = socketPath, extra: Record<string, unknown> = {}): Promise<AgentEvent> {
  return a.ask({ cmd: 'client', socketPath: socket, account, sessionsRoot, ...extra }, (e) => e.event === 'client', 'the client');
}

const exists = (file: string) =>
  lstat(file).then(
    () => true,
    () => false,
  );

describe.skipIf(!canCreateAccounts)('the local channel, with real accounts', () => {
  beforeAll(async () => {
    const created = await createTestAccounts(2, 'aupc');
    accounts = created.accounts;
    removeAccounts = created.remove;
    [one, two] = accounts as [TestAccount, TestAccount];
    // As /run/aup-kiosk: root-owned, 0755, so every account can reach the socket and none can replace it.
    run = await mkdtemp('/tmp/aup-channel-');
    await chmod(run, 0o755);
    sessionsRoot = path.join(run, 'sessions');
    await mkdir(sessionsRoot, { mode: 0o755 });
    socketPath = path.join(run, 'channel.sock');
    tmp = await tempDir();
    service = await openKioskService({ configFile: await demoConfigIn(tmp.dir), clock: new ManualClock('2026-10-06T15:00:00Z'), log });
    channel = await startChannel(channelOptions());
  });

  afterEach(async () => {
    await Promise.all(agents.splice(0).map((a) => a.stop()));
  });

  afterAll(async () => {
    await channel?.close();
    await service?.close();
    await removeAccounts();
    if (run) await rm(run, { recursive: true, force: true });
    await tmp?.cleanup();
  });

  it('the socket is reachable by every account, in a folder none of them can write', async () => {
    expect((await lstat(socketPath)).mode & 0o777).toBe(0o666);
    for (const dir of [run, sessionsRoot]) {
      const st = await stat(dir);
      expect({ uid: st.uid, mode: st.mode & 0o777 }).toEqual({ uid: 0, mode: 0o755 });
    }
  });

  it('each account gets its own session, proven by a token file only it can read, used once', async () => {
    const [a1, a2] = await Promise.all([agent(one), agent(two)]);
    const [c1, c2] = await Promise.all([client(a1), client(a2)]);
    expect(c1.status).toEqual({ state: 'connected', account: one.name, user: 'carla.diaz' });
    expect(c2.status).toEqual({ state: 'connected', account: two.name, user: 'ben.carter' });
    await a1.next((e) => e.event === 'view' && e.user === 'carla.diaz', "carla.diaz's view pushed");
    await a2.next((e) => e.event === 'view' && e.user === 'ben.carter', "ben.carter's view pushed");
    const r1 = await a1.ask({ cmd: 'call', method: 'getView' }, (e) => e.event === 'result', 'getView');
    expect(r1.result).toEqual({ kind: 'policy', user: 'carla.diaz' });

    for (const account of [one, two]) {
      const folder = path.join(sessionsRoot, account.name);
      const st = await lstat(folder);
      expect({ dir: st.isDirectory(), uid: st.uid, gid: st.gid, mode: st.mode & 0o7777 }).toEqual({
        dir: true,
        uid: account.uid,
        gid: account.gid,
        mode: 0o700,
      });
      expect((await readdir(folder)).filter((f) => f.endsWith('.token'))).toEqual([]); // deleted once used
    }
    expect(hooks).toContain(`+${one.name} carla.diaz 1`);
    await a1.ask({ cmd: 'closeClient' }, (e) => e.event === 'client-closed', 'the client to close');
    await expect.poll(() => hooks).toContain(`-${one.name} carla.diaz 0`);
  });

  it("account 1 naming account 2 cannot read account 2's token (EACCES) and is refused", async () => {
    const a1 = await agent(one);
    const before = opened.length;
    await a1.ask({ cmd: 'connect', socketPath }, (e) => e.event === 'connected', 'the connection');
    const challenge = frameOf(
      await a1.ask(
        { cmd: 'send', text: JSON.stringify({ hello: { account: two.name } }) },
        isFrame((f) => !!f.challenge),
        'the challenge',
      ),
    )!.challenge as { file: string };
    expect(path.dirname(challenge.file)).toBe(path.join(sessionsRoot, two.name));
    const from = a1.send({ cmd: 'answer' });
    expect(await a1.next((e) => e.event === 'read', 'the read', from)).toMatchObject({ ok: false, code: 'EACCES' });
    const refused = frameOf(await a1.next(refusedAs('bad-answer'), 'the refusal', from))!;
    expect(refused.refused.message).toContain(two.name);
    await a1.next((e) => e.event === 'closed', 'the close', from);
    expect(await exists(challenge.file)).toBe(false);
    expect(opened.slice(before)).toEqual([]); // no session was opened for anyone

    // The app's own client, told to be account 2, gets no further.
    const a1b = await agent(one);
    const c = await client(a1b, two.name);
    expect(c.status).toMatchObject({ state: 'unavailable', reason: 'cannot-read-token', message: 'EACCES' });
    expect(opened.slice(before)).toEqual([]);
  });

  it('guessing the answer fails, and the token cannot be used afterwards', async () => {
    const a1 = await agent(one);
    const before = opened.length;
    await a1.ask({ cmd: 'connect', socketPath }, (e) => e.event === 'connected', 'the connection');
    const challenge = frameOf(
      await a1.ask(
        { cmd: 'send', text: JSON.stringify({ hello: { account: one.name } }) },
        isFrame((f) => !!f.challenge),
        'the challenge',
      ),
    )!.challenge as { file: string };
    await a1.ask({ cmd: 'answer', guess: true }, refusedAs('bad-answer'), 'the refusal');
    expect(await a1.ask({ cmd: 'read', path: challenge.file }, (e) => e.event === 'fs', 'the read')).toMatchObject({ ok: false, code: 'ENOENT' });

    const a1b = await agent(one);
    const c = await client(a1b, one.name, socketPath, { guessToken: true });
    expect(c.status).toMatchObject({ state: 'unavailable', reason: 'bad-answer' });
    expect(opened.slice(before)).toEqual([]);
  });

  it('account 1 cannot plant or move anything in the sessions folder (EACCES)', async () => {
    const a1 = await agent(one);
    await client(a1); // its folder exists
    await a1.ask({ cmd: 'closeClient' }, (e) => e.event === 'client-closed', 'the client to close');
    const own = path.join(sessionsRoot, one.name);
    const other = path.join(sessionsRoot, two.name);
    expect(await a1.ask({ cmd: 'rename', from: own, to: `${own}.mine` }, (e) => e.event === 'fs', 'rename')).toMatchObject({
      ok: false,
      code: 'EACCES',
    });
    expect(
      await a1.ask({ cmd: 'symlink', target: other, link: path.join(sessionsRoot, 'planted') }, (e) => e.event === 'fs', 'symlink'),
    ).toMatchObject({
      ok: false,
      code: 'EACCES',
    });
    await rm(own, { recursive: true }); // even where its folder is missing
    expect(await a1.ask({ cmd: 'symlink', target: other, link: own }, (e) => e.event === 'fs', 'symlink')).toMatchObject({
      ok: false,
      code: 'EACCES',
    });
    expect(await exists(own)).toBe(false);
  });

  it("a link found where an account's folder should be is removed, never followed", async () => {
    const a2 = await agent(two);
    await client(a2); // account 2's folder exists, with its owner and mode
    const own = path.join(sessionsRoot, one.name);
    const other = path.join(sessionsRoot, two.name);
    // Only root can write here; a link left by an earlier run or an intruder pointing at account 2's folder.
    await rm(own, { recursive: true, force: true });
    await symlink(other, own);

    const a1 = await agent(one);
    expect((await client(a1)).status).toMatchObject({ state: 'connected', user: 'carla.diaz' });
    const mine = await lstat(own);
    expect({ link: mine.isSymbolicLink(), dir: mine.isDirectory(), uid: mine.uid, mode: mine.mode & 0o7777 }).toEqual({
      link: false,
      dir: true,
      uid: one.uid,
      mode: 0o700,
    });
    const theirs = await lstat(other);
    expect({ uid: theirs.uid, gid: theirs.gid, mode: theirs.mode & 0o7777 }).toEqual({ uid: two.uid, gid: two.gid, mode: 0o700 });

    // A link to a folder account 1 itself owns, elsewhere, is not taken for its folder either.
    await a1.ask({ cmd: 'closeClient' }, (e) => e.event === 'client-closed', 'the client to close');
    const decoy = path.join(run, 'decoy');
    await mkdir(decoy, { mode: 0o700 });
    await chown(decoy, one.uid, one.gid);
    await rm(own, { recursive: true, force: true });
    await symlink(decoy, own);
    const a1b = await agent(one);
    expect((await client(a1b)).status).toMatchObject({ state: 'connected', user: 'carla.diaz' });
    expect((await lstat(own)).isSymbolicLink()).toBe(false);
  });

  it('a link the account plants in its own folder is never opened or written through, and a folder it opened up is closed again', async () => {
    const a1 = await agent(one);
    await client(a1);
    await a1.ask({ cmd: 'closeClient' }, (e) => e.event === 'client-closed', 'the client to close');
    const own = path.join(sessionsRoot, one.name);
    const victim = path.join(run, 'victim');
    await writeFile(victim, 'untouched', { mode: 0o600 });
    const planted = path.join(own, 'planted.token');
    expect(await a1.ask({ cmd: 'symlink', target: victim, link: planted }, (e) => e.event === 'fs', 'symlink')).toMatchObject({ ok: true });

    // The service's token file, were it given that name: O_CREAT|O_EXCL|O_NOFOLLOW refuses the entry.
    const identity = (await resolveSystemAccount(one.name))!;
    expect(identity).toEqual({ name: one.name, uid: one.uid, gid: one.gid });
    await expect(issueToken(sessionsRoot, identity, 'planted.token')).rejects.toMatchObject({ code: 'EEXIST' });
    const v = await stat(victim);
    expect({ text: await readFile(victim, 'utf8'), uid: v.uid, mode: v.mode & 0o777 }).toEqual({ text: 'untouched', uid: 0, mode: 0o600 });
    expect((await lstat(planted)).isSymbolicLink()).toBe(true);

    // The account owns its folder and may open it to everyone; the next handshake closes it.
    expect(await a1.ask({ cmd: 'chmod', path: own, mode: 0o777 }, (e) => e.event === 'fs', 'chmod')).toMatchObject({ ok: true });
    const a1b = await agent(one);
    expect((await client(a1b)).status).toMatchObject({ state: 'connected' });
    expect((await lstat(own)).mode & 0o7777).toBe(0o700);
    expect(await readFile(victim, 'utf8')).toBe('untouched');
  });

  it('anything but a hello first is refused and closed; malformed requests after it are refused and the connection stays usable', async () => {
    const a1 = await agent(one);
    await a1.ask({ cmd: 'connect', socketPath }, (e) => e.event === 'connected', 'the connection');
    let from = a1.send({ cmd: 'send', text: '{"id":1,"method":"getView"}' });
    await a1.next(refusedAs('expected-hello'), 'the refusal', from);
    await a1.next((e) => e.event === 'closed', 'the close', from);

    from = await authenticated(a1);
    const answerTo = async (text: string, id: unknown) =>
      frameOf(
        await a1.ask(
          { cmd: 'send', text },
          isFrame((f) => f.type === 'result' && f.id === id),
          `the answer to ${text}`,
        ),
      )!.result;
    expect(await answerTo('not json', null)).toEqual({ ok: false, reason: 'invalid-request', message: 'the message is not JSON' });
    expect(await answerTo('[1,2]', null)).toMatchObject({ ok: false, reason: 'invalid-request' });
    expect(await answerTo('{"id":1}', 1)).toEqual({ ok: false, reason: 'invalid-request', message: 'expected a "method"' });
    expect(await answerTo('{"id":2,"method":"deleteLedger"}', 2)).toEqual({ ok: false, reason: 'invalid-request', message: 'unknown intent' });
    expect(await answerTo('{"id":3,"method":"setLanguage","params":42}', 3)).toEqual({
      ok: false,
      reason: 'invalid-request',
      message: 'wrong arguments for setLanguage',
    });
    expect(await answerTo('{"id":4,"method":"teacherUnlock","params":{"username":"x","secret":"y","admin":true}}', 4)).toMatchObject({
      reason: 'invalid-request',
    });
    expect(await answerTo('{"id":5,"method":"getView","as":"ben.carter"}', 5)).toEqual({
      ok: false,
      reason: 'invalid-request',
      message: 'unexpected field "as"',
    });
    expect(await answerTo(JSON.stringify({ hello: { account: two.name } }), null)).toMatchObject({ reason: 'invalid-request' });
    expect(await answerTo('{"id":6,"method":"getView"}', 6)).toMatchObject({ kind: 'policy', user: { username: 'carla.diaz' } });
    expect(a1.events.slice(from).some((e) => e.event === 'closed')).toBe(false);
  });

  it('a 10 MB frame closes the connection, before or after the handshake, and is never buffered', async () => {
    const a1 = await agent(one);
    await a1.ask({ cmd: 'connect', socketPath }, (e) => e.event === 'connected', 'the connection');
    let from = a1.send({ cmd: 'sendBytes', bytes: 10 * 1024 * 1024 });
    await a1.next(refusedAs('frame-too-large'), 'the refusal', from);
    await a1.next((e) => e.event === 'closed', 'the close', from);

    await authenticated(a1);
    from = a1.send({ cmd: 'sendBytes', bytes: 10 * 1024 * 1024 });
    await a1.next(refusedAs('frame-too-large'), 'the refusal', from);
    await a1.next((e) => e.event === 'closed', 'the close', from);
    const held = channel.stats().highWaterFrameBytes;
    console.log(`channel: most bytes held for one unfinished frame: ${held}`);
    expect(held).toBeLessThanOrEqual(64 * 1024);
  });

  it("a flood of 10,000 requests from account 1 is refused, while account 2's requests are answered", async () => {
    const a2 = await agent(two);
    await client(a2);
    const a1 = await agent(one);
    await authenticated(a1);
    const limitedBefore = channel.stats().rateLimited;
    const from = a1.send({ cmd: 'flood', count: 10_000 });
    await a1.next((e) => e.event === 'flood-started', 'the flood', from);
    const during = await a2.ask({ cmd: 'call', method: 'getView' }, (e) => e.event === 'result', "account 2's getView");
    expect(during.result).toEqual({ kind: 'policy', user: 'ben.carter' });
    const flood = await a1.next((e) => e.event === 'flood', 'the end of the flood', from);
    const after = await a2.ask({ cmd: 'call', method: 'getView' }, (e) => e.event === 'result', "account 2's getView after");
    console.log(
      `channel flood: account 1 got ${flood.ok} answers, ${flood.rateLimited} rate-limited, closed: ${flood.closed}; account 2's getView took ${during.ms.toFixed(1)} ms during, ${after.ms.toFixed(1)} ms after`,
    );
    expect(after.result).toEqual({ kind: 'policy', user: 'ben.carter' });
    expect(flood.closed).toBe(true);
    expect(a1.events.slice(from).some(refusedAs('flooding'))).toBe(true);
    expect(flood.rateLimited).toBeGreaterThan(0);
    expect(flood.ok).toBeLessThan(200); // the burst and the sustained rate, not 10,000
    expect(channel.stats().rateLimited - limitedBefore).toBe(flood.rateLimited);
  });

  it('a client that connects and says nothing, or never answers, is closed after the handshake timeout; its token is gone', async () => {
    const a1 = await agent(one);
    let from = a1.send({ cmd: 'connect', socketPath });
    await a1.next((e) => e.event === 'connected', 'the connection', from);
    const started = Date.now();
    await a1.next(refusedAs('timeout'), 'the timeout', from);
    await a1.next((e) => e.event === 'closed', 'the close', from);
    console.log(`channel: a silent client was closed after ${Date.now() - started} ms (timeout ${HANDSHAKE_MS} ms)`);

    from = a1.send({ cmd: 'connect', socketPath });
    await a1.next((e) => e.event === 'connected', 'the connection', from);
    const challenge = frameOf(
      await a1.ask(
        { cmd: 'send', text: JSON.stringify({ hello: { account: one.name } }) },
        isFrame((f) => !!f.challenge),
        'the challenge',
      ),
    )!.challenge as { file: string };
    expect(await exists(challenge.file)).toBe(true);
    await a1.next(refusedAs('timeout'), 'the timeout', from);
    await a1.next((e) => e.event === 'closed', 'the close', from);
    await expect.poll(() => exists(challenge.file)).toBe(false);
    expect(channel.stats().pendingHandshakes).toBe(0);
  });

  it('an account has at most its ceiling of connections', async () => {
    const [a, b, c] = await Promise.all([agent(one), agent(one), agent(one)]);
    expect((await client(a)).status).toMatchObject({ state: 'connected' });
    expect((await client(b)).status).toMatchObject({ state: 'connected' });
    expect(channel.stats().connections[one.name]).toBe(2);
    expect((await client(c)).status).toMatchObject({ state: 'unavailable', reason: 'too-many-connections' });
    // One goes away (a screen closed): the next attempt gets in.
    await a.ask({ cmd: 'closeClient' }, (e) => e.event === 'client-closed', 'the client to close');
    await c.next((e) => e.event === 'status' && e.status.state === 'connected', 'the third client to get in');
  });

  it('the service not running: the client says unavailable, nothing is done, and it connects when the service comes back', async () => {
    const second = path.join(run, 'second.sock');
    const a1 = await agent(one);
    const c = await client(a1, one.name, second);
    expect(c.status).toMatchObject({ state: 'unavailable', reason: 'not-running' });
    const unlock = await a1.ask(
      { cmd: 'call', method: 'teacherUnlock', params: { username: 'maria.garcia', secret: '1234' } },
      (e) => e.event === 'result',
      'teacherUnlock',
    );
    expect(unlock.result).toEqual({ ok: false, reason: 'not-now', message: 'the kiosk service is not running' });
    const view = await a1.ask({ cmd: 'call', method: 'getView' }, (e) => e.event === 'result', 'getView');
    expect(view).toMatchObject({ code: 'service-unavailable' });

    let from = a1.events.length;
    let back = await startChannel(channelOptions({ socketPath: second }));
    try {
      await a1.next((e) => e.event === 'status' && e.status.state === 'connected', 'the client to connect', from);
      await a1.next((e) => e.event === 'view' && e.user === 'carla.diaz', 'the view pushed', from);

      from = a1.events.length;
      await back.close(); // the service stops (or dies)
      await a1.next((e) => e.event === 'status' && e.status.state === 'unavailable' && e.status.reason === 'not-running', 'unavailable again', from);
      from = a1.events.length;
      back = await startChannel(channelOptions({ socketPath: second }));
      await a1.next((e) => e.event === 'status' && e.status.state === 'connected', 'the client to reconnect', from);
      const again = await a1.ask({ cmd: 'call', method: 'getView' }, (e) => e.event === 'result', 'getView');
      expect(again.result).toEqual({ kind: 'policy', user: 'carla.diaz' });
    } finally {
      await back.close();
    }
  });
});
