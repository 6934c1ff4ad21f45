// A machine as the installers leave it, in a temp root-owned tree: root's config (0644) and roster
// (0600) in etc/aup-kiosk, the service's folders created by the service itself. The given test
// accounts are students (grade 7) in the roster, so their screens see the student's screens.
import { chmod, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { TestAccount } from '../../harness/os-accounts.ts';
import { REPO } from './fixtures.ts';

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
