// The installed product attacked as the student at the keyboard (a real unprivileged uid) and as
// another student on the same PC: `aup service run` as root on a temp root-owned tree, the students'
// processes under their own uids over the real socket. Each test is an attack; it passes when the
// attack fails. Attacks already held elsewhere: channel.test.ts (another account's name, tokens,
// links in the token folders, malformed, huge and flooding frames, the connection ceiling, the
// handshake timeout), permissions.test.ts (modes, owners, links, umask), service.test.ts (reading or
// forging the state, a killed screen, a SIGKILLed service), sea.test.ts (NODE_OPTIONS, OPENSSL_CONF).
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { chmod, lstat, mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { canCreateAccounts, createTestAccounts, runAs, type TestAccount } from '../../../harness/os-accounts.ts';
import { Child } from '../../support/child.ts';
import { REPO, demoConfigIn, tempDir } from '../../support/fixtures.ts';
import { openKioskService } from '../../../electron/core/setup.ts';
import { MemoryLog } from '../../../electron/core/log.ts';
import { ManualClock } from '../../../electron/core/time.ts';
import { directoryConfigFor, startSlapd } from '../../../harness/slapd.ts';
import {
  call,
  lastView,
  machineTree,
  ready,
  screenOf,
  startService as startServiceOn,
  toTheLock,
  waitView,
  type MachineTree,
} from '../../support/machine.ts';

const CLIENT = path.join(import.meta.dirname, 'screen-client.ts');
const AGENT = path.join(import.meta.dirname, 'red-team-agent.ts');
const AUP = path.join(REPO, 'bin/aup.mjs');
/** The demo config's lock rules (assets/demo/config.json). */
const MAX_FAILED = 5;

let tree: MachineTree;
let accounts: TestAccount[];
let removeAccounts: () => Promise<void>;
const children: Child[] = [];
/** Filesystems a test mounted (unmounted after it). */
const mounts: string[] = [];
const exec = promisify(execFile);

const startService = (env: NodeJS.ProcessEnv = {}, args: string[] = []) => startServiceOn(tree, children, env, args);
const screen = (account: TestAccount, env: NodeJS.ProcessEnv = {}) => screenOf(tree, children, account, env);

function agent(account: TestAccount): Child {
  const c = new Child(AGENT, [tree.socket, tree.sessions, account.name], {}, account);
  children.push(c);
  return c;
}

/** Sends an agent command and returns the first answer line `key` names. */
async function ask<T>(c: Child, command: Record<string, unknown>, key: string): Promise<T> {
  const from = c.lines.length;
  c.send(JSON.stringify(command));
  const line = await c.waitFor((l) => key in JSON.parse(l) || 'error' in JSON.parse(l), `the agent's ${key}`, from);
  const answer = JSON.parse(line);
  if ('error' in answer) throw new Error(`agent: ${answer.error}`);
  return answer[key] as T;
}

type Outcome = { ok: boolean; reason?: string; retryAfterSeconds?: number };

describe.skipIf(!canCreateAccounts || process.platform !== 'linux')(
  'red team: the installed service attacked by students (root, real accounts)',
  () => {
    beforeAll(async () => {
      ({ accounts, remove: removeAccounts } = await createTestAccounts(2, 'auptred'));
    });
    afterEach(async () => {
      for (const c of children.splice(0)) await c.kill().catch(() => undefined);
      for (const m of mounts.splice(0)) await exec('umount', [m]);
      if (tree) await rm(tree.root, { recursive: true, force: true });
    });
    afterAll(async () => removeAccounts?.());

    it("guessing a teacher's PIN from many connections at once, two students together, gets no more guesses than one at a time", async () => {
      tree = await machineTree(accounts);
      await ready(startService());
      const [a, b] = accounts as [TestAccount, TestAccount];
      const [sa, sb] = [screen(a), screen(b)];
      await toTheLock(sa, 'Test Student 1');
      await toTheLock(sb, 'Test Student 2');
      // One guess short of the lockout, one at a time.
      for (let i = 0; i < MAX_FAILED - 1; i++)
        expect(await call(sa, 'teacherUnlock', { username: 'ms.garcia', secret: `000${i}` })).toMatchObject({ ok: false, reason: 'bad-credentials' });

      // Each student's own process opens three more connections (four is the ceiling) and fires them together.
      const [ga, gb] = [agent(a), agent(b)];
      expect(await ask<string[]>(ga, { cmd: 'clients', count: 3 }, 'clients')).toEqual(['connected', 'connected', 'connected']);
      expect(await ask<string[]>(gb, { cmd: 'clients', count: 3 }, 'clients')).toEqual(['connected', 'connected', 'connected']);
      const guesses = (from: number) => Array.from({ length: 3 }, (_, i) => ({ username: 'ms.garcia', secret: String(1000 + from + i) }));
      const [ra, rb] = await Promise.all([
        ask<Outcome[]>(ga, { cmd: 'burst', method: 'teacherUnlock', params: guesses(0) }, 'results'),
        ask<Outcome[]>(gb, { cmd: 'burst', method: 'teacherUnlock', params: guesses(3) }, 'results'),
      ]);
      const results = [...ra, ...rb];
      const checked = results.filter((r) => r.reason === 'bad-credentials');
      const refused = results.filter((r) => r.reason === 'rate-limited');
      console.log(`red team: 6 concurrent guesses at the last allowed one: ${checked.length} checked, ${refused.length} rate-limited`);
      expect(results.every((r) => r.ok === false)).toBe(true);
      expect(checked).toHaveLength(1); // the one guess left, not six
      expect(refused).toHaveLength(5);
      // And the lockout is in force for the right PIN too.
      expect(await call(sb, 'teacherUnlock', { username: 'ms.garcia', secret: '2468' })).toMatchObject({ ok: false, reason: 'rate-limited' });
      await waitView(sa, 'locked');
      await waitView(sb, 'locked');
    });

    it("every file the service writes is root's alone, even when it was started with umask 000", async () => {
      tree = await machineTree(accounts);
      // A unit file's UMask=0000: the process starts with it, before any code of the service runs.
      const wrapper = path.join(tree.root, 'umask-000.mjs');
      await writeFile(wrapper, `process.umask(0);\nawait import(${JSON.stringify(AUP)});\n`);
      const service = new Child(wrapper, ['service', 'run', '--root', tree.root], { NODE_OPTIONS: '' });
      children.push(service);
      await ready(service);
      const [a] = accounts as [TestAccount];
      const s = screen(a);
      await toTheLock(s, 'Test Student 1');
      expect(await call(s, 'teacherUnlock', { username: 'ms.garcia', secret: '0000' })).toMatchObject({ reason: 'bad-credentials' });
      const open: string[] = [];
      const walk = async (dir: string): Promise<void> => {
        for (const entry of await readdir(dir, { withFileTypes: true })) {
          const p = path.join(dir, entry.name);
          if (entry.isDirectory()) await walk(p);
          else if (((await lstat(p)).mode & 0o077) !== 0) open.push(`${path.relative(tree.data, p)} ${((await lstat(p)).mode & 0o777).toString(8)}`);
        }
      };
      await walk(tree.data);
      expect(open).toEqual([]);
    });

    it("a program named like a system tool, early on the service's PATH, does not decide who a connection is", async () => {
      tree = await machineTree(accounts);
      const [a] = accounts as [TestAccount];
      // The student's own getent, saying that the teacher's name is the student's uid.
      const bin = path.join(a.home, 'bin');
      const fake = `#!/bin/sh\necho "ms.garcia:x:${a.uid}:${a.gid}::/tmp:/bin/sh"\n`;
      const made = await runAs(a, 'sh', ['-c', `mkdir -p '${bin}' && cat > '${bin}/getent' && chmod 755 '${bin}/getent'`], { input: fake });
      expect(made.code).toBe(0);
      // A technician's shell with that folder first on its PATH starts the service by hand.
      const service = await ready(startService({ PATH: `${bin}:${process.env.PATH ?? '/usr/bin:/bin'}` }));
      const posing = new Child(CLIENT, [tree.socket, tree.sessions, 'ms.garcia'], {}, a);
      children.push(posing);
      // The first view it is given, whichever it is: the teacher's screen would be "free".
      await posing.waitForLines(() => lastView(posing) !== undefined, 'a view for the posing client');
      expect(lastView(posing)).toBe('service-unavailable');
      await service.waitForLog((l) => l.includes('connection refused') && l.includes('unknown-account'), "the teacher's name refused");
    });

    it("the service's environment and arguments name no config: AUP_KIOSK_CONFIG, HOME and XDG_CONFIG_HOME are not read, --config is refused", async () => {
      tree = await machineTree(accounts);
      const [a] = accounts as [TestAccount];
      // The student's own config beside the student's own roster, in which the student is a teacher.
      const own = {
        ...JSON.parse(await readFile(path.join(tree.etc, 'config.json'), 'utf8')),
        site: { campus: 'Student High', room: 'Anywhere' },
        directory: { type: 'roster', file: 'roster.json' },
      };
      const roster = { users: [{ username: a.name, displayName: 'Not A Teacher', role: 'teacher', language: 'en', pinHash: null }] };
      for (const [name, text] of [
        ['config.json', JSON.stringify(own)],
        ['roster.json', JSON.stringify(roster)],
      ] as const)
        expect(
          (await runAs(a, 'sh', ['-c', `mkdir -p '${a.home}/.config/aup-kiosk' && cat > '${a.home}/.config/aup-kiosk/${name}'`], { input: text }))
            .code,
        ).toBe(0);
      const mine = path.join(a.home, '.config/aup-kiosk/config.json');

      const flagged = startService({}, ['--config', mine]);
      expect(await flagged.exited).toBe(2);
      expect(flagged.stderr).toContain('--config');

      await ready(startService({ AUP_KIOSK_CONFIG: mine, HOME: a.home, XDG_CONFIG_HOME: path.join(a.home, '.config') }));
      const s = screen(a);
      await waitView(s, 'policy');
      expect(await call(s, 'getView')).toMatchObject({ kind: 'policy', context: { site: { campus: 'Lockhart High School', room: 'Lab 204' } } });
    });

    it('a screen the student stops (SIGSTOP: its window stays, frozen, its socket open) counts as gone: the locked session is ended', async () => {
      tree = await machineTree(accounts);
      const service = await ready(startService());
      const [a] = accounts as [TestAccount];
      const s = screen(a);
      await toTheLock(s, 'Test Student 1');
      // What `kill -STOP <pid>` does from the student's own terminal: nothing more is sent or read.
      process.kill(s.pid, 'SIGSTOP');
      await service.waitForLog((l) => l.includes('connection refused') && l.includes('"idle"') && l.includes(a.name), 'the silent screen closed');
      await service.waitForLog((l) => l.includes('ended a locked session without kiosk screens') && l.includes(a.name), 'the locked session ended');
      expect(await s.exited).toBe(null); // killed with the session
    });

    it("one student holding every handshake slot with connections that never answer does not keep another student's screen out", async () => {
      tree = await machineTree(accounts);
      await ready(startService());
      const [attacker, victim] = accounts as [TestAccount, TestAccount];
      const screenOfVictim = agent(victim);
      await screenOfVictim.waitFor((l) => 'ready' in JSON.parse(l), "the victim's screen process");
      const held = await ask<string[]>(agent(attacker), { cmd: 'hold', count: 32 }, 'held'); // the service's ceiling
      expect(held).toEqual(Array(32).fill('challenge'));
      expect(await ask<string[]>(screenOfVictim, { cmd: 'clients', count: 1 }, 'clients')).toEqual(['connected']);
    });

    it('a student who fills the disk the service writes to gets no free guesses and learns nothing from the answers', async () => {
      tree = await machineTree(accounts);
      // As on most installs, /var/tmp (every account may write, sticky) and /var/lib are one filesystem;
      // a small one here, with no blocks kept for root (tmpfs, as btrfs and xfs keep none either).
      const varFolder = path.join(tree.root, 'var');
      await exec('mount', ['-t', 'tmpfs', '-o', 'size=2m,mode=755', 'tmpfs', varFolder]);
      mounts.push(varFolder);
      await mkdir(path.join(varFolder, 'lib'), { mode: 0o755 });
      const varTmp = path.join(varFolder, 'tmp');
      await mkdir(varTmp);
      await chmod(varTmp, 0o1777);
      await ready(startService());
      const [a] = accounts as [TestAccount];
      const s = screen(a);
      await toTheLock(s, 'Test Student 1');

      const fill = await runAs(a, 'sh', ['-c', `head -c 100000000 /dev/zero > '${varTmp}/fill'`]);
      expect(fill.stderr).toMatch(/No space left on device/);
      const answers: unknown[] = [];
      for (let i = 0; i < MAX_FAILED + 2; i++) answers.push(await call(s, 'teacherUnlock', { username: 'ms.garcia', secret: `000${i}` }));
      const right = await call(s, 'teacherUnlock', { username: 'ms.garcia', secret: '2468' });
      console.log(`red team: disk full, a wrong PIN answered ${JSON.stringify(answers[0])}, the right PIN ${JSON.stringify(right)}`);
      // A guess that cannot be counted is not checked: the right PIN is answered as the wrong ones are.
      for (const answer of answers) expect(answer).toEqual(right);
      expect(right).toMatchObject({ ok: false, reason: 'not-now' });
      expect(await call(s, 'getView')).toMatchObject({ kind: 'locked' });

      // Space again: the teacher's PIN works, and the lock was never opened meanwhile.
      expect((await runAs(a, 'rm', ['-f', path.join(varTmp, 'fill')])).code).toBe(0);
      expect(await call(s, 'teacherUnlock', { username: 'ms.garcia', secret: '2468' })).toEqual({ ok: true });
      await waitView(s, 'unlocked');
    });
  },
);

// The district's directory decides which spellings of a name are the same person (OpenLDAP's uid
// match folds case and full-width letters); the lockout must count them as one. No OS account is
// needed for this one: it is the sign-in the service runs, whichever screen sends it.
describe("red team: a teacher's name spelled many ways, against the real directory (OpenLDAP)", () => {
  it("every spelling the directory takes for the teacher counts toward that teacher's lockout", async () => {
    const slapd = await startSlapd();
    const tmp = await tempDir();
    try {
      const config = await demoConfigIn(tmp.dir, (c) => {
        c.directory = directoryConfigFor(slapd, { timeoutSeconds: 10 });
      });
      const kiosk = await openKioskService({ configFile: config, clock: new ManualClock('2026-10-06T15:00:00Z'), log: new MemoryLog() });
      try {
        const s = kiosk.session(slapd.users.seventhGrader.username);
        for (let i = 0; i < 2; i++) {
          const v = await s.getView();
          if (v.kind === 'policy') {
            const d = v.document;
            await s.acceptPolicy({ policyId: d.policyId, version: d.version, sha256: d.sha256, language: d.language, typedName: v.user.displayName });
          } else if (v.kind === 'safety-rules') await s.acknowledgeSafetyRules({ rulesId: v.document.policyId, version: v.document.version });
        }
        expect(await s.getView()).toMatchObject({ kind: 'locked' });
        const teacher = slapd.users.teacher;
        // One letter full-width in each: the same entry to the directory, another string to the kiosk.
        const fullWidth = (name: string, i: number) => name.slice(0, i) + String.fromCharCode(name.charCodeAt(i) + 0xfee0) + name.slice(i + 1);
        const spellings = Array.from({ length: MAX_FAILED }, (_, i) => fullWidth(teacher.username, i));
        for (const username of spellings)
          expect(await s.teacherUnlock({ username, secret: 'not-the-password' })).toMatchObject({ reason: 'bad-credentials' });
        expect(await s.teacherUnlock({ username: teacher.username, secret: teacher.password })).toMatchObject({ ok: false, reason: 'rate-limited' });
        expect(await s.getView()).toMatchObject({ kind: 'locked' });
      } finally {
        await kiosk.close();
      }
    } finally {
      await tmp.cleanup();
      await slapd.stop();
    }
  });
});
