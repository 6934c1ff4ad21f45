// Which OS accounts get a kiosk session (red-team finding): only the district's own account domains
// (service.accountDomains), and local accounts only where the config allows them. Through the real
// service (`aup service run` as root) and a real screen under a real test account: Linux accounts have
// no domain, so the refusal of a local account stands for the refusal of any account the config does
// not trust (the domain cases are tests/unit/machine/account-user.test.ts, on the same function).
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readFile, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { canCreateAccounts, createTestAccounts, spawnAs, type TestAccount } from '../../../harness/os-accounts.ts';
import type { Child } from '../../support/child.ts';
import { machineTree, ready, screenOf, startService, waitView, type MachineTree } from '../../support/machine.ts';

let tree: MachineTree;
let accounts: TestAccount[];
let removeAccounts: () => Promise<void>;
const children: Child[] = [];
const sleepers: ChildProcess[] = [];

const gone = (p: ChildProcess) => p.exitCode !== null || p.signalCode !== null;
const statuses = (c: Child) => c.lines.map((l) => JSON.parse(l) as { status?: string; view?: string }).filter((m) => m.status || m.view);
/** Anything a screen showed but the cover: a connection, a session's view. */
const opened = (c: Child) => statuses(c).filter((m) => m.status === 'connected' || (m.view && m.view !== 'service-unavailable'));

async function ledgerText(): Promise<string> {
  const dir = path.join(tree.data, 'ledger');
  const files = (await readdir(dir).catch(() => [])).filter((f) => f.endsWith('.jsonl'));
  return (await Promise.all(files.map((f) => readFile(path.join(dir, f), 'utf8')))).join('');
}

describe.skipIf(!canCreateAccounts || process.platform !== 'linux')('account domains (root, real accounts, the real service)', () => {
  beforeAll(async () => {
    ({ accounts, remove: removeAccounts } = await createTestAccounts(1, 'auptdom'));
  });
  afterEach(async () => {
    for (const c of children.splice(0)) await c.kill().catch(() => undefined);
    for (const p of sleepers.splice(0)) if (!gone(p)) p.kill('SIGKILL');
    if (tree) await rm(tree.root, { recursive: true, force: true });
  });
  afterAll(async () => removeAccounts?.());

  it('a local account where the config allows none: its screen is refused, the service says which account and why, and its session is signed out', async () => {
    const [student] = accounts as [TestAccount];
    tree = await machineTree(accounts, { screenGraceSeconds: 2, localAccounts: false });
    const service = await ready(startService(tree, children));
    const session = spawnAs(student, 'sleep', ['1000']);
    sleepers.push(session);
    const screen = screenOf(tree, children, student);

    const said = await service.waitForLog((l) => l.includes('an OS account gets no kiosk session') && l.includes(student.name), 'the refusal logged');
    expect(said).toContain('a local account (no domain), and service.localAccounts does not allow local accounts');
    await screen.waitForLines(() => statuses(screen).some((m) => m.status === 'unavailable'), 'the screen refused');
    expect(opened(screen)).toEqual([]);

    // No screen can ever connect: the session is a locked one without screens, ended after the grace.
    await service.waitForLog((l) => l.includes('ended a locked session without kiosk screens') && l.includes(student.name), 'the session ended');
    await new Promise<void>((resolve) => (gone(session) ? resolve() : session.once('exit', () => resolve())));
    expect(await ledgerText()).toMatch(new RegExp(`"type":"session-ended"[^\\n]*"user":"${student.name}"`));
    // The app covers the screen with "the kiosk service is unavailable", and nothing else, all along.
    expect(statuses(screen).some((m) => m.view === 'service-unavailable')).toBe(true);
    expect(opened(screen)).toEqual([]);
  });

  it('the same account where the config allows local accounts beside its domains: its own session, as before', async () => {
    const [student] = accounts as [TestAccount];
    tree = await machineTree(accounts, { screenGraceSeconds: 2, accountDomains: ['LOCKHART', 'lockhart.org'], localAccounts: true });
    const service = await ready(startService(tree, children));
    const screen = screenOf(tree, children, student);
    await waitView(screen, 'policy');
    expect(service.stderr + service.lines.join('\n')).not.toContain('an OS account gets no kiosk session');
  });
});
