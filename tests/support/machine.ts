// A machine as the installers leave it, in a temp root-owned tree: root's config (0644) and roster
// (0600) in etc/aup-kiosk, the service's folders created by the service itself. The given test
// accounts are students (grade 7) in the roster, so their screens see the student's screens.
import { chmod, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';
import type { TestAccount } from '../../harness/os-accounts.ts';
import { Child } from './child.ts';
import { REPO } from './fixtures.ts';

const AUP = path.join(REPO, 'bin/aup.mjs');
const SCREEN_CLIENT = path.join(REPO, 'tests/integration/machine/screen-client.ts');

export interface MachineTree {
  root: string;
  etc: string;
  data: string;
  run: string;
  socket: string;
  sessions: string;
}

export async function machineTree(
  students: readonly TestAccount[],
  service: Record<string, unknown> = { screenGraceSeconds: 2 },
): Promise<MachineTree> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'aup-service-'));
  await chmod(root, 0o755);
  for (const d of ['etc', 'etc/aup-kiosk', 'run', 'var', 'var/lib']) await mkdir(path.join(root, d), { recursive: true, mode: 0o755 });
  const etc = path.join(root, 'etc/aup-kiosk');
  const roster = JSON.parse(await readFile(path.join(REPO, 'assets/demo/roster.json'), 'utf8'));
  for (const [i, a] of students.entries()) {
    roster.users.push({
      username: a.name,
      displayName: `Test Student ${i + 1}`,
      role: 'student',
      grade: 7,
      language: 'en',
      privileges: 'active',
      guardianDeniedInternet: false,
    });
  }
  await writeFile(path.join(etc, 'roster.json'), JSON.stringify(roster, null, 2), { mode: 0o600 });
  const config = JSON.parse(await readFile(path.join(REPO, 'assets/demo/config.json'), 'utf8'));
  delete config.$schema;
  // The service's own folders (root's, 0700), not the demo's development ones.
  delete config.ledger;
  delete config.state;
  config.service = service;
  await writeFile(path.join(etc, 'config.json'), JSON.stringify(config, null, 2), { mode: 0o644 });
  const run = path.join(root, 'run/aup-kiosk');
  return { root, etc, data: path.join(root, 'var/lib/aup-kiosk'), run, socket: path.join(run, 'service.sock'), sessions: path.join(run, 'sessions') };
}

// Driving the real service and real screens (tests/integration/machine/screen-client.ts, one per
// account, speaking the channel as the app does) from a test: each Child is pushed on `children`,
// which the test's afterEach kills.

/** `aup service run` on `tree` (the CLI of this checkout, as root). */
export function startService(tree: MachineTree, children: Child[], env: NodeJS.ProcessEnv = {}, args: string[] = []): Child {
  const service = new Child(AUP, ['service', 'run', '--root', tree.root, ...args], { NODE_OPTIONS: '', ...env });
  children.push(service);
  return service;
}

/** Waits until the service says it has started. */
export async function ready(service: Child): Promise<Child> {
  await service.waitForLog((l) => l.includes('machine service started'), 'the service to start');
  return service;
}

/** A kiosk screen of `account`'s session, run under that account's uid and gid. */
export function screenOf(tree: MachineTree, children: Child[], account: TestAccount, env: NodeJS.ProcessEnv = {}): Child {
  const c = new Child(SCREEN_CLIENT, [tree.socket, tree.sessions, account.name], env, account);
  children.push(c);
  return c;
}

/** The kind of the last view a screen printed. */
export const lastView = (c: Child) =>
  [...c.lines]
    .reverse()
    .map((l) => JSON.parse(l))
    .find((m) => m.view)?.view as string | undefined;

export const waitView = (c: Child, kind: string, what = kind) => c.waitForLines(() => lastView(c) === kind, `${what} on the screen`);

/** An intent through the screen's channel, and the service's answer. */
export async function call(c: Child, name: string, params?: unknown): Promise<unknown> {
  const from = c.lines.length;
  c.send(JSON.stringify({ call: name, params }));
  const line = await c.waitFor((l) => JSON.parse(l).call === name, `the answer to ${name}`, from);
  return JSON.parse(line).result;
}

/** The student's first login: the policy (typed name, grade 7), the safety rules, then the lock. */
export async function toTheLock(c: Child, displayName: string): Promise<void> {
  await waitView(c, 'policy');
  const view = await call(c, 'getView');
  const { policyId, version, sha256, language } = (view as { document: { policyId: string; version: string; sha256: string; language: string } })
    .document;
  expect(await call(c, 'acceptPolicy', { policyId, version, sha256, language, typedName: displayName })).toEqual({ ok: true });
  await waitView(c, 'safety-rules');
  const rules = (await call(c, 'getView')) as { document: { policyId: string; version: string } };
  expect(await call(c, 'acknowledgeSafetyRules', { rulesId: rules.document.policyId, version: rules.document.version })).toEqual({ ok: true });
  await waitView(c, 'locked');
}
